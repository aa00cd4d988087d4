#!/usr/bin/env bash
# bench/jit_ab.sh: two or more builds' JIT side by side on bench/programs, for
# a change to the baseline compiler. Compiles each program like
# bench/run_jit_bench.sh, then runs `interp_bench --compiler=jit FILE bench`
# for every binary in interleaved rounds and prints, per program, the best
# process CPU ms of each binary (in the order given) and checks that all of
# them return the same result.
#
# Usage: bench/jit_ab.sh ROUNDS INTERP_BENCH [INTERP_BENCH...]
#   e.g. cp build/release/bench/interp_bench /tmp/old  (before the change)
#        bench/jit_ab.sh 5 /tmp/old build/release/bench/interp_bench
#   env: PROGRAMS="fib sort" (default: all of bench/programs)
set -euo pipefail
rounds="${1:?usage: jit_ab.sh ROUNDS INTERP_BENCH [INTERP_BENCH...]}"
shift
[[ $# -gt 0 ]] || { echo "usage: jit_ab.sh ROUNDS INTERP_BENCH [INTERP_BENCH...]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
programs=${PROGRAMS:-$(cd "$root/bench/programs" && ls *.c | sed 's/\.c$//')}
header="| program"
for b in "$@"; do header="$header | $b"; done
echo "$header |"
echo "|---$(printf '|---:%.0s' "$@")|"
for p in $programs; do
  clang --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
    -o "$tmp/$p.wasm" "$root/bench/programs/$p.c"
  declare -A best=()
  ref=""
  for ((r = 0; r < rounds; r++)); do
    for b in "$@"; do
      out=$("$b" --compiler=jit "$tmp/$p.wasm" bench)
      res=$(sed -n 's/.*result=\([^ ]*\).*/\1/p' <<<"$out")
      t=$(sed -n 's/.*cpu_ms=\([0-9.]*\).*/\1/p' <<<"$out")
      [[ -z $ref ]] && ref=$res
      [[ $res == "$ref" ]] || { echo "MISMATCH: $b on $p: $res, expected $ref" >&2; exit 1; }
      if [[ -z ${best[$b]:-} ]] || awk -v a="$t" -v b="${best[$b]}" 'BEGIN { exit !(a < b) }'; then
        best[$b]=$t
      fi
    done
  done
  row="| $p"
  for b in "$@"; do row="$row | ${best[$b]}"; done
  echo "$row |"
  unset best
done
