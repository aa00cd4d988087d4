// Shared helper of the execution tests: WAT text -> validated Module ->
// Instance in a Store, and calls of exports through Invoke (which runs the
// store's tier under the trap handler). The interpreter tests use it as is;
// jit/tests/jit_test_util.h configures the Store for the JIT first.
//
// Invariant: header-only and tiny; every interp_*_test.cc includes it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "engine/decoder.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/store.h"
#include "engine/text/wat_parser.h"
#include "engine/validator.h"

namespace cascade::test {

// WAT text -> decoded, validated Module (the test fails on any error).
inline std::shared_ptr<Module> CompileWat(const std::string& wat) {
  std::vector<uint8_t> bytes;
  text::TextError terr;
  REQUIRE_MESSAGE(text::ParseWat(wat, &bytes, &terr), terr.ToString());
  auto m = std::make_shared<Module>();
  Error err;
  REQUIRE_MESSAGE(DecodeModule(std::move(bytes), m.get(), &err), err.message);
  REQUIRE_MESSAGE(ValidateModule(*m, &err), err.message);
  return m;
}

// Calls export `name` of `inst` (the test fails on a trap); its first result,
// or 0 without results.
inline uint64_t CallExport(Store& store, Instance* inst, const char* name,
                           std::vector<Value> args) {
  std::vector<Value> results;
  Trap trap;
  bool ok = Invoke(store, inst->GetExport(name).func(), args, &results, &trap);
  REQUIRE_MESSAGE(ok, trap.message);
  return results.empty() ? 0 : results[0].lo;
}

class WatInstance {
 public:
  // `configure` (optional) runs on the Store before instantiation, e.g. to
  // select an execution tier.
  explicit WatInstance(const std::string& wat, StoreLimits limits = {},
                       void (*configure)(Store&) = nullptr)
      : store_(limits) {
    if (configure) configure(store_);
    std::shared_ptr<Module> m = CompileWat(wat);
    module_ = m;
    DefineSpectest(store_, linker_);
    InstantiateError ierr;
    instance_ = Instantiate(store_, linker_, m, &ierr);
    REQUIRE_MESSAGE(instance_ != nullptr, ierr.trap.message);
  }

  // Calls export `name`; returns the results, or sets *trap_message.
  bool Call(const std::string& name, std::vector<Value> args, std::vector<Value>* results,
            std::string* trap_message = nullptr) {
    Extern e = instance_->GetExport(name);
    REQUIRE_MESSAGE(e.object != nullptr, name);
    Trap trap;
    bool ok = Invoke(store_, e.func(), args, results, &trap);
    if (!ok && trap_message) *trap_message = trap.message;
    return ok;
  }
  uint64_t Run(const std::string& name, std::vector<Value> args = {}) {
    std::vector<Value> r;
    std::string msg;
    bool ok = Call(name, std::move(args), &r, &msg);
    CHECK_MESSAGE(ok, name << ": " << msg);
    return ok && !r.empty() ? r[0].lo : 0;
  }
  std::string TrapOf(const std::string& name, std::vector<Value> args = {}) {
    std::vector<Value> r;
    std::string msg;
    bool ok = Call(name, std::move(args), &r, &msg);
    return ok ? std::string("<no trap>") : msg;
  }
  // Calls export `name` expecting a trap; returns it (message, backtrace).
  Trap TrapRecord(const std::string& name, std::vector<Value> args) {
    Extern e = instance_->GetExport(name);
    REQUIRE_MESSAGE(e.object != nullptr, name);
    Trap trap;
    std::vector<Value> results;
    CHECK_FALSE(Invoke(store_, e.func(), args, &results, &trap));
    return trap;
  }
  Store& store() { return store_; }
  Instance* instance() { return instance_; }
  const Module& module() { return *module_; }

 private:
  Store store_;
  Linker linker_;
  std::shared_ptr<Module> module_;
  Instance* instance_ = nullptr;
};

}  // namespace cascade::test
