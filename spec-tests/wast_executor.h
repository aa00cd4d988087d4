// The execution half of the spec-test harness: the WAST commands that need a
// Store — module (instantiation), module instance, register, invoke/get actions,
// assert_return, assert_trap (on actions and on modules), assert_exhaustion,
// assert_exception, assert_unlinkable, assert_uninstantiable — run through the
// runtime (engine/runtime: Instantiate, Invoke) with the spectest host module.
//
// Invariants: one Executor per script; it owns the Store, so everything a script
// creates lives until the script ends. Modules are decoded and validated by the
// runner's loader (wast_runner.cc) so both halves use the same features.
// Every command yields exactly one outcome (passed / failed with a reason).
// `thread` starts its body on a new OS thread with its own Executor (own Store,
// spectest, linker) that sees the listed shared instances of this one; `wait`
// joins it (failing after kThreadTimeoutSeconds, leaving the thread detached)
// and appends the body's results to the sink. Threads not waited for are joined
// by the destructor.
#pragma once

#include <functional>
#include <memory>
#include <vector>
#include <string>

#include "engine/module.h"
#include "engine/text/wast_script.h"
#include "spec-tests/wast_runner.h"

namespace cascade::spec {

class Executor {
 public:
  // Decodes and validates a script module into `*out`; on failure sets `*stage`
  // ("text", "decode", "validate") and `*why`.
  using LoadFn = std::function<bool(const text::WastModule& m, Module* out,
                                    std::string* stage, std::string* why)>;

  // Runs the commands of a thread body with `exec`, recording into `*r` (the
  // runner's RunCommands).
  using BodyFn = std::function<void(const std::vector<text::WastCommand>& cmds,
                                    FileResult* r, Executor* exec)>;

  // `sink` receives the results of thread bodies when their `wait` runs.
  Executor(LoadFn load, BodyFn body, FileResult* sink);
  ~Executor();

  // Whether Run handles commands of this kind.
  static bool Handles(text::WastCommand::Kind kind);

  // Runs one command; sets c->outcome and c->detail.
  void Run(const text::WastCommand& cmd, CaseResult* c);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace cascade::spec
