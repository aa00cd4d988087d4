// The baseline compiler: one pass over a validated function body (the shared
// FunctionDecoder<NoValidation, BaselineCompiler>) straight to machine code
// through the MacroAssembler, on V8 Liftoff's model (value_stack.h).
//
// Invariants: the input was validated; compilation either succeeds with code
// that implements the function exactly (spec 4.4), or fails with `why` naming
// the first unsupported feature (SIMD, GC objects, ...) and the function must
// run in the interpreter. Code belongs to the module, not to an instance: it
// reaches the running instance's functions, globals, memories and tags through
// the instance register (jit_context.h), so every instance of the module in
// every store runs the same code. It is specialized only to the CompileEnv
// below (the module's code cache keys on it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "jit/code_registry.h"

#include "engine/module.h"

namespace cascade {
struct Instance;
}

namespace cascade::jit {

class CodeMemory;

struct CompileEnv {
  bool mem0_guarded = true;            // memory 0 has guard pages (no explicit checks)
  // Fuel / epoch interruption (store.h InterruptState): charge the store's
  // budget at function entry and loop headers, about one unit per wasm
  // instruction as the interpreter does, and trap when it runs out.
  bool metered = false;
  std::string* listing = nullptr;      // when set: receives AsmJit's text listing
};

struct CompiledCode {
  void* entry = nullptr;     // JitEntry (jit_context.h): the external entry
  void* internal = nullptr;  // the internal entry (MacroAssembler::Prologue)
  size_t size = 0;        // bytes of machine code
  // For fault backtraces (code_registry.h): guarded accesses, call returns.
  std::vector<SourceSite> access_sites, call_sites;
  // On-stack replacement (MacroAssembler::EmitOsrEntry): the entry, or null
  // when the function has no loop or its frame layout is not the
  // interpreter's (legacy try slots); each loop header's address, in the order
  // the decoder met the loops (as InterpCode::loop_headers).
  void* osr_entry = nullptr;
  std::vector<void*> loop_headers;
};

// Compiles defined function `funcidx` (module function index space). Returns
// false with `*why` set when the function uses something this tier does not
// support or installing the code failed.
bool CompileFunction(const Module& module, uint32_t funcidx, const CompileEnv& env,
                     CodeMemory& memory, CompiledCode* out, std::string* why);

}  // namespace cascade::jit
