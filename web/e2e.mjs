#!/usr/bin/env node
// web/e2e.mjs: drive trainpack.html in headless Chromium (Debian's
// `chromium`, through playwright-core: no browser download) the way a
// provider does, and keep what the page gives back.
//
//   node web/e2e.mjs --page PAGE --out DIR [--chromium PATH] [--timeout SECONDS]
//                    [--fragment '#leak=worker'] JOB...
//   JOB: folder=PATH (chosen through the folder input, webkitdirectory)
//      | zip=PATH    (chosen through the zip input)
//
// Each job runs in a fresh tab: open PAGE from file://, choose the input,
// wait for <body data-state> to leave `running` (done, error or cancelled),
// click the JSON download and save it as DIR/<job index>.json. DIR/summary.json
// then says, per job, the state, the seconds from choosing to done, the
// renderer's peak memory, and, for the whole run, every URL the browser
// requested. Exit 0 when every job is done and no URL leaves the machine;
// 1 otherwise (tests/web_e2e.rs reads summary.json either way).
//
// Two independent watches for network use, since the page's own claim is
// what is under test:
// - the DevTools protocol's request events of the browser context, pages and
//   their workers included: only file:, blob: and data: URLs are allowed;
// - the browser's only route out is a proxy of ours that answers nothing and
//   writes down whatever tried to get through it. Debian's Chromium calls
//   its update and sign-in services on its own, with or without a page, and
//   no switch stops all of it: those hosts (BROWSER_HOUSEKEEPING) are listed
//   apart, not counted against the page; a page's request to them would
//   still show in the first watch.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The page's hooks, as web/README.md documents them.
export const UI = {
  folderInput: '#folder-input',
  zipInput: '#zip-input',
  downloadJson: '#download-json',
};
const LOCAL_SCHEMES = new Set(['file:', 'blob:', 'data:', 'about:']);
const BROWSER_HOUSEKEEPING = /^(CONNECT |[A-Z]+ http:\/\/)(update\.googleapis\.com|accounts\.google\.com|clients2\.google\.com)[:/]/;

function parseArgs(argv) {
  const opts = { chromium: '/usr/bin/chromium', timeout: 300, fragment: '', jobs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--page') opts.page = path.resolve(value());
    else if (arg === '--out') opts.out = path.resolve(value());
    else if (arg === '--chromium') opts.chromium = value();
    else if (arg === '--timeout') opts.timeout = Number(value());
    else if (arg === '--fragment') opts.fragment = value();
    else {
      const m = /^(folder|zip)=(.+)$/.exec(arg);
      if (!m) throw new Error(`not an option nor a job (folder=PATH, zip=PATH): ${arg}`);
      opts.jobs.push({ kind: m[1], path: path.resolve(m[2]) });
    }
  }
  if (!opts.page || !opts.out || opts.jobs.length === 0) {
    throw new Error('usage: e2e.mjs --page PAGE --out DIR [--chromium PATH] [--timeout S] JOB...');
  }
  return opts;
}

// A proxy that lets nothing through and remembers the first line of each
// connection (`CONNECT host:443 HTTP/1.1`, `GET http://host/ HTTP/1.1`).
async function startTrap() {
  const attempts = [];
  const server = net.createServer(socket => {
    socket.once('data', chunk => {
      attempts.push(chunk.toString('latin1').split('\r\n')[0]);
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    });
    socket.on('error', () => {});
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return { attempts, port: server.address().port, close: () => server.close() };
}

// Peak and current resident memory (KiB) of the browser's renderer
// processes, from /proc, and their CPU seconds since they started; the
// page's Web Worker runs inside its renderer.
async function rendererMemory(cdp) {
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  let peakKiB = 0;
  let rssKiB = 0;
  let cpuSeconds = 0;
  for (const p of processInfo.filter(p => p.type === 'renderer')) {
    cpuSeconds += p.cpuTime;
    let status;
    try {
      status = fs.readFileSync(`/proc/${p.id}/status`, 'utf8');
    } catch {
      continue; // gone, or not a Linux /proc
    }
    const field = name => Number((new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status) || [])[1] || 0);
    peakKiB = Math.max(peakKiB, field('VmHWM'));
    rssKiB = Math.max(rssKiB, field('VmRSS'));
  }
  return { peakKiB, rssKiB, cpuSeconds };
}

async function runJob(context, cdp, opts, job, index) {
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', m => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', e => consoleLines.push(`pageerror: ${e.message}`));
  const result = { ...job, index, state: null, seconds: null, report: null, console: consoleLines };
  try {
    await page.goto(pathToFileURL(opts.page).href + opts.fragment);
    const input = job.kind === 'folder' ? UI.folderInput : UI.zipInput;
    const started = performance.now();
    await page.setInputFiles(input, job.path);
    // Sample the renderer's memory while the check runs (VmHWM is the
    // peak anyway; the samples show how it grew).
    let sampling = true;
    const samples = [];
    const sampler = (async () => {
      while (sampling) {
        samples.push((await rendererMemory(cdp)).rssKiB);
        await new Promise(r => setTimeout(r, 500));
      }
    })();
    try {
      await page.waitForFunction(
        () => ['done', 'error', 'cancelled'].includes(document.body.dataset.state),
        null,
        { timeout: opts.timeout * 1000, polling: 50 },
      );
    } finally {
      sampling = false;
      await sampler;
    }
    result.seconds = (performance.now() - started) / 1000;
    result.state = await page.evaluate(() => document.body.dataset.state);
    const memory = await rendererMemory(cdp);
    result.rendererPeakKiB = memory.peakKiB;
    result.rendererCpuSeconds = memory.cpuSeconds;
    result.rendererRssSamplesKiB = samples;
    if (result.state === 'done') {
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 30000 }),
        page.click(UI.downloadJson),
      ]);
      result.report = path.join(opts.out, `${index}.json`);
      result.suggestedFilename = download.suggestedFilename();
      await download.saveAs(result.report);
    } else {
      result.pageText = (await page.evaluate(() => document.body.innerText)).slice(0, 4000);
    }
  } catch (e) {
    result.error = String(e && e.stack || e);
    try {
      result.state = await page.evaluate(() => document.body.dataset.state);
      result.pageText = (await page.evaluate(() => document.body.innerText)).slice(0, 4000);
    } catch {}
  } finally {
    await page.close();
  }
  return result;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(opts.out, { recursive: true });
  const trap = await startTrap();
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    // No sandbox: CI runs as root, where Chromium refuses its sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync', '--disable-background-networking'],
    proxy: { server: `http://127.0.0.1:${trap.port}`, bypass: '<-loopback>' },
  });
  const requests = [];
  const summary = { page: opts.page, browser: browser.version(), jobs: [], requests };
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    context.on('request', r => requests.push(r.url()));
    const cdp = await browser.newBrowserCDPSession();
    for (const [index, job] of opts.jobs.entries()) {
      const result = await runJob(context, cdp, opts, job, index);
      summary.jobs.push(result);
      process.stderr.write(`${job.kind} ${job.path}: ${result.state} in ${result.seconds?.toFixed(2)} s\n`);
    }
    await context.close();
  } finally {
    await browser.close();
    trap.close();
  }
  summary.offending = [
    ...requests.filter(u => !LOCAL_SCHEMES.has(new URL(u).protocol)),
    ...trap.attempts.filter(a => !BROWSER_HOUSEKEEPING.test(a)).map(a => `proxy: ${a}`),
  ];
  summary.browserHousekeeping = trap.attempts.filter(a => BROWSER_HOUSEKEEPING.test(a));
  fs.writeFileSync(path.join(opts.out, 'summary.json'), JSON.stringify(summary, null, 2));
  const ok = summary.offending.length === 0 && summary.jobs.every(j => j.state === 'done' && j.report);
  process.exit(ok ? 0 : 1);
}

main().catch(e => {
  process.stderr.write(`e2e.mjs: ${e && e.stack || e}\n`);
  process.exit(2);
});
