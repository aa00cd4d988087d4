// ModuleCode: the machine code of one module (Module::jit_cache), shared by
// every instance of the module in every store and freed with the module.
//
// One Entry per function and CompileEnv variant (Key: funcidx, metered,
// memory 0 guarded) that some store wanted: compiled, installed from a saved
// copy (code_cache_file.h), or found unsupported. Entries are never erased,
// so references to them stay valid for the module's lifetime; `mu` guards the
// map, while compiling runs unlocked (two threads wanting the same function
// at once may both compile it; the first to finish is kept).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "jit/baseline_compiler.h"
#include "jit/code_memory.h"
#include "jit/code_registry.h"

#include "engine/module.h"

namespace cascade::jit {

struct SavedCode;  // code_cache_file.cc: a loaded cache file's functions

struct ModuleCode : TierCache {
  struct Entry {
    bool ok = false;
    std::string why;  // !ok: why the function stays interpreted
    void* entry = nullptr;
    void* internal = nullptr;
    size_t size = 0;
    void* osr_entry = nullptr;
    std::vector<void*> loop_headers;
    // What a cache file needs besides the bytes (code_cache_file.cc).
    std::vector<SourceSite> access_sites, call_sites;
    bool from_file = false;  // installed from a cache file, not compiled here
  };
  std::mutex mu;
  CodeMemory memory;
  std::unordered_map<uint64_t, Entry> entries;  // Key(funcidx, env)
  std::shared_ptr<const SavedCode> saved;       // set by LoadModuleCode, or null
  uint32_t compiled = 0;  // entries compiled in this process that a cache file would gain
                          // (failed compilations are not saved, so they do not count)
  ~ModuleCode() override;
};

// The map key of `funcidx` compiled under `env`.
uint64_t Key(uint32_t funcidx, const CompileEnv& env);

// The module's code map, made on first use.
ModuleCode& CodeOf(const Module& m);

// The module's code for `funcidx` under `env`: found in the map, installed
// from the module's loaded cache file, or compiled now on this thread.
// `*fresh` tells whether this call compiled or installed it.
const ModuleCode::Entry& ModuleFunction(const Module& m, uint32_t funcidx, const CompileEnv& env,
                                        bool* fresh);

// Whether the loaded cache file of `m` has code for `funcidx` under `env`
// (tiered mode installs such code on the first call instead of warming up).
bool HasSavedCode(const Module& m, uint32_t funcidx, const CompileEnv& env);

}  // namespace cascade::jit
