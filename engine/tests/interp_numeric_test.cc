// Interpreter numerics: IEEE edge cases (min/max signed zeros and NaN,
// nearest = roundeven, signaling NaN quieting), trapping and saturating
// truncations, immediate-operand forms, fused compare-and-branch.
#include <cmath>
#include <cstring>

#include "engine/tests/interp_test_util.h"

namespace cascade::test {
namespace {

uint64_t F64Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}

TEST_CASE("interp: float edge cases and conversions") {
  WatInstance w(R"((module
    (func (export "min") (param f64 f64) (result f64) local.get 0 local.get 1 f64.min)
    (func (export "max") (param f64 f64) (result f64) local.get 0 local.get 1 f64.max)
    (func (export "nearest") (param f64) (result f64) local.get 0 f64.nearest)
    (func (export "floor32") (param f32) (result f32) local.get 0 f32.floor)
    (func (export "trunc") (param f64) (result i32) local.get 0 i32.trunc_f64_s)
    (func (export "trunc_u64") (param f32) (result i64) local.get 0 i64.trunc_f32_u)
    (func (export "sat") (param f64) (result i32) local.get 0 i32.trunc_sat_f64_u)
    (func (export "sat_s64") (param f64) (result i64) local.get 0 i64.trunc_sat_f64_s)
    (func (export "shr_imm") (param i32) (result i32) local.get 0 i32.const 33 i32.shr_s)
    (func (export "add_imm64") (param i64) (result i64) local.get 0 i64.const -5 i64.add)
    (func (export "rotl") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rotl)
    (func (export "count_lt") (param i32) (result i32) (local i32)
      block loop
        local.get 1 local.get 0 i32.ge_s br_if 1
        local.get 1 i32.const 1 i32.add local.set 1 br 0
      end end local.get 1)
  ))");
  CHECK(w.Run("min", {Value::F64(0.0), Value::F64(-0.0)}) == F64Bits(-0.0));
  CHECK(w.Run("max", {Value::F64(-0.0), Value::F64(0.0)}) == F64Bits(0.0));
  uint64_t nan = w.Run("min", {Value::F64(1.0), Value::F64(std::nan(""))});
  CHECK((nan & 0x7FF8000000000000ull) == 0x7FF8000000000000ull);
  CHECK(w.Run("nearest", {Value::F64(2.5)}) == F64Bits(2.0));
  CHECK(w.Run("nearest", {Value::F64(-3.5)}) == F64Bits(-4.0));
  // f32.floor of a signaling NaN yields a quiet (arithmetic) NaN.
  CHECK((w.Run("floor32", {Value::F32Bits(0x7FA00000)}) & 0x00400000) != 0);
  CHECK(w.Run("trunc", {Value::F64(-2147483648.9)}) == 0x80000000u);
  CHECK(w.TrapOf("trunc", {Value::F64(2147483648.0)}) == "integer overflow");
  CHECK(w.TrapOf("trunc", {Value::F64(std::nan(""))}) == "invalid conversion to integer");
  CHECK(w.TrapOf("trunc_u64", {Value::F32(-1.0f)}) == "integer overflow");
  CHECK(w.Run("trunc_u64", {Value::F32(-0.9f)}) == 0);
  CHECK(w.Run("sat", {Value::F64(-5.0)}) == 0);
  CHECK(w.Run("sat", {Value::F64(1e20)}) == 0xFFFFFFFFu);
  CHECK(w.Run("sat_s64", {Value::F64(-1e30)}) == 0x8000000000000000ull);
  CHECK(w.Run("shr_imm", {Value::I32(0x80000000u)}) == 0xC0000000u);
  CHECK(w.Run("add_imm64", {Value::I64(3)}) == static_cast<uint64_t>(-2));
  CHECK(w.Run("rotl", {Value::I32(0x80000001u), Value::I32(33)}) == 0x00000003u);
  CHECK(w.Run("count_lt", {Value::I32(1000)}) == 1000);
}

}  // namespace
}  // namespace cascade::test
