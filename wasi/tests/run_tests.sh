#!/usr/bin/env bash
# wasi/tests/run_tests.sh: runs the WASI test programs of wasi/tests/ under
# `cascade run`, each in a fresh sandbox tree, and checks exit status, output
# and that nothing outside the sandbox changed.
#
#   TMP/outside_secret.txt        "SECRET\n" (must survive every test)
#   TMP/sandbox/                  given to the guest as --dir TMP/sandbox::/sandbox
#     file.txt                    "hello sandbox\n"
#     sub/inner.txt, sub/back -> ../file.txt, sub/up2 -> ../../outside_secret.txt
#     etc_link -> /etc            abs_secret -> TMP/outside_secret.txt
#     up -> ../..                 up_sneaky -> sub/../../outside_secret.txt
#     inside_link -> sub/inner.txt
#     loop1 -> loop2, loop2 -> loop1, self_loop -> self_loop
#     dangling_out -> ../created_outside.txt, dangling_abs -> TMP/created_outside_abs.txt
#
# Usage: run_tests.sh CASCADE WASM_DIR SRC_DIR [TEST...]   (default: all)
# CASCADE_WASI_NO_OPENAT2=1 in the environment makes cascade use the
# component-by-component walk instead of openat2 (both are tested by CTest).
# Prints "FAIL name: why" per failure and "wasi tests: N passed, N failed".
set -uo pipefail
cascade="${1:?usage: run_tests.sh CASCADE WASM_DIR SRC_DIR [TEST...]}"
bin="${2:?}"
src="${3:?}"
shift 3
all=(args_env clocks random exit_status stdin_pipe files dirs links times fdstat poll
     escape_dotdot escape_absolute escape_symlink_abs escape_symlink_rel escape_symlink_loop
     escape_rename_link escape_dirfd bad_pointers no_memory hostile_args)
tests=("$@")
[[ ${#tests[@]} -gt 0 ]] || tests=("${all[@]}")
passed=0 failed=0

make_tree() {
  local t="$1"
  mkdir -p "$t/sandbox/sub"
  printf 'SECRET\n' >"$t/outside_secret.txt"
  printf 'hello sandbox\n' >"$t/sandbox/file.txt"
  printf 'inner\n' >"$t/sandbox/sub/inner.txt"
  ln -s ../file.txt "$t/sandbox/sub/back"
  ln -s ../../outside_secret.txt "$t/sandbox/sub/up2"
  ln -s /etc "$t/sandbox/etc_link"
  ln -s "$t/outside_secret.txt" "$t/sandbox/abs_secret"
  ln -s ../.. "$t/sandbox/up"
  ln -s sub/../../outside_secret.txt "$t/sandbox/up_sneaky"
  ln -s sub/inner.txt "$t/sandbox/inside_link"
  ln -s loop2 "$t/sandbox/loop1"
  ln -s loop1 "$t/sandbox/loop2"
  ln -s self_loop "$t/sandbox/self_loop"
  ln -s ../created_outside.txt "$t/sandbox/dangling_out"
  ln -s "$t/created_outside_abs.txt" "$t/sandbox/dangling_abs"
}

# Nothing outside TMP/sandbox may change: the secret intact, no new entries.
check_outside() {
  local t="$1" why=""
  [[ "$(cat "$t/outside_secret.txt" 2>/dev/null)" == SECRET ]] || why+=" outside_secret.txt changed;"
  local extra
  extra="$(cd "$t" && ls -A | grep -vxE 'sandbox|outside_secret.txt|out|err|in')"
  [[ -z "$extra" ]] || why+=" new entries outside the sandbox: $(echo $extra);"
  for f in /tmp/made_by_guest /tmp/made_by_guest_dir /tmp/moved_by_guest; do
    [[ ! -e "$f" ]] || why+=" $f exists;"
  done
  printf '%s' "$why"
}

# run_one NAME WANT_STATUS WANT_STDOUT [STDIN_TEXT] -- ARGS...   (stdout compared exactly)
run_one() {
  local name="$1" want="$2" want_out="$3" stdin_text="$4"
  shift 5
  local t
  t="$(mktemp -d)"
  make_tree "$t"
  local module="$bin/$name.wasm"
  [[ -f "$module" ]] || module="$src/$name.wat"
  printf '%s' "$stdin_text" >"$t/in"
  (cd "$t/sandbox" && "$cascade" run --dir "$t/sandbox::/sandbox" "$@" "$module" "${ARGS[@]}" \
      <"$t/in" >"$t/out" 2>"$t/err")
  local got=$? why=""
  [[ $got == "$want" ]] || why+=" exit $got, want $want;"
  [[ "$(cat "$t/out")" == "$want_out" ]] || why+=" stdout differs;"
  why+="$(check_outside "$t")"
  if [[ -z "$why" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name:$why"
    sed 's/^/  stdout: /' "$t/out" | head -20
    sed 's/^/  stderr: /' "$t/err" | head -20
  fi
  rm -rf "$t"
}

for name in "${tests[@]}"; do
  ARGS=()
  case "$name" in
    args_env)
      ARGS=(alpha "two words" "")
      run_one "$name" 0 "ok args_env" "" -- --env FOO=bar --env EMPTY= ;;
    exit_status)
      ARGS=(42)
      run_one "$name" 42 "exiting with 42" "" -- ;;
    stdin_pipe)
      input="$(seq 1 3000 | sed 's/$/ lines of text/')"
      run_one "$name" 0 "$(printf '%s' "$input" | tr a-z A-Z)" "$input" -- ;;
    poll)
      run_one "$name" 0 "ok poll" $'ping\n' -- ;;
    no_memory)
      run_one "$name" 21 "" "" -- ;;
    bad_pointers | hostile_args)
      run_one "$name" 0 "ok $name" "" -- ;;
    *)
      if [[ " ${all[*]} " != *" $name "* ]]; then
        echo "FAIL $name: no such test"; failed=$((failed + 1)); continue
      fi
      run_one "$name" 0 "ok $name" "" -- ;;
  esac
done
echo "wasi tests: $passed passed, $failed failed"
[[ $failed == 0 ]]
