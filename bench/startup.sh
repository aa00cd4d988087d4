#!/usr/bin/env bash
# Start-up time of a small WASI command (issue 5, acceptance 4): the whole
# process of `cascade run hello.wasm` against wasm3, WAMR's iwasm and node
# (node:wasi through bench/node_wasi_run.mjs) on the same file, side by side
# in one run. Every engine must print exactly what Cascade prints (a peer that
# doesn't is reported and left out); if `cascade run` cannot run the file yet
# (no WASI in this build) the script says so and times the peers only.
#
# Timing: hyperfine when installed (no shell, 5 warm-up runs, RUNS runs each),
# else a loop of RUNS runs timed as a whole with date +%s%N (mean only).
# Prints a Markdown table: mean wall ms, sigma, min, user+sys CPU ms, and the
# mean as a multiple of Cascade's. Target: cascade under 3 ms.
#
# usage: bench/startup.sh BUILD_DIR [FILE.wasm]   (default BUILD_DIR/examples/hello.wasm)
#   env: RUNS (default 200), WASM3=, IWASM= (else found on PATH), NODE (default node),
#        NO_HYPERFINE=1 (use the loop even when hyperfine is installed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: bench/startup.sh BUILD_DIR [FILE.wasm]}
wasm=${2:-$build/examples/hello.wasm}
cascade=$build/tools/cascade
runs=${RUNS:-200}
[[ -x $cascade ]] || { echo "missing $cascade (ninja -C $build cascade)" >&2; exit 2; }
[[ -f $wasm ]] || { echo "missing $wasm (ninja -C $build examples)" >&2; exit 2; }
WASM3=${WASM3:-$(command -v wasm3 || true)}
IWASM=${IWASM:-$(command -v iwasm || true)}
node=${NODE:-$(command -v node || true)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
hyperfine=$(command -v hyperfine || true)
[[ -n ${NO_HYPERFINE:-} ]] && hyperfine=""

names=(); cmds=()
add() { names+=("$1"); shift; cmds+=("$*"); }  # paths here have no spaces
add cascade "$cascade" run "$wasm"
[[ -n $WASM3 ]] && add wasm3 "$WASM3" "$wasm"
[[ -n $IWASM ]] && add iwasm "$IWASM" "$wasm"
[[ -n $node ]] && add node "$node" --no-warnings "$root/bench/node_wasi_run.mjs" "$wasm"
[[ -n $WASM3 ]] || echo "note: wasm3 not found (set WASM3=); no wasm3 row" >&2
[[ -n $IWASM ]] || echo "note: iwasm not found (set IWASM=); no WAMR row" >&2
[[ -n $node ]] || echo "note: node not found; no node row" >&2

# Reference output: Cascade's, else (no `cascade run` yet) the first peer's.
ref=""; keep_n=(); keep_c=()
for i in "${!names[@]}"; do
  if o=$(${cmds[$i]} 2>"$out/err"); then
    [[ -z $ref ]] && ref=$o
    if [[ $o == "$ref" ]]; then keep_n+=("${names[$i]}"); keep_c+=("${cmds[$i]}"); continue; fi
    echo "note: ${names[$i]} printed something else than ${keep_n[0]}; left out: $o" >&2
  elif [[ ${names[$i]} == cascade ]]; then
    echo "note: \`cascade run\` cannot run $(basename "$wasm") in this build yet" \
      "($(head -c 300 "$out/err" | tr '\n' ' ')); timing the peers only" >&2
  else
    echo "note: ${names[$i]} failed on $wasm; left out: $(head -c 300 "$out/err")" >&2
  fi
done
((${#keep_n[@]})) || { echo "no engine ran $wasm" >&2; exit 1; }

echo "$(basename "$wasm"): $runs runs each, $([[ -n $hyperfine ]] && echo hyperfine -N || echo 'date loop (no hyperfine)'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
declare -A mean sd mn cpu
if [[ -n $hyperfine ]]; then
  hargs=()
  for i in "${!keep_n[@]}"; do hargs+=(-n "${keep_n[$i]}" "${keep_c[$i]}"); done
  "$hyperfine" -N --style none --warmup 5 --runs "$runs" --export-csv "$out/h.csv" \
    "${hargs[@]}" >/dev/null 2>"$out/herr" || { cat "$out/herr" >&2; exit 1; }
  # command,mean,stddev,median,user,system,min,max (seconds)
  while IFS=, read -r n m s _ u sy lo _; do
    mean[$n]=$(awk -v x="$m" 'BEGIN { printf "%.2f", x * 1e3 }')
    sd[$n]=$(awk -v x="$s" 'BEGIN { printf "%.2f", x * 1e3 }')
    mn[$n]=$(awk -v x="$lo" 'BEGIN { printf "%.2f", x * 1e3 }')
    cpu[$n]=$(awk -v a="$u" -v b="$sy" 'BEGIN { printf "%.2f", (a + b) * 1e3 }')
  done < <(tail -n +2 "$out/h.csv")
else
  for i in "${!keep_n[@]}"; do
    for ((j = 0; j < 5; j++)); do ${keep_c[$i]} >/dev/null 2>&1 || true; done
    t0=$(date +%s%N)
    for ((j = 0; j < runs; j++)); do ${keep_c[$i]} >/dev/null 2>&1 || true; done
    t1=$(date +%s%N)
    n=${keep_n[$i]}
    mean[$n]=$(awk -v a="$t0" -v b="$t1" -v r="$runs" 'BEGIN { printf "%.2f", (b - a) / r / 1e6 }')
    sd[$n]=-; mn[$n]=-; cpu[$n]=-
  done
fi
base=${keep_n[0]}
echo "| engine | mean (ms) | sigma (ms) | min (ms) | user+sys (ms) | mean / $base |"
echo "|---|---:|---:|---:|---:|---:|"
for n in "${keep_n[@]}"; do
  r=$(awk -v a="${mean[$n]}" -v b="${mean[$base]}" 'BEGIN { printf "%.2f", a / b }')
  echo "| $n | ${mean[$n]} | ${sd[$n]} | ${mn[$n]} | ${cpu[$n]} | ${r}x |"
done
if [[ $base == cascade ]]; then
  awk -v m="${mean[cascade]}" 'BEGIN { printf "\ncascade run: %.2f ms mean, target < 3 ms: %s\n", m, (m < 3 ? "met" : "NOT met") }'
fi
