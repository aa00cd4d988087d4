// bench/v8_validate.js: times V8's WebAssembly.validate on each file given, on
// the main thread, after warm-up; prints one JSON line per file with the median
// wall time and the median process CPU time (user + system) per call:
//   {"file": ..., "bytes": N, "valid": true, "iterations": N, "ms": wall,
//    "cpu_ms": cpu, "mbps": MB per CPU second, "wall_mbps": MB per wall second}
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
  const times = [], cpus = [];
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  while (times.length < 5 || (process.hrtime.bigint() < deadline && times.length < 1000)) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    valid = WebAssembly.validate(bytes) && valid;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e3);
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = median(times), cpu_ms = median(cpus);
  console.log(JSON.stringify({
    file, bytes: bytes.length, valid, iterations: times.length, ms, cpu_ms,
    mbps: bytes.length / 1e6 / (cpu_ms / 1e3), wall_mbps: bytes.length / 1e6 / (ms / 1e3),
  }));
}
