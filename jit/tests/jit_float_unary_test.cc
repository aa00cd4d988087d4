// Float instructions compiled inline (sqrt, abs, neg, ceil, floor, trunc,
// nearest, int -> float conversions, promote/demote) give the interpreter's
// bits on operands that stress them: NaNs (quiet and signalling payloads),
// signed zeros, infinities, halves for nearest, values that round when
// converted or demoted.
#include <cstdint>
#include <cstring>
#include <string>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

TEST_CASE("jit: inline float unary ops and conversions match the interpreter bit for bit") {
  std::string wat = "(module\n";
  const char* unary[] = {"sqrt", "abs", "neg", "ceil", "floor", "trunc", "nearest"};
  for (const char* t : {"f32", "f64"}) {
    for (const char* op : unary) {
      wat += std::string("(func (export \"") + t + "." + op + "\") (param i64) (result i64) " +
             (std::string(t) == "f32"
                  ? "(i64.extend_i32_u (i32.reinterpret_f32 (f32." + std::string(op) +
                        " (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0))))))"
                  : "(i64.reinterpret_f64 (f64." + std::string(op) +
                        " (f64.reinterpret_i64 (local.get 0))))") +
             ")\n";
    }
  }
  wat += R"(
  (func (export "f64.convert_i32_s") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.convert_i32_s (i32.wrap_i64 (local.get 0)))))
  (func (export "f64.convert_i32_u") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.convert_i32_u (i32.wrap_i64 (local.get 0)))))
  (func (export "f64.convert_i64_s") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.convert_i64_s (local.get 0))))
  (func (export "f32.convert_i32_s") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.convert_i32_s (i32.wrap_i64 (local.get 0))))))
  (func (export "f32.convert_i32_u") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.convert_i32_u (i32.wrap_i64 (local.get 0))))))
  (func (export "f32.convert_i64_s") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.convert_i64_s (local.get 0)))))
  (func (export "f64.promote_f32") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.promote_f32 (f32.reinterpret_i32 (i32.wrap_i64 (local.get 0))))))
  (func (export "f32.demote_f64") (param i64) (result i64)
    (i64.extend_i32_u (i32.reinterpret_f32 (f32.demote_f64 (f64.reinterpret_i64 (local.get 0))))))
))";
  JitInstance jit(wat), interp(wat, /*jit=*/false);
  const uint64_t kBits[] = {
      0, 0x8000000000000000, 0x3FF0000000000000, 0xBFF8000000000000,  // 0, -0, 1, -1.5
      0x4004000000000000, 0xC004000000000000,                          // 2.5, -2.5
      0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000001,      // inf, -inf, qNaN
      0x7FF0000000000001, 0x0000000000000001, 0x47EFFFFFE0000000,      // sNaN, denormal, >f32 max
      0x00000000FFFFFFFF, 0x000000007FFFFFFF, 0x0000000080000001,      // i32 edge patterns
      0x3FC00000, 0x7FC00001, 0x7F800001, 0xBF000000, 0x40200000,      // f32: 1.5, NaNs, -0.5, 2.5
      0x80000000, 0x1234567890ABCDEF, 0xFFFFFFFFFFFFFFFF};
  std::vector<std::string> names;
  for (const char* t : {"f32", "f64"})
    for (const char* op : unary) names.push_back(std::string(t) + "." + op);
  for (const char* n : {"f64.convert_i32_s", "f64.convert_i32_u", "f64.convert_i64_s",
                        "f32.convert_i32_s", "f32.convert_i32_u", "f32.convert_i64_s",
                        "f64.promote_f32", "f32.demote_f64"})
    names.push_back(n);
  for (const std::string& name : names) {
    for (uint64_t bits : kBits) {
      CAPTURE(name);
      CAPTURE(bits);
      CHECK(jit.Run(name, {Value::I64(static_cast<int64_t>(bits))}) ==
            interp.Run(name, {Value::I64(static_cast<int64_t>(bits))}));
    }
  }
  CHECK(jit.stats().unsupported == 0);
}

// An f32 keeps bits 32..63 of its slot zero (value.h), also where nothing
// masks them: a result slot, a global, a host call's argument. cvtsd2ss keeps
// the f64's high half in its destination register (found by diff_ttf seed
// 190: log-f32 got 0x4110000048800000 for 262144.0).
TEST_CASE("jit: f32.demote_f64 leaves the upper half of the slot zero") {
  const char* wat = R"((module
    (global $g (export "g") (mut f32) (f32.const 0))
    (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
    (func (export "to_global") (param f64) (global.set $g (f32.demote_f64 (local.get 0)))))
  )";
  JitInstance jit(wat);
  for (double d : {262144.0, -1.5, 3.0e38, 1.0e-40, 0.0}) {
    CAPTURE(d);
    uint64_t r = jit.Run("demote", {Value::F64(d)});
    CHECK((r >> 32) == 0);
    float f = static_cast<float>(d);
    uint32_t want;
    std::memcpy(&want, &f, 4);
    CHECK(r == want);
    jit.Run("to_global", {Value::F64(d)});
    CHECK(jit.instance()->GetExport("g").global()->value[0] == want);
  }
  CHECK(jit.stats().unsupported == 0);
}

}  // namespace
}  // namespace cascade::jit::test
