// The JIT's first tier: arithmetic, locals, control flow, calls, traps, each
// checked against known results and against the store's JitStats (the code
// really ran compiled, not in the interpreter).
#include <cmath>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

TEST_CASE("jit: i32.add compiles and runs") {
  JitInstance w(R"((module
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)))");
  CHECK(w.Run("add", {Value::I32(2), Value::I32(40)}) == 42);
  CHECK(w.Run("add", {Value::I32(0xFFFFFFFF), Value::I32(2)}) == 1);
  CHECK(w.stats().compiled == 1);
  CHECK(w.stats().unsupported == 0);
}

TEST_CASE("jit: locals, control flow, calls, traps") {
  JitInstance w(R"((module
    (func (export "swap_sub") (param i32 i32) (result i32)
      (local i32)
      local.get 0 local.get 1 local.set 0 local.get 0 i32.sub)
    (func $fac (export "fac") (param i64) (result i64)
      local.get 0 i64.eqz
      if (result i64) i64.const 1
      else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul end)
    (func (export "loop") (param i32) (result i32) (local i32)
      block loop
        local.get 0 i32.eqz br_if 1
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br 0
      end end
      local.get 1)
    (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    (func (export "rem") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s)
    (func (export "ret_extra") (result i32) (i32.const 1) (return (i32.const 2)))
    (func (export "table") (param i32) (result i32)
      block block block
        local.get 0 br_table 0 1 2
      end i32.const 10 return
      end i32.const 20 return
      end i32.const 30)
    (func (export "brval") (param i32) (result i32)
      block (result i32)
        i32.const 7 local.get 0 br_if 0 drop i32.const 9
      end)
    (func (export "select") (param i32 i32 i32) (result i32)
      local.get 0 local.get 1 local.get 2 select)
    (func (export "unreachable") unreachable)
    (func $deep (export "deep") (param i32) (result i32) local.get 0 call $deep)
  ))");
  CHECK(w.Run("ret_extra") == 2);
  CHECK(w.Run("swap_sub", {Value::I32(10), Value::I32(3)}) == 7);
  CHECK(w.Run("fac", {Value::I64(20)}) == 2432902008176640000ull);
  CHECK(w.Run("loop", {Value::I32(100)}) == 5050);
  CHECK(w.Run("table", {Value::I32(0)}) == 10);
  CHECK(w.Run("table", {Value::I32(1)}) == 20);
  CHECK(w.Run("table", {Value::I32(2)}) == 30);
  CHECK(w.Run("table", {Value::I32(99)}) == 30);
  CHECK(w.Run("brval", {Value::I32(1)}) == 7);
  CHECK(w.Run("brval", {Value::I32(0)}) == 9);
  CHECK(w.Run("select", {Value::I32(5), Value::I32(6), Value::I32(1)}) == 5);
  CHECK(w.Run("select", {Value::I32(5), Value::I32(6), Value::I32(0)}) == 6);
  CHECK(w.Run("div", {Value::I32(-7), Value::I32(2)}) == static_cast<uint32_t>(-3));
  CHECK(w.TrapOf("div", {Value::I32(1), Value::I32(0)}) == "integer divide by zero");
  CHECK(w.TrapOf("div", {Value::I32(INT32_MIN), Value::I32(-1)}) == "integer overflow");
  CHECK(w.Run("rem", {Value::I64(INT64_MIN), Value::I64(-1)}) == 0);
  CHECK(w.TrapOf("unreachable") == "unreachable");
  CHECK(w.TrapOf("deep", {Value::I32(1)}) == "call stack exhausted");
  CHECK(w.stats().unsupported == 0);
  CHECK(w.stats().compiled >= 10);
  // The store stays usable after traps.
  CHECK(w.Run("loop", {Value::I32(10)}) == 55);
}

TEST_CASE("jit: memory, globals, floats, host calls, mixed tiers") {
  JitInstance w(R"((module
    (import "spectest" "global_i32" (global $g0 i32))
    (global $g (mut i64) (i64.const 5))
    (memory 1)
    (data (i32.const 8) "\01\02\03\04\ff")
    (func (export "load") (param i32) (result i32) local.get 0 i32.load)
    (func (export "load8s") (param i32) (result i32) local.get 0 i32.load8_s offset=4)
    (func (export "store") (param i32 i64) local.get 0 local.get 1 i64.store offset=16)
    (func (export "load64") (param i32) (result i64) local.get 0 i64.load offset=16)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "size") (result i32) memory.size)
    (func (export "bump") (result i64)
      global.get $g i64.const 1 i64.add global.set $g global.get $g)
    (func (export "g0") (result i32) global.get $g0)
    (func (export "fma") (param f64 f64 f64) (result f64)
      local.get 0 local.get 1 f64.mul local.get 2 f64.add)
    (func (export "flt") (param f32 f32) (result i32) local.get 0 local.get 1 f32.lt)
    (func (export "sqrt") (param f64) (result f64) local.get 0 f64.sqrt)
    (func (export "trunc") (param f64) (result i32) local.get 0 i32.trunc_f64_s)
    (table $t 3 funcref)
    (func $interp (export "interp_fn") (param i32) (result i32)
      local.get 0 i32.const 3 i32.add)
    (func (export "mixed") (param i32) (result i32) local.get 0 call $interp i32.const 2 i32.mul)
  ))");
  CHECK(w.Run("load", {Value::I32(8)}) == 0x04030201u);
  CHECK(w.Run("load8s", {Value::I32(8)}) == 0xFFFFFFFFu);
  CHECK(w.TrapOf("load", {Value::I32(65535)}) == "out of bounds memory access");
  CHECK(w.TrapOf("load", {Value::I32(-1)}) == "out of bounds memory access");
  w.Run("store", {Value::I32(0), Value::I64(0x1122334455667788ull)});
  CHECK(w.Run("load64", {Value::I32(0)}) == 0x1122334455667788ull);
  CHECK(w.Run("size") == 1);
  CHECK(w.Run("grow", {Value::I32(2)}) == 1);
  CHECK(w.Run("size") == 3);
  CHECK(w.Run("load", {Value::I32(3 * 65536 - 4)}) == 0);
  CHECK(w.Run("bump") == 6);
  CHECK(w.Run("bump") == 7);
  CHECK(w.Run("g0") == 666);
  CHECK(w.Run("fma", {Value::F64(2.0), Value::F64(3.0), Value::F64(0.5)}) ==
        Value::F64(6.5).lo);
  CHECK(w.Run("flt", {Value::F32(1.0f), Value::F32(2.0f)}) == 1);
  CHECK(w.Run("flt", {Value::F32(NAN), Value::F32(2.0f)}) == 0);
  CHECK(w.Run("sqrt", {Value::F64(16.0)}) == Value::F64(4.0).lo);
  CHECK(w.Run("trunc", {Value::F64(-3.9)}) == static_cast<uint32_t>(-3));
  CHECK(w.TrapOf("trunc", {Value::F64(NAN)}) == "invalid conversion to integer");
  CHECK(w.TrapOf("trunc", {Value::F64(3e9)}) == "integer overflow");
  // $interp is kept in the interpreter: it runs there, called from JIT code.
  ForceInterpreted(w.store(), w.instance()->GetExport("interp_fn").func());
  CHECK(w.Run("mixed", {Value::I32(18)}) == 42);
  CHECK(w.stats().unsupported == 1);
}

TEST_CASE("jit: trap backtraces name every frame, across tiers") {
  JitInstance w(R"((module
    (table 1 funcref)
    (memory 1)
    (func $inner (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
    (func $mid (param i32) (result i32) local.get 0 call $inner)
    (func (export "outer") (param i32) (result i32) local.get 0 call $mid)
    (func $mid_interp (export "mid_interp") (param i32) (result i32) local.get 0 call $inner)
    (func (export "outer2") (param i32) (result i32) local.get 0 call $mid_interp)))");
  ForceInterpreted(w.store(), w.instance()->GetExport("mid_interp").func());
  Trap t = w.TrapRecord("outer", {Value::I32(1)});
  CHECK(t.message == "integer divide by zero");
  REQUIRE(t.backtrace.size() == 3);
  CHECK(t.backtrace[0].funcidx == 0);
  CHECK(t.backtrace[1].funcidx == 1);
  CHECK(t.backtrace[2].funcidx == 2);
  CHECK(t.backtrace[0].code_offset != 0);
  // $mid_interp runs in the interpreter (so does $inner below it); the JIT
  // frame of outer2 is appended to the interpreter's backtrace.
  t = w.TrapRecord("outer2", {Value::I32(1)});
  CHECK(t.message == "integer divide by zero");
  REQUIRE(t.backtrace.size() == 3);
  CHECK(t.backtrace[0].funcidx == 0);
  CHECK(t.backtrace[1].funcidx == 3);
  CHECK(t.backtrace[2].funcidx == 4);
}

TEST_CASE("jit: wide arithmetic matches the interpreter") {
  constexpr const char* kWide = R"((module
    (func (export "add128") (param i64 i64 i64 i64) (result i64 i64)
      (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
    (func (export "sub128") (param i64 i64 i64 i64) (result i64 i64)
      (i64.sub128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
    (func (export "mul_s") (param i64 i64) (result i64 i64)
      (i64.mul_wide_s (local.get 0) (local.get 1)))
    (func (export "mul_u") (param i64 i64) (result i64)
      (i64.mul_wide_u (local.get 0) (local.get 1)) (i64.xor))))";
  JitInstance jit(kWide), interp(kWide, /*jit=*/false);
  const uint64_t vals[] = {0, 1, ~uint64_t{0}, uint64_t{1} << 63, 0x123456789ABCDEFull};
  for (uint64_t a : vals) {
    for (uint64_t b : vals) {
      for (const char* f : {"add128", "sub128", "mul_s", "mul_u"}) {
        CAPTURE(f);
        bool four = f[0] != 'm';
        std::vector<Value> args = four ? std::vector<Value>{Value::I64(a), Value::I64(b),
                                                            Value::I64(b), Value::I64(a)}
                                       : std::vector<Value>{Value::I64(a), Value::I64(b)};
        std::vector<Value> jr, ir;
        CHECK(jit.Call(f, args, &jr));
        CHECK(interp.Call(f, args, &ir));
        REQUIRE(jr.size() == ir.size());
        for (size_t i = 0; i < jr.size(); ++i) CHECK(jr[i].lo == ir[i].lo);
      }
    }
  }
  CHECK(jit.stats().unsupported == 0);
  CHECK(jit.stats().compiled == 4);
}

}  // namespace
}  // namespace cascade::jit::test
