// Loop headers keep the local cache they are entered with (value_stack.h,
// CacheState): every way back into a header — br, br_if, br_table,
// br_on_null, br_on_non_null, a try_table catch clause, an OSR entry — must
// first put the header's cached locals back into their registers. Each loop
// here sets locals just before its header (so the header caches them) and
// takes registers away in its body; results are checked against the
// interpreter, on the JIT and across on-stack replacement in tiered mode.
#include <string>
#include <vector>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (tag $t)
  (func $id)
  (elem declare func $id)
  ;; Deep operand stacks in the body evict every cached register; br_if back.
  (func (export "pressure") (param i32) (result i64) (local i64 i64 i32)
    (local.set 1 (i64.extend_i32_u (local.get 0)))
    (local.set 2 (i64.add (local.get 1) (i64.const 3)))
    (local.set 3 (i32.wrap_i64 (i64.shr_u (local.get 2) (i64.const 40))))
    (loop $l
      (local.set 1
        (i64.add (local.get 1)
          (i64.xor (local.get 2)
            (i64.add (i64.extend_i32_u (local.get 3))
              (i64.add (i64.mul (local.get 1) (i64.const 3))
                (i64.add (i64.rotl (local.get 2) (i64.const 5))
                  (i64.add (i64.sub (local.get 1) (local.get 2))
                    (i64.add (i64.shr_u (local.get 1) (i64.const 7))
                      (i64.add (i64.or (local.get 2) (i64.const 9))
                        (i64.add (local.get 1)
                          (i64.add (local.get 2)
                            (i64.add (local.get 1) (local.get 2)))))))))))))
      (local.set 2 (i64.add (local.get 2) (local.get 1)))
      (local.set 3 (i32.add (local.get 3) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 3) (local.get 0))))
    (i64.xor (local.get 1) (local.get 2)))
  ;; The same with float locals in float registers.
  (func (export "fpressure") (param i32 f64) (result f64) (local f64 f64 i32)
    (local.set 2 (local.get 1))
    (local.set 3 (f64.mul (local.get 1) (f64.const 0.5)))
    (local.set 4 (i32.trunc_f64_u (f64.abs (f64.mul (local.get 1) (f64.const 0)))))
    (loop $l
      (local.set 2
        (f64.add (local.get 1) (f64.mul (local.get 3)
          (f64.add (local.get 2) (f64.add (local.get 3) (f64.add (local.get 2)
          (f64.add (local.get 3) (f64.add (local.get 2) (f64.add (local.get 3)
          (f64.add (local.get 2) (f64.add (local.get 3) (f64.add (local.get 2)
          (f64.add (local.get 3) (f64.add (local.get 2) (f64.add (local.get 3)
          (f64.add (local.get 2) (f64.add (local.get 3) (local.get 2))))))))))))))))))
      (local.set 3 (f64.mul (local.get 3) (f64.const 0.75)))
      (local.set 2 (f64.sub (local.get 2) (local.get 1)))
      (local.set 4 (i32.add (local.get 4) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 4) (local.get 0))))
    (f64.add (local.get 2) (local.get 3)))
  ;; br_table to the loop and to a block inside it; br back from the block.
  (func (export "table") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.sub (local.get 0) (local.get 0)))
    (local.set 2 (i32.add (local.get 0) (i32.const 5)))
    (block $out
      (loop $l
        (block $skip
          (local.set 2 (i32.add (local.get 2) (i32.mul (local.get 1) (i32.const 3))))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
          (br_table $l $skip $l (i32.and (local.get 2) (i32.const 3))))
        (local.set 2 (i32.xor (local.get 2) (i32.const 0x55)))
        (br $l)))
    (i32.add (local.get 1) (local.get 2)))
  ;; br_on_null back to the loop.
  (func (export "null") (param i32) (result i32) (local i32 funcref i32)
    (local.set 1 (i32.sub (local.get 0) (local.get 0)))
    (local.set 3 (i32.add (local.get 0) (i32.const 11)))
    (block $out
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 2 (select (result funcref) (ref.null func) (ref.func $id)
                       (i32.and (local.get 1) (i32.const 1))))
        (local.set 3 (i32.add (local.get 3) (local.get 1)))
        (br_on_null $l (local.get 2))
        (drop)
        (local.set 3 (i32.mul (local.get 3) (i32.const 3)))
        (br $l)))
    (local.get 3))
  ;; br_on_non_null back to a loop taking a parameter.
  (func (export "nonnull") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.sub (local.get 0) (local.get 0)))
    (local.set 2 (i32.add (local.get 0) (i32.const 1)))
    (ref.func $id)
    (loop $l (param funcref)
      (drop)
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (local.set 2 (i32.add (local.get 2) (i32.shl (local.get 1) (i32.const 1))))
      (if (i32.ge_u (local.get 1) (local.get 0)) (then (return (local.get 2))))
      (br_on_non_null $l (select (result funcref) (ref.null func) (ref.func $id)
                           (i32.and (local.get 1) (i32.const 1))))
      (local.set 2 (i32.xor (local.get 2) (i32.const 0xff)))
      (br $l (ref.func $id)))
    (unreachable))
  ;; A catch clause whose label is the loop (the landing pad knows no
  ;; register).
  (func (export "catch") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.sub (local.get 0) (local.get 0)))
    (local.set 2 (i32.add (local.get 0) (i32.const 2)))
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (local.set 2 (i32.add (i32.mul (local.get 2) (i32.const 5)) (local.get 1)))
      (if (i32.lt_u (local.get 1) (local.get 0))
        (then try_table (catch $t $l) throw $t end)))
    (local.get 2)))
)";

TEST_CASE("jit: branches back to a loop header restore its cached locals") {
  JitInterpPair p(kModule);
  for (uint32_t n : {0u, 1u, 2u, 3u, 7u, 100u, 1000u}) {
    CAPTURE(n);
    p.Same("pressure", {Value::I32(n)});
    p.Same("fpressure", {Value::I32(n), Value::F64(1.25)});
    p.Same("table", {Value::I32(n)});
    p.Same("null", {Value::I32(n)});
    p.Same("nonnull", {Value::I32(n)});
    p.Same("catch", {Value::I32(n)});
  }
  CHECK(p.jit.stats().unsupported == 0);
}

TEST_CASE("jit tiering: on-stack replacement into a header with cached locals") {
  cascade::test::WatInstance tiered(kModule, {}, &EnableTiering);
  cascade::test::WatInstance interp(kModule);
  constexpr uint32_t kN = 3000000;  // enough back-edges to tier up mid-loop
  uint32_t before = GetStats(tiered.store()).osr_entries;
  for (const char* f : {"pressure", "fpressure", "table", "null"}) {
    CAPTURE(f);
    std::vector<Value> args{Value::I32(kN)};
    if (std::string(f) == "fpressure") args.push_back(Value::F64(-0.5));
    std::vector<Value> tr, ir;
    std::string tt, it;
    REQUIRE(tiered.Call(f, args, &tr, &tt));
    REQUIRE(interp.Call(f, args, &ir, &it));
    REQUIRE(tr.size() == 1);
    REQUIRE(ir.size() == 1);
    CHECK(tr[0].lo == ir[0].lo);
  }
  CHECK(GetStats(tiered.store()).osr_entries >= before + 4);
}

}  // namespace
}  // namespace cascade::jit::test
