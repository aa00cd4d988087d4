// Allocation of module-defined runtime objects (see instance_init.h).
#include "engine/runtime/instance_init.h"

#include <span>

#include "engine/runtime/linker.h"
#include "engine/runtime/value.h"
#include "engine/type_canon.h"

namespace cascade {
namespace {

uint32_t SlotsOf(std::span<const ValType> types) {
  uint32_t n = 0;
  for (ValType t : types) n += SlotCount(t);
  return n;
}

}  // namespace

ValType CanonicalValType(const Module& m, ValType t) {
  if (t.is_ref() && t.heap_type().is_index()) {
    return ValType::Ref(HeapType::Index(m.types[t.heap_type().index()].canonical_id),
                        t.is_nullable());
  }
  return t;
}

uint64_t TableAddressMax(const Limits& limits) {
  return limits.is64 ? ~uint64_t{0} : 0xFFFFFFFFull;
}

void InitFuncInstance(FuncInstance* f, const Module& m, Instance* inst, uint32_t funcidx) {
  f->canonical_type_id = inst->types[m.funcs[funcidx].type_index];
  f->type = &TypeCanonicalizer::Global().Get(f->canonical_type_id);
  f->module = &m;
  f->instance = inst;
  f->funcidx = funcidx;
  f->param_slots = SlotsOf(f->type->params());
  f->result_slots = SlotsOf(f->type->results());
}

void InitGlobalInstance(GlobalInstance* gi, const Module& m, const Global& g,
                        const uint64_t value[2]) {
  gi->type = CanonicalValType(m, g.type);
  gi->mut = g.mut;
  gi->value[0] = value[0];
  gi->value[1] = gi->type.kind() == ValType::kV128 ? value[1] : 0;
}

void InitTableInstance(TableInstance* ti, const Module& m, const Table& t, uint64_t init) {
  ti->elem_type = CanonicalValType(m, t.elem_type);
  ti->limits = t.limits;
  ti->max_elements = t.limits.has_max ? t.limits.max : TableAddressMax(t.limits);
  ti->elements.assign(t.limits.min, init);
}

void InitTagInstance(TagInstance* tag, const Instance& inst, uint32_t typeidx) {
  tag->canonical_type_id = inst.types[typeidx];
  tag->type = &TypeCanonicalizer::Global().Get(tag->canonical_type_id);
  tag->param_slots = SlotsOf(tag->type->params());
}

bool EvalElemItems(const Module& m, const Instance& inst, const ElemSegment& seg,
                   ElemInstance* ei, std::string* message) {
  ei->type = CanonicalValType(m, seg.elem_type);
  ei->items.resize(seg.item_count);
  for (uint32_t k = 0; k < seg.item_count; ++k) {
    if (seg.uses_exprs) {
      uint64_t v[2];
      if (!EvalConstExpr(m, inst, m.elem_exprs[seg.items_offset + k], v, message)) return false;
      ei->items[k] = v[0];
    } else {
      ei->items[k] =
          reinterpret_cast<uintptr_t>(inst.funcs[m.elem_func_indices[seg.items_offset + k]]);
    }
  }
  return true;
}

void AttachMemory0(Instance* inst) {
  if (inst->memories.empty()) return;
  MemoryInstance* mem0 = inst->memories[0];
  inst->memory0_base = mem0->base;
  inst->memory0_size = mem0->size_bytes;
  mem0->AddUser(inst);
}

void DetachMemory0(Instance* inst) {
  if (!inst->memories.empty()) inst->memories[0]->RemoveUser(inst);
}

}  // namespace cascade
