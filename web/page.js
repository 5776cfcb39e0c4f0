// The page's own script: choosing a package, the worker, progress, cancel,
// the result and the two languages. The check itself runs in the worker
// (worker.js), never on this thread.
"use strict";

const TEXT = {
  en: {
    title: "trainpack: check a training package",
    lead: "Checks a package on this computer. Nothing is uploaded: this page makes no network connections.",
    choose: "Choose the package",
    drop: "Drop the package folder or its .zip here (or press Enter to choose a folder)",
    pickFolder: "Choose a folder…",
    pickZip: "Choose a .zip…",
    options: "Policy options",
    profile: "Policy profile",
    profileDefault: "default",
    policyFile: "Policy file (.toml)",
    checking: "Checking",
    cancel: "Cancel",
    result: "Result",
    downloadJson: "Download the JSON report",
    downloadManifest: "Download the manifest",
    downloadHtml: "Download the HTML report",
    again: "Check another package",
    errorHeading: "Could not check the package",
    pass: "PASS",
    fail: "FAIL",
    cancelled: "Cancelled.",
    progress: (b, bt, f, ft) => `${bytes(b)} of ${bytes(bt)} read, ${f} of ${ft} files`,
    progressZip: (b, bt, ft) => `${bytes(b)} of ${bytes(bt)} read (${ft} entries in the zip)`,
    seconds: (s, rate) => `in ${s.toFixed(1)} s (${rate} MB/s)`,
    notPackage: "Drop one folder or one .zip file.",
    emptyFolder: "The folder holds no files.",
    reportTitle: "Report",
    switchTo: "中文",
    switchLang: "zh-CN",
  },
  zh: {
    title: "trainpack：检查数字化培训包",
    lead: "在本机检查培训包。不上传任何内容：本页面不建立任何网络连接。",
    choose: "选择培训包",
    drop: "把培训包文件夹或其 .zip 拖到这里（或按回车键选择文件夹）",
    pickFolder: "选择文件夹…",
    pickZip: "选择 .zip 文件…",
    options: "政策选项",
    profile: "政策配置",
    profileDefault: "默认",
    policyFile: "政策文件（.toml）",
    checking: "正在检查",
    cancel: "取消",
    result: "结果",
    downloadJson: "下载 JSON 报告",
    downloadManifest: "下载清单",
    downloadHtml: "下载 HTML 报告",
    again: "检查另一个培训包",
    errorHeading: "无法检查该培训包",
    pass: "通过",
    fail: "不通过",
    cancelled: "已取消。",
    progress: (b, bt, f, ft) => `已读取 ${bytes(b)}／${bytes(bt)}，文件 ${f}／${ft} 个`,
    progressZip: (b, bt, ft) => `已读取 ${bytes(b)}／${bytes(bt)}（压缩包内 ${ft} 项）`,
    seconds: (s, rate) => `用时 ${s.toFixed(1)} 秒（${rate} MB/秒）`,
    notPackage: "请拖入一个文件夹或一个 .zip 文件。",
    emptyFolder: "该文件夹中没有文件。",
    reportTitle: "报告",
    switchTo: "English",
    switchLang: "en",
  },
};

const $ = (id) => document.getElementById(id);
let lang = (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
let worker = null;
let workerReady = null;
let current = null; // { name, bytesTotal, filesTotal, source }
let result = null; // the worker's "done" message
let policyText = null; // the chosen policy file's text
let policyName = null; // and its name (.json or TOML)
const downloadUrls = [];

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
}

function setState(state) {
  document.body.dataset.state = state;
}

function applyLanguage() {
  const t = TEXT[lang];
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t[el.dataset.i18n];
  }
  const sw = $("lang-switch");
  sw.textContent = t.switchTo;
  sw.lang = t.switchLang;
  $("report-frame").title = t.reportTitle;
  const option = $("profile").options[0];
  if (option.dataset.profile) option.textContent = t.profileDefault + " (" + option.dataset.profile + ")";
  // The report is rendered by the core in one language: ask for the other.
  if (result && worker && document.body.dataset.state === "done") worker.postMessage({ type: "render", lang });
  if (current && document.body.dataset.state === "running") showProgress(current.lastBytes || 0, current.lastFiles || 0);
}

// One worker at a time; a cancelled check takes its worker with it.
function startWorker() {
  const source = $("worker-source").textContent;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  worker = new Worker(url);
  URL.revokeObjectURL(url);
  workerReady = new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      if (e.data.type !== "ready") return reject(new Error(e.data.message));
      showProfiles(e.data.profiles);
      resolve();
    };
    worker.onerror = (e) => reject(new Error(e.message || "worker failed"));
  });
  workerReady.catch(() => {}); // awaited (and reported) by check()
  worker.postMessage({ type: "init", wasmBase64: $("wasm-base64").textContent.trim() });
}

// The built-in policy profiles, the default first (its option says so).
function showProfiles(names) {
  const select = $("profile");
  if (select.options.length > 1) return;
  for (const name of names.slice(1)) {
    const option = document.createElement("option");
    option.value = option.textContent = name;
    select.append(option);
  }
  select.options[0].dataset.profile = names[0];
  applyLanguage();
}

async function check(source) {
  if (document.body.dataset.state === "running") return;
  if (!source.files.length && source.kind === "folder") return fail(TEXT[lang].emptyFolder);
  clearResult();
  current = {
    name: source.name,
    bytesTotal: source.files.reduce((n, f) => n + f.file.size, 0),
    filesTotal: source.files.length,
  };
  setState("running");
  $("package-name").textContent = source.name;
  showProgress(0, source.kind === "zip" ? null : 0);
  $("cancel").focus();
  try {
    if (!worker) startWorker();
    await workerReady;
  } catch (e) {
    worker = null;
    return fail(e.message);
  }
  worker.onmessage = (e) => {
    const msg = e.data;
    if (msg.type === "progress") showProgress(msg.bytes, msg.files);
    else if (msg.type === "begin") {
      current.bytesTotal = msg.bytesTotal;
      current.filesTotal = msg.filesTotal;
    } else if (msg.type === "done") done(msg);
    else if (msg.type === "rendered") { result = Object.assign(result, msg); showResult(result); }
    else if (msg.type === "manifest") saveManifest(msg.manifest);
    else if (msg.type === "error") fail(msg.message);
  };
  worker.onerror = (e) => { e.preventDefault(); worker = null; fail(e.message || "worker failed"); };
  worker.postMessage({
    type: "check",
    lang,
    profile: $("profile").value,
    policyText,
    policyName,
    today: today(),
    source,
  });
}

// The day deadlines are measured from: the computer's local date, or
// ?today=YYYY-MM-DD in the page's address (as TRAINPACK_TODAY for the CLI).
function today() {
  const pinned = new URLSearchParams(location.search).get("today");
  if (pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned)) return pinned;
  const d = new Date();
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

function showProgress(b, f) {
  current.lastBytes = b;
  current.lastFiles = f;
  const bar = $("progress");
  bar.max = Math.max(current.bytesTotal, 1);
  bar.value = Math.min(b, bar.max);
  // A zip's entries are read from one file: no count of files done.
  $("progress-text").textContent = f == null
    ? TEXT[lang].progressZip(b, current.bytesTotal, current.filesTotal)
    : TEXT[lang].progress(b, current.bytesTotal, f, current.filesTotal);
}

function done(msg) {
  result = msg;
  setState("done");
  showResult(msg);
  $("verdict").focus();
}

function showResult(msg) {
  const t = TEXT[lang];
  const v = $("verdict");
  v.textContent = t[msg.verdict];
  v.dataset.verdict = msg.verdict;
  v.className = "badge " + msg.verdict;
  v.tabIndex = -1;
  const mb = current.bytesTotal / 1e6 / Math.max(msg.seconds, 1e-3);
  $("verdict-detail").textContent = current.name + " — " + t.seconds(msg.seconds, mb.toFixed(0));
  offer("download-json", msg.json, "application/json", baseName() + ".report.json");
  offer("download-html", msg.html, "text/html", baseName() + ".report.html");
  const frame = $("report-frame");
  frame.onload = () => {
    const doc = frame.contentDocument;
    if (doc && doc.documentElement) frame.style.height = doc.documentElement.scrollHeight + 24 + "px";
  };
  frame.srcdoc = msg.html;
}

// The manifest is made when asked for: for a zip it holds the zip's own
// SHA-256, one more read of the whole file.
function askManifest() {
  if (!result || !worker) return;
  $("download-manifest").disabled = true;
  worker.postMessage({ type: "manifest", created: new Date().toISOString().replace(/\.\d+Z$/, "Z") });
}

function saveManifest(text) {
  $("download-manifest").disabled = false;
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  downloadUrls.push(url);
  const a = document.createElement("a");
  a.href = url;
  a.download = baseName() + ".manifest.json";
  document.body.append(a);
  a.click();
  a.remove();
}

// Download names: the package's name, less ".zip".
function baseName() {
  return current.name.replace(/\.zip$/i, "") || "package";
}

function offer(id, text, type, name) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloadUrls.push(url);
  const a = $(id);
  a.href = url;
  a.download = name;
}

function clearResult() {
  result = null;
  for (const url of downloadUrls.splice(0)) URL.revokeObjectURL(url);
  for (const id of ["download-json", "download-html"]) $(id).removeAttribute("href");
  $("report-frame").removeAttribute("srcdoc");
  $("error").textContent = "";
}

function fail(message) {
  setState("error");
  $("error").textContent = message;
  $("error-again").focus();
}

function cancel() {
  if (document.body.dataset.state !== "running") return;
  if (worker) worker.terminate();
  worker = null;
  setState("cancelled");
  $("progress-text").textContent = TEXT[lang].cancelled;
  $("drop-zone").focus();
}

function reset() {
  clearResult();
  setState("idle");
  $("drop-zone").focus();
}

// A chosen folder: webkitRelativePath is "<folder>/<path inside>".
function fromFolderInput(fileList) {
  const files = Array.from(fileList);
  const name = files.length ? files[0].webkitRelativePath.split("/")[0] : "";
  return {
    kind: "folder",
    name,
    files: files.map((file) => ({ path: file.webkitRelativePath.split("/").slice(1).join("/"), file })),
  };
}

function fromZip(file) {
  return { kind: "zip", name: file.name, files: [{ path: file.name, file }] };
}

// A dropped folder, walked through the directory entries API. readEntries
// returns at most 100 entries a call: call until it returns none.
async function fromDirectoryEntry(dir) {
  const files = [];
  async function walk(entry, prefix) {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      files.push({ path: prefix + entry.name, file });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const child of batch) await walk(child, prefix + entry.name + "/");
      }
    }
  }
  const reader = dir.createReader();
  for (;;) {
    const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
    if (!batch.length) break;
    for (const child of batch) await walk(child, "");
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { kind: "folder", name: dir.name, files };
}

async function onDrop(event) {
  event.preventDefault();
  $("drop-zone").classList.remove("over");
  const items = Array.from(event.dataTransfer.items || []).filter((i) => i.kind === "file");
  const entries = items.map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  const files = event.dataTransfer.files;
  try {
    if (entries.length === 1 && entries[0].isDirectory) return check(await fromDirectoryEntry(entries[0]));
    // A file dropped (entries are missing for drops a script makes).
    if (files.length === 1 && /\.zip$/i.test(files[0].name)) return check(fromZip(files[0]));
  } catch (e) {
    return fail(String(e && e.message ? e.message : e));
  }
  fail(TEXT[lang].notPackage);
}

function init() {
  applyLanguage();
  $("lang-switch").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; applyLanguage(); });
  $("folder-input").addEventListener("change", (e) => { if (e.target.files.length) check(fromFolderInput(e.target.files)); e.target.value = ""; });
  $("zip-input").addEventListener("change", (e) => { if (e.target.files.length) check(fromZip(e.target.files[0])); e.target.value = ""; });
  $("policy-input").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    $("policy-name").textContent = file ? file.name : "";
    policyText = file ? await file.text() : null;
    policyName = file ? file.name : null;
  });
  $("cancel").addEventListener("click", cancel);
  $("download-manifest").addEventListener("click", askManifest);
  $("again").addEventListener("click", reset);
  $("error-again").addEventListener("click", reset);
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", onDrop);
  zone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("folder-input").click(); } });
  zone.addEventListener("click", () => $("folder-input").click());
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") cancel(); });
  // A drop outside the zone must not navigate away from the page.
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => { if (!zone.contains(e.target)) onDrop(e); });
  startWorker();
}

init();
