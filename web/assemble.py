#!/usr/bin/env python3
"""Assembles trainpack.html: the page template with its CSS, its script, the
worker (wasm-bindgen's no-modules glue + worker.js) and the wasm (base64)
inlined, and a Content-Security-Policy that allows exactly these inline
scripts by hash and no network connection.

usage: assemble.py GLUE_JS WASM VERSION OUT
"""
import base64
import hashlib
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def inline_safe(name: str, text: str, element: str = "script") -> str:
    # Text inside <script> (<style>) ends at the first "</script" ("</style");
    # in a script "<!--" switches the parser into an escaped state.
    lowered = text.lower()
    for bad in ("</" + element, "<!--"):
        if bad in lowered:
            sys.exit(f"assemble.py: {name} contains {bad!r}, which cannot be inlined")
    return text


def main() -> None:
    glue_path, wasm_path, version, out = sys.argv[1:5]
    glue = pathlib.Path(glue_path).read_text(encoding="utf-8")
    worker = inline_safe("worker", glue + "\n" + (HERE / "worker.js").read_text(encoding="utf-8"))
    script = inline_safe("page.js", (HERE / "page.js").read_text(encoding="utf-8"))
    style = inline_safe("page.css", (HERE / "page.css").read_text(encoding="utf-8"), "style")
    wasm = base64.b64encode(pathlib.Path(wasm_path).read_bytes()).decode("ascii")

    # default-src 'none' covers connect-src, img-src, font-src, frame-src…:
    # nothing is fetched. script-src: the page's one script by hash, and
    # wasm compilation ('wasm-unsafe-eval'; the worker inherits this policy).
    # worker-src blob: the worker is made from the inlined source. Styles
    # are inline ('unsafe-inline'): the core's HTML report, shown in a
    # sandboxed srcdoc frame that inherits this policy, carries its own
    # <style>; with every fetch forbidden, CSS cannot send anything out.
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {csp_hash(script)} 'wasm-unsafe-eval'",
            "worker-src blob:",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    page = (HERE / "page.html").read_text(encoding="utf-8")
    values = {"CSP": csp, "VERSION": version, "STYLE": style, "WORKER": worker, "SCRIPT": script}
    missing = [k for k in values if "{{" + k + "}}" not in page]
    if missing:
        sys.exit(f"assemble.py: page.html lacks {missing}")
    # One pass, so no inlined text is ever searched for placeholders.
    page = re.sub(r"\{\{([A-Z]+)\}\}", lambda m: values[m.group(1)], page)
    marker = '<script type="text/plain" id="worker-source">'
    page = page.replace(
        marker,
        f'<script type="application/octet-stream" id="wasm-base64">{wasm}</script>\n{marker}',
        1,
    )
    pathlib.Path(out).write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
