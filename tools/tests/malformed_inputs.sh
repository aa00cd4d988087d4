#!/usr/bin/env bash
# tools/tests/malformed_inputs.sh: hostile inputs must be rejected cleanly.
# Each case is a hand-crafted binary; `cascade validate` must exit with the
# expected status (1 = rejected, with `FILE: error: MESSAGE (at offset 0x..)`
# on stderr, at most 4 KiB of it; 0 for the valid-but-extreme cases), never by
# a signal, within $MAX_RSS_MB of resident memory and $MAX_SECONDS of time each.
# Usage: malformed_inputs.sh PATH/TO/cascade
set -uo pipefail
cascade="${1:?usage: malformed_inputs.sh PATH/TO/cascade}"
MAX_RSS_MB="${MAX_RSS_MB:-200}"
MAX_SECONDS="${MAX_SECONDS:-20}"
# Address-space cap so a runaway allocation fails fast instead of swapping.
MAX_VM_MB="${MAX_VM_MB:-4096}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Writes one file per case into $tmp and prints "NAME EXPECTED_EXIT" lines.
python3 - "$tmp" >"$tmp/cases" <<'PY'
import os, sys
out = sys.argv[1]

def leb(n):
    b = bytearray()
    while True:
        x = n & 0x7F; n >>= 7
        if n: b.append(x | 0x80)
        else: b.append(x); return bytes(b)

def sec(sid, payload, size=None):
    return bytes([sid]) + leb(len(payload) if size is None else size) + payload

HDR = b"\0asm\1\0\0\0"
FUNC_VOID = sec(1, b"\x01\x60\x00\x00")          # one type: [] -> []
FUNC_SEC1 = sec(3, b"\x01\x00")                 # one function of type 0

def code(body, locals_=b"\x00"):
    f = locals_ + body
    return sec(10, b"\x01" + leb(len(f)) + f)

cases = []
def case(name, data, expect=1):
    with open(os.path.join(out, name + ".wasm"), "wb") as f:
        f.write(data)
    cases.append((name, expect))

case("empty_file", b"")
case("truncated_header", b"\0as")
case("bad_magic", b"\0ASM\1\0\0\0")
case("truncated_version", b"\0asm\1\0")
case("section_size_4g", HDR + b"\x01" + leb(0xFFFFFFFF) + b"\x00")
case("leb_too_long", HDR + b"\x01\x80\x80\x80\x80\x80\x00")
case("leb_u32_overflow", HDR + sec(1, b"\xff\xff\xff\xff\x7f"))
# A 20-byte file whose function section claims 4 billion functions.
f20 = HDR + sec(3, leb(0xFFFFFFFF) + b"\x00" * 5)
assert len(f20) == 20, len(f20)
case("funcs_4g_20_bytes", f20)
case("types_256m", HDR + sec(1, leb(0x0FFFFFFF) + b"\x60\x00\x00"))
case("imports_4g", HDR + sec(2, leb(0xFFFFFFFF) + b"\x01m\x01n\x00\x00"))
case("code_4g", HDR + FUNC_VOID + FUNC_SEC1 + sec(10, leb(0xFFFFFFFF) + b"\x02\x00\x0b"))
case("params_4g", HDR + sec(1, b"\x01\x60" + leb(0xFFFFFFFF) + b"\x7f" * 4 + b"\x00"))
case("struct_fields_4g", HDR + sec(1, b"\x01\x5f" + leb(0xFFFFFFFF) + b"\x7f\x00"))
case("rec_group_4g", HDR + sec(1, b"\x01\x4e" + leb(0xFFFFFFFF) + b"\x60\x00\x00"))
case("exports_4g", HDR + sec(7, leb(0xFFFFFFFF) + b"\x01a\x00\x00"))
case("data_segment_4g_bytes", HDR + sec(5, b"\x01\x00\x01") +
     sec(11, b"\x01\x00\x41\x00\x0b" + leb(0xFFFFFFFF) + b"abc"))
case("elem_4g_items", HDR + FUNC_VOID + FUNC_SEC1 + sec(4, b"\x01\x70\x00\x01") +
     sec(9, b"\x01\x00\x41\x00\x0b" + leb(0xFFFFFFFF) + b"\x00"))
case("locals_4g", HDR + FUNC_VOID + FUNC_SEC1 + code(b"\x0b", b"\x01" + leb(0xFFFFFFFF) + b"\x7f"), expect=None)
case("locals_sum_overflow", HDR + FUNC_VOID + FUNC_SEC1 +
     code(b"\x0b", b"\x02" + leb(0x80000000) + b"\x7f" + leb(0x80000000) + b"\x7e"))
case("local_decls_4g", HDR + FUNC_VOID + FUNC_SEC1 + code(b"\x0b", leb(0xFFFFFFFF) + b"\x01\x7f"))
case("br_table_4g", HDR + FUNC_VOID + FUNC_SEC1 +
     code(b"\x41\x00\x0e" + leb(0xFFFFFFFF) + b"\x00\x00\x0b"))
case("memory_4g_pages", HDR + sec(5, b"\x01\x00" + leb(0xFFFFFFFF)))
case("name_section_4g", HDR + sec(0, b"\x04name\x01" + leb(7) + leb(0xFFFFFFFF) + b"\x00\x01a"), expect=None)
N = 1_000_000
# A million nested blocks that are never closed: runs off the end of the body.
case("blocks_1m_unclosed", HDR + FUNC_VOID + FUNC_SEC1 + code(b"\x02\x40" * N + b"\x0b"))
# A million nested blocks, closed, with a type error in the innermost one.
case("blocks_1m_type_error", HDR + FUNC_VOID + FUNC_SEC1 +
     code(b"\x02\x40" * N + b"\x6a" + b"\x0b" * N + b"\x0b"))
# A million nested blocks, closed: valid, and must not exhaust the C stack.
case("blocks_1m_valid", HDR + FUNC_VOID + FUNC_SEC1 + code(b"\x02\x40" * N + b"\x0b" * N + b"\x0b"), expect=0)
# A million nested loops whose innermost branches to the outermost.
case("loops_1m_br_outer", HDR + FUNC_VOID + FUNC_SEC1 +
     code(b"\x03\x40" * N + b"\x0c" + leb(N - 1) + b"\x0b" * N + b"\x0b"), expect=0)
# A body of 4 million `i32.const 0`: a tall operand stack and an unbalanced end.
case("stack_4m_values", HDR + FUNC_VOID + FUNC_SEC1 + code(b"\x41\x00" * 4_000_000 + b"\x0b"))
for name, expect in cases:
    print(name, "any" if expect is None else expect)
PY

# Known failures, "NAME: reason": reported as XFAIL (not counted), so that a
# bug owned elsewhere is visible without blocking CI. Remove entries when fixed.
known_failures=(
)
known_reason() {
  local k
  for k in "${known_failures[@]}"; do
    [[ "${k%%:*}" == "$1" ]] && { echo "${k#*: }"; return 0; }
  done
  return 1
}

passed=0 failed=0 xfailed=0
while read -r name want; do
  file="$tmp/$name.wasm"
  (ulimit -v $((MAX_VM_MB * 1024)) &&
    exec /usr/bin/time -f '%M %e' -o "$tmp/time" timeout "$MAX_SECONDS" "$cascade" validate "$file") \
    >"$tmp/out" 2>"$tmp/err"
  got=$?
  # The last line of $tmp/time is "MAX_RSS_KB SECONDS" (a line "Command
  # terminated by signal N" may precede it).
  line="$(grep -E '^[0-9]+ [0-9.]+$' "$tmp/time" | tail -n 1)"
  rss_kb="${line% *}" secs="${line#* }"
  why=""
  if ((got == 124)); then
    why="timed out after ${MAX_SECONDS}s"
  elif ((got > 128)) || grep -q 'terminated by signal' "$tmp/time"; then
    why="killed by a signal (exit $got)"
  elif [[ "$want" == any ]]; then
    ((got == 0 || got == 1)) || why="exit $got, want 0 or 1"
  elif ((got != want)); then
    why="exit $got, want $want"
  fi
  if [[ -z "$why" && $got == 1 ]] && ! grep -Eq "^$file: error: .+ \(at offset 0x[0-9a-f]+\)$" "$tmp/err"; then
    why="no 'FILE: error: MESSAGE (at offset 0x..)' line"
  fi
  err_bytes="$(stat -c %s "$tmp/err")"
  if [[ -z "$why" ]] && ((err_bytes > 4096)); then
    why="error output of $err_bytes bytes (a message should stay short)"
  fi
  if [[ -z "$why" && -n "$rss_kb" ]] && ((rss_kb > MAX_RSS_MB * 1024)); then
    why="max RSS $((rss_kb / 1024)) MB > $MAX_RSS_MB MB"
  fi
  msg="$(head -n 1 "$tmp/err" | head -c 160 | sed "s|$tmp/||")"
  if [[ -z "$why" ]]; then
    passed=$((passed + 1))
    printf 'ok   %-24s exit %d  %5d KB  %5ss  %s\n' "$name" "$got" "${rss_kb:-0}" "$secs" "$msg"
  elif reason="$(known_reason "$name")"; then
    xfailed=$((xfailed + 1))
    printf 'XFAIL %-23s %s  [%s] (known: %s)\n' "$name" "$why" "$msg" "$reason"
  else
    failed=$((failed + 1))
    printf 'FAIL %-24s %s  [%s]\n' "$name" "$why" "$msg"
  fi
done <"$tmp/cases"

((xfailed == 0)) || echo "malformed_inputs: $xfailed known failures (XFAIL above)"
echo "malformed_inputs: $passed passed, $failed failed"
((failed == 0))
