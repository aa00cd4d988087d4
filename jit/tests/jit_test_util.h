// Shared helper of the JIT tests: the execution tests' WatInstance
// (engine/tests/interp_test_util.h) on a Store with the JIT enabled, plus the
// store's JitStats so a test can assert that its functions really ran as
// machine code.
//
// Invariant: header-only and tiny; every jit/tests/*_test.cc includes it.
#pragma once

#include <string>
#include <vector>

#include "engine/tests/interp_test_util.h"
#include "jit/jit.h"

namespace cascade::jit::test {

class JitInstance : public cascade::test::WatInstance {
 public:
  // `jit` false: the same module on the interpreter (for comparisons).
  explicit JitInstance(const std::string& wat, bool jit = true)
      : WatInstance(wat, {}, jit ? &EnableJit : nullptr) {}

  JitStats stats() { return GetStats(store()); }
};

// One module twice, on the JIT and on the interpreter: Same(f, args) calls
// export `f` on both and checks they agree on success, trap message and every
// result's bits.
struct JitInterpPair {
  JitInstance jit, interp;
  explicit JitInterpPair(const std::string& wat) : jit(wat), interp(wat, /*jit=*/false) {}
  void Same(const std::string& f, std::vector<Value> args) {
    CAPTURE(f);
    std::string jt, it;
    std::vector<Value> jr, ir;
    bool jok = jit.Call(f, args, &jr, &jt), iok = interp.Call(f, args, &ir, &it);
    CHECK(jok == iok);
    CHECK(jt == it);
    REQUIRE(jr.size() == ir.size());
    for (size_t i = 0; i < jr.size(); ++i) CHECK(jr[i].lo == ir[i].lo);
  }
};

}  // namespace cascade::jit::test
