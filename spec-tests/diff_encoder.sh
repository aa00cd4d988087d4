#!/usr/bin/env bash
# Differential check of the text encoder against wasm-tools (via jco).
#
# For every text module of every script in the suite (core + threads), writes
# our source text and our bytes (wast_check --dump), encodes the same text with
# jco (npm @bytecodealliance/jco, which wraps wasm-tools' parser), and compares:
# identical bytes (custom sections dropped), else equal decoded modules, else a
# reported difference.
#
# Usage: spec-tests/diff_encoder.sh [BUILD_DIR]   (default build/text)
# Needs: node, and jco installed under $JCO_DIR (default BUILD_DIR/../npm;
#        `npm install --prefix "$JCO_DIR" @bytecodealliance/jco`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/text}
suite=${CASCADE_SPEC_TESTSUITE:-$root/../shared/spec-testsuite}
jco_dir=${JCO_DIR:-$build/../npm}
dump=$build/encoder-diff

if [ ! -d "$jco_dir/node_modules/@bytecodealliance/jco" ]; then
  npm install --prefix "$jco_dir" @bytecodealliance/jco >/dev/null
fi
ninja -C "$build" -j2 wast_check >/dev/null
rm -rf "$dump"
"$build/spec-tests/wast_check" --dump "$dump" "$suite/core" "$suite/proposals/threads" | tail -1
JCO_DIR=$jco_dir node "$root/spec-tests/jco_parse_all.mjs" "$dump"
for err in "$dump"/*.jco.err; do
  [ -e "$err" ] || continue
  echo "jco rejected ${err%.jco.err}.wat: $(head -c 160 "$err")"
done
"$build/spec-tests/wast_check" --compare-dir "$dump"
