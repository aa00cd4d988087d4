// bench/v8_validate.js: times V8's WebAssembly.validate on each file given, on
// the main thread, after warm-up; prints one JSON line per file:
//   {"file": ..., "bytes": N, "valid": true, "iterations": N, "ms": median, "mbps": ...}
// Usage: node bench/v8_validate.js [--seconds=S] FILE.wasm...
'use strict';
const fs = require('fs');

let seconds = 2;
const files = [];
for (const a of process.argv.slice(2)) {
  if (a.startsWith('--seconds=')) seconds = Number(a.slice(10));
  else files.push(a);
}

for (const file of files) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  let valid = true;
  for (let i = 0; i < 3; i++) valid = WebAssembly.validate(bytes);  // warm-up
  const times = [];
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  while (times.length < 5 || (process.hrtime.bigint() < deadline && times.length < 1000)) {
    const t0 = process.hrtime.bigint();
    valid = WebAssembly.validate(bytes) && valid;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  console.log(JSON.stringify({
    file, bytes: bytes.length, valid, iterations: times.length, ms,
    mbps: bytes.length / 1e6 / (ms / 1e3),
  }));
}
