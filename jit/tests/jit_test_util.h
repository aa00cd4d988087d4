// Shared helper of the JIT tests: the execution tests' WatInstance
// (engine/tests/interp_test_util.h) on a Store with the JIT enabled, plus the
// store's JitStats so a test can assert that its functions really ran as
// machine code.
//
// Invariant: header-only and tiny; every jit/tests/*_test.cc includes it.
#pragma once

#include <string>

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

}  // namespace cascade::jit::test
