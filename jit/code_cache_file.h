// The JIT's compilation cache on disk: a module's machine code (module_code.h)
// saved to a file and installed from it by a later process instead of being
// compiled again, as wasmtime's CLI caches compiled modules by default.
// `cascade run` uses it unless `-C cache=n` (tools/cascade/run_command.cc).
//
// File (little-endian): header {"CJIT", format version, engine id, module
// content hash (xxh3-128 of the binary), record count, the optional
// proposals (Features) the module was validated with, where the code blob
// is}, one record per function variant {key, the code's offset in the blob
// and size, internal-entry and OSR-entry offsets, loop-header offsets,
// guarded-access and call-site tables, an xxh3-64 of its code}, padding to
// a page, the code blob, then an xxh3-64 of everything before the blob; a
// function's own hash is checked when it is installed, so a run reads only
// the code it uses (a damaged function is compiled instead). Machine code holds no
// absolute address (helpers and trap messages go through JitContext tables,
// br_table jump tables are relative), so the blob is mapped read+execute
// straight from the file: installing a function costs no copy and no
// relocation.
//
// Invariants and trust: a file names its module by content hash and the
// engine build by EngineId(), and is written only by SaveModuleCode for a
// module that passed validation; so a module with a matching file needs no
// validation of its function bodies (ValidateModuleExceptBodies). A file that
// is truncated, damaged, from another build or for another module is ignored
// as a whole. Code in a file is executed as is: whoever can write the cache
// directory can run code in the engine (as with wasmtime's cache), so the
// directory is created private (0700).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "jit/module_code.h"

namespace cascade::jit {

// xxh3-128 of a module's bytes: the cache key of its code.
struct ContentHash {
  uint64_t lo = 0, hi = 0;
};
ContentHash HashModuleBytes(std::span<const uint8_t> bytes);

// This engine build's identity (hex): the format version, the executable
// file (/proc/self/exe: device, inode, size, modification time), the CPU
// features the code uses and the size of the helper table.
const std::string& EngineId();

// The cache directory: $CASCADE_CACHE_DIR, else $XDG_CACHE_HOME/cascade, else
// $HOME/.cache/cascade; "" when none of them is set.
std::string DefaultCacheDir();
// The file of a module's code in `dir`: <module hash>-<engine id>.cjit.
std::string CacheFilePath(const std::string& dir, ContentHash module);

// Attaches the code saved in `path` for this module (hash `module_hash`) to
// `m`'s code cache: later compilations of those functions install the saved
// code instead. Returns false, attaching nothing, when there is no such file
// or it does not match (`*why` says which, for --verbose reports).
bool LoadModuleCode(const Module& m, ContentHash module_hash, const std::string& path,
                    std::string* why);

// Writes every function `m`'s code cache holds (loaded or compiled) to `path`
// (through a temporary file and a rename, so readers never see half a file),
// creating the directory if needed, then trims the directory (TrimCacheDir,
// with kCacheSoftLimitBytes). Writes nothing and returns true when no
// function was compiled in this process (the file would not change). Returns
// false with `*why` when writing failed.
bool SaveModuleCode(const Module& m, ContentHash module_hash, const std::string& path,
                    std::string* why);

// Keeps a cache directory in bounds after `keep` (a cache file path in `dir`)
// was written: deletes the least recently used other .cjit files (loading a
// file marks it used: its modification time is set to now) until the rest
// holds at most `max_bytes` (not counting `keep`); files of other engine
// builds (every rebuild changes the id) age out this way. Files that vanish
// meanwhile are skipped.
inline constexpr uint64_t kCacheSoftLimitBytes = uint64_t{1} << 30;  // 1 GiB
void TrimCacheDir(const std::string& dir, const std::string& keep, uint64_t max_bytes);

// Module-code internals (module_code.cc): whether a loaded file has code for
// `key`, and installing it (`e` points into the file's executable mapping).
bool SavedHas(const SavedCode& saved, uint64_t key);
bool InstallSaved(const SavedCode& saved, uint64_t key, ModuleCode::Entry* e);

}  // namespace cascade::jit
