// Float comparisons consumed by br_if / if (with and without i32.eqz in
// between) branch on the flags of one ucomiss/ucomisd instead of materializing
// a 0/1 value: checked against the interpreter for every comparison, both
// widths and operands including NaN, zeros of both signs and infinities.
#include <cmath>
#include <limits>
#include <string>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

std::string Module(const char* type) {
  std::string t = type;
  std::string m = "(module\n";
  for (const char* op : {"eq", "ne", "lt", "gt", "le", "ge"}) {
    std::string cmp = t + "." + op;
    std::string params = "(param " + t + " " + t + ") (result i32)";
    // br_if on the comparison, and on its negation.
    m += "(func (export \"br_" + std::string(op) + "\") " + params +
         " (block (br_if 0 (" + cmp + " (local.get 0) (local.get 1))) (return (i32.const 0)))"
         " (i32.const 1))\n";
    m += "(func (export \"brnot_" + std::string(op) + "\") " + params +
         " (block (br_if 0 (i32.eqz (" + cmp + " (local.get 0) (local.get 1))))"
         " (return (i32.const 0))) (i32.const 1))\n";
    // if/else, twice negated, and the value materialized after eqz.
    m += "(func (export \"if_" + std::string(op) + "\") " + params +
         " (if (result i32) (i32.eqz (i32.eqz (" + cmp + " (local.get 0) (local.get 1))))"
         " (then (i32.const 1)) (else (i32.const 0))))\n";
    m += "(func (export \"val_" + std::string(op) + "\") " + params +
         " (i32.eqz (" + cmp + " (local.get 0) (local.get 1))))\n";
  }
  return m + ")";
}

TEST_CASE("jit: float compare-and-branch matches the interpreter, NaN included") {
  const double kValues[] = {0.0, -0.0, 1.0, -1.5, 2.0, std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(),
                            std::numeric_limits<double>::quiet_NaN()};
  for (bool f64 : {false, true}) {
    CAPTURE(f64);
    std::string wat = Module(f64 ? "f64" : "f32");
    JitInstance jit(wat), interp(wat, /*jit=*/false);
    for (const char* op : {"eq", "ne", "lt", "gt", "le", "ge"}) {
      for (const char* form : {"br_", "brnot_", "if_", "val_"}) {
        std::string name = std::string(form) + op;
        for (double x : kValues) {
          for (double y : kValues) {
            CAPTURE(name);
            CAPTURE(x);
            CAPTURE(y);
            std::vector<Value> args = f64 ? std::vector<Value>{Value::F64(x), Value::F64(y)}
                                          : std::vector<Value>{Value::F32(static_cast<float>(x)),
                                                               Value::F32(static_cast<float>(y))};
            CHECK(jit.Run(name, args) == interp.Run(name, args));
          }
        }
      }
    }
    CHECK(jit.stats().unsupported == 0);
    CHECK(jit.stats().compiled == 24);
  }
}

}  // namespace
}  // namespace cascade::jit::test
