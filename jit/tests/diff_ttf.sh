#!/usr/bin/env bash
# Differential testing of the JIT against the interpreter (issue 6, acceptance
# 2): N random valid modules from binaryen's `wasm-opt -ttf` (fixed seeds
# FIRST..FIRST+N-1, FIRST=1 unless set in the environment, input size growing with the seed, MVP features plus whatever wasm-opt
# enables by default), each run in both tiers by jit_diff, which compares
# results, traps, host calls and memory contents.
#
# usage: [FIRST=1] jit/tests/diff_ttf.sh JIT_DIFF_BINARY [N=200]
# Exit: 0 all agree, 1 a mismatch, 77 skipped (wasm-opt missing).
set -euo pipefail
diff_bin=${1:?usage: diff_ttf.sh JIT_DIFF_BINARY [N]}
n=${2:-200}
first=${FIRST:-1}
if ! command -v wasm-opt >/dev/null; then
  echo "SKIP: wasm-opt (Debian binaryen) is not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq "$first" $((first + n - 1))); do
  python3 -c "import random,sys; r=random.Random($i); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(200 + 40 * ($i % 50))))" >"$tmp/in"
  wasm-opt -ttf "$tmp/in" -o "$tmp/m$i.wasm" 2>/dev/null || rm -f "$tmp/m$i.wasm"
done
shopt -s nullglob
files=("$tmp"/m*.wasm)
echo "generated ${#files[@]} modules"
"$diff_bin" "${files[@]}"
