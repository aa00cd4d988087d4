// The baseline JIT tier's public entry points (library cascade_jit).
//
//   jit::EnableJit(store)        wasm called through Invoke on `store` runs as
//                                x86-64 code, compiled lazily per function on
//                                first call; functions the JIT cannot compile
//                                (jit/baseline_compiler.h) run in the interpreter.
//   jit::EnableJitByDefault(on)  the same for every Store created afterwards
//                                (the spec harness's and CLI's --compiler=jit).
//   jit::CompileInstance(store, instance, threads)
//                                eager compilation: every function of an
//                                instance now, on several threads, instead of
//                                on first call (`cascade run -C lazy-compilation=n`).
//   jit::EnablePerfMap(&error)   /tmp/perf-PID.map for `perf report` (perf_map.h,
//                                `cascade run --profile=perfmap`).
//   jit::Disassemble(module, os) `cascade compile --disasm`: every defined
//                                function's code, printed with Zydis.
//
// Invariants: mixed execution is always correct: JIT code calls interpreted and
// host functions through one calling convention (jit_context.h); while fuel
// metering or an epoch deadline is active the store runs in the interpreter
// (the JIT has no interruption checks yet). Code lives as long as its Store.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "engine/module.h"

#include "jit/perf_map.h"

namespace cascade {
class Store;
struct Instance;
struct FuncInstance;
}

namespace cascade::jit {

// Whether this build can run JIT code (x86-64 only).
bool Available();

void EnableJit(Store& store);
void EnableJitByDefault(bool on);

// Tiered execution (`--compiler=tiered`): functions start in the interpreter
// and are compiled once they have been called SetTierUpCalls(n) times (counted
// by the interpreter's calls, JIT code's calls and Invoke; a function's first
// n calls run interpreted, later ones as machine code; a loop inside a single
// long call is not moved to machine code while it runs). EnableTiering(store)
// for one store, EnableTieringByDefault for Stores created afterwards
// (replacing EnableJitByDefault's setting). SetTierUpCalls is process-wide.
inline constexpr uint32_t kDefaultTierUpCalls = 100;
void EnableTiering(Store& store);
void EnableTieringByDefault(bool on);
void SetTierUpCalls(uint32_t calls);

// Counters of one store's JIT (for tests and --verbose reports).
struct JitStats {
  uint32_t compiled = 0;     // functions with machine code
  uint32_t reused = 0;       // of those, code an earlier instance of the module had compiled
  uint32_t from_file = 0;    // of those, code installed from a cache file (code_cache_file.h)
  uint32_t unsupported = 0;  // functions left to the interpreter
  uint64_t code_bytes = 0;   // machine code emitted
  uint32_t osr_entries = 0;  // tiered: interpreted calls finished in machine code from a loop
};
JitStats GetStats(Store& store);

// Keeps `func` (a wasm function) in the interpreter for `store`'s JIT, as if
// the JIT could not compile it (counted in JitStats::unsupported when first
// called). For tests of calls between the tiers and for debugging. Has no
// effect on a function already compiled for this store.
void ForceInterpreted(Store& store, const FuncInstance* func);

// Eager compilation: compiles every function defined by `instance` for
// `store`'s JIT now (EnableJit(store) first), on `threads` threads (0: one per
// hardware thread; 1: this thread only). Code is the module's: functions that
// an earlier instance of the module (in any store) compiled are only looked
// up, and later instances find what this call compiles. Functions already
// compiled for this store are kept;
// those the JIT cannot compile stay interpreted, as with lazy compilation.
// Returns how many of the instance's functions have machine code afterwards.
uint32_t CompileInstance(Store& store, Instance& instance, unsigned threads);

// Tiered mode, before SaveModuleCode (code_cache_file.h): compiles into their
// modules' code every function `store` has called that is not machine code
// yet (it ran in the interpreter, fewer than SetTierUpCalls times), on
// `threads` threads (0: one per hardware thread), without installing it in the
// store. A later run with the cache file then runs every function this run
// called as machine code from its first call; without this, functions called
// a few times stay interpreted in every run, and each run that finds a few
// more of them hot rewrites the whole file. Returns how many compiled.
uint32_t CompileCalled(Store& store, unsigned threads);

// Ahead of any instance (`cascade compile`): compiles every function `module`
// defines into its code cache, in the variant `cascade run` uses by default
// (unmetered; memory 0 guarded unless it is memory64 or has custom pages), on
// `threads` threads (0: one per hardware thread), so a later
// SaveModuleCode (code_cache_file.h) stores them all. Returns how many
// compiled; `*unsupported` (optional) gets how many stay interpreted.
uint32_t CompileModule(const Module& module, unsigned threads, uint32_t* unsupported);

// Prints each defined function's machine code (as the module's code cache
// holds it for an unmetered store with a guarded memory 0). Returns the number
// of functions the JIT could not compile (their reason is printed instead of code).
// Disassemble decodes the installed bytes with Zydis (library
// cascade_jit_disasm, shared Zydis only); ListAssembly prints AsmJit's own
// listing of what was emitted (in cascade_jit, works in static builds).
uint32_t Disassemble(const Module& module, std::ostream& os);
uint32_t ListAssembly(const Module& module, std::ostream& os);

}  // namespace cascade::jit
