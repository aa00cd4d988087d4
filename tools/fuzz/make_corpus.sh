#!/usr/bin/env bash
# tools/fuzz/make_corpus.sh: regenerates the committed seed corpus
# tools/fuzz/corpus/decode_validate/ from our own sources: the .wat files in
# tools/fuzz/seeds/ (wabt's wat2wasm), hand-assembled GC modules (gc_seeds.py)
# and random valid modules from binaryen's `wasm-opt -ttf` with fixed seeds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/corpus/decode_validate"
mkdir -p "$out"
for wat in "$here"/seeds/*.wat; do
  wat2wasm --enable-exceptions --enable-threads --enable-tail-call --enable-memory64 --enable-multi-memory --enable-extended-const --enable-relaxed-simd --debug-names "$wat" -o "$out/$(basename "${wat%.wat}").wasm"
done
python3 "$here/gc_seeds.py" "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
features=(--enable-simd --enable-bulk-memory --enable-reference-types --enable-multivalue
          --enable-tail-call --enable-sign-ext --enable-nontrapping-float-to-int
          --enable-mutable-globals --enable-exception-handling)
for i in $(seq 1 16); do
  python3 -c "import random,sys; r=random.Random($i); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(400 * $i)))" >"$tmp/in"
  if ((i % 2)); then feat=("${features[@]}"); else feat=(); fi
  wasm-opt -ttf "$tmp/in" "${feat[@]}" -o "$out/ttf_$i.wasm" 2>/dev/null
done
ls "$out" | wc -l
