// Host functions with typed signatures: the embedder names a function type by
// its parameter and result value types, and gets a FuncInstance whose canonical
// type id matches what wasm modules declare for the same signature (so imports
// type-check by the usual canonical subtyping).
//
// Invariant: the same (params, results) always yields the same canonical id
// (type_canon.h); only abstract heap types may appear in reference types here
// (a host signature cannot name a module's defined types).
#pragma once

#include <cstdint>
#include <span>

#include "engine/runtime/store.h"

namespace cascade {

// The canonical id of the func type [params] -> [results] (spec 2.3.x
// "Function types"), as its own singleton rec group.
uint32_t CanonicalFuncTypeId(std::span<const ValType> params, std::span<const ValType> results);

// A host function of type [params] -> [results] owned by `store`. `fn` gets
// param slots and writes result slots (value.h encoding; see HostFunc).
FuncInstance* NewHostFunc(Store& store, std::span<const ValType> params,
                          std::span<const ValType> results, HostFunc fn, void* data = nullptr);

}  // namespace cascade
