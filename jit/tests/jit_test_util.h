// Shared helper of the JIT tests: WAT text -> validated Module -> Instance in a
// Store with the JIT enabled, calls through Invoke, and the store's JitStats so
// a test can assert that its functions really ran as machine code.
//
// Invariant: header-only and tiny; every jit/tests/*_test.cc includes it.
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
#include "jit/jit.h"

namespace cascade::jit::test {

class JitInstance {
 public:
  explicit JitInstance(const std::string& wat, bool jit = true) {
    if (jit) EnableJit(store_);
    std::vector<uint8_t> bytes;
    text::TextError terr;
    REQUIRE_MESSAGE(text::ParseWat(wat, &bytes, &terr), terr.ToString());
    auto m = std::make_shared<Module>();
    Error err;
    REQUIRE_MESSAGE(DecodeModule(std::move(bytes), m.get(), &err), err.message);
    REQUIRE_MESSAGE(ValidateModule(*m, &err), err.message);
    module_ = m;
    DefineSpectest(store_, linker_);
    InstantiateError ierr;
    instance_ = Instantiate(store_, linker_, m, &ierr);
    REQUIRE_MESSAGE(instance_ != nullptr, ierr.trap.message);
  }

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
  JitStats stats() { return GetStats(store_); }
  Store& store() { return store_; }
  const Module& module() { return *module_; }

 private:
  Store store_;
  Linker linker_;
  std::shared_ptr<Module> module_;
  Instance* instance_ = nullptr;
};

}  // namespace cascade::jit::test
