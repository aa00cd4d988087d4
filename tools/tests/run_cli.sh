#!/usr/bin/env bash
# tools/tests/run_cli.sh: the contract of `cascade run` on small text modules
# (no WASI needed): --invoke with each value type and result printing, the
# entry-point rules (`_start`, "", `_initialize`, none), --preload, the limits
# (--max-memory, --max-stack, --fuel, --timeout), exit statuses (0, 1 load/link
# error, 2 usage error, 134 trap), and the trap report's shape.
# Usage: run_cli.sh PATH/TO/cascade [TIER]
# TIER (interp, the default, or jit) is passed to every `run` as --compiler=;
# exit 77 (CTest "skipped", reason printed) when the build lacks that tier.
set -uo pipefail
cascade="${1:?usage: run_cli.sh PATH/TO/cascade [TIER]}"
tier="${2:-interp}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The JIT's compilation cache (-C cache, on by default) goes here, not to ~/.cache.
export CASCADE_CACHE_DIR="$tmp/cache"
passed=0 failed=0
printf '(module (func (export "_start")))' >"$tmp/nop.wat"
if ! "$cascade" run --compiler="$tier" "$tmp/nop.wat" >"$tmp/probe" 2>&1; then
  echo "SKIP: this build cannot run --compiler=$tier: $(head -c 300 "$tmp/probe" | tr '\n' ' ')"
  exit 77
fi

# expect NAME EXIT_CODE STDOUT_EXACT STDERR_REGEX -- ARGS...
# STDOUT_EXACT is compared with the whole stdout (use $'..' for newlines);
# the single word ANY skips the comparison; an empty STDERR_REGEX skips that.
expect() {
  local name="$1" want="$2" out="$3" err_re="$4"
  shift 5
  if [[ ${1:-} == run ]]; then set -- run --compiler="$tier" "${@:2}"; fi
  "$cascade" "$@" >"$tmp/out" 2>"$tmp/err" <"${STDIN:-/dev/null}"
  local got=$? why=""
  [[ $got == "$want" ]] || why="exit $got, want $want"
  if [[ "$out" != ANY ]] && [[ "$(cat "$tmp/out")" != "$out" ]]; then
    why+=" stdout is not '$out'"
  fi
  [[ -z "$err_re" ]] || grep -Eq -- "$err_re" "$tmp/err" || why+=" stderr lacks /$err_re/"
  if [[ -z "$why" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name ($tier): $why"
    sed 's/^/  stdout: /' "$tmp/out" | head -8
    sed 's/^/  stderr: /' "$tmp/err" | head -12
  fi
}

cat >"$tmp/values.wat" <<'EOF'
(module $values
  (func (export "i32") (param i32) (result i32) local.get 0)
  (func (export "i64") (param i64) (result i64) local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "mixed") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
    local.get 3 local.get 2 local.get 1 local.get 0)
  (func (export "f32bits") (param f32) (result i32) local.get 0 i32.reinterpret_f32)
  (func (export "v128") (result v128) v128.const i64x2 1 2)
  (func (export "nullref") (result funcref) ref.null func)
  (func (export "v128_param") (param v128))
  (func (export "none"))
  (global (export "g") i32 (i32.const 1))
)
EOF
v="$tmp/values.wat"
expect i32 0 '42' '' -- run --invoke i32 "$v" 42
expect i32-neg 0 '-7' '' -- run --invoke i32 "$v" -7
expect i32-hex 0 '-1' '' -- run --invoke i32 "$v" 0xffffffff
expect i32-unsigned 0 '-1294967296' '' -- run --invoke i32 "$v" 3000000000
expect i32-overflow 1 '' 'number too large' -- run --invoke i32 "$v" 4294967296
expect i32-junk 1 '' 'invalid digit' -- run --invoke i32 "$v" 12ab
expect i64 0 '-9223372036854775808' '' -- run --invoke i64 "$v" -9223372036854775808
expect i64-hex 0 '81985529216486895' '' -- run --invoke i64 "$v" 0x0123456789abcdef
expect f32 0 '1.5' '' -- run --invoke f32 "$v" 1.5
expect f32-shortest 0 '0.1' '' -- run --invoke f32 "$v" 0.1
expect f32-big 0 '100000000000000000000' '' -- run --invoke f32 "$v" 1e20
expect f32-negzero 0 '-0' '' -- run --invoke f32 "$v" -0
expect f32-inf 0 'inf' '' -- run --invoke f32 "$v" inf
expect f32-neginf 0 '-inf' '' -- run --invoke f32 "$v" -inf
expect f32-nan 0 'NaN' '' -- run --invoke f32 "$v" nan
expect f32-nan-payload 0 '2143289345' '' -- run --invoke f32bits "$v" nan:0x400001
expect f32-hexfloat 0 '0.125' '' -- run --invoke f32 "$v" 0x1p-3
expect f32-junk 1 '' 'invalid float literal' -- run --invoke f32 "$v" 1.5x
expect f64 0 '0.30000000000000004' '' -- run --invoke f64 "$v" 0.30000000000000004
expect f64-small 0 '0.000001' '' -- run --invoke f64 "$v" 1e-6
expect add 0 '5' '' -- run --invoke add "$v" 2 3
expect mixed 0 $'2.5\n1.25\n-3\n9' '' -- run --invoke mixed "$v" 9 -3 1.25 2.5
if [[ "$("$cascade" run --compiler="$tier" --invoke v128 "$v" 2>&1)" == *"not implemented"* ]]; then
  echo "SKIP v128-result: the interpreter does not run v128.const yet"
else
  expect v128-result 0 '36893488147419103233' '' -- run --invoke v128 "$v"
fi
expect ref-result 0 '<null funcref>' '' -- run --invoke nullref "$v"
expect no-results 0 '' '' -- run --invoke none "$v"
expect too-few-args 1 '' 'not enough arguments for `add`' -- run --invoke add "$v" 1
expect v128-param 1 '' 'unsupported argument type v128' -- run --invoke v128_param "$v" 1
expect not-a-func 1 '' 'no func export named `g` found' -- run --invoke g "$v"
expect no-such-export 1 '' 'no func export named `nope` found' -- run --invoke nope "$v"
expect invoke-equals 0 '42' '' -- run --invoke=i32 "$v" 42

# Entry points: `_start`, "", `_initialize` first, or nothing at all.
cat >"$tmp/start.wat" <<'EOF'
(module
  (import "host" "log" (func $log (param i32)))
  (global $x (mut i32) (i32.const 1))
  (func (export "_initialize") (global.set $x (i32.const 10)))
  (func (export "_start") (call $log (global.get $x)))
)
EOF
cat >"$tmp/host.wat" <<'EOF'
(module $host
  (global $last (mut i32) (i32.const -1))
  (func (export "log") (param i32) (global.set $last (local.get 0)))
  (func (export "seen") (result i32) (global.get $last))
  (memory (export "mem") 1)
)
EOF
expect preload-link 0 '' '' -- run --preload host="$tmp/host.wat" "$tmp/start.wat"
expect missing-import 1 '' 'unknown import: `host::log` has not been defined' -- run "$tmp/start.wat"
expect bad-preload-form 2 '' "invalid value 'host' for '--preload" -- run --preload host "$tmp/start.wat"
expect bad-preload-file 1 '' 'failed to process preload `host` at `.*nope.wat`' -- \
  run --preload host="$tmp/nope.wat" "$tmp/start.wat"
cat >"$tmp/reads_preload.wat" <<'EOF'
(module
  (import "host" "mem" (memory 1))
  (import "host" "log" (func $log (param i32)))
  (import "host" "seen" (func $seen (result i32)))
  (func (export "roundtrip") (param i32) (result i32)
    (call $log (local.get 0)) (call $seen))
)
EOF
expect preload-invoke 0 '77' '' -- run --preload host="$tmp/host.wat" --invoke roundtrip "$tmp/reads_preload.wat" 77
printf '(module (global (export "log") i32 (i32.const 0)))\n' >"$tmp/global_log.wat"
expect preload-kind-mismatch 1 '' 'incompatible import type for `host::log`: expected func, found global' -- \
  run --preload host="$tmp/global_log.wat" "$tmp/start.wat"
printf '(module (func (export "") (unreachable)))\n' >"$tmp/default.wat"
expect default-export-runs 134 '' 'wasm trap: unreachable' -- run "$tmp/default.wat"
printf '(module (func (export "f") (unreachable)))\n' >"$tmp/nostart.wat"
expect no-entry-runs-nothing 0 '' '' -- run "$tmp/nostart.wat"

# Traps: wasmtime's report, status 134; the start function's too.
cat >"$tmp/trap.wat" <<'EOF'
(module $traps
  (func $inner (unreachable))
  (func $outer (export "outer") (call $inner))
  (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $rec (export "recurse") (call $rec))
  (memory 1)
  (func (export "oob") (result i32) (i32.load (i32.const 70000)))
)
EOF
t="$tmp/trap.wat"
expect trap-status 134 '' '^    2: wasm trap: unreachable$' -- run --invoke outer "$t"
expect trap-head 134 '' '^Error: failed to run main module `.*trap.wat`$' -- run --invoke outer "$t"
expect trap-context 134 '' '^    0: failed to invoke `outer`$' -- run --invoke outer "$t"
expect trap-bt-title 134 '' '^    1: error while executing at wasm backtrace:$' -- run --invoke outer "$t"
expect trap-bt-inner 134 '' '^           0: +0x[0-9a-f]+ - traps!inner$' -- run --invoke outer "$t"
expect trap-bt-outer 134 '' '^           1: +0x[0-9a-f]+ - traps!outer$' -- run --invoke outer "$t"
expect trap-div 134 '' 'wasm trap: integer divide by zero' -- run --invoke div "$t" 1 0
expect trap-no-div 0 '3' '' -- run --invoke div "$t" 7 2
expect trap-oob 134 '' 'wasm trap: out of bounds memory access' -- run --invoke oob "$t"
expect trap-stack 134 '' 'wasm trap: call stack exhausted' -- run --invoke recurse "$t"
printf '(module (func $s (unreachable)) (start $s))\n' >"$tmp/start_trap.wat"
expect start-trap 134 '' 'failed to instantiate' -- run "$tmp/start_trap.wat"

# Limits.
printf '(module (memory (export "m") 2) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))\n' >"$tmp/mem.wat"
expect max-memory-ok 0 '2' '' -- run --max-memory 262144 --invoke grow "$tmp/mem.wat" 2
expect max-memory-grow-fails 0 '-1' '' -- run --max-memory 262144 --invoke grow "$tmp/mem.wat" 3
expect max-memory-min-too-big 1 '' 'failed to instantiate' -- run --max-memory 65536 --invoke grow "$tmp/mem.wat" 0
expect max-memory-W 0 '-1' '' -- run -W max-memory-size=128KiB --invoke grow "$tmp/mem.wat" 1
expect max-memory-bad 2 '' "invalid value '12q' for '--max-memory" -- run --max-memory 12q "$tmp/mem.wat"
cat >"$tmp/deep.wat" <<'EOF'
(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))
EOF
expect max-stack-default-ok 0 '20000' '' -- run --invoke down "$tmp/deep.wat" 20000
expect max-stack-small 134 '' 'call stack exhausted' -- run --max-stack 4096 --invoke down "$tmp/deep.wat" 20000
expect max-stack-small-ok 0 '10' '' -- run --max-stack 4096 --invoke down "$tmp/deep.wat" 10

cat >"$tmp/spin.wat" <<'EOF'
(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32) (local i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br $l)))
    (local.get 1))
  (func (export "_start") (loop $l (br $l)))
)
EOF
s="$tmp/spin.wat"
if "$cascade" run --compiler="$tier" --fuel 1000 --invoke count "$s" 1 >/dev/null 2>"$tmp/fuel_probe"; then
  expect fuel-stops-loop 134 '' 'wasm trap: .*fuel' -- run --fuel 100000 --invoke spin "$s"
  expect fuel-W 134 '' 'fuel' -- run -W fuel=5000 "$s"
  expect fuel-enough 0 '100' '' -- run --fuel 1000000 --invoke count "$s" 100
  expect fuel-too-little 134 '' 'fuel' -- run --fuel 100 --invoke count "$s" 1000
  expect timeout-stops-loop 134 '' 'wasm trap: interrupt' -- run --timeout 200ms --invoke spin "$s"
  expect timeout-W 134 '' 'interrupt' -- run -W timeout=100ms "$s"
  expect timeout-not-hit 0 '100' '' -- run --timeout 60s --invoke count "$s" 100
else
  echo "SKIP fuel/timeout: this build cannot meter guests: $(head -c 300 "$tmp/fuel_probe" | tr '\n' ' ')"
fi
expect fuel-bad 2 '' "invalid value 'lots' for '--fuel" -- run --fuel lots "$s"
expect timeout-bad 2 '' "invalid value '10parsecs' for '--timeout" -- run --timeout 10parsecs "$s"

# Usage errors (2), load errors (1).
expect no-module 2 '' 'required arguments were not provided' -- run
expect unknown-flag 2 '' "unexpected argument '--frobnicate' found" -- run --frobnicate "$v"
expect missing-value 2 '' "a value is required for '--invoke" -- run --invoke
expect bad-W-key 2 '' "unknown key 'frob'" -- run -W frob=1 "$v"
expect bad-compiler 2 '' "invalid value 'llvm' for '--compiler" -- run --compiler=llvm "$v"
expect interp-compiler 0 '42' '' -- run --compiler=interp --invoke i32 "$v" 42
expect help 0 ANY '' -- run --help
expect help-usage 0 ANY '' -- help run
expect missing-file 1 '' 'No such file or directory' -- run "$tmp/missing.wasm"
printf '\0asm\1\0\0\0\1' >"$tmp/truncated.wasm"
expect malformed 1 '' 'failed to compile `.*truncated.wasm`' -- run "$tmp/truncated.wasm"
printf '(module (func (result i32)))\n' >"$tmp/invalid.wat"
expect invalid 1 '' 'type mismatch' -- run "$tmp/invalid.wat"
printf '(module (func i32.frob))\n' >"$tmp/bad.wat"
expect bad-text 1 '' 'bad.wat:1:' -- run "$tmp/bad.wat"
STDIN="$v" expect stdin-module 0 '42' '' -- run --invoke i32 - 42

# JIT compilation modes and the perf map (--profile=perfmap).
expect bad-profile 2 '' "invalid value 'vtune' for '--profile" -- run --profile vtune "$v"
expect bad-lazy 2 '' "invalid value for 'lazy-compilation'" -- run -C lazy-compilation=maybe "$v"
if [[ $tier == jit ]]; then
  expect eager 0 '5' '' -- run -C lazy-compilation=n --invoke add "$v" 2 3
  expect eager-serial 0 '5' '' -- run -C lazy-compilation=n,parallel-compilation=n --invoke add "$v" 2 3
  expect eager-bare 0 '5' '' -- run -C lazy-compilation=n -C parallel-compilation --invoke add "$v" 2 3
  # Every line of /tmp/perf-PID.map is "START SIZE NAME" (hex, hex, text), and
  # the functions the run compiled are named as in the name section, or
  # wasm-function[N] without a name.
  printf '(module (func $adder (export "add") (param i32 i32) (result i32)\n  local.get 0 local.get 1 call 1)\n (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))' >"$tmp/named.wat"
  "$cascade" run --compiler=jit --profile=perfmap --invoke add "$tmp/named.wat" 2 3 >"$tmp/out" 2>&1 &
  pid=$!
  wait $pid
  map="/tmp/perf-$pid.map"
  if [[ -f $map ]] && grep -Eq '^[0-9a-f]+ [0-9a-f]+ ' "$map" &&
     ! grep -Evq '^[0-9a-f]+ [0-9a-f]+ .+$' "$map" && grep -q ' adder$' "$map" &&
     grep -q ' wasm-function\[1\]$' "$map" && [[ $(cat "$tmp/out") == 5 ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL perfmap ($tier): $map missing or malformed:"
    head -5 "$map" 2>/dev/null | sed 's/^/  /'
  fi
  rm -f "$map"
fi

# The compilation cache (-C cache=y, the default with a JIT): the first run
# writes the code it compiled to one file in $CASCADE_CACHE_DIR, a second run
# installs it (and compiles nothing, so it leaves the file as it was), a
# damaged file is ignored and rewritten, and -C cache=n or the interpreter
# write nothing.
# check NAME COMMAND...: one pass/fail line for a shell test.
check() {
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name ($tier): $*"
  fi
}
cat >"$tmp/sum.wat" <<'EOF'
(module
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (call $add (local.get $s) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))
EOF
cache_files() { ls "$CASCADE_CACHE_DIR"/*.cjit 2>/dev/null | wc -l; }
rm -rf "$CASCADE_CACHE_DIR"
expect cache-off 0 '705082704' '' -- run -C cache=n --invoke sum "$tmp/sum.wat" 100000
check cache-off-writes-nothing test "$(cache_files)" = 0
expect cache-cold 0 '705082704' '' -- run --invoke sum "$tmp/sum.wat" 100000
if [[ $tier == interp ]]; then
  check cache-interp-writes-nothing test "$(cache_files)" = 0
else
  check cache-file-written test "$(cache_files)" = 1
  file="$(ls "$CASCADE_CACHE_DIR"/*.cjit 2>/dev/null | head -1)"
  cp "$file" "$tmp/cache-copy" 2>/dev/null
  expect cache-warm 0 '705082704' '' -- run --invoke sum "$tmp/sum.wat" 100000
  check cache-warm-leaves-file cmp -s "$file" "$tmp/cache-copy"
  head -c 100 "$tmp/cache-copy" >"$file"
  expect cache-damaged 0 '705082704' '' -- run --invoke sum "$tmp/sum.wat" 100000
  check cache-damaged-rewritten cmp -s "$file" "$tmp/cache-copy"
  expect bad-cache 2 '' "invalid value for 'cache'" -- run -C cache=perhaps "$v"
  # `cascade compile` fills the cache ahead of the first run, which then
  # compiles nothing (and so leaves the file as it was).
  rm -rf "$CASCADE_CACHE_DIR"
  expect compile-fills-cache 0 ANY '' -- compile "$tmp/sum.wat"
  check compile-cache-file test "$(cache_files)" = 1
  file="$(ls "$CASCADE_CACHE_DIR"/*.cjit 2>/dev/null | head -1)"
  cp "$file" "$tmp/cache-copy" 2>/dev/null
  expect compiled-run 0 '705082704' '' -- run --invoke sum "$tmp/sum.wat" 100000
  check compiled-run-leaves-file cmp -s "$file" "$tmp/cache-copy"
  rm -rf "$CASCADE_CACHE_DIR"
  expect compile-no-cache 0 ANY '' -- compile -C cache=n "$tmp/sum.wat"
  check compile-no-cache-file test "$(cache_files)" = 0
  # Functions called only a few times (too few to tier up) are compiled into
  # the cache when the run ends, so a second run finds all it calls there and
  # leaves the file as it was (before, a tiered run of these wrote nothing).
  cat >"$tmp/once.wat" <<'EOF'
(module
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "once") (param i32) (result i32) (call $inc (call $inc (local.get 0)))))
EOF
  rm -rf "$CASCADE_CACHE_DIR"
  expect cache-once-cold 0 '43' '' -- run --invoke once "$tmp/once.wat" 41
  check cache-once-written test "$(cache_files)" = 1
  file="$(ls "$CASCADE_CACHE_DIR"/*.cjit 2>/dev/null | head -1)"
  cp "$file" "$tmp/cache-copy" 2>/dev/null
  expect cache-once-warm 0 '43' '' -- run --invoke once "$tmp/once.wat" 41
  check cache-once-complete cmp -s "$file" "$tmp/cache-copy"
fi

echo "run_cli ($tier): $passed passed, $failed failed"
[[ $failed == 0 ]]
