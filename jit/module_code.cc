// ModuleCode: a module's machine code (module_code.h).
#include "jit/module_code.h"

#include "jit/code_cache_file.h"
#include "jit/perf_map.h"

namespace cascade::jit {

ModuleCode::~ModuleCode() {
  for (const auto& [key, e] : entries) {
    if (e.ok) {
      auto begin = reinterpret_cast<uintptr_t>(e.entry);
      UnregisterCode(begin, begin + 1);
    }
  }
}

uint64_t Key(uint32_t funcidx, const CompileEnv& env) {
  return uint64_t{funcidx} << 2 | uint64_t{env.metered} << 1 | uint64_t{env.mem0_guarded};
}

ModuleCode& CodeOf(const Module& m) {
  if (TierCache* c = m.jit_cache.get()) return *static_cast<ModuleCode*>(c);
  return *static_cast<ModuleCode*>(m.jit_cache.Install(std::make_unique<ModuleCode>()));
}

namespace {

// Makes `e`'s code known to backtraces and perf (called once per entry).
void Register(const Module& m, uint32_t funcidx, const ModuleCode::Entry& e) {
  CodeRecord record;
  record.begin = reinterpret_cast<uintptr_t>(e.entry);
  record.end = record.begin + e.size;
  record.internal = reinterpret_cast<uintptr_t>(e.internal);
  record.module = &m;
  record.funcidx = funcidx;
  record.access_sites = e.access_sites;
  record.call_sites = e.call_sites;
  record.osr = reinterpret_cast<uintptr_t>(e.osr_entry);
  RegisterCode(std::move(record));
  PerfMapRecord(e.entry, e.size, m, funcidx);
}

}  // namespace

const ModuleCode::Entry& ModuleFunction(const Module& m, uint32_t funcidx, const CompileEnv& env,
                                        bool* fresh) {
  ModuleCode& mc = CodeOf(m);
  uint64_t key = Key(funcidx, env);
  *fresh = false;
  std::shared_ptr<const SavedCode> saved;
  {
    std::lock_guard<std::mutex> lock(mc.mu);
    auto it = mc.entries.find(key);
    if (it != mc.entries.end()) return it->second;
    saved = mc.saved;
  }
  ModuleCode::Entry e;
  bool installed = saved && InstallSaved(*saved, key, &e);
  if (!installed) {
    CompiledCode code;
    e.ok = CompileFunction(m, funcidx, env, mc.memory, &code, &e.why);
    e.entry = code.entry;
    e.internal = code.internal;
    e.size = code.size;
    e.osr_entry = code.osr_entry;
    e.loop_headers = std::move(code.loop_headers);
    e.access_sites = std::move(code.access_sites);
    e.call_sites = std::move(code.call_sites);
  }
  std::lock_guard<std::mutex> lock(mc.mu);
  auto [it, inserted] = mc.entries.try_emplace(key, std::move(e));
  if (!inserted) return it->second;  // another thread won; ours stays unused
  *fresh = true;
  if (!installed && it->second.ok) ++mc.compiled;
  if (it->second.ok) Register(m, funcidx, it->second);
  return it->second;
}

bool HasSavedCode(const Module& m, uint32_t funcidx, const CompileEnv& env) {
  TierCache* c = m.jit_cache.get();
  if (c == nullptr) return false;
  auto& mc = *static_cast<ModuleCode*>(c);
  std::lock_guard<std::mutex> lock(mc.mu);
  return mc.saved && SavedHas(*mc.saved, Key(funcidx, env));
}

}  // namespace cascade::jit
