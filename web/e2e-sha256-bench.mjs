#!/usr/bin/env node
// SHA-256 throughput of the wasm build of web/e2e-sha256-bench in V8 (node's
// engine is Chromium's):
//   cargo build --release --target wasm32-unknown-unknown --manifest-path web/e2e-sha256-bench/Cargo.toml
//   node web/e2e-sha256-bench.mjs WASM [MiB] [runs]
import fs from 'node:fs';

const [file, mib = '1024', runs = '3'] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(fs.readFileSync(file));
for (let i = 0; i < Number(runs); i++) {
  const started = performance.now();
  const byte = instance.exports.hash_bytes(BigInt(mib) << 20n, 1 << 20);
  const secs = (performance.now() - started) / 1000;
  console.log(`wasm sha2: ${mib} MiB in ${secs.toFixed(3)} s = ${(Number(mib) / secs).toFixed(0)} MiB/s (${byte})`);
}
