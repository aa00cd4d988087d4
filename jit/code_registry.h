// The registry of installed JIT code, for backtraces of traps that reach no
// trap stub: a guard-page fault inside machine code (trap_handler.h) jumps
// straight out of it, so the frames are rebuilt from the faulting pc and the
// stack words the handler saved, by looking each code address up here.
//
// Per function it keeps the code range, the internal entry (everything before
// it is the external-entry trampoline) and two sorted site tables mapping
// code offsets to wasm byte offsets: guarded memory accesses (the faulting
// instruction's first byte) and call sites (the return address).
//
// Invariants: ranges never overlap (CodeMemory hands out disjoint blocks);
// entries are added when a function is compiled (jit_tier.cc) and removed with
// their module's code; every access takes one mutex (never from a signal
// handler: lookups run after the jump, in describe_fault).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/runtime/trap.h"

namespace cascade {
struct Instance;
struct Module;
}  // namespace cascade

namespace cascade::jit {

// A code offset (bytes from the function's external entry) and the wasm
// byte offset (module-relative) of the instruction it belongs to.
struct SourceSite {
  uint32_t code_offset;
  uint32_t wasm_offset;
};

struct CodeRecord {
  uintptr_t begin = 0, end = 0;  // [external entry, end of code)
  uintptr_t internal = 0;        // the internal entry
  uintptr_t osr = 0;             // the OSR entry (emitted last), 0 if none
  const Module* module = nullptr;  // the code's function: (module, funcidx)
  uint32_t funcidx = 0;
  std::vector<SourceSite> access_sites;  // sorted by code_offset
  std::vector<SourceSite> call_sites;    // return addresses, sorted
};

void RegisterCode(CodeRecord record);
// Removes every record whose code starts in [begin, end).
void UnregisterCode(uintptr_t begin, uintptr_t end);

// Rebuilds the wasm frames of a guard-page fault in JIT code: `pc` is the
// faulting instruction, `instance` the instance register at the fault (the
// innermost frame's instance), `stack` the words saved from the faulting
// stack pointer (each internal frame: the caller's instance, then the return
// address; see macro_assembler_x64.cc). Appends frames
// innermost first, stopping at the first return address outside JIT code (or
// when the saved words run out).
void FaultBacktrace(uintptr_t pc, const Instance* instance, const uintptr_t* stack, int num_words,
                    std::vector<TrapFrame>* frames);

}  // namespace cascade::jit
