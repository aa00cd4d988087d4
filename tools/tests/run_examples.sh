#!/usr/bin/env bash
# tools/tests/run_examples.sh: `cascade run` on the example programs of
# examples/ (compiled by the build with clang --target=wasm32-wasi): their
# output, exit status, --dir/--env/args reaching the guest, and the trap report.
# Usage: run_examples.sh PATH/TO/cascade EXAMPLES_BUILD_DIR EXAMPLES_SOURCE_DIR
set -uo pipefail
cascade="$(realpath "${1:?usage: run_examples.sh CASCADE EXAMPLES_BUILD_DIR EXAMPLES_SOURCE_DIR}")"
bin="$(realpath "${2:?}")"
src="$(realpath "${3:?}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# check NAME WANT_EXIT EXPECTED_STDOUT_FILE STDERR_REGEX -- ARGS...
# (an empty EXPECTED_STDOUT_FILE or STDERR_REGEX is not checked)
check() {
  local name="$1" want="$2" out_file="$3" err_re="$4"
  shift 5
  if [[ $1 == run ]]; then set -- run --compiler="$tier" "${@:2}"; fi
  "$cascade" "$@" <"${STDIN:-/dev/null}" >"$tmp/out" 2>"$tmp/err"
  local got=$? why=""
  [[ $got == "$want" ]] || why="exit $got, want $want"
  if [[ -n "$out_file" ]] && ! cmp -s "$out_file" "$tmp/out"; then
    why+=" stdout differs from $(basename "$out_file")"
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

# Every check runs on each execution tier this build has: the interpreter, and
# the baseline JIT when `--compiler=jit` is accepted.
tiers=(interp)
if "$cascade" run --compiler=jit "$bin/hello.wasm" >/dev/null 2>&1; then tiers+=(jit); fi
for tier in "${tiers[@]}"; do
  printf 'Hello, world!\n' >"$tmp/hello.txt"
  printf 'Hello, Cascade!\n' >"$tmp/hello_arg.txt"
  check hello 0 "$tmp/hello.txt" '' -- run "$bin/hello.wasm"
  check hello-arg 0 "$tmp/hello_arg.txt" '' -- run "$bin/hello.wasm" Cascade
  check hello-after-dashdash 0 "$tmp/hello_arg.txt" '' -- run -- "$bin/hello.wasm" Cascade

  # cat: reads through a --dir preopen (HOST::GUEST and plain HOST), from stdin,
  # and cannot reach anything outside the preopens.
  check cat-guest-dir 0 "$src/cat.c" '' -- run --dir "$src::/src" "$bin/cat.wasm" /src/cat.c
  (cd "$src" && "$cascade" run --compiler="$tier" --dir . "$bin/cat.wasm" cat.c >"$tmp/cat_dot.out" 2>"$tmp/cat_dot.err")
  if [[ $? == 0 ]] && cmp -s "$tmp/cat_dot.out" "$src/cat.c"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL cat-dot-dir ($tier): --dir . did not give access to cat.c"
    head -5 "$tmp/cat_dot.err"
  fi
  STDIN="$src/hello.c" check cat-stdin 0 "$src/hello.c" '' -- run "$bin/cat.wasm"
  check cat-outside-dir 1 /dev/null 'cat: /etc/passwd: ' -- run --dir "$src::/src" "$bin/cat.wasm" /etc/passwd
  check cat-dotdot 1 /dev/null 'cat: /src/../CMakeLists.txt: ' -- \
    run --dir "$src::/src" "$bin/cat.wasm" /src/../CMakeLists.txt
  check cat-no-dir 1 /dev/null 'cat: cat.c: ' -- run "$bin/cat.wasm" cat.c
  check bad-dir 1 /dev/null "failed to open directory" -- run --dir "$tmp/missing" "$bin/hello.wasm"

  # exit_code: proc_exit's status is cascade's; args, argv0 and --env reach it.
  printf 'argv[0]=exit_code.wasm\nargv[1]=7\nargv[2]=x y\nGREETING=hi\n' >"$tmp/exit7.txt"
  check exit-7 7 "$tmp/exit7.txt" '' -- run --env GREETING=hi "$bin/exit_code.wasm" 7 "x y"
  printf 'argv[0]=exit_code.wasm\nargv[1]=0\nGREETING=(unset)\n' >"$tmp/exit0.txt"
  check exit-0 0 "$tmp/exit0.txt" '' -- run "$bin/exit_code.wasm" 0
  printf 'argv[0]=prog\nargv[1]=3\nGREETING=from host\n' >"$tmp/exit3.txt"
  GREETING="from host" check exit-3-inherit-env 3 "$tmp/exit3.txt" '' -- \
    run --env GREETING --argv0 prog "$bin/exit_code.wasm" 3
  printf 'argv[0]=exit_code.wasm\nargv[1]=125\nGREETING=(unset)\n' >"$tmp/exit125.txt"
  check exit-125 125 "$tmp/exit125.txt" '' -- run "$bin/exit_code.wasm" 125
  # wasmtime refuses statuses from 126 up (they mean "killed by a signal").
  check exit-200 1 '' 'exit with invalid exit status outside of \[0\.\.126\)' -- \
    run "$bin/exit_code.wasm" 200
  # Guest flags after <WASM> are the guest's, not cascade's.
  printf 'argv[0]=exit_code.wasm\nargv[1]=--help\nGREETING=(unset)\n' >"$tmp/exit_help.txt"
  check guest-flag 0 "$tmp/exit_help.txt" '' -- run "$bin/exit_code.wasm" --help

  # trap: status 134, wasmtime's report with the C function names.
  printf 'summing values that must be positive\n' >"$tmp/trap.txt"
  check trap-status 134 "$tmp/trap.txt" '^    2: wasm trap: unreachable$' -- run "$bin/trap.wasm"
  check trap-shape 134 '' '^Error: failed to run main module `.*trap.wasm`$' -- run "$bin/trap.wasm"
  check trap-context 134 '' '^    0: failed to invoke command default$' -- run "$bin/trap.wasm"
  check trap-backtrace-check 134 '' '^ +0: +0x[0-9a-f]+ - <unknown>!check_positive$' -- run "$bin/trap.wasm"
  check trap-backtrace-sum 134 '' '^ +1: +0x[0-9a-f]+ - <unknown>!sum_positive$' -- run "$bin/trap.wasm"
  check trap-backtrace-main 134 '' '!(main|__main_void|__original_main)$' -- run "$bin/trap.wasm"

done

echo "run_examples (${tiers[*]}): $passed passed, $failed failed"
[[ $failed == 0 ]]
