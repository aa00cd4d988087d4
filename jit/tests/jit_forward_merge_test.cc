// Forward merges of the local cache (baseline_compiler.cc, BindLabel): the end
// label of a block, if or try_table and an if's else label keep what every
// jump to them and the fall-through agree on. Each function here reaches a
// label from paths whose registers cache different locals (or, from a
// landing pad, nothing known), then reads those locals; results are checked
// against the interpreter. Also the loop look-ahead: a loop header loads the
// locals its body reads first, so a counting loop loads nothing per iteration
// (but not those first read after a call, which forgets the cache).
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (tag $t)
  (func $id)
  (elem declare func $id)
  ;; if/else: each arm leaves the locals in other registers
  (func (export "ifelse") (param i32 i64) (result i64) (local i64 i64)
    (local.set 2 (i64.add (local.get 1) (i64.const 1)))
    (local.set 3 (i64.mul (local.get 1) (i64.const 3)))
    (if (i32.and (local.get 0) (i32.const 1))
      (then (local.set 2 (i64.xor (local.get 2) (local.get 3))))
      (else (local.set 3 (i64.sub (local.get 3) (local.get 2)))
            (local.set 2 (i64.add (local.get 2) (i64.const 7)))))
    (i64.add (i64.mul (local.get 2) (i64.const 5)) (local.get 3)))
  ;; an if without else whose then-arm leaves by br: the end is reached from
  ;; the if's false edge only
  (func (export "ifbr") (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.add (local.get 1) (i32.const 9)))
    (block $out
      (if (local.get 0) (then (local.set 2 (i32.const 1)) (br $out)))
      (local.set 2 (i32.mul (local.get 2) (local.get 2))))
    (i32.add (local.get 2) (local.get 1)))
  ;; br_if exits with locals rewritten between them, under register pressure
  (func (export "exits") (param i32 i64) (result i64) (local i64 i64)
    (local.set 2 (local.get 1))
    (local.set 3 (i64.const 11))
    (block $b
      (br_if $b (i32.eqz (local.get 0)))
      (local.set 2 (i64.add (local.get 2) (i64.const 1)))
      (local.set 3 (i64.rotl (local.get 2) (i64.const 7)))
      (br_if $b (i32.eq (local.get 0) (i32.const 1)))
      (local.set 2
        (i64.add (local.get 2) (i64.add (local.get 3) (i64.add (local.get 2)
        (i64.add (local.get 3) (i64.add (local.get 2) (i64.add (local.get 3)
        (i64.add (local.get 2) (i64.add (local.get 3) (i64.add (local.get 2)
        (local.get 3)))))))))))
      (br_if $b (i32.eq (local.get 0) (i32.const 2)))
      (local.set 3 (i64.const 0)))
    (i64.xor (local.get 2) (local.get 3)))
  ;; the same with float locals
  (func (export "fexits") (param i32 f64) (result f64) (local f64 f64)
    (local.set 2 (local.get 1))
    (local.set 3 (f64.const 0.5))
    (block $b
      (br_if $b (i32.eqz (local.get 0)))
      (local.set 2 (f64.add (local.get 2) (f64.const 1)))
      (local.set 3 (f64.mul (local.get 2) (f64.const 3)))
      (br_if $b (i32.eq (local.get 0) (i32.const 1)))
      (local.set 2
        (f64.add (local.get 2) (f64.add (local.get 3) (f64.add (local.get 2)
        (f64.add (local.get 3) (f64.add (local.get 2) (f64.add (local.get 3)
        (f64.add (local.get 2) (f64.add (local.get 3) (f64.add (local.get 2)
        (f64.add (local.get 3) (f64.add (local.get 2) (f64.add (local.get 3)
        (f64.add (local.get 2) (f64.add (local.get 3) (f64.add (local.get 2)
        (local.get 3)))))))))))))))))
      (br_if $b (i32.eq (local.get 0) (i32.const 2)))
      (local.set 3 (f64.const -4)))
    (f64.sub (local.get 2) (local.get 3)))
  ;; br_table to blocks entered with other caches
  (func (export "table") (param i32 i32) (result i32) (local i32 i32)
    (local.set 2 (i32.add (local.get 1) (i32.const 1)))
    (block $c
      (block $b
        (block $a
          (local.set 3 (i32.mul (local.get 2) (i32.const 3)))
          (br_table $a $b $c (local.get 0)))
        (local.set 2 (i32.add (local.get 2) (local.get 3)))
        (br $c))
      (local.set 3 (i32.sub (local.get 3) (local.get 2))))
    (i32.add (i32.mul (local.get 2) (i32.const 7)) (local.get 3)))
  ;; a try_table catch clause to a block: the landing pad knows no register
  (func (export "catch") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 4)))
    (block $h
      (try_table (catch $t $h)
        (local.set 2 (i32.mul (local.get 1) (local.get 1)))
        (if (local.get 0) (then (throw $t)))
        (local.set 1 (i32.add (local.get 1) (local.get 2)))))
    (i32.add (local.get 1) (local.get 2)))
  ;; br_on_null and br_on_non_null to blocks
  (func (export "null") (param i32) (result i32) (local i32 funcref)
    (local.set 1 (i32.add (local.get 0) (i32.const 2)))
    (local.set 2 (select (result funcref) (ref.null func) (ref.func $id)
                   (i32.and (local.get 0) (i32.const 1))))
    (block $n
      (local.set 1 (i32.mul (local.get 1) (i32.const 3)))
      (br_on_null $n (local.get 2))
      (drop)
      (local.set 1 (i32.add (local.get 1) (i32.const 100))))
    (block $nn (result funcref)
      (local.set 1 (i32.xor (local.get 1) (i32.const 5)))
      (br_on_non_null $nn (local.get 2))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (ref.func $id))
    (drop)
    (local.get 1))
  ;; loops inside blocks inside loops: look-ahead and merges together
  (func (export "nested") (param i32) (result i32) (local i32 i32 i32)
    (local.set 2 (i32.const 1))
    (loop $outer
      (local.set 3 (i32.const 0))
      (block $done
        (loop $inner
          (br_if $done (i32.ge_u (local.get 3) (local.get 1)))
          (local.set 2 (i32.add (i32.mul (local.get 2) (i32.const 31)) (local.get 3)))
          (if (i32.and (local.get 2) (i32.const 4))
            (then (local.set 3 (i32.add (local.get 3) (i32.const 2))))
            (else (local.set 3 (i32.add (local.get 3) (i32.const 1)))))
          (br $inner)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get 1) (local.get 0))))
    (i32.add (local.get 1) (local.get 2)))
  ;; locals that trade registers around a loop (a parallel move with cycles
  ;; at the branch back): a, b = b, a + b and a three-way rotation
  (func (export "swap") (param i32) (result i64) (local i64 i64 i64 i64 i64 i32)
    (local.set 1 (i64.const 1))
    (local.set 2 (i64.const 2))
    (local.set 3 (i64.const 3))
    (local.set 4 (i64.const 5))
    (loop $l
      (local.set 5 (local.get 1))
      (local.set 1 (local.get 2))
      (local.set 2 (i64.add (local.get 5) (local.get 2)))
      (local.set 5 (local.get 3))
      (local.set 3 (local.get 4))
      (local.set 4 (local.get 5))
      (local.set 6 (i32.add (local.get 6) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 6) (local.get 0))))
    (i64.add (i64.mul (local.get 1) (local.get 3)) (i64.sub (local.get 2) (local.get 4))))
  ;; a counting loop (the listing check below)
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))
)";

TEST_CASE("jit: labels keep only the cached locals every way in agrees on") {
  JitInterpPair p(kModule);
  for (uint32_t n : {0u, 1u, 2u, 3u, 4u, 7u, 100u}) {
    CAPTURE(n);
    p.Same("ifelse", {Value::I32(n), Value::I64(n * 0x10001ull + 3)});
    p.Same("ifbr", {Value::I32(n), Value::I32(n + 5)});
    p.Same("exits", {Value::I32(n), Value::I64(n * 977ull)});
    p.Same("fexits", {Value::I32(n), Value::F64(1.5 + n)});
    p.Same("table", {Value::I32(n), Value::I32(n * 13 + 1)});
    p.Same("catch", {Value::I32(n)});
    p.Same("null", {Value::I32(n)});
    p.Same("nested", {Value::I32(n)});
    p.Same("count", {Value::I32(n)});
    p.Same("swap", {Value::I32(n)});
  }
  CHECK(p.jit.stats().unsupported == 0);
}

// The listing (ListAssembly) of function `funcidx` of `w`'s module, a line
// each, and the first loop in it: its header label's line and the line of
// the jump back (a jmp or jcc, maybe `short`, to a label defined above it).
struct LoopListing {
  std::vector<std::string> lines;
  size_t header = 0, back = 0;
};
LoopListing FirstLoop(JitInstance& w, uint32_t funcidx) {
  std::ostringstream out;
  ListAssembly(w.module(), out);
  std::string text = out.str();
  LoopListing l;
  size_t func = text.find("func " + std::to_string(funcidx) + ":");
  REQUIRE(func != std::string::npos);
  std::istringstream in(text.substr(func));
  for (std::string line;
       std::getline(in, line) && (l.lines.empty() || line.rfind("func ", 0) != 0);) {
    l.lines.push_back(line);
  }
  static const std::regex kJump(R"(^(short )?j[a-z]+ (L[0-9]+)\b)");
  for (size_t i = 0; i < l.lines.size() && l.back == 0; ++i) {
    std::smatch m;
    if (!std::regex_search(l.lines[i], m, kJump)) continue;
    for (size_t j = 0; j < i; ++j) {
      if (l.lines[j] == m[2].str() + ":") {
        l.header = j;
        l.back = i;
      }
    }
  }
  REQUIRE(l.back > l.header);
  return l;
}

// The body of the loop in "count" (from its header label to the jump back)
// reads no local from the frame: the header loaded both.
TEST_CASE("jit: a loop header loads the locals its body reads") {
  JitInstance w(kModule);
  LoopListing l = FirstLoop(w, 10);  // "count"
  for (size_t i = l.header; i < l.back; ++i) {
    CAPTURE(l.lines[i]);
    CHECK(l.lines[i].find(", qword ptr [rbx") == std::string::npos);
  }
}

// A local the loop first reads after a call is not loaded for the header:
// the call forgets the cache, so the load would only cost a move at every
// jump back. The one read before the call is.
TEST_CASE("jit: a loop header skips the locals its body first reads after a call") {
  JitInstance w(R"((module
    (func $id (param i32) (result i32) (local.get 0))
    (func (export "callloop") (param i32 i32) (result i32)
      (loop $l
        (local.set 0 (i32.sub (call $id (local.get 0)) (i32.const 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const 3)))
        (br_if $l (local.get 0)))
      (local.get 1)))
  )");
  CHECK(w.Run("callloop", {Value::I32(5), Value::I32(1)}) == 16);
  LoopListing l = FirstLoop(w, 1);
  // Before the header: local 0 (fp[0]) is loaded, local 1 (fp[1]) is not.
  bool loads0 = false;
  for (size_t i = 0; i < l.header; ++i) {
    CAPTURE(l.lines[i]);
    if (l.lines[i].find(", qword ptr [rbx]") != std::string::npos) loads0 = true;
    CHECK(l.lines[i].find(", qword ptr [rbx+8]") == std::string::npos);
  }
  CHECK(loads0);
}

}  // namespace
}  // namespace cascade::jit::test

namespace cascade::jit::test {
namespace {

// Comparisons read cached locals' registers in place, on either side (the
// registers stay pinned until the comparison is evaluated or branched on):
// a local.set between the comparison and its use, evaluation into another
// register, the same local on both sides, and register pressure around
// pending comparisons all give the interpreter's results.
constexpr const char* kCompares = R"((module
  (func (export "set_between") (param i32 i32) (result i32)
    (block $b
      (local.get 0) (i32.const 5) (i32.lt_s)
      (local.set 0 (i32.const 100))
      (br_if $b)
      (local.set 1 (i32.add (local.get 1) (local.get 0))))
    (i32.add (local.get 0) (local.get 1)))
  (func (export "set_between2") (param i32 i32) (result i32)
    (block $b
      (local.get 1) (local.get 0) (i32.gt_u)
      (local.set 0 (i32.const 7))
      (local.set 1 (i32.const 9))
      (br_if $b)
      (local.set 1 (i32.const 1000)))
    (i32.add (local.get 0) (local.get 1)))
  (func (export "materialize") (param i32 i32) (result i32) (local i32 i32)
    (local.set 2 (i32.lt_s (local.get 0) (local.get 1)))
    (local.set 3 (i32.ge_u (local.get 1) (i32.const 3)))
    (i32.add (i32.mul (local.get 2) (i32.const 10))
      (i32.add (local.get 3) (i32.add (local.get 0) (local.get 1)))))
  (func (export "same") (param i32) (result i32)
    (i32.add (i32.eq (local.get 0) (local.get 0))
             (i32.add (i32.lt_s (local.get 0) (local.get 0)) (local.get 0))))
  (func (export "pressure") (param i32 i32 i32 i32) (result i32)
    (local.get 0) (local.get 1) (i32.lt_s)
    (local.get 2) (local.get 3) (i32.ne)
    (local.get 0) (local.get 3) (i32.gt_u)
    (local.get 1) (i32.const 2) (i32.le_s)
    (i32.add (local.get 0) (local.get 1)) (i32.mul (local.get 2) (local.get 3))
    (i32.xor (local.get 0) (local.get 2)) (i32.sub (local.get 1) (local.get 3))
    (local.get 2) (local.get 1) (i32.ge_s)
    (local.set 0 (i32.const 1)) (local.set 1 (i32.const 2))
    (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add)
    (i32.add (local.get 0) (local.get 1)) (i32.add))
  (func (export "branch_local") (param i32 i32) (result i32) (local i32 i32 i32)
    (local.set 2 (i32.add (local.get 0) (i32.const 3)))
    (local.set 3 (i32.and (local.get 1) (i32.const 4)))
    (block $b (result i32)
      (loop $l
        (local.set 4 (i32.add (local.get 4) (local.get 2)))
        (drop (br_if $b (local.get 4) (local.get 3)))
        (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
        (local.set 3 (i32.and (local.get 1) (i32.const 4)))
        (br_if $l (local.get 1)))
      (if (result i32) (local.get 0) (then (local.get 2)) (else (local.get 4)))))
  ;; one instruction into a new register: lea for add, sub and shl by 1-3
  ;; (after masking the count), imul for mul; other constants as before
  (func (export "alu_imm") (param i32 i64) (result i64) (local i32)
    (local.set 2 (i32.xor
      (i32.xor (i32.shl (local.get 0) (i32.const 1)) (i32.shl (local.get 0) (i32.const 3)))
      (i32.xor (i32.shl (local.get 0) (i32.const 34)) (i32.shl (local.get 0) (i32.const 4)))))
    (local.set 2 (i32.add (local.get 2)
      (i32.add (i32.mul (local.get 0) (i32.const -7)) (i32.sub (local.get 0) (i32.const -2147483648)))))
    (i64.add (i64.extend_i32_u (local.get 2))
      (i64.xor (i64.xor (i64.shl (local.get 1) (i64.const 2)) (i64.shl (local.get 1) (i64.const 67)))
        (i64.add (i64.mul (local.get 1) (i64.const 1000003)) (i64.sub (local.get 1) (i64.const 5))))))
  (func (export "i64s") (param i64 i64) (result i32)
    (select (i32.const 3) (i32.const 4) (i64.lt_u (local.get 0) (local.get 1)))
    (i64.eq (local.get 1) (i64.const -1))
    (i32.add))
))";

TEST_CASE("jit: comparisons read cached locals in place") {
  JitInterpPair p(kCompares);
  for (uint32_t a : {0u, 1u, 3u, 5u, 0x80000000u, 0xFFFFFFFFu}) {
    for (uint32_t b : {0u, 2u, 3u, 7u, 0xFFFFFFFEu}) {
      CAPTURE(a);
      CAPTURE(b);
      p.Same("set_between", {Value::I32(a), Value::I32(b)});
      p.Same("set_between2", {Value::I32(a), Value::I32(b)});
      p.Same("materialize", {Value::I32(a), Value::I32(b)});
      p.Same("same", {Value::I32(a)});
      p.Same("alu_imm", {Value::I32(a), Value::I64((uint64_t{b} << 32) | a)});
      p.Same("branch_local", {Value::I32(a), Value::I32(b & 0xFF)});
      p.Same("pressure", {Value::I32(a), Value::I32(b), Value::I32(a ^ b), Value::I32(b + 1)});
      p.Same("i64s", {Value::I64(uint64_t{a} << 20), Value::I64(b == 0 ? ~0ull : uint64_t{b} << 21)});
    }
  }
  CHECK(p.jit.stats().unsupported == 0);
}

}  // namespace
}  // namespace cascade::jit::test
