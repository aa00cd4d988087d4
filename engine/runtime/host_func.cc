// Typed host functions: canonical ids for host signatures.
#include "engine/runtime/host_func.h"

namespace cascade {

uint32_t CanonicalFuncTypeId(std::span<const ValType> params, std::span<const ValType> results) {
  Module m;
  m.valtype_pool.assign(params.begin(), params.end());
  m.valtype_pool.insert(m.valtype_pool.end(), results.begin(), results.end());
  SubType t;
  t.kind = CompositeKind::kFunc;
  t.param_count = static_cast<uint32_t>(params.size());
  t.result_count = static_cast<uint32_t>(results.size());
  m.types.push_back(t);
  uint32_t bad = 0;
  TypeCanonicalizer::Global().Canonicalize(m, &bad);
  return m.types[0].canonical_id;
}

FuncInstance* NewHostFunc(Store& store, std::span<const ValType> params,
                          std::span<const ValType> results, HostFunc fn, void* data) {
  return store.NewHostFunc(CanonicalFuncTypeId(params, results), std::move(fn), data);
}

}  // namespace cascade
