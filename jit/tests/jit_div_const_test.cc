// Division and remainder by a constant (MacroAssembler::DivByConst): powers of
// two become shifts and masks, other divisors divide without the zero and
// overflow checks, and divisors that can trap (0, and -1 for the signed
// operations) keep them. Every op, width and divisor class gives the
// interpreter's results and traps.
#include <cstdint>
#include <string>
#include <vector>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

TEST_CASE("jit: division and remainder by constants match the interpreter") {
  const std::vector<int64_t> divisors = {
      1,  2,  4,  8,  1024, 1 << 30, 3,  7,  10, 641, -1, -2, -4, -3, -7,
      0,  INT32_MIN, INT32_MAX,
      int64_t{1} << 32, int64_t{1} << 40, -(int64_t{1} << 35), INT64_MIN};  // beyond imm32: i64 only
  const char* ops[] = {"div_s", "div_u", "rem_s", "rem_u"};
  std::string wat = "(module\n";
  std::vector<std::string> names;
  for (const char* width : {"i32", "i64"}) {
    for (const char* op : ops) {
      for (size_t k = 0; k < divisors.size(); ++k) {
        int64_t c = divisors[k];
        if (std::string(width) == "i32" && (c < INT32_MIN || c > INT32_MAX)) continue;
        std::string name = std::string(width) + "_" + op + "_" + std::to_string(k);
        names.push_back(name);
        wat += "(func (export \"" + name + "\") (param " + width + ") (result " + width + ") (" +
               width + "." + op + " (local.get 0) (" + width + ".const " + std::to_string(c) +
               ")))\n";
      }
    }
  }
  wat += ")";
  JitInterpPair p(wat);
  const std::vector<int64_t> dividends = {
      0, 1, -1, 2, -2, 3, -3, 7, -7, 1023, -1023, 1024, -1025, 12345678, -12345678,
      INT32_MAX, INT32_MIN, int64_t{INT32_MIN} + 1, 0xFFFFFFFFll, int64_t{1} << 33,
      -(int64_t{1} << 33) - 5, INT64_MAX, INT64_MIN, INT64_MIN + 1, 0x123456789ABCDEFll};
  for (const std::string& name : names) {
    CAPTURE(name);
    for (int64_t x : dividends) {
      CAPTURE(x);
      if (name[1] == '3') p.Same(name, {Value::I32(static_cast<uint32_t>(x))});
      else p.Same(name, {Value::I64(static_cast<uint64_t>(x))});
    }
  }
  CHECK(p.jit.stats().unsupported == 0);
}

}  // namespace
}  // namespace cascade::jit::test
