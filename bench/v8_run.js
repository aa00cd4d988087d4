// v8_run.js: runs the `bench` export of a freestanding bench/programs module in
// node (V8) and prints its result and timings in interp_bench's shape, for
// bench/run_jit_bench.sh. The tier is chosen by node's own flags:
//   node --liftoff --no-wasm-tier-up --no-wasm-dynamic-tiering bench/v8_run.js FILE.wasm
//                                              (baseline only: in node 20 the first two
//                                              flags alone still tier up dynamically)
//   node bench/v8_run.js FILE.wasm             (default: Liftoff, TurboFan when hot)
//
//   -> "result=<u32> time_ms=<best warm call, wall> cpu_ms=<best warm call, process
//       CPU> first_ms=<first call, wall> compile_ms=<t>"
//
// Invariants: only the calls are timed (process.hrtime for wall; process.cpuUsage,
// all threads, for CPU: after the warm-up call no compile work is left); compile_ms is
// `new WebAssembly.Module` alone (with lazy compilation, code is compiled on a
// function's first call, which lands in first_ms). The first call is a warm-up
// and is reported separately; time_ms / cpu_ms are the best of the next CALLS calls
// (env, default 2), so dynamic tier-up has had one full run to finish. Every
// call must return the same value (exit 1 otherwise). The module imports
// nothing.
//
//   node bench/v8_run.js --compile FILE.wasm
//     -> "compile_cpu_ms=<t> compile_wall_ms=<t> bytes=<n>": `new WebAssembly.Module`
//        timed by process.cpuUsage (all of node's threads: V8 compiles on
//        background threads too) and by the wall clock.
'use strict';
const fs = require('fs');

function cpuMs(u) { return (u.user + u.system) / 1000; }
function nowMs() { return Number(process.hrtime.bigint()) / 1e6; }

const args = process.argv.slice(2);
if (args[0] === '--compile') {
  const bytes = fs.readFileSync(args[1]);
  const c0 = process.cpuUsage(), w0 = nowMs();
  new WebAssembly.Module(bytes);
  const w1 = nowMs(), c1 = process.cpuUsage(c0);
  console.log(`compile_cpu_ms=${cpuMs(c1).toFixed(1)} compile_wall_ms=${(w1 - w0).toFixed(1)} ` +
              `bytes=${bytes.length}`);
  process.exit(0);
}
if (args.length !== 1) {
  console.error('usage: node [V8 flags] v8_run.js FILE.wasm | v8_run.js --compile FILE.wasm');
  process.exit(2);
}
const bytes = fs.readFileSync(args[0]);
const t0 = nowMs();
const mod = new WebAssembly.Module(bytes);
const compileMs = nowMs() - t0;
const bench = new WebAssembly.Instance(mod, {}).exports.bench;
let s = nowMs();
const first = bench() >>> 0;
const firstMs = nowMs() - s;
let best = Infinity, bestCpu = Infinity;
const calls = Number(process.env.CALLS || 2);
for (let i = 0; i < calls; i++) {
  const c = process.cpuUsage();
  s = nowMs();
  const r = bench() >>> 0;
  best = Math.min(best, nowMs() - s);
  bestCpu = Math.min(bestCpu, cpuMs(process.cpuUsage(c)));
  if (r !== first) {
    console.error(`call ${i + 2} returned ${r}, the first call ${first}`);
    process.exit(1);
  }
}
console.log(`result=${first} time_ms=${best.toFixed(1)} cpu_ms=${bestCpu.toFixed(1)} ` +
            `first_ms=${firstMs.toFixed(1)} compile_ms=${compileMs.toFixed(1)}`);
