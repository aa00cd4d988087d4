#!/usr/bin/env bash
# tools/tests/cli_smoke.sh: the `cascade` CLI's contract: exit codes (0 ok,
# 1 rejected input, 2 usage error), where messages go, and the error format
# `FILE: error: MESSAGE (at offset 0x..)`.
# Usage: cli_smoke.sh PATH/TO/cascade
set -uo pipefail
cascade="${1:?usage: cli_smoke.sh PATH/TO/cascade}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect NAME EXIT_CODE STDOUT_REGEX STDERR_REGEX -- ARGS...
expect() {
  local name="$1" want="$2" out_re="$3" err_re="$4"
  shift 5
  "$cascade" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  local why=""
  [[ $got == "$want" ]] || why="exit $got, want $want"
  [[ -z "$out_re" ]] || grep -Eq -- "$out_re" "$tmp/out" || why+=" stdout lacks /$out_re/"
  [[ -z "$err_re" ]] || grep -Eq -- "$err_re" "$tmp/err" || why+=" stderr lacks /$err_re/"
  if [[ -z "$why" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: $why"
    sed 's/^/  stdout: /' "$tmp/out" | head -5
    sed 's/^/  stderr: /' "$tmp/err" | head -5
  fi
}

printf '\0asm\1\0\0\0' >"$tmp/empty.wasm"
printf '\0asm\2\0\0\0' >"$tmp/badversion.wasm"
printf '\0as' >"$tmp/short.wasm"
printf '(module (func (export "f") (result i32) i32.const 1))\n' >"$tmp/m.wat"
printf ';; a comment\n(module)\n' >"$tmp/text.bin"
printf '(module\n  (func i32.frob))\n' >"$tmp/bad.wat"
printf '(module (func (result i32)))\n' >"$tmp/invalid.wat"
printf '(module)\n' >"$tmp/s.wast"

expect help 0 'Usage: cascade' '' -- --help
expect help-cmd 0 'validate' '' -- help
expect help-sub 0 'Usage: cascade validate' '' -- help validate
expect sub-help 0 'Usage: cascade inspect' '' -- inspect --help
expect version 0 '^cascade [0-9]+\.[0-9]+\.[0-9]+' '' -- --version
expect no-args 2 '' 'Usage: cascade' --
expect unknown-cmd 2 '' "error: unrecognized subcommand 'frobnicate'" -- frobnicate
expect unknown-flag 2 '' "error: unexpected argument '--frob'" -- --frob
expect unknown-sub-flag 2 '' "unexpected argument '--frob'" -- validate --frob "$tmp/empty.wasm"
expect validate-no-file 2 '' 'required arguments' -- validate
expect help-unknown 2 '' 'unrecognized subcommand' -- help frobnicate
expect inspect-two-files 2 '' 'unexpected argument' -- inspect "$tmp/empty.wasm" "$tmp/empty.wasm"
expect missing-file 1 '' "nope.wasm: error: failed to read file: No such file" -- validate "$tmp/nope.wasm"
expect wat-input 0 '' '' -- validate "$tmp/m.wat"
expect text-content 0 '' '' -- validate "$tmp/text.bin"
expect wat-syntax 1 '' 'bad.wat:2:[0-9]+: error: ' -- validate "$tmp/bad.wat"
expect wat-invalid 1 '' 'invalid.wat: error: type mismatch.* \(at offset 0x[0-9a-f]+\)' -- validate "$tmp/invalid.wat"
expect wast-input 1 '' 's.wast: error: .*cascade wast' -- validate "$tmp/s.wast"
cat >"$tmp/t.wast" <<'WAST'
(module (func (export "fac") (param i64) (result i64)
  (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
    (else (i64.mul (local.get 0) (call 0 (i64.sub (local.get 0) (i64.const 1))))))))
(assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
(assert_return (invoke "fac" (i64.const 3)) (i64.const 7))
WAST
expect wast-default 1 't.wast: 2 passed, 1 failed' 't.wast:5: assert_return: result 0 mismatch' -- wast "$tmp/t.wast"
expect wast-interp 1 't.wast: 2 passed, 1 failed' '' -- wast --compiler=interp "$tmp/t.wast"
expect run-help-tiers 0 'tiered \(default' '' -- run --help
expect wast-bad-compiler 2 '' "unknown compiler 'fast'" -- wast --compiler=fast "$tmp/t.wast"
expect inspect-wat 0 '"f" -> func\[0\]' '' -- inspect "$tmp/m.wat"
expect empty-module 0 '' '' -- validate "$tmp/empty.wasm"
expect verbose 0 'empty.wasm: valid' '' -- validate -v "$tmp/empty.wasm"
expect stdin 0 '' '' -- validate - <"$tmp/empty.wasm"
expect bad-version 1 '' 'badversion.wasm: error: unknown binary version \(at offset 0x[0-9a-f]+\)' -- validate "$tmp/badversion.wasm"
expect truncated 1 '' 'short.wasm: error: .* \(at offset 0x[0-9a-f]+\)' -- validate "$tmp/short.wasm"
expect mixed 1 '' 'badversion.wasm: error' -- validate "$tmp/empty.wasm" "$tmp/badversion.wasm"
expect inspect-empty 0 'WebAssembly binary module, 8 bytes' '' -- inspect "$tmp/empty.wasm"
expect inspect-bad 1 '' 'badversion.wasm: error: unknown binary version' -- inspect "$tmp/badversion.wasm"

echo "cli_smoke: $passed passed, $failed failed"
((failed == 0))
