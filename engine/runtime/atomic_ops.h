// The threads proposal's atomic memory instructions (0xFE prefix: atomic
// loads, stores, read-modify-write, cmpxchg, memory.atomic.wait32/64 and
// memory.atomic.notify) as plain functions on a MemoryInstance, shared by the
// interpreter's handlers and the JIT's helper calls so both tiers have one
// semantics.
//
// Invariants: every function checks bounds (addr + offset + size, without
// wrapping) before alignment, as the spec's execution rules order the traps
// ("out of bounds memory access" before "unaligned atomic"); nothing is
// written when a trap message is returned.
#pragma once

#include <cstdint>

#include "engine/opcodes.h"

namespace cascade {

struct MemoryInstance;

// A read-modify-write or cmpxchg instruction `op` on the naturally aligned
// cell at addr + offset of `m` (addr already an i32 or i64 per the memory's
// address type): applies `v` (for cmpxchg: the expected value, with
// `replacement` stored when it matches) atomically and writes the old value,
// zero-extended, to *out. Returns null, or the trap message.
const char* AtomicRmw(MemoryInstance* m, uint64_t addr, uint64_t offset, uint64_t v,
                      uint64_t replacement, Opcode op, uint64_t* out);

// Any 0xFE instruction but atomic.fence, on memory `m` with static `offset`.
// `operands` holds the instruction's operands in slot encoding (value.h), the
// address first; its result (if any) is written over operands[0]. May block
// (memory.atomic.wait). Returns null, or the trap message.
const char* AtomicInstruction(MemoryInstance* m, Opcode op, uint64_t offset, uint64_t* operands);

}  // namespace cascade
