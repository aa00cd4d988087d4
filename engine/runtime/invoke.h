// The one entry from the host into wasm (spec 4.5.5 "Invocation").
//
//   host ──Invoke──▶ wasm function: interp::Execute (engine/interp/interpreter.h)
//                └─▶ host function: FuncInstance::host
//
// Invoke boxes/unboxes values, guards the C stack against runaway host<->wasm
// recursion, installs the trap handler's recovery point (trap_handler.h) so a
// guard-page fault in wasm code becomes a trap, and restores Store::stack_top
// on every exit, so the store stays usable after any trap.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/runtime/store.h"
#include "engine/runtime/trap.h"
#include "engine/runtime/value.h"

namespace cascade {

// Calls `func` with `args` (must match its parameter types; checked: a count or
// type mismatch is reported as a trap "type mismatch"). On success returns true
// and sets `*results` to the result values. On a trap returns false and fills
// `*trap` (trap->exception is set when a wasm exception escaped).
bool Invoke(Store& store, FuncInstance* func, std::span<const Value> args,
            std::vector<Value>* results, Trap* trap);

// Slot-level variant used by host code that already has slots: `slots` holds the
// params on entry and receives the results; it must have room for
// max(param_slots, result_slots) slots. i32 and f32 params are zero-extended
// in place first (value.h, CanonicalSlot); so are a host function's i32 and
// f32 results after CallHost.
bool InvokeSlots(Store& store, FuncInstance* func, uint64_t* slots, Trap* trap);

// How an execution tier calls a host function (FuncInstance::is_host()): the
// caller sets store.stack_top to its first free slot first (so a callback into
// wasm runs above its frames). Suspends the trap handler's wasm entry for the
// duration of the call (faults in host code are not wasm traps). `args` and
// `results` may alias. `caller` is the calling wasm instance (HostContext::caller).
bool CallHost(Store& store, FuncInstance* func, const uint64_t* args, uint64_t* results,
              Trap* trap, Instance* caller = nullptr);

}  // namespace cascade
