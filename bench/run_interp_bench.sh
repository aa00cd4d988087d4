#!/usr/bin/env bash
# Interpreter speed against peer interpreters (issue 4, acceptance 2), side by
# side in one run. Compiles bench/programs/*.c with clang --target=wasm32
# (freestanding, exported `bench` entry point, no WASI), runs each on Cascade's
# interpreter (interp_bench), wasm3, WAMR's iwasm (fast interpreter) and wabt's
# wasm-interp, checks that every engine returns the same i32 as Cascade (prints
# MISMATCH and exits 1 otherwise), and prints a Markdown table of times and of
# "peer time / Cascade time" per program plus their geometric mean (> 1 means
# Cascade is faster).
#
# Measurement: user+system CPU seconds of the whole process (robust to other
# jobs on a shared machine), minimum over REPS runs. Each engine's start-up
# (process start, decode, instantiate, one call of an empty `bench`) is measured
# on a one-function module, printed on its own line and subtracted from that
# engine's times before the ratios are taken; the programs are sized to run
# ~0.5 s on Cascade so the correction is small either way.
#
# Peers are built outside the repository (never committed; see bench/RESULTS.md
# for how): found through WASM3=/path/to/wasm3 and IWASM=/path/to/iwasm, else
# on PATH; a peer that is missing gets no column and a note on stderr.
#
# usage: bench/run_interp_bench.sh [BUILD_DIR]     (default: build/release)
#   env: REPS (default 3), WABT_REPS (default 1; wasm-interp is ~15x slower),
#        SKIP_WABT=1 (no wasm-interp column), PROGRAMS="fib sort" (a subset)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
bench_bin=$build/bench/interp_bench
[[ -x $bench_bin ]] || { echo "missing $bench_bin (ninja -C $build interp_bench)" >&2; exit 2; }
command -v clang >/dev/null || { echo "clang is needed to compile bench/programs" >&2; exit 2; }
reps=${REPS:-3}
wabt_reps=${WABT_REPS:-1}
WASM3=${WASM3:-$(command -v wasm3 || true)}
IWASM=${IWASM:-$(command -v iwasm || true)}
WABT=""
[[ -z ${SKIP_WABT:-} ]] && WABT=$(command -v wasm-interp || true)
[[ -n $WASM3 ]] || echo "note: wasm3 not found (set WASM3=); no wasm3 column" >&2
[[ -n $IWASM ]] || echo "note: iwasm not found (set IWASM=); no WAMR column" >&2
[[ -n $WABT || -n ${SKIP_WABT:-} ]] || echo "note: wasm-interp not found; no wabt column" >&2

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Engines in column order: name, repetitions, and a runner that executes
# FILE's `bench` export and prints the i32 result as an unsigned decimal.
engines=(cascade)
[[ -n $WASM3 ]] && engines+=(wasm3)
[[ -n $IWASM ]] && engines+=(iwasm)
[[ -n $WABT ]] && engines+=(wasm-interp)

u32() { echo $(( $1 & 0xFFFFFFFF )); }
# engine_cmd engine file -> sets CMD, the command running FILE's `bench` export.
engine_cmd() {
  case $1 in
    cascade) CMD=("$bench_bin" "$2" bench) ;;
    wasm3) CMD=("$WASM3" --func bench "$2") ;;
    iwasm) CMD=("$IWASM" --function bench "$2") ;;
    wasm-interp) CMD=("$WABT" "$2" --run-all-exports) ;;
  esac
}
# parse_result engine < output -> the i32 result as an unsigned decimal.
parse_result() {
  local o; o=$(cat)
  case $1 in
    cascade) o=${o#result=}; u32 "${o%% *}" ;;              # result=<n> time_ms=<t>
    wasm3) u32 "${o##*Result: }" ;;                          # Result: <signed n>
    iwasm) o=${o%%:i32*}; u32 "${o##*$'\n'}" ;;             # 0x<hex>:i32
    wasm-interp) u32 "${o##*i32:}" ;;                        # bench() => i32:<n>
  esac
}
# min_cpu engine file reps -> sets CPU (seconds, min of user+sys over reps) and RES.
min_cpu() {
  local e=$1 f=$2 n=$3 i t best="" TIMEFORMAT='%3U %3S'
  engine_cmd "$e" "$f"
  for ((i = 0; i < n; i++)); do
    if ! { time "${CMD[@]}" >"$out/res" 2>"$out/err"; } 2>"$out/time"; then
      echo "$e failed on $f: $(cat "$out/err")" >&2; RES=error; CPU=nan; return
    fi
    t=$(awk '{ print $1 + $2 }' "$out/time")
    if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
  done
  RES=$(cat "$out/res" "$out/err" | parse_result "$e"); CPU=$best  # wasm3 prints to stderr
}
reps_of() { [[ $1 == wasm-interp ]] && echo "$wabt_reps" || echo "$reps"; }

# Start-up: an empty `bench` returning 0.
printf '%s\n' '__attribute__((export_name("bench"))) int bench(void) { return 0; }' >"$out/nop.c"
clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o "$out/nop.wasm" "$out/nop.c"
declare -A startup
for e in "${engines[@]}"; do
  min_cpu "$e" "$out/nop.wasm" 5
  startup[$e]=$CPU
done

header="| program | Cascade (s)"
rule="|---|---:"
for e in "${engines[@]:1}"; do header+=" | $e (s) | $e / Cascade"; rule+="|---:|---:"; done
echo "start-up (CPU s, empty module, subtracted below):$(for e in "${engines[@]}"; do printf ' %s %.3f' "$e" "${startup[$e]}"; done)"
echo
echo "$header |"
echo "$rule|"
declare -A logsum count
mismatch=0
programs=${PROGRAMS:-$(cd "$root/bench/programs" && ls *.c | sed 's/\.c$//')}
for p in $programs; do
  clang --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
    -o "$out/$p.wasm" "$root/bench/programs/$p.c"
  row="| $p"
  ref=""; ref_net=""
  for e in "${engines[@]}"; do
    min_cpu "$e" "$out/$p.wasm" "$(reps_of "$e")"
    net=$(awk -v t="$CPU" -v s="${startup[$e]}" 'BEGIN { d = t - s; print (d > 0.001 ? d : 0.001) }')
    if [[ $e == cascade ]]; then
      ref=$RES; ref_net=$net; row+=$(printf ' | %.3f' "$CPU")
      continue
    fi
    if [[ $RES != "$ref" ]]; then
      echo "MISMATCH $p: cascade=$ref $e=$RES" >&2; mismatch=1
      row+=$(printf ' | %.3f | MISMATCH' "$CPU"); continue
    fi
    ratio=$(awk -v a="$net" -v b="$ref_net" 'BEGIN { printf "%.2f", a / b }')
    count[$e]=$(( ${count[$e]:-0} + 1 ))
    logsum[$e]=$(awk -v s="${logsum[$e]:-0}" -v r="$ratio" 'BEGIN { print s + log(r) }')
    row+=$(printf ' | %.3f | %sx' "$CPU" "$ratio")
  done
  echo "$row |"
done
row="| **geomean** |"
for e in "${engines[@]:1}"; do
  row+=$(awk -v s="${logsum[$e]:-0}" -v n="${count[$e]:-0}" \
    'BEGIN { if (n) printf " | | **%.2fx**", exp(s / n); else printf " | | -" }')
done
echo "$row |"
echo
echo "CPU seconds (user+sys), min of $reps runs (wasm-interp: $wabt_reps); ratios use times minus each engine's start-up."
exit $mismatch
