// The check's worker. web/build.sh puts wasm-bindgen's `no-modules` glue
// (which defines `wasm_bindgen`) before this file; the page hands over the
// wasm bytes in its first message, then packages to check. Runs the check
// synchronously: FileReaderSync exists only in workers, and a blocked
// worker never freezes the page. Cancelling terminates the worker.
"use strict";

let ready = false;
let checked = null; // the last check (a wasm Checked), rendered on demand
let lastProgress = 0;

// Progress at most ten times a second: each message costs the page a redraw.
function progress(bytes, files) {
  const now = Date.now();
  if (now - lastProgress < 100) return;
  lastProgress = now;
  postMessage({ type: "progress", bytes, files });
}

function begin(bytesTotal, filesTotal) {
  postMessage({ type: "begin", bytesTotal, filesTotal });
}

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// The result in one language: the JSON report, the core's HTML page, and
// the manifest (a zip's own SHA-256 is read only when asked for).
function rendered(lang) {
  return {
    type: "done",
    verdict: checked.verdict(),
    json: checked.json(lang),
    html: checked.html(lang),
  };
}

onmessage = (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      wasm_bindgen.initSync({ module: decodeBase64(msg.wasmBase64) });
      ready = true;
      postMessage({ type: "ready", profiles: wasm_bindgen.profiles() });
    } else if (msg.type === "check") {
      if (!ready) throw new Error("not initialised");
      const started = performance.now();
      const source = msg.source;
      const request = new wasm_bindgen.CheckRequest(source.kind, source.name, msg.lang, msg.today);
      for (const f of source.files) request.add(f.path, f.file);
      if (msg.profile) request.profile(msg.profile);
      if (msg.policyText != null) request.policy(msg.policyName || "policy.toml", msg.policyText);
      if (checked) checked.free();
      checked = null;
      checked = wasm_bindgen.check(request, begin, progress);
      const seconds = (performance.now() - started) / 1000;
      postMessage(Object.assign(rendered(msg.lang), { seconds, exitCode: checked.exit_code() }));
    } else if (msg.type === "render") {
      postMessage(Object.assign(rendered(msg.lang), { type: "rendered" }));
    } else if (msg.type === "manifest") {
      postMessage({ type: "manifest", manifest: checked.manifest(msg.created) });
    }
  } catch (e) {
    postMessage({ type: "error", message: String(e && e.message ? e.message : e) });
  }
};
