// JitContext: the state one JIT run shares between machine code and the C++
// helpers it calls (runtime_helpers.h), and the calling convention of every
// compiled function.
//
// Calling convention (one for all functions, x86-64 System V registers):
//   uint32_t fn(JitContext* ctx /*rdi*/, uint64_t* fp /*rsi*/,
//               const Instance* instance /*rdx*/)
//   Machine code is compiled once per module (jit_tier.cc): `instance` is the
//   instance whose function runs (FuncInstance::instance); the code reaches
//   its functions, globals, memories and tags through it (Instance::jit_*).
//   fp[0..params) holds the arguments on entry (slot encoding, value.h) and
//   fp[0..results) receives the results: exactly the interpreter's frame layout
//   (engine/interp/code.h), so a callee's frame starts at the caller's slot of
//   its first argument. Returns 0 on success, 1 on a trap (the trap is described
//   in the context: `trap_message` or, when a helper ran a callee that trapped,
//   `*trap` itself with `trap_filled`), or a wasm exception being thrown when
//   `exception` is set.
//
// Invariants: the struct is standard layout (machine code addresses fields by
// offsetof); `stack_limit` is the Store's value-stack end and `native_limit`
// the lowest rsp JIT code may run at; both are checked in every prologue.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/runtime/trap.h"

namespace cascade {
class Store;
struct Instance;
struct FuncInstance;
}  // namespace cascade

namespace cascade::jit {

struct JitContext {
  uint64_t* stack_limit = nullptr;   // value stack: fp + frame slots must stay <= this
  uintptr_t native_limit = 0;        // native stack: rsp must stay >= this
  const char* trap_message = nullptr;  // a trap raised by JIT code or a helper
  uint32_t trap_offset = 0;          // its wasm byte offset (module-relative)
  uint32_t trap_funcidx = 0;         // its function
  const Instance* trap_instance = nullptr;
  Store* store = nullptr;
  // What machine code calls and names by index (runtime_helpers.h), so it
  // holds no absolute address.
  const void* const* helpers = nullptr;
  const char* const* messages = nullptr;
  // FuncInstance::jit_store of functions whose machine code this store may
  // call directly (compiled for its metering; pooled function instances
  // outlive stores).
  uint64_t store_serial = 0;
  int64_t* budget = nullptr;         // &store->interrupt.budget (metered code charges it)
  Trap* trap = nullptr;              // the outermost call's trap record
  bool trap_filled = false;          // *trap was filled by a callee (interp/host)
  // A wasm exception in flight (exception handling): a status-1 return with
  // this set is a throw, not a trap. Cleared when a handler catches it.
  Exception* exception = nullptr;
  // HelperCallSlow's status 2: the callee has machine code now; the call site
  // calls it itself (so JIT frames stay adjacent on the native stack).
  FuncInstance* retry_callee = nullptr;
  // The shared slow path of JIT call sites (macro_assembler.h, SlowCallThunk).
  const void* slow_call_thunk = nullptr;
  char trap_text[48] = {};           // a formatted trap_message ("uninitialized element 2")
  // Callers of the trapping function, innermost first, appended as the trap
  // status propagates out through JIT call sites (HelperTrapFrame); frames
  // past kMaxFrames are dropped.
  static constexpr uint32_t kMaxFrames = 64;
  uint32_t num_frames = 0;
  TrapFrame frames[kMaxFrames];
};

inline constexpr int32_t kCtxStackLimit = offsetof(JitContext, stack_limit);
inline constexpr int32_t kCtxNativeLimit = offsetof(JitContext, native_limit);
inline constexpr int32_t kCtxTrapMessage = offsetof(JitContext, trap_message);
inline constexpr int32_t kCtxTrapOffset = offsetof(JitContext, trap_offset);
inline constexpr int32_t kCtxTrapFuncidx = offsetof(JitContext, trap_funcidx);
inline constexpr int32_t kCtxTrapInstance = offsetof(JitContext, trap_instance);
inline constexpr int32_t kCtxException = offsetof(JitContext, exception);
inline constexpr int32_t kCtxHelpers = offsetof(JitContext, helpers);
inline constexpr int32_t kCtxMessages = offsetof(JitContext, messages);
inline constexpr int32_t kCtxStoreSerial = offsetof(JitContext, store_serial);
inline constexpr int32_t kCtxBudget = offsetof(JitContext, budget);
inline constexpr int32_t kCtxRetryCallee = offsetof(JitContext, retry_callee);
inline constexpr int32_t kCtxSlowCallThunk = offsetof(JitContext, slow_call_thunk);

using JitEntry = uint32_t (*)(JitContext* ctx, uint64_t* fp, const Instance* instance);
// The on-stack replacement entry (MacroAssembler::EmitOsrEntry): the same, then
// `header`, the address of the loop header to continue at.
using JitOsrEntry = uint32_t (*)(JitContext* ctx, uint64_t* fp, const Instance* instance,
                                 const void* header);

}  // namespace cascade::jit
