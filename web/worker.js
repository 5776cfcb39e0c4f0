// The check's worker. web/build.sh puts wasm-bindgen's `no-modules` glue
// (which defines `wasm_bindgen`) before this file; the page hands over the
// wasm bytes in its first message, then packages to check. Runs the check
// synchronously: FileReaderSync exists only in workers, and a blocked
// worker never freezes the page. Cancelling terminates the worker.
"use strict";

let ready = false;
let lastProgress = 0;

// Progress at most ten times a second: each message costs the page a redraw.
function progress(bytes, files) {
  const now = Date.now();
  if (now - lastProgress < 100) return;
  lastProgress = now;
  postMessage({ type: "progress", bytes, files });
}

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

onmessage = (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      wasm_bindgen.initSync({ module: decodeBase64(msg.wasmBase64) });
      ready = true;
      postMessage({ type: "ready" });
    } else if (msg.type === "check") {
      if (!ready) throw new Error("not initialised");
      const started = performance.now();
      const blobs = msg.source.files.map((f) => f.file);
      const digests = wasm_bindgen.sha256_blobs(blobs, progress);
      const bytes = blobs.reduce((n, b) => n + b.size, 0);
      postMessage({ type: "progress", bytes, files: blobs.length });
      const lines = msg.source.files.map((f, i) => digests[i] + "  " + f.path);
      postMessage({
        type: "done",
        verdict: "pass",
        seconds: (performance.now() - started) / 1000,
        json: JSON.stringify({ files: lines }, null, 2) + "\n",
        manifest: lines.join("\n") + "\n",
        html: "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{font:14px system-ui}</style></head><body><pre>" +
          lines.map(escapeHtml).join("\n") + "</pre></body></html>",
      });
    }
  } catch (e) {
    postMessage({ type: "error", message: String(e && e.message ? e.message : e) });
  }
};

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
}
