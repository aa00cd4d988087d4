// Interpreter basics: arithmetic, locals aliasing, control flow, calls.
#include "engine/tests/interp_test_util.h"

namespace cascade::test {
namespace {

TEST_CASE("interp: arithmetic and locals") {
  WatInstance w(R"((module
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (func (export "swap_sub") (param i32 i32) (result i32)
      (local i32)
      local.get 0 local.get 1 local.set 0 local.get 0 i32.sub)
    (func (export "fac") (param i64) (result i64)
      local.get 0 i64.eqz
      if (result i64) i64.const 1
      else local.get 0 local.get 0 i64.const 1 i64.sub call 2 i64.mul end)
    (func (export "loop") (param i32) (result i32) (local i32)
      block loop
        local.get 0 i32.eqz br_if 1
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br 0
      end end
      local.get 1)
    (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    (func (export "ret_extra") (result i32) (i32.const 1) (return (i32.const 2)))
  ))");
  CHECK(w.Run("ret_extra") == 2);
  CHECK(w.Run("add", {Value::I32(2), Value::I32(40)}) == 42);
  CHECK(w.Run("swap_sub", {Value::I32(10), Value::I32(3)}) == 7);
  CHECK(w.Run("fac", {Value::I64(20)}) == 2432902008176640000ull);
  CHECK(w.Run("loop", {Value::I32(100)}) == 5050);
  CHECK(w.TrapOf("div", {Value::I32(1), Value::I32(0)}) == "integer divide by zero");
  CHECK(w.TrapOf("div", {Value::I32(INT32_MIN), Value::I32(-1)}) == "integer overflow");
}

}  // namespace
}  // namespace cascade::test
