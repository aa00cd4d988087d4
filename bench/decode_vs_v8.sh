#!/usr/bin/env bash
# bench/decode_vs_v8.sh: Cascade's decode+validate throughput against V8's
# WebAssembly.validate (node), on the same module in the same run, as a
# markdown table. Default module: the yosys core module of @yowasp/yosys
# (~30 MB), fetched with `npm pack` into build/npm/.
#
# Usage: bench/decode_vs_v8.sh [BUILD_DIR] [FILE.wasm...]
#   BUILD_DIR defaults to build/release (must contain bench/bench_decode).
# Both sides run on one thread and report the median iteration per second of
# CPU time (less disturbed by other load than wall time); MB = 10^6 bytes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/release}"
shift || true
bench="$build/bench/bench_decode"
[[ -x "$bench" ]] || { echo "decode_vs_v8: $bench not built (cmake --build --preset release)" >&2; exit 1; }

files=("$@")
if ((${#files[@]} == 0)); then
  source "$root/tools/tests/npm_fetch.sh"
  files=("$(npm_fetch_file "$CASCADE_YOSYS_PKG" package/gen/yosys.core.wasm)")
fi

echo "| module | size (MB) | Cascade decode (MB/s) | Cascade decode+validate (MB/s) | V8 WebAssembly.validate (MB/s) | Cascade / V8 | V8 wall-clock (MB/s) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for f in "${files[@]}"; do
  json="$(mktemp)"
  "$bench" "$f" --benchmark_format=json --benchmark_min_time=2 --benchmark_repetitions=1 >"$json" 2>/dev/null
  v8="$(node "$root/bench/v8_validate.js" --seconds=4 "$f")"
  python3 - "$json" "$v8" "$f" <<'PY'
import json, os, sys
data = json.load(open(sys.argv[1]))
v8 = json.loads(sys.argv[2])
path = sys.argv[3]
rates = {}
for b in data["benchmarks"]:
    kind = b["name"].split("/")[0]
    if b.get("error_occurred"):
        rates[kind] = float("nan")
    else:
        rates[kind] = b["MB"]
size = os.path.getsize(path) / 1e6
ours = rates.get("decode_validate", float("nan"))
ratio = ours / v8["mbps"] if v8["mbps"] else float("nan")
print(f"| {os.path.basename(path)} | {size:.1f} | {rates.get('decode', float('nan')):.0f} | {ours:.0f} | "
      f"{v8['mbps']:.0f} | {ratio:.2f}x | {v8['wall_mbps']:.0f} |")
PY
  rm -f "$json"
done
echo
echo "MB/s per CPU second, median iteration. $(date -u +%Y-%m-%d) on $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), node $(node --version)"
