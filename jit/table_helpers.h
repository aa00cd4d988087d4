// C++ helpers behind the JIT's table and segment instructions: table.get/set/
// size/grow/fill/copy/init, elem.drop, memory.init and data.drop (spec 4.4.6,
// 4.4.7). Compiled code spills its operand stack, then calls HelperTableOp
// with the address of the instruction's first operand slot; the helper reads
// the operands from there and writes the result (if any) back to the first
// slot, exactly where the interpreter's frame layout puts it.
//
// Invariants: the semantics (bounds checks before any write, 32-bit operands
// zero-extended for 32-bit tables/memories, "out of bounds table access" /
// "out of bounds memory access" traps) are those of the interpreter's
// handlers (engine/interp/handlers.inc), so both tiers agree; a trap sets
// ctx->trap_message and leaves the table/memory untouched.
#pragma once

#include <cstdint>

#include "jit/jit_context.h"

namespace cascade {
struct Instance;
}

namespace cascade::jit {

// Runs table/segment instruction `opcode` (an Opcode value) of `instance`.
// `a` and `b` are its immediates as the decoder hands them to OnTableOp /
// OnMemoryOp (table.copy: dst, src tables; table.init: table, elem segment;
// elem.drop: -, elem segment; memory.init: memory, data segment; data.drop:
// -, data segment; others: the table). `slots` points at the operands
// (0 to 3 of them); a result goes to slots[0]. Returns 0, or 1 after setting
// ctx->trap_message.
uint32_t HelperTableOp(JitContext* ctx, Instance* instance, uint32_t opcode, uint32_t a,
                       uint32_t b, uint64_t* slots);

}  // namespace cascade::jit
