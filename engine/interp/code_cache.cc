// Per-module cache of translated functions (see code_cache.h).
//
// Invariant: ModuleCode::slots[v][i] holds null or the published code of
// defined function num_imported_funcs + i for variant v (0 unguarded, 1
// guarded memory 0); entries only go from null to a value. The code lives in
// the ModuleCode's arena.
#include "engine/interp/code_cache.h"

#include <atomic>
#include <memory>

#include "engine/interp/translator.h"

namespace cascade::interp {
namespace {

struct ModuleCode final : TierCache {
  explicit ModuleCode(const Module& m)
      : num_defined(static_cast<uint32_t>(m.funcs.size()) - m.num_imported_funcs),
        guard_matters(!m.memories.empty() && !m.memories[0].limits.is64 &&
                      m.memories[0].limits.page_size_log2 == 16) {
    for (int v = 0; v < (guard_matters ? 2 : 1); ++v)
      slots[v] = std::make_unique<std::atomic<InterpCode*>[]>(num_defined);
  }
  uint32_t num_defined;
  bool guard_matters;  // whether a guarded memory 0 changes the translation
  std::unique_ptr<std::atomic<InterpCode*>[]> slots[2];
  CodeArena arena;  // every slot's code (freed with it)
};

[[gnu::noinline, gnu::cold]] ModuleCode* MakeModuleCode(const Module& m) {
  return static_cast<ModuleCode*>(m.interp_cache.Install(std::make_unique<ModuleCode>(m)));
}

}  // namespace

const InterpCode* GetCode(const Module& module, uint32_t funcidx, bool mem0_guarded) {
  auto* mc = static_cast<ModuleCode*>(module.interp_cache.get());
  if (mc == nullptr) [[unlikely]] mc = MakeModuleCode(module);
  int variant = mem0_guarded && mc->guard_matters ? 1 : 0;
  std::atomic<InterpCode*>& slot = mc->slots[variant][funcidx - module.num_imported_funcs];
  InterpCode* code = slot.load(std::memory_order_acquire);
  if (code != nullptr) return code;
  InterpCode* fresh = TranslateFunction(module, funcidx, variant == 1, mc->arena);
  InterpCode* expected = nullptr;
  if (slot.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) return fresh;
  return expected;  // another thread published first (ours stays unused in the arena)
}

}  // namespace cascade::interp
