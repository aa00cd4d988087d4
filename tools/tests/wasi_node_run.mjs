// tools/tests/wasi_node_run.mjs: runs a WASI preview1 command module under
// node's `node:wasi`, with cascade run's flags, as the reference the yosys
// acceptance test compares `cascade run` against.
//
//   node wasi_node_run.mjs [--dir HOST::GUEST]... [--argv0 NAME] MODULE [ARGS]...
//
// Exits with the guest's exit status. No environment variables are passed
// (like `cascade run` without --env).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { basename } from 'node:path';

const argv = process.argv.slice(2);
const preopens = {};
let argv0 = null;
let i = 0;
for (; i < argv.length; ++i) {
  if (argv[i] === '--dir') {
    const spec = argv[++i];
    const sep = spec.indexOf('::');
    const host = sep < 0 ? spec : spec.slice(0, sep);
    const guest = sep < 0 ? spec : spec.slice(sep + 2);
    preopens[guest] = host;
  } else if (argv[i] === '--argv0') {
    argv0 = argv[++i];
  } else if (argv[i] === '--') {
    ++i;
    break;
  } else {
    break;
  }
}
const modulePath = argv[i];
const args = [argv0 ?? basename(modulePath), ...argv.slice(i + 1)];
const wasi = new WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(modulePath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const status = wasi.start(instance);
process.exitCode = status;
