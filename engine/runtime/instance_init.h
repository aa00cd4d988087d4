// Allocation of the objects a module defines (spec 4.5.3 "Allocation"), in one
// place for both ways an instance is built: Instantiate (linker.cc; objects
// owned by the Store) and InstancePre (instance_pre.cc; objects in a pooled
// slot). Each function fills one object the caller has already allocated.
//
// Invariant: types stored in runtime objects are canonical (type indices
// replaced by canonical ids), so they compare across modules.
#pragma once

#include <cstdint>
#include <string>

#include "engine/module.h"
#include "engine/runtime/instance.h"

namespace cascade {

// `t` with a module-relative type index replaced by its canonical id.
ValType CanonicalValType(const Module& m, ValType t);

// The largest element count a table's address type allows (2^32-1 or 2^64-1).
uint64_t TableAddressMax(const Limits& limits);

// Function `funcidx` of `m`, closed over `inst` (inst->types must be filled).
void InitFuncInstance(FuncInstance* f, const Module& m, Instance* inst, uint32_t funcidx);

// Global `g` of `m` with initial value slots `value` (value[1] used for v128).
void InitGlobalInstance(GlobalInstance* gi, const Module& m, const Global& g,
                        const uint64_t value[2]);

// Table `t` of `m` with `min` elements set to `init`; max_elements is the
// table's own maximum (or its address-space maximum), before any store limit.
void InitTableInstance(TableInstance* ti, const Module& m, const Table& t, uint64_t init);

// Tag of func type `typeidx` of `inst`'s module.
void InitTagInstance(TagInstance* tag, const Instance& inst, uint32_t typeidx);

// Evaluates the items of element segment `seg` (ref.func indices or constant
// expressions, in `inst`'s context) into `ei`. Returns false with `*message`
// when an expression cannot be evaluated.
bool EvalElemItems(const Module& m, const Instance& inst, const ElemSegment& seg,
                   ElemInstance* ei, std::string* message);

// Mirrors memory 0 into inst->memory0_base/size and registers `inst` as its
// user (so memory.grow keeps the mirror in sync); no-op without memories.
void AttachMemory0(Instance* inst);
// Undoes AttachMemory0 (before `inst` is freed while its memory 0, say a
// shared memory of another store, lives on); no-op without memories.
void DetachMemory0(Instance* inst);

}  // namespace cascade
