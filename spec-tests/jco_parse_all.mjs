// Encodes every DIR/*.wat with jco (wasm-tools' text parser compiled to JS) into
// DIR/*.jco.wasm, in one node process. Files jco rejects get DIR/*.jco.err.
// Usage: node jco_parse_all.mjs DIR   (run with NODE_PATH pointing at a
// node_modules that has @bytecodealliance/jco; see diff_encoder.sh)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(join(resolve(process.env.JCO_DIR ?? process.cwd()), 'x.js'));
const jcoPath = require.resolve('@bytecodealliance/jco');
const { parse } = await import(jcoPath);

const dir = process.argv[2];
let ok = 0, failed = 0;
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith('.wat')) continue;
  const base = join(dir, name.slice(0, -4));
  try {
    const bytes = await parse(readFileSync(join(dir, name), 'utf8'));
    writeFileSync(base + '.jco.wasm', bytes);
    ok++;
  } catch (e) {
    writeFileSync(base + '.jco.err', String(e && e.message ? e.message : e));
    failed++;
  }
}
console.log(`jco: ${ok} encoded, ${failed} rejected`);
