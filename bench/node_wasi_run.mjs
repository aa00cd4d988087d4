// node_wasi_run.mjs: runs a WASI command module (wasi_snapshot_preview1
// `_start`) in node through node:wasi, for bench/startup.sh's node column:
//   node bench/node_wasi_run.mjs FILE.wasm [args...]
// argv[0] of the program is FILE.wasm's name; no directories are preopened and
// the environment is empty. The process exits with the program's exit status.
// Invariant: compile + instantiate + _start only; nothing is timed here.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { basename } from 'node:path';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node node_wasi_run.mjs FILE.wasm [args...]');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [basename(file), ...args], env: {},
                        returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
