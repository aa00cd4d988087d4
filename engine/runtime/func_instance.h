// Function instances (spec 4.2.6): a wasm function closed over its instance, or
// a host function. Function references in slots are FuncInstance pointers.
//
// Invariants:
//  * Exactly one of {host is set} / {module != nullptr} holds: host functions have
//    no module, instance or code.
//  * `type` points into a CanonicalType (type_canon.h) and lives for the process;
//    `canonical_type_id` is what call_indirect / ref.test / import matching compare.
//  * param_slots / result_slots count 64-bit slots (v128 = 2).
//  * `code` is owned by the interpreter (engine/interp): nullptr until the function
//    is first called; the interpreter translates it then and stores the result.
#pragma once

#include <cstdint>
#include <functional>

#include "engine/module.h"
#include "engine/runtime/trap.h"
#include "engine/type_canon.h"

namespace cascade {

class Store;
struct Instance;
struct FuncInstance;

// What a host function sees besides its arguments.
struct HostContext {
  Store& store;
  FuncInstance* func;  // the host function being called
  void* data;          // FuncInstance::host_data
  // The wasm instance whose code made the call (WASI reads its exported
  // "memory"); nullptr when the host called the function directly.
  Instance* caller = nullptr;
};

// A host function. `args` holds param_slots slots, `results` has room for
// result_slots slots (slot encoding: value.h). Return true on success; on
// failure fill `*trap` (message, or `exception` to throw a wasm exception) and
// return false. Host functions may call back into wasm through Invoke.
using HostFunc = std::function<bool(HostContext& ctx, const uint64_t* args,
                                    uint64_t* results, Trap* trap)>;

struct FuncInstance {
  uint32_t canonical_type_id = 0;
  const CanonicalType* type = nullptr;
  const Module* module = nullptr;  // wasm functions only
  Instance* instance = nullptr;    // wasm functions only
  uint32_t funcidx = 0;            // index in module's function index space
  HostFunc host;                   // host functions only
  void* host_data = nullptr;       // passed to `host` in HostContext::data
  void* code = nullptr;            // interpreter code (engine/interp), lazily made
  uint32_t param_slots = 0;
  uint32_t result_slots = 0;
  // Baseline JIT (jit/): the entry of this function's machine code (which its
  // module owns and every instance shares), valid only while `jit_store`
  // equals the serial of the Store that installed it for this instance
  // (compiled for that store's metering; pooled function instances outlive
  // stores); 0 / nullptr when not installed.
  void* jit_code = nullptr;
  uint64_t jit_store = 0;
  // The same code's internal entry (jit/jit_context.h): what JIT code of the
  // same instance calls, with ctx/instance/memory registers already set, and
  // without checking `jit_store`: once the instance has installed code in a
  // store (Instance::jit_serial), this is either code installed in that store
  // or the JIT's slow internal entry (jit/macro_assembler.h), never stale.
  void* jit_internal = nullptr;
  // Tier-up countdown (Store::tier_up): the interpreter decrements it on every
  // call it makes to this function and calls the store's tier_up hook when it
  // goes negative (the first call, then as often as the hook arranges; without
  // a hook the interpreter parks it at INT32_MAX).
  int32_t tier_countdown = 0;

  bool is_host() const { return static_cast<bool>(host); }
};

}  // namespace cascade
