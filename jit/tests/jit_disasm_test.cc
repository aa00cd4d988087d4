// `cascade compile --disasm` backends: Zydis disassembly of installed code and
// AsmJit's emission listing; both name every function and the reason a
// function was left to the interpreter.
#include <regex>
#include <sstream>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

TEST_CASE("jit: disassembly and listing") {
  JitInstance w(R"((module
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (func (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 0)))");
  std::ostringstream z, l;
  CHECK(Disassemble(w.module(), z) == 1);
  CHECK(ListAssembly(w.module(), l) == 1);
  for (const std::string& s : {z.str(), l.str()}) {
    CHECK(s.find("func 0:") != std::string::npos);
    // the i32.add itself: of two cached locals' registers, into a third
    // with a 32-bit lea (Zydis may print the scale)
    CHECK(std::regex_search(
        s, std::regex(R"(\blea (e[a-z]{2}|r[0-9]+d), \[r[a-z0-9]+\+r[a-z0-9]+(\*1)?\])")));
    CHECK(s.find("ret") != std::string::npos);
    CHECK(s.find("not compiled (unsupported: i32x4.splat)") != std::string::npos);
  }
}

}  // namespace
}  // namespace cascade::jit::test
