// The C++ functions JIT code calls for what it does not inline: the rarer
// numeric instructions (one generic entry over the interpreter's op table),
// calls into functions without JIT code, call_indirect resolution and memory
// instructions. All have plain C signatures (integer arguments, JitContext*
// first where they can trap) so machine code can call them directly.
//
// Invariants: a helper that traps sets ctx->trap_message (a kTrap* string) or,
// for a trapping callee, fills *ctx->trap and sets ctx->trap_filled; it never
// throws or longjmps. None keeps C++ objects with destructors alive across a
// call back into wasm code.
#pragma once

#include <cstdint>

#include "jit/jit_context.h"

namespace cascade {
struct FuncInstance;
struct Instance;
}  // namespace cascade

namespace cascade::jit {

// Result of fixed-signature instruction `opcode` (an Opcode value) on slot
// operands a (and b for binary ops); trapping conversions set trap_message.
uint64_t HelperNumeric(JitContext* ctx, uint32_t opcode, uint64_t a, uint64_t b);

// Calls `callee` (host, interpreted, or not yet compiled) with its frame at
// `args`; returns 0, or 1 after a trap; or 2 (nothing called) when the callee
// has just been compiled, with ctx->retry_callee set: the call site then
// calls the machine code itself. Defined in jit_tier.cc.
uint32_t HelperCallSlow(JitContext* ctx, uint64_t* args, FuncInstance* callee,
                        Instance* caller);

// call_indirect: the function at `index` of table `tableidx`, checked against
// the instance's type `typeidx` (canonical subtype test). Returns null after
// setting trap_message (undefined / uninitialized element, type mismatch).
FuncInstance* HelperResolveIndirect(JitContext* ctx, Instance* instance, uint32_t tableidx,
                                    uint32_t typeidx, uint64_t index);

// On the trap path of a call site: records the calling function's frame
// (into *ctx->trap when a callee filled it, else into ctx->frames).
void HelperTrapFrame(JitContext* ctx, const Instance* instance, uint32_t funcidx,
                     uint32_t offset);

// memory.size (spec 4.4.7) of memory `memidx`, in pages.
uint64_t HelperMemorySize(Instance* instance, uint32_t memidx);
// memory.grow of memory `memidx` by `delta` pages: the old size in pages, or
// -1 as an i32 (memory32) or i64 (memory64) when it cannot grow.
uint64_t HelperMemoryGrow(Instance* instance, uint32_t memidx, uint64_t delta);
// memory.fill of memory `memidx` (memory32 or memory64 operands); sets
// ctx->trap_message to "out of bounds memory access" when dst + n is out of
// bounds (nothing is written then).
void HelperMemoryFill(JitContext* ctx, Instance* instance, uint32_t memidx, uint64_t dst,
                      uint64_t value, uint64_t n);
// memory.copy from memory `memidxs >> 32` to memory `memidxs & 0xFFFFFFFF`
// (n is an i64 only when both are memory64); traps like HelperMemoryFill.
void HelperMemoryCopy(JitContext* ctx, Instance* instance, uint64_t memidxs, uint64_t dst,
                      uint64_t src, uint64_t n);

// Any atomic instruction but atomic.fence (engine/runtime/atomic_ops.h) on
// memory `memidx` with static `offset`: operands in slots[0..), the result
// written to slots[0]. Sets ctx->trap_message on a trap.
void HelperAtomic(JitContext* ctx, Instance* instance, uint32_t opcode, uint32_t memidx,
                  uint64_t offset, uint64_t* slots);
// Wide arithmetic (i64.add128, i64.sub128: 4 operands; i64.mul_wide_s/u: 2)
// on slots[0..); the two i64 results (low, high) go to slots[0] and slots[1].
// The instance and the two immediates are unused (SlotHelperOp's shape).
void HelperWideArithmetic(JitContext* ctx, Instance* instance, uint32_t opcode, uint32_t,
                          uint64_t, uint64_t* slots);
// throw (exception handling): a new exception of tag `tagidx` with its
// payload from args[0..), put in flight in ctx->exception.
void HelperThrow(JitContext* ctx, Instance* instance, uint32_t tagidx, const uint64_t* args);
// A catch clause taking the exception in flight: writes its payload (when
// `with_payload`) and then the exnref (when `with_ref`) to dest[0..), and
// clears ctx->exception and the frames its propagation recorded. Returns the
// exception (legacy catch keeps it for rethrow).
Exception* HelperCatch(JitContext* ctx, uint64_t* dest, uint64_t with_payload, uint64_t with_ref);
// Metered code whose budget ran out (InterruptState::OnExhausted): 1 to go
// on (budget refilled), 0 after setting trap_message ("all fuel consumed by
// WebAssembly" / "interrupt").
uint64_t HelperInterrupt(JitContext* ctx);
// atomic.fence: a sequentially consistent fence.
void HelperAtomicFence();

// Machine code holds no absolute address (so a saved copy runs unchanged in
// another process, code_cache_file.h): it calls helpers through
// JitContext::helpers and names trap messages through JitContext::messages,
// by their index in these tables. Each index is -1 for a function or
// message not in the table (the compiler then gives up on the function).
extern const void* const kJitHelpers[];
extern const char* const kJitTrapMessages[];
int HelperIndex(const void* fn);
int TrapMessageIndex(const char* message);

}  // namespace cascade::jit
