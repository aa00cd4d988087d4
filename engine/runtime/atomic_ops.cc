// Atomic memory instructions (atomic_ops.h): one implementation for every tier.
#include "engine/runtime/atomic_ops.h"

#include <string_view>

#include "engine/runtime/atomic_wait.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/trap.h"

namespace cascade {
namespace {

// `size`-byte cell at p: compare-and-swap loop, so shared memories stay
// consistent across threads. kind: + - & | ^ x(chg) c(mpxchg).
template <typename T>
uint64_t RmwCell(uint8_t* p, char kind, uint64_t v, uint64_t replacement) {
  T* cell = reinterpret_cast<T*>(p);
  T operand = static_cast<T>(v);
  T old = __atomic_load_n(cell, __ATOMIC_SEQ_CST);
  for (;;) {
    T nv;
    switch (kind) {
      case '+': nv = static_cast<T>(old + operand); break;
      case '-': nv = static_cast<T>(old - operand); break;
      case '&': nv = old & operand; break;
      case '|': nv = old | operand; break;
      case '^': nv = old ^ operand; break;
      case 'x': nv = operand; break;
      default:  // cmpxchg
        if (old != operand) return old;
        nv = static_cast<T>(replacement);
        break;
    }
    if (__atomic_compare_exchange_n(cell, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
      return old;
  }
}

template <typename T>
uint64_t LoadCell(const uint8_t* p) {
  return __atomic_load_n(reinterpret_cast<const T*>(p), __ATOMIC_SEQ_CST);
}
template <typename T>
void StoreCell(uint8_t* p, uint64_t v) {
  __atomic_store_n(reinterpret_cast<T*>(p), static_cast<T>(v), __ATOMIC_SEQ_CST);
}

// Bounds, then alignment. Returns the host address or null with *trap set.
uint8_t* Cell(MemoryInstance* m, uint64_t addr, uint64_t offset, uint32_t size,
              const char** trap) {
  if (!m->InBounds(addr, offset, size)) {
    *trap = kTrapMemoryOutOfBounds;
    return nullptr;
  }
  uint64_t ea = addr + offset;
  if (ea & (size - 1)) {
    *trap = kTrapUnalignedAtomic;
    return nullptr;
  }
  return m->base + ea;
}

}  // namespace

const char* AtomicRmw(MemoryInstance* m, uint64_t addr, uint64_t offset, uint64_t v,
                      uint64_t replacement, Opcode op, uint64_t* out) {
  uint32_t size = 1u << GetOpcodeInfo(op).align_log2;
  const char* trap = nullptr;
  uint8_t* p = Cell(m, addr, offset, size, &trap);
  if (!p) return trap;
  std::string_view n(GetOpcodeInfo(op).name);
  char kind = n.find(".add") != n.npos    ? '+'
              : n.find(".sub") != n.npos  ? '-'
              : n.find(".and") != n.npos  ? '&'
              : n.find(".xor") != n.npos  ? '^'
              : n.find(".or") != n.npos   ? '|'
              : n.find(".xchg") != n.npos ? 'x'
                                          : 'c';
  switch (size) {
    case 1: *out = RmwCell<uint8_t>(p, kind, v, replacement); break;
    case 2: *out = RmwCell<uint16_t>(p, kind, v, replacement); break;
    case 4: *out = RmwCell<uint32_t>(p, kind, v, replacement); break;
    default: *out = RmwCell<uint64_t>(p, kind, v, replacement); break;
  }
  return nullptr;
}

const char* AtomicInstruction(MemoryInstance* m, Opcode op, uint64_t offset, uint64_t* operands) {
  const OpcodeInfo& info = GetOpcodeInfo(op);
  uint32_t size = 1u << info.align_log2;
  uint64_t addr = m->Operand(operands[0]);
  const char* trap = nullptr;
  if (op == Opcode::kMemoryAtomicNotify) {
    uint8_t* p = Cell(m, addr, offset, 4, &trap);
    if (!p) return trap;
    operands[0] = m->limits.shared ? AtomicNotify(p, static_cast<uint32_t>(operands[1])) : 0;
    return nullptr;
  }
  if (op == Opcode::kMemoryAtomicWait32 || op == Opcode::kMemoryAtomicWait64) {
    uint8_t* p = Cell(m, addr, offset, size, &trap);
    if (!p) return trap;
    if (!m->limits.shared) return kTrapExpectedSharedMemory;
    uint64_t expected = size == 4 ? static_cast<uint32_t>(operands[1]) : operands[1];
    operands[0] = static_cast<uint32_t>(
        AtomicWait(p, expected, size == 8, static_cast<int64_t>(operands[2])));
    return nullptr;
  }
  uint32_t params = info.sig.num_params;
  if (info.sig.num_results == 1 && params >= 2) {
    return AtomicRmw(m, addr, offset, operands[1], params == 3 ? operands[2] : 0, op, &operands[0]);
  }
  uint8_t* p = Cell(m, addr, offset, size, &trap);
  if (!p) return trap;
  if (info.sig.num_results == 1) {  // atomic load, zero-extended
    switch (size) {
      case 1: operands[0] = LoadCell<uint8_t>(p); break;
      case 2: operands[0] = LoadCell<uint16_t>(p); break;
      case 4: operands[0] = LoadCell<uint32_t>(p); break;
      default: operands[0] = LoadCell<uint64_t>(p); break;
    }
  } else {  // atomic store of the low `size` bytes
    switch (size) {
      case 1: StoreCell<uint8_t>(p, operands[1]); break;
      case 2: StoreCell<uint16_t>(p, operands[1]); break;
      case 4: StoreCell<uint32_t>(p, operands[1]); break;
      default: StoreCell<uint64_t>(p, operands[1]); break;
    }
  }
  return nullptr;
}

}  // namespace cascade
