// Eager compilation (jit::CompileInstance): every function of an instance gets
// machine code before any call, on one thread or several, with the same
// results as lazy compilation; functions the JIT cannot compile stay
// interpreted.
#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)
  (func (export "sum_sq") (param i32 i32) (result i32)
    local.get 0 call $sq local.get 1 call $sq i32.add)
  (func (export "simd") (result i32) v128.const i32x4 1 2 3 4 i32x4.extract_lane 2)
  (func (export "unused") (result i64) i64.const 7))
)";

TEST_CASE("jit: CompileInstance compiles every function before the first call") {
  for (unsigned threads : {1u, 2u, 0u}) {
    CAPTURE(threads);
    JitInstance w(kModule);
    CHECK(w.stats().compiled == 0);
    // sq, sum_sq and unused compile; simd (SIMD) stays in the interpreter.
    CHECK(CompileInstance(w.store(), *w.instance(), threads) == 3);
    CHECK(w.stats().compiled == 3);
    CHECK(w.stats().unsupported == 1);
    CHECK(w.Run("sum_sq", {Value::I32(3), Value::I32(4)}) == 25);
    CHECK(w.stats().compiled == 3);  // nothing compiled lazily afterwards
    // A second call finds everything compiled already.
    CHECK(CompileInstance(w.store(), *w.instance(), threads) == 3);
    CHECK(w.stats().compiled == 3);
  }
}

}  // namespace
}  // namespace cascade::jit::test
