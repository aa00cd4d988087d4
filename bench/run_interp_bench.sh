#!/usr/bin/env bash
# Interpreter speed (issue 4, acceptance 2): compiles bench/programs/*.c with
# clang --target=wasm32 (freestanding, exported `bench` entry point, no WASI),
# then times each on Cascade's interpreter (interp_bench) and on wabt's
# wasm-interp, printing per-program times, ratios and the geometric mean.
# wasm3 / WAMR columns appear when WASM3=/path/to/wasm3 or IWASM=/path/to/iwasm
# are set (built locally from fetched copies, never committed).
#
# usage: bench/run_interp_bench.sh [BUILD_DIR]   (default: build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
bench_bin=$build/bench/interp_bench
[[ -x $bench_bin ]] || { echo "missing $bench_bin (ninja -C $build interp_bench)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

printf '%-12s %10s %12s %8s' program cascade_s wasm-interp_s ratio
[[ -n ${WASM3:-} ]] && printf ' %10s %8s' wasm3_s ratio
[[ -n ${IWASM:-} ]] && printf ' %10s %8s' iwasm_s ratio
echo
log_sum=0; log_sum3=0; log_sumw=0; n=0
for src in "$root"/bench/programs/*.c; do
  p=$(basename "$src" .c)
  clang --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
    -o "$out/$p.wasm" "$src"
  t0=$(now); r1=$("$bench_bin" "$out/$p.wasm" bench); t1=$(now)
  tc=$(elapsed "$t0" "$t1")
  t0=$(now); r2=$(wasm-interp "$out/$p.wasm" --run-all-exports); t1=$(now)
  tw=$(elapsed "$t0" "$t1")
  v1=${r1#result=}; v1=${v1%% *}; v2=${r2##*i32:}
  [[ $(( v1 & 0xFFFFFFFF )) == $(( v2 & 0xFFFFFFFF )) ]] || echo "  MISMATCH $p: $r1 vs $r2" >&2
  ratio=$(echo "$tw / $tc" | bc -l)
  log_sum=$(echo "$log_sum + l($ratio)" | bc -l)
  printf '%-12s %10.3f %12.3f %8.1f' "$p" "$tc" "$tw" "$ratio"
  if [[ -n ${WASM3:-} ]]; then
    t0=$(now); "$WASM3" --func bench "$out/$p.wasm" >/dev/null; t1=$(now)
    t3=$(elapsed "$t0" "$t1"); r3=$(echo "$t3 / $tc" | bc -l)
    log_sum3=$(echo "$log_sum3 + l($r3)" | bc -l); printf ' %10.3f %8.2f' "$t3" "$r3"
  fi
  if [[ -n ${IWASM:-} ]]; then
    t0=$(now); "$IWASM" -f bench "$out/$p.wasm" >/dev/null; t1=$(now)
    tw2=$(elapsed "$t0" "$t1"); r4=$(echo "$tw2 / $tc" | bc -l)
    log_sumw=$(echo "$log_sumw + l($r4)" | bc -l); printf ' %10.3f %8.2f' "$tw2" "$r4"
  fi
  echo
  n=$((n + 1))
done
printf 'geomean speedup vs wasm-interp: %.1fx\n' "$(echo "e($log_sum / $n)" | bc -l)"
[[ -n ${WASM3:-} ]] && printf 'geomean speedup vs wasm3: %.2fx\n' "$(echo "e($log_sum3 / $n)" | bc -l)"
[[ -n ${IWASM:-} ]] && printf 'geomean speedup vs iwasm: %.2fx\n' "$(echo "e($log_sumw / $n)" | bc -l)"
exit 0
