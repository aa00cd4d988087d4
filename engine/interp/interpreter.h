// The interpreter tier's entry points: run a function instance on the
// calling thread, and the knobs of the explicit value/frame stacks.
//
// Invariants: wasm-to-wasm calls never recurse on the C stack: frames live on
// the Store's value stack (StoreLimits::max_stack_slots) and a frame-record
// stack (StoreLimits::max_call_depth); a call that would pass either limit traps
// "call stack exhausted" and leaves the store usable. Host functions may
// re-enter (through Invoke); the nested run continues above the caller's live
// frame (Store::stack_top). Execute expects to run under Invoke, which installs
// the trap handler's recovery point: memory-0 accesses of guarded memories are
// not checked explicitly, a fault becomes "out of bounds memory access" (with
// the usual backtrace: Execute registers its fault hooks on the WasmEntry).
#pragma once

#include <cstdint>

#include "engine/runtime/func_instance.h"
#include "engine/runtime/trap.h"

namespace cascade {
class Store;
}

namespace cascade::interp {

// Calls `func` (a wasm or host function instance). `args_and_results` holds
// func->param_slots argument slots on entry (value.h encoding) and receives
// func->result_slots result slots on success; it must have room for
// max(param_slots, result_slots). Returns false and fills `*trap` (message,
// wasm backtrace innermost first, or `exception` for an uncaught wasm
// exception) if the call traps (spec 4.4 "trap"). Translates functions lazily
// on first call (thread-safe).
bool Execute(Store& store, FuncInstance* func, uint64_t* args_and_results, Trap* trap);

// Formerly released a function instance's code. FuncInstance::code now only
// borrows its module's shared code (code_cache.h), freed with the Module, so
// this does nothing; kept until its callers are gone.
void FreeCode(void* code);

// Translates `func` now if it has no code yet (otherwise a no-op).
void EnsureTranslated(FuncInstance* func);

}  // namespace cascade::interp
