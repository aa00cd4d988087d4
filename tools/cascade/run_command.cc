// `cascade run [OPTIONS] <WASM> [ARGS]...`: runs a WebAssembly program the way
// `wasmtime run` does.
//
//   parse options ─▶ Store (limits, fuel) ─▶ Linker with WASI preview1
//     ─▶ --preload modules (instantiated, exports registered under NAME)
//     ─▶ main module: load (.wasm/.wat), validate, check imports, instantiate
//     ─▶ `_initialize` if exported ─▶ --invoke FUNC, else "" or `_start`
//
// Exit status (wasmtime's on Unix):
//   the guest's proc_exit code (0..125)      returning from the entry point: 0
//   a trap: 134 (128 + SIGABRT), the error chain and wasm backtrace on stderr
//   a module that fails to load, validate or link, a bad --dir, proc_exit
//   outside [0, 126): 1, with the error chain;   a usage error: 2.
//
// Invariants: nothing is translated or compiled before it is called (the
// interpreter translates lazily), so start-up costs decoding, validation and
// instantiation only; every object the guest can reach lives in one Store that
// outlives every call; the --timeout thread is joined before the Store dies.
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "engine/runtime/invoke.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/page_populate.h"
#include "engine/runtime/store.h"
#include "engine/type_text.h"
#include "tools/cascade/cli.h"
#include "tools/cascade/error_chain.h"
#include "tools/cascade/run_options.h"
#include "tools/cascade/value_text.h"

#include "engine/decoder.h"
#include "engine/validator.h"

#if CASCADE_JIT
#include "jit/code_cache_file.h"
#include "jit/jit.h"
#endif
#if CASCADE_WASI
#include "wasi/wasi.h"
#endif

namespace cascade::cli {
namespace {

// Modules from this size on (bytes) are hashed for the compilation cache on a
// second thread while they are decoded.
constexpr size_t kHashThreadBytes = size_t{1} << 20;
constexpr int kExitTrap = 128 + 6;  // 128 + SIGABRT, as wasmtime on Unix

// The base name of `path`, wasmtime's default argv[0] (no host path leaks).
[[maybe_unused]] std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Quoted(const std::string& s) { return "`" + s + "`"; }

// Whether an instantiation failure is a trap (a segment out of bounds, the
// start function trapping or exiting) rather than a resource limit.
bool IsTrap(const Trap& trap) {
  static const char* const kTrapMessages[] = {
      kTrapUnreachable, kTrapDivByZero, kTrapIntOverflow, kTrapInvalidConversion,
      kTrapMemoryOutOfBounds, kTrapTableOutOfBounds, kTrapUndefinedElement,
      kTrapUninitializedElement, kTrapIndirectCallTypeMismatch, kTrapNullFunctionReference,
      kTrapNullReference, kTrapNullExceptionReference, kTrapCastFailure, kTrapStackExhausted,
      kTrapUnalignedAtomic, kTrapExpectedSharedMemory, kTrapArrayOutOfBounds,
      kTrapNullArrayReference, kTrapNullStructReference, kTrapNullI31Reference,
      kTrapUncaughtException,
  };
  if (trap.exit_status.has_value() || !trap.backtrace.empty()) return true;
  for (const char* m : kTrapMessages) {
    if (trap.message == m) return true;
  }
  return false;
}

// Stops a runaway guest after a wall-clock duration by bumping the epoch
// (the interpreter checks it at function entries and loop back-edges, so a
// guest blocked inside a host call, e.g. reading stdin, is stopped only when
// it returns to wasm).
class TimeoutThread {
 public:
  explicit TimeoutThread(std::chrono::nanoseconds timeout)
      : thread_([this, timeout] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (!cv_.wait_for(lock, timeout, [this] { return done_; })) IncrementEpoch();
        }) {}
  ~TimeoutThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

class Runner {
 public:
  explicit Runner(RunOptions options) : o_(std::move(options)) {}
  int Run();
  // Writes the JIT code compiled in this run to the compilation cache
  // (-C cache=y), for each module loaded with it.
  void SaveCaches();

 private:
  std::string Head() const { return "failed to run main module " + Quoted(o_.module_path); }
  StoreLimits Limits() const;
  bool SetUpStore(ErrorChain* chain);
  bool DefineWasi(ErrorChain* chain);
  std::shared_ptr<Module> Load(const std::string& path, ErrorChain* chain);
  bool CheckImports(const Module& module, ErrorChain* chain);
  // Loads `path`, checks its imports and instantiates it, under `chain`
  // (`context`, when not empty, is added once the module has loaded). On
  // failure prints the chain (or finishes a trap) and sets *status.
  Instance* LoadAndInstantiate(const std::string& path, ErrorChain chain,
                               const std::string& context, int* status);
  // Finishes a failed call or instantiation: the exit status for `trap`, with
  // `chain` (already holding the context) printed unless the guest exited.
  int Failure(const Trap& trap, ErrorChain chain);
  int InvokeEntry(Instance* instance);

  RunOptions o_;
  std::unique_ptr<Store> store_;
  Linker linker_;
#if CASCADE_JIT
  struct CacheFile {
    std::shared_ptr<Module> module;
    jit::ContentHash hash;
    std::string path;
  };
  std::vector<CacheFile> cache_files_;
#endif
#if CASCADE_WASI
  std::unique_ptr<wasi::WasiContext> wasi_;
#endif
};

StoreLimits Runner::Limits() const {
  StoreLimits limits;
  if (o_.max_memory_bytes) limits.max_memory_bytes = *o_.max_memory_bytes;
  if (o_.max_stack_bytes) limits.max_stack_slots = *o_.max_stack_bytes / sizeof(uint64_t);
  return limits;
}

bool Runner::SetUpStore(ErrorChain* chain) {
#if CASCADE_JIT
  // The default tier: interpreted first, hot functions and hot loops (by
  // on-stack replacement) in machine code; start-up stays the interpreter's.
  if (!o_.compiler_given && jit::Available())
    o_.compiler = o_.lazy_compilation ? Compiler::kTiered : Compiler::kJit;
#else
  if (o_.compiler != Compiler::kInterp) {
    chain->push_back("the baseline JIT (--compiler=jit|tiered) is not available in this build");
    chain->push_back("use --compiler=interp (the default)");
    return false;
  }
#endif
  store_ = std::make_unique<Store>(Limits());
#if CASCADE_JIT
  // Baseline JIT (jit/jit.h). Fuel and the timeout are set below, before
  // anything is compiled, so the machine code charges the store's budget.
  if (o_.compiler == Compiler::kJit) jit::EnableJit(*store_);
  if (o_.compiler == Compiler::kTiered) {
    if (o_.tier_up_calls) jit::SetTierUpCalls(o_.tier_up_calls);
    jit::EnableTiering(*store_);
  }
  if (o_.profile == Profile::kPerfMap) {
    std::string error;
    if (!jit::EnablePerfMap(&error)) {
      chain->push_back(error);
      return false;
    }
  }
#else
  if (o_.profile == Profile::kPerfMap) {
    chain->push_back("--profile=perfmap needs the baseline JIT, which this build does not include");
    return false;
  }
#endif
  if (o_.fuel) store_->SetFuel(*o_.fuel);
  // The timer thread (Run) bumps the epoch once when the time is up.
  if (o_.timeout) store_->SetEpochDeadline(1);
  return true;
}

bool Runner::DefineWasi(ErrorChain* chain) {
#if CASCADE_WASI
  wasi::WasiConfig config;
  config.args.push_back(o_.argv0 ? *o_.argv0 : BaseName(o_.module_path));
  for (const std::string& a : o_.module_args) config.args.push_back(a);
  for (const auto& [name, value] : o_.envs) {
    if (value) {
      config.env.push_back(name + "=" + *value);
    } else if (const char* host = std::getenv(name.c_str())) {
      config.env.push_back(name + "=" + host);
    }  // not set on the host: left out, as wasmtime does
  }
  for (const auto& [host, guest] : o_.dirs) config.preopens.push_back({host, guest});
  std::string error;
  wasi_ = wasi::WasiContext::Create(config, &error);
  if (wasi_ == nullptr) {
    chain->push_back(error);
    return false;
  }
  // The functions themselves are defined per module, for what it imports
  // (LoadAndInstantiate).
#else
  if (!o_.dirs.empty() || !o_.envs.empty()) {
    chain->push_back("--dir and --env need WASI, which this build does not include");
    return false;
  }
#endif
  return true;
}

std::shared_ptr<Module> Runner::Load(const std::string& path, ErrorChain* chain) {
  auto module = std::make_shared<Module>();
  LoadError error;
  ModuleBytes bytes;
  if (ReadModuleBytes(path, &bytes, &error)) {
    // The compilation cache: a file of machine code for these exact bytes,
    // written by this engine build, also shows that their function bodies
    // are valid (jit/code_cache_file.h).
    bool bodies_valid = false;
#if CASCADE_JIT
    std::string dir;
    std::optional<CacheFile> cache;
    std::thread hasher;
    if (o_.cache && o_.compiler != Compiler::kInterp && jit::Available() &&
        !(dir = jit::DefaultCacheDir()).empty()) {
      // The file's key, the module's content hash, is computed on a second
      // thread while this one decodes: both read all of a big module.
      cache = CacheFile{module, {}, ""};
      std::span<const uint8_t> all(bytes.data(), bytes.size());
      auto hash = [all, &cache] { cache->hash = jit::HashModuleBytes(all); };
      if (all.size() >= kHashThreadBytes) {
        hasher = std::thread(hash);
      } else {
        hash();
      }
    }
#endif
    bool decoded = DecodeModule(std::move(bytes), module.get(), &error.error);
#if CASCADE_JIT
    if (hasher.joinable()) hasher.join();
    if (decoded && cache) {
      cache->path = jit::CacheFilePath(dir, cache->hash);
      std::string why;
      bodies_valid = jit::LoadModuleCode(*module, cache->hash, cache->path, &why);
      cache_files_.push_back(std::move(*cache));
    }
#endif
    bool valid = decoded && (bodies_valid ? ValidateModuleExceptBodies(*module, &error.error)
                                          : ValidateModule(*module, &error.error));
    if (!valid) error.result = LoadResult::kRejected;
  }
  switch (error.result) {
    case LoadResult::kOk:
      return module;
    case LoadResult::kUnreadable:
      chain->push_back("failed to read " + Quoted(path));
      chain->push_back(error.error.message);
      break;
    case LoadResult::kMalformedText:
      chain->push_back("failed to parse " + Quoted(path));
      chain->push_back(path + ":" + std::to_string(error.line) + ":" +
                       std::to_string(error.column) + ": " + error.error.message);
      break;
    case LoadResult::kRejected: {
      char offset[32];
      std::snprintf(offset, sizeof offset, " (at offset 0x%llx)",
                    static_cast<unsigned long long>(error.error.offset));
      chain->push_back("failed to compile " + Quoted(path));
      chain->push_back(error.error.message + offset);
      break;
    }
  }
  return nullptr;
}

// wasmtime's words for a missing import, naming it (Instantiate only says
// "unknown import").
bool Runner::CheckImports(const Module& module, ErrorChain* chain) {
  static const char* const kKindNames[] = {"func", "table", "memory", "global", "tag"};
  for (const Import& imp : module.imports) {
    Extern ext = linker_.Resolve(imp.module, imp.name);
    std::string what = "`" + std::string(imp.module) + "::" + std::string(imp.name) + "`";
    if (ext.object == nullptr) {
      chain->push_back("unknown import: " + what + " has not been defined");
      return false;
    }
    if (ext.kind != imp.kind) {
      chain->push_back("incompatible import type for " + what + ": expected " +
                       kKindNames[static_cast<int>(imp.kind)] + ", found " +
                       kKindNames[static_cast<int>(ext.kind)]);
      return false;
    }
  }
  return true;
}

int Runner::Failure(const Trap& trap, ErrorChain chain) {
  if (trap.exit_status) {
    int status = *trap.exit_status;
    if (status >= 0 && status < 126) return status;
    AppendTrapCauses(trap, &chain);
    chain.back() = "exit with invalid exit status outside of [0..126)";
    PrintErrorChain(chain);
    return kExitRejected;
  }
  AppendTrapCauses(trap, &chain);
  PrintErrorChain(chain);
  return kExitTrap;
}

int Runner::InvokeEntry(Instance* instance) {
  // A reactor's initializer runs first (WASI's `_initialize`).
  Extern init = instance->GetExport("_initialize");
  if (init.object != nullptr && init.kind == ExternKind::kFunc && !o_.invoke) {
    std::vector<Value> none;
    Trap trap;
    if (!Invoke(*store_, init.func(), {}, &none, &trap)) {
      return Failure(trap, {Head(), "failed to invoke `_initialize`"});
    }
  }
  FuncInstance* func = nullptr;
  std::string context;
  if (o_.invoke) {
    Extern e = instance->GetExport(*o_.invoke);
    if (e.object == nullptr || e.kind != ExternKind::kFunc) {
      PrintErrorChain({Head(), "no func export named " + Quoted(*o_.invoke) + " found"});
      return kExitRejected;
    }
    func = e.func();
    context = "failed to invoke " + Quoted(*o_.invoke);
  } else {
    for (const char* name : {"", "_start"}) {
      Extern e = instance->GetExport(name);
      if (e.object != nullptr && e.kind == ExternKind::kFunc) {
        func = e.func();
        break;
      }
    }
    if (func == nullptr) return kExitOk;  // nothing to run, as wasmtime
    context = "failed to invoke command default";
  }
  std::span<const ValType> params = func->type->params();
  std::vector<Value> args;
  for (size_t i = 0; i < params.size(); ++i) {
    if (i >= o_.module_args.size()) {
      PrintErrorChain({Head(), o_.invoke ? "not enough arguments for " + Quoted(*o_.invoke)
                                         : std::string("not enough arguments for command default")});
      return kExitRejected;
    }
    Value v;
    std::string error;
    if (!ParseValueText(params[i], o_.module_args[i], &v, &error)) {
      PrintErrorChain({Head(), "invalid argument " + std::to_string(i) + " '" +
                                   o_.module_args[i] + "' for a parameter of type " +
                                   ValTypeText(params[i]),
                       error});
      return kExitRejected;
    }
    args.push_back(v);
  }
  std::vector<Value> results;
  Trap trap;
  if (!Invoke(*store_, func, args, &results, &trap)) return Failure(trap, {Head(), context});
  std::string out;
  for (const Value& r : results) {
    out += FormatValueText(r);
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int Runner::Run() {
  ErrorChain setup;
  if (!SetUpStore(&setup) || !DefineWasi(&setup)) {
    PrintErrorChain(setup);
    return kExitRejected;
  }
  std::unique_ptr<TimeoutThread> timer;
  if (o_.timeout) timer = std::make_unique<TimeoutThread>(*o_.timeout);

  int status = kExitOk;
  for (const auto& [name, path] : o_.preloads) {
    ErrorChain chain{"failed to process preload " + Quoted(name) + " at " + Quoted(path)};
    Instance* instance = LoadAndInstantiate(path, std::move(chain), "", &status);
    if (instance == nullptr) return status;
    linker_.DefineInstance(name, *instance);
  }
  Instance* instance = LoadAndInstantiate(o_.module_path, ErrorChain{Head()},
                                          "failed to instantiate " + Quoted(o_.module_path),
                                          &status);
  if (instance == nullptr) return status;
  return InvokeEntry(instance);
}

void Runner::SaveCaches() {
#if CASCADE_JIT
  // Tiered: functions called too few times to be compiled join the cache
  // too, so the next run interprets none of what this one ran.
  if (!cache_files_.empty() && o_.compiler == Compiler::kTiered) {
    jit::CompileCalled(*store_, o_.parallel_compilation ? 0 : 1);
  }
  for (const CacheFile& f : cache_files_) {
    std::string why;
    // A cache that cannot be written only costs the next run compile time.
    if (!jit::SaveModuleCode(*f.module, f.hash, f.path, &why) && std::getenv("CASCADE_JIT_STATS")) {
      std::fprintf(stderr, "jit: compilation cache not written: %s\n", why.c_str());
    }
  }
#endif
}

Instance* Runner::LoadAndInstantiate(const std::string& path, ErrorChain chain,
                                     const std::string& context, int* status) {
  std::shared_ptr<Module> module = Load(path, &chain);
  if (module != nullptr) {
    if (!context.empty()) chain.push_back(context);
#if CASCADE_WASI
    wasi::DefinePreview1Imports(*store_, linker_, *wasi_, *module);
#endif
    if (CheckImports(*module, &chain)) {
      InstantiateError error;
      Instance* instance = Instantiate(*store_, linker_, module, &error);
#if CASCADE_JIT
      // Eager JIT (-C lazy-compilation=n): after instantiation (a start
      // function has already run by then); functions a cache file holds are
      // installed from it rather than compiled.
      if (instance != nullptr && o_.compiler == Compiler::kJit && !o_.lazy_compilation) {
        jit::CompileInstance(*store_, *instance, o_.parallel_compilation ? 0 : 1);
      }
#endif
      if (instance != nullptr) return instance;
      if (!error.link_error && IsTrap(error.trap)) {
        *status = Failure(error.trap, std::move(chain));
        return nullptr;
      }
      chain.push_back(error.trap.message);
    }
  }
  PrintErrorChain(chain);
  *status = kExitRejected;
  return nullptr;
}

// Start-up: a short program's run touches a few hundred KiB of malloc'd memory
// (decoded module, type tables, translator buffers), one page fault per page.
// Faults are the dearest part of start-up on virtual machines (about 9 us
// each on the CI machines, against 2.5 us per page populated in one madvise),
// so the heap's first kPrefaultBytes are populated up front and kept: large
// blocks stay on the heap instead of fresh mmaps, and free() does not trim.
// A big module's run touches megabytes (yosys: 34,004 FuncInstances, decoded
// function tables, JIT records), so the heap is grown by kHugeHeapBytes at
// once (address space only) and the part past the populated start is advised
// to use transparent huge pages: one fault per 2 MiB touched instead of 512.
// Only memory a run touches is backed (rounded up to 2 MiB past the first
// kPrefaultBytes). bench/RESULTS.md (start-up; yosys, session 8) has the
// measurements.
void PrefaultHeap() {
#if defined(__GLIBC__)
  constexpr size_t kPrefaultBytes = size_t{384} << 10;
  constexpr size_t kHugeHeapBytes = size_t{64} << 20;
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, kHugeHeapBytes);  // the next heap growth: this much extra
  void* block = std::malloc(kPrefaultBytes);
  mallopt(M_TOP_PAD, 128 << 10);       // glibc's default again
  if (block == nullptr) return;
  uintptr_t from = (reinterpret_cast<uintptr_t>(block) + kPrefaultBytes + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t to = reinterpret_cast<uintptr_t>(sbrk(0)) & ~(kHugePage - 1);
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
  PopulatePages(block, kPrefaultBytes, /*write=*/true);
  std::free(block);
#endif
}

}  // namespace

int RunCommand(const std::vector<std::string_view>& args) {
  PrefaultHeap();
  RunOptions options;
  std::string error;
  if (!ParseRunOptions(args, &options, &error)) return UsageError("run", error);
  if (options.help) {
    PrintCommandHelp("run", stdout);
    return kExitOk;
  }
  Runner runner(std::move(options));
  int status = runner.Run();
  runner.SaveCaches();
  // Leave without tearing the Store down (unmapping the guard regions, freeing
  // translated code, resetting the value stack): the kernel reclaims all of it
  // at exit anyway, and the teardown was a visible part of a short program's
  // run time. wasmtime's CLI leaves through process::exit the same way.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(status);
}

}  // namespace cascade::cli
