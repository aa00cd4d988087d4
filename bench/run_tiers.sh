#!/usr/bin/env bash
# Whole-process time of `cascade run` on each execution tier, side by side in
# one run: what a user of the default (tiered) gets against choosing a tier.
# For each bench/programs/*.c (compiled as bench/run_jit_bench.sh does) it runs
#   cascade run --compiler=interp|jit|tiered --invoke bench FILE
# REPS times each (interleaved, so load changes hit every tier alike), checks
# that every tier prints the same result, and prints a Markdown table of the
# best user+sys CPU ms per tier (process CPU: robust to other jobs on a shared
# machine) and the ratios to the interpreter and to the JIT.
#
# usage: bench/run_tiers.sh BUILD_DIR
#   env: REPS (default 5), PROGRAMS="fib sort"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: bench/run_tiers.sh BUILD_DIR}
cascade=$build/tools/cascade
[[ -x $cascade ]] || { echo "missing $cascade (ninja -C $build cascade)" >&2; exit 2; }
command -v clang >/dev/null || { echo "clang is needed to compile bench/programs" >&2; exit 2; }
type -P time >/dev/null || { echo "GNU time is needed (Debian package time, tools/setup)" >&2; exit 2; }
reps=${REPS:-5}
tiers=(interp jit tiered)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# CPU ms (user+sys) of one process; its stdout goes to $out/stdout.
cpu_ms() {
  /usr/bin/env time -o "$out/time" -f '%U %S' "$@" >"$out/stdout" 2>/dev/null
  awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$out/time"
}

echo "cascade run --invoke bench, best of $reps processes, user+sys CPU ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| program | interp | jit | tiered (default) | tiered / jit | interp / tiered |"
echo "|---|---:|---:|---:|---:|---:|"
programs=${PROGRAMS:-$(cd "$root/bench/programs" && ls *.c | sed 's/\.c$//')}
status=0
for p in $programs; do
  clang --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
    -I"$root/bench/programs" -o "$out/$p.wasm" "$root/bench/programs/$p.c"
  declare -A best=() result=()
  for ((i = 0; i < reps; i++)); do
    for t in "${tiers[@]}"; do
      ms=$(cpu_ms "$cascade" run --compiler="$t" --invoke bench "$out/$p.wasm")
      result[$t]=$(cat "$out/stdout")
      if [[ -z ${best[$t]:-} || $ms -lt ${best[$t]} ]]; then best[$t]=$ms; fi
    done
  done
  for t in "${tiers[@]}"; do
    if [[ ${result[$t]} != "${result[interp]}" ]]; then
      echo "MISMATCH: $p under $t printed '${result[$t]}', the interpreter '${result[interp]}'" >&2
      status=1
    fi
  done
  awk -v p="$p" -v i="${best[interp]}" -v j="${best[jit]}" -v t="${best[tiered]}" 'BEGIN {
    printf "| %s | %d | %d | %d | %.2f | %.2f |\n", p, i, j, t, t / (j > 0 ? j : 1), i / (t > 0 ? t : 1) }'
  unset best result
done
exit $status
