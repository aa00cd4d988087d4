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
// `args`; returns 0, or 1 after a trap. Defined in jit_tier.cc.
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

uint64_t HelperMemorySize(Instance* instance);
uint64_t HelperMemoryGrow(Instance* instance, uint64_t delta);
// memory.fill / memory.copy on memory 0 (memory32); trap "out of bounds memory access".
void HelperMemoryFill(JitContext* ctx, Instance* instance, uint64_t dst, uint64_t value,
                      uint64_t n);
void HelperMemoryCopy(JitContext* ctx, Instance* instance, uint64_t dst, uint64_t src,
                      uint64_t n);

}  // namespace cascade::jit
