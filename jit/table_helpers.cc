// The JIT's table and segment instructions (see table_helpers.h).
#include "jit/table_helpers.h"

#include <cstring>

#include "engine/opcodes.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/table_instance.h"
#include "engine/runtime/trap.h"

namespace cascade::jit {
namespace {

// A table index operand: 64 bits for table64, else the low 32.
uint64_t Index(const TableInstance* t, uint64_t s) { return t->Operand(s); }

uint32_t Trap(JitContext* ctx, const char* message) {
  ctx->trap_message = message;
  return 1;
}

}  // namespace

uint32_t HelperTableOp(JitContext* ctx, Instance* instance, uint32_t opcode, uint32_t a,
                       uint32_t b, uint64_t* s) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kTableGet: {
      TableInstance* t = instance->tables[a];
      uint64_t i = Index(t, s[0]);
      if (i >= t->elements.size()) return Trap(ctx, kTrapTableOutOfBounds);
      s[0] = t->elements[i];
      return 0;
    }
    case Opcode::kTableSet: {
      TableInstance* t = instance->tables[a];
      uint64_t i = Index(t, s[0]);
      if (i >= t->elements.size()) return Trap(ctx, kTrapTableOutOfBounds);
      t->elements[i] = s[1];
      return 0;
    }
    case Opcode::kTableSize:
      s[0] = instance->tables[a]->elements.size();
      return 0;
    case Opcode::kTableGrow: {
      TableInstance* t = instance->tables[a];
      int64_t old = t->Grow(Index(t, s[1]), s[0]);
      s[0] = t->limits.is64 ? static_cast<uint64_t>(old)
                            : static_cast<uint64_t>(static_cast<uint32_t>(old));
      return 0;
    }
    case Opcode::kTableFill: {
      TableInstance* t = instance->tables[a];
      uint64_t d = Index(t, s[0]), n = Index(t, s[2]), size = t->elements.size();
      if (d > size || n > size - d) return Trap(ctx, kTrapTableOutOfBounds);
      for (uint64_t k = 0; k < n; ++k) t->elements[d + k] = s[1];
      return 0;
    }
    case Opcode::kTableCopy: {
      TableInstance* dt = instance->tables[a];
      TableInstance* st = instance->tables[b];
      uint64_t d = Index(dt, s[0]), src = Index(st, s[1]);
      uint64_t n = dt->limits.is64 && st->limits.is64 ? s[2] : static_cast<uint32_t>(s[2]);
      uint64_t ds = dt->elements.size(), ss = st->elements.size();
      if (d > ds || n > ds - d || src > ss || n > ss - src) {
        return Trap(ctx, kTrapTableOutOfBounds);
      }
      if (n) std::memmove(dt->elements.data() + d, st->elements.data() + src, n * 8);
      return 0;
    }
    case Opcode::kTableInit: {
      TableInstance* t = instance->tables[a];
      const ElemInstance& e = instance->elems[b];
      uint64_t d = Index(t, s[0]);
      uint64_t src = static_cast<uint32_t>(s[1]), n = static_cast<uint32_t>(s[2]);
      uint64_t size = t->elements.size();
      if (d > size || n > size - d || src + n > e.items.size()) {
        return Trap(ctx, kTrapTableOutOfBounds);
      }
      if (n) std::memcpy(t->elements.data() + d, e.items.data() + src, n * 8);
      return 0;
    }
    case Opcode::kElemDrop:
      instance->elems[b].items.clear();
      return 0;
    case Opcode::kMemoryInit: {
      MemoryInstance* m = instance->memories[a];
      const DataInstance& data = instance->datas[b];
      uint64_t d = m->limits.is64 ? s[0] : static_cast<uint32_t>(s[0]);
      uint64_t src = static_cast<uint32_t>(s[1]), n = static_cast<uint32_t>(s[2]);
      if (!m->InBounds(d, n) || src + n > data.size) return Trap(ctx, kTrapMemoryOutOfBounds);
      if (n) std::memcpy(m->base + d, data.bytes + src, n);
      return 0;
    }
    case Opcode::kDataDrop:
      instance->datas[b].size = 0;
      return 0;
    default:
      return Trap(ctx, "unreachable");  // the compiler never emits other opcodes here
  }
}

}  // namespace cascade::jit
