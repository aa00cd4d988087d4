// Interpreter: constant right operands become immediates (ops.def IBINI):
// i32, i64 (when it sign-extends from 32 bits), f32 (bits) and f64 (two
// units). Checks values at the edges: negative, NaN, -0, wide i64, and that a
// constant left operand still works.
#include <cmath>
#include <cstring>

#include "engine/tests/interp_test_util.h"

namespace cascade::test {
namespace {

double F64Of(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}
float F32Of(uint64_t bits) {
  uint32_t b = static_cast<uint32_t>(bits);
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

TEST_CASE("interp: constant operands as immediates") {
  WatInstance w(R"((module
    (func (export "f64mul") (param f64) (result f64) (f64.mul (local.get 0) (f64.const -0.5)))
    (func (export "f64div") (param f64) (result f64) (f64.div (local.get 0) (f64.const 3)))
    (func (export "f64sub_left") (param f64) (result f64) (f64.sub (f64.const 10) (local.get 0)))
    (func (export "f64add_nan") (param f64) (result f64) (f64.add (local.get 0) (f64.const nan)))
    (func (export "f64gt") (param f64) (result i32) (f64.gt (local.get 0) (f64.const 4.0)))
    (func (export "f32sub") (param f32) (result f32) (f32.sub (local.get 0) (f32.const -1.25)))
    (func (export "f32lt") (param f32) (result i32) (f32.lt (local.get 0) (f32.const -0.0)))
    (func (export "i64add_wide") (param i64) (result i64)
      (i64.add (local.get 0) (i64.const 0x123456789)))
    (func (export "i64sub_neg") (param i64) (result i64) (i64.sub (local.get 0) (i64.const -7)))
    (func (export "i32and") (param i32) (result i32) (i32.and (local.get 0) (i32.const 0xF0F0F0F0)))
  ))");
  CHECK(F64Of(w.Run("f64mul", {Value::F64(3.0)})) == -1.5);
  CHECK(F64Of(w.Run("f64div", {Value::F64(1.0)})) == 1.0 / 3.0);
  CHECK(F64Of(w.Run("f64sub_left", {Value::F64(2.5)})) == 7.5);
  CHECK(std::isnan(F64Of(w.Run("f64add_nan", {Value::F64(1.0)}))));
  CHECK(w.Run("f64gt", {Value::F64(4.5)}) == 1);
  CHECK(w.Run("f64gt", {Value::F64(4.0)}) == 0);
  CHECK(F32Of(w.Run("f32sub", {Value::F32(1.0f)})) == 2.25f);
  CHECK(w.Run("f32lt", {Value::F32(-1.0f)}) == 1);
  CHECK(w.Run("f32lt", {Value::F32(0.0f)}) == 0);  // 0 < -0 is false
  CHECK(w.Run("i64add_wide", {Value::I64(1)}) == 0x12345678Aull);
  CHECK(w.Run("i64sub_neg", {Value::I64(1)}) == 8);
  CHECK(w.Run("i32and", {Value::I32(-1)}) == 0xF0F0F0F0u);
}

// Float compare + if / br_if (also through i32.eqz) fuse into one branch op
// with both senses, so NaN operands take the path the spec says.
TEST_CASE("interp: fused float compare and branch, NaN included") {
  WatInstance w(R"((module
    (func (export "le_if") (param f64 f64) (result i32)
      (if (result i32) (f64.le (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))
    (func (export "le4_eqz_brif") (param f64) (result i32)
      (block (br_if 0 (i32.eqz (f64.le (local.get 0) (f64.const 4.0)))) (return (i32.const 1)))
      (i32.const 2))
    (func (export "lt_eqz_if") (param f32) (result i32)
      (if (result i32) (i32.eqz (f32.lt (local.get 0) (f32.const 0.5)))
        (then (i32.const 10)) (else (i32.const 20))))
    (func (export "tee_eqz") (param f64) (result i32) (local i32)
      ;; the compare's result is also kept in a local: it must still be written
      (block (br_if 0 (i32.eqz (local.tee 1 (f64.gt (local.get 0) (f64.const 0))))))
      (local.get 1))
    (func (export "ne_brif") (param f32 f32) (result i32)
      (block (br_if 0 (f32.ne (local.get 0) (local.get 1))) (return (i32.const 0)))
      (i32.const 1))
  ))");
  double nan = std::nan("");
  CHECK(w.Run("le_if", {Value::F64(1), Value::F64(2)}) == 1);
  CHECK(w.Run("le_if", {Value::F64(3), Value::F64(2)}) == 2);
  CHECK(w.Run("le_if", {Value::F64(nan), Value::F64(2)}) == 2);
  CHECK(w.Run("le4_eqz_brif", {Value::F64(3.5)}) == 1);
  CHECK(w.Run("le4_eqz_brif", {Value::F64(4.5)}) == 2);
  CHECK(w.Run("le4_eqz_brif", {Value::F64(nan)}) == 2);
  CHECK(w.Run("lt_eqz_if", {Value::F32(0.25f)}) == 20);
  CHECK(w.Run("lt_eqz_if", {Value::F32(1.0f)}) == 10);
  CHECK(w.Run("lt_eqz_if", {Value::F32(std::nanf(""))}) == 10);
  CHECK(w.Run("tee_eqz", {Value::F64(1)}) == 1);
  CHECK(w.Run("tee_eqz", {Value::F64(-1)}) == 0);
  CHECK(w.Run("ne_brif", {Value::F32(1), Value::F32(1)}) == 0);
  CHECK(w.Run("ne_brif", {Value::F32(1), Value::F32(2)}) == 1);
  CHECK(w.Run("ne_brif", {Value::F32(std::nanf("")), Value::F32(std::nanf(""))}) == 1);
}

// f32/f64 mul followed by add/sub fuses into one op that still rounds twice:
// (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60 rounds to 1, so each form gives exactly 0
// (a hardware fma would give +-2^-60).
TEST_CASE("interp: fused multiply-add ops round like two instructions") {
  WatInstance w(R"((module
    (func (export "muladd") (param f64 f64 f64) (result f64)
      (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
    (func (export "addmul") (param f64 f64 f64) (result f64)
      (f64.add (local.get 2) (f64.mul (local.get 0) (local.get 1))))
    (func (export "mulsub") (param f64 f64 f64) (result f64)
      (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
    (func (export "submul") (param f64 f64 f64) (result f64)
      (f64.sub (local.get 2) (f64.mul (local.get 0) (local.get 1))))
    (func (export "f32mulsub") (param f32 f32 f32) (result f32)
      (f32.sub (f32.mul (local.get 0) (local.get 1)) (local.get 2)))
  ))");
  Value x = Value::F64(1 + std::ldexp(1.0, -30)), y = Value::F64(1 - std::ldexp(1.0, -30));
  CHECK(F64Of(w.Run("muladd", {x, y, Value::F64(-1)})) == 0.0);
  CHECK(F64Of(w.Run("addmul", {x, y, Value::F64(-1)})) == 0.0);
  CHECK(F64Of(w.Run("mulsub", {x, y, Value::F64(1)})) == 0.0);
  CHECK(F64Of(w.Run("submul", {x, y, Value::F64(1)})) == 0.0);
  CHECK(F64Of(w.Run("mulsub", {Value::F64(3), Value::F64(4), Value::F64(2)})) == 10.0);
  CHECK(F64Of(w.Run("submul", {Value::F64(3), Value::F64(4), Value::F64(2)})) == -10.0);
  Value fx = Value::F32(1 + std::ldexp(1.0f, -13)), fy = Value::F32(1 - std::ldexp(1.0f, -13));
  CHECK(F32Of(w.Run("f32mulsub", {fx, fy, Value::F32(1)})) == 0.0f);
}

}  // namespace
}  // namespace cascade::test
