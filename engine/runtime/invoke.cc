// Host -> wasm entry: Invoke / InvokeSlots, and wasm -> host calls (CallHost).
//
// Invariant: on every exit (success, trap, fault, exhaustion) store.stack_top
// and store.host_depth are restored to their values on entry.
#include "engine/runtime/invoke.h"

#include <csetjmp>

#include "engine/runtime/trap_handler.h"

#if __has_include("engine/interp/interpreter.h")
#include "engine/interp/interpreter.h"
#define CASCADE_HAVE_INTERP 1
#else
#define CASCADE_HAVE_INTERP 0
#endif

namespace cascade {
namespace {

// Runs wasm `func` under a trap-handler entry. Kept separate so no C++ object
// with a destructor is live across sigsetjmp.
[[gnu::noinline]] bool RunWasm(Store& store, FuncInstance* func, uint64_t* slots, Trap* trap) {
#if CASCADE_HAVE_INTERP
  trap_handler::WasmEntry entry;
  volatile bool ok = false;
  if (sigsetjmp(entry.env, 0) == 0) {
    entry.Enter();
    // A JIT (jit/jit.h) installs Store::tier_invoke; it falls back to the
    // interpreter itself for functions it cannot compile.
    ok = store.tier_invoke ? store.tier_invoke(store, func, slots, trap)
                           : interp::Execute(store, func, slots, trap);
  } else {
    entry.FillFaultTrap(trap);  // the message plus the tier's backtrace
    ok = false;
  }
  entry.Exit();
  return ok;
#else
  (void)store; (void)func; (void)slots;
  trap->message = "no execution tier available (interpreter not built)";
  return false;
#endif
}

// Puts values of `types` at `slots` (v128: two slots) in the slot encoding.
void CanonicalizeSlots(std::span<const ValType> types, uint64_t* slots) {
  for (ValType t : types) {
    *slots = CanonicalSlot(t, *slots);
    slots += SlotCount(t);
  }
}

}  // namespace

bool CallHost(Store& store, FuncInstance* func, const uint64_t* args, uint64_t* results,
              Trap* trap, Instance* caller) {
  uint64_t arg_copy[16];
  std::vector<uint64_t> big;
  const uint64_t* a = args;
  if (args == results && func->param_slots > 0) {
    if (func->param_slots <= 16) {
      for (uint32_t i = 0; i < func->param_slots; ++i) arg_copy[i] = args[i];
      a = arg_copy;
    } else {
      big.assign(args, args + func->param_slots);
      a = big.data();
    }
  }
  trap_handler::WasmEntry* saved = trap_handler::Suspend();
  HostContext ctx{store, func, func->host_data, caller};
  bool ok = func->host(ctx, a, results, trap);
  trap_handler::Resume(saved);
  if (ok) CanonicalizeSlots(func->type->results(), results);
  return ok;
}

bool InvokeSlots(Store& store, FuncInstance* func, uint64_t* slots, Trap* trap) {
  store.stack_base();  // reserve the stack on first use
  if (store.host_depth >= store.limits().max_host_reentry) {
    trap->message = kTrapStackExhausted;
    return false;
  }
  CanonicalizeSlots(func->type->params(), slots);
  uint64_t* saved_top = store.stack_top;
  ++store.host_depth;
  bool ok = func->is_host() ? CallHost(store, func, slots, slots, trap)
                            : RunWasm(store, func, slots, trap);
  --store.host_depth;
  store.stack_top = saved_top;
  return ok;
}

bool Invoke(Store& store, FuncInstance* func, std::span<const Value> args,
            std::vector<Value>* results, Trap* trap) {
  auto params = func->type->params();
  auto result_types = func->type->results();
  if (args.size() != params.size()) {
    trap->message = "type mismatch: wrong number of arguments";
    return false;
  }
  std::vector<uint64_t> slots(std::max(func->param_slots, func->result_slots) + 1);
  size_t at = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type.kind() != params[i].kind()) {
      trap->message = "type mismatch: argument type";
      return false;
    }
    slots[at++] = args[i].lo;
    if (params[i].kind() == ValType::kV128) slots[at++] = args[i].hi;
  }
  if (!InvokeSlots(store, func, slots.data(), trap)) return false;
  results->clear();
  at = 0;
  for (ValType t : result_types) {
    Value v{t, slots[at++], 0};
    if (t.kind() == ValType::kV128) v.hi = slots[at++];
    results->push_back(v);
  }
  return true;
}

}  // namespace cascade
