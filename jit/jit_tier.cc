// The JIT tier: per-module machine code (Module::jit_cache), per-store state
// (serial, metering, tiering counters), lazy and eager compilation, the Invoke
// hook (Store::tier_invoke) and the slow call path into interpreted and host
// functions.
//
// Invariants: a function's code is compiled at most once per module and
// CompileEnv variant (metering, memory-0 guard pages), by whichever store
// first wants it, and is shared by every instance of the module in every
// store until the module dies; FuncInstance::jit_code is set only together
// with jit_store = this store's serial, after the code is installed (and the
// instance's index spaces published); a function that failed to compile is
// remembered (per module and per store) and never retried; every JIT run
// starts with a fresh JitContext whose limits are the store's value-stack end
// and this thread's native stack floor (plus headroom for helpers and nested
// interpreter runs).
#include <pthread.h>
#include <setjmp.h>
#include <sys/ucontext.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/interp/code.h"
#include "engine/interp/interpreter.h"
#include "engine/runtime/func_instance.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/store.h"
#include "engine/runtime/trap_handler.h"
#include "jit/baseline_compiler.h"
#include "jit/code_memory.h"
#include "jit/code_registry.h"
#include "jit/jit.h"
#include "jit/jit_context.h"
#include "jit/macro_assembler.h"
#include "jit/module_code.h"
#include "jit/perf_map.h"
#include "jit/runtime_helpers.h"

namespace cascade::jit {
namespace {

std::atomic<uint64_t> next_serial{1};
// Tiered mode (EnableTiering): calls a function makes in the interpreter
// before it is compiled.
std::atomic<uint32_t> tier_up_calls{kDefaultTierUpCalls};

// A guard-page fault in machine code (trap_handler.h): in the handler, the
// faulting pc and the stack words above the faulting rsp (its JIT frames) are
// copied; after the jump they are walked through the code registry.
struct FaultCapture {
  static constexpr int kWords = 1024;
  uintptr_t pc = 0;
  uintptr_t instance = 0;  // the instance register at the fault
  uintptr_t ceiling = 0;  // the thread's stack top (read before any fault)
  int num_words = 0;
  uintptr_t words[kWords];
};

// CASCADE_JIT_STATS=1: each store's JIT prints its counters and the reasons
// functions were left to the interpreter to stderr when the store dies.
struct JitState : Store::Extension {
  uint64_t serial = next_serial.fetch_add(1);
  std::unordered_set<const FuncInstance*> unsupported;
  std::unordered_set<const FuncInstance*> forced;  // ForceInterpreted
  // Whether the code this store installs charges the interruption budget
  // (the modules' metered variant): decided by the store's fuel/epoch
  // settings when its first function is compiled.
  bool metered = false;
  bool metering_decided = false;
  // Tiered mode: functions whose call countdown has started (the first call
  // only starts it, so each function is compiled after tier_up_calls calls).
  std::unordered_set<const FuncInstance*> warming;
  std::map<std::string, uint32_t> reasons;
  JitStats stats;
  // Functions with an OSR entry: their module code.
  std::unordered_map<const FuncInstance*, const ModuleCode::Entry*> osr;
  std::unique_ptr<FaultCapture> fault;  // the last guard-page fault in its code
  ~JitState() override {
    static const bool report = std::getenv("CASCADE_JIT_STATS") != nullptr;
    if (!report || (stats.compiled == 0 && stats.unsupported == 0)) return;
    std::fprintf(stderr,
                 "jit: %u compiled (%u of them by an earlier instance of their module; %llu bytes), "
                 "%u interpreted, %u OSR entries\n",
                 stats.compiled, stats.reused, static_cast<unsigned long long>(stats.code_bytes),
                 stats.unsupported, stats.osr_entries);
    for (const auto& [why, n] : reasons) std::fprintf(stderr, "jit:   %u %s\n", n, why.c_str());
  }
};

JitState& GetState(Store& store) {
  if (!store.jit_state) store.jit_state = std::make_unique<JitState>();
  return *static_cast<JitState*>(store.jit_state.get());
}

bool Interrupting(const Store& store) {
  const InterruptState& in = store.interrupt;
  return in.fuel_enabled || in.epoch_deadline != std::numeric_limits<uint64_t>::max();
}

// Fixes, before the store's first compilation, whether its code is metered.
JitState& DecideMetering(Store& store) {
  JitState& st = GetState(store);
  if (!st.metering_decided) {
    st.metering_decided = true;
    st.metered = Interrupting(store);
  }
  return st;
}

// Lowest rsp JIT code may use on this thread: the stack's floor + 256 KiB.
struct StackBounds {
  uintptr_t limit = 0;    // lowest rsp JIT code may run at
  uintptr_t ceiling = 0;  // one past the stack's highest byte
};
const StackBounds& ThreadStack() {
  static thread_local StackBounds bounds = [] {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    uintptr_t floor = reinterpret_cast<uintptr_t>(addr);
    constexpr uintptr_t kHeadroom = 256 << 10;
    StackBounds b;
    b.limit = size <= 2 * kHeadroom ? floor + size / 2 : floor + kHeadroom;
    b.ceiling = floor + size;
    return b;
  }();
  return bounds;
}
uintptr_t NativeLimit() { return ThreadStack().limit; }

[[gnu::no_sanitize_address]] void CaptureJitFault(trap_handler::WasmEntry* e) {
  auto* c = static_cast<FaultCapture*>(e->tier_state);
  c->pc = e->fault_pc;
#if defined(__x86_64__)
  c->instance = e->num_fault_regs > REG_R13 ? e->fault_regs[REG_R13] : 0;
#endif
  c->num_words = 0;
  uintptr_t sp = e->fault_sp;
  if (sp == 0 || (sp & 7) != 0 || sp >= c->ceiling) return;
  uintptr_t n = (c->ceiling - sp) / 8;
  if (n > FaultCapture::kWords) n = FaultCapture::kWords;
  const volatile uintptr_t* words = reinterpret_cast<const volatile uintptr_t*>(sp);
  for (uintptr_t i = 0; i < n; ++i) c->words[i] = words[i];
  c->num_words = static_cast<int>(n);
}

void DescribeJitFault(const trap_handler::WasmEntry& e, Trap* trap) {
  const auto* c = static_cast<const FaultCapture*>(e.tier_state);
  trap->backtrace.clear();
  FaultBacktrace(c->pc, reinterpret_cast<const Instance*>(c->instance), c->words, c->num_words,
                 &trap->backtrace);
}

CompileEnv EnvFor(const JitState& st, const FuncInstance* f) {
  CompileEnv env;
  const auto& mems = f->instance->memories;
  env.mem0_guarded = mems.empty() || mems[0]->guarded;
  env.metered = st.metered;
  return env;
}

// Makes `f` run `e` in this store, or remembers why it cannot (`fresh`: the
// module's code was compiled for this call, not found).
bool Install(JitState& st, FuncInstance* f, const ModuleCode::Entry& e, bool fresh) {
  // Machine code calls through the slow-call thunks: without them (no
  // executable memory for even those) nothing runs compiled.
  static const char* const kNoThunk = "out of executable memory (slow-call thunk)";
  if (SlowCallThunk() == nullptr || SlowInternalEntry() == nullptr) {
    st.unsupported.insert(f);
    ++st.stats.unsupported;
    ++st.reasons[kNoThunk];
    return false;
  }
  if (!e.ok) {
    st.unsupported.insert(f);
    ++st.stats.unsupported;
    ++st.reasons[e.why];
    return false;
  }
  Instance& instance = *f->instance;
  instance.PublishIndexSpaces();
  if (instance.jit_serial != st.serial) {
    // The instance's first function in this store: none of its functions
    // keeps an internal entry installed by another store (Instance::jit_serial).
    void* slow = const_cast<void*>(SlowInternalEntry());
    for (FuncInstance* g : instance.funcs) {
      if (g->instance == &instance) g->jit_internal = slow;
    }
    instance.jit_serial = st.serial;
  }
  f->jit_code = e.entry;
  f->jit_internal = e.internal;
  if (e.osr_entry) st.osr[f] = &e;
  f->jit_store = st.serial;
  ++st.stats.compiled;
  if (!fresh) ++st.stats.reused;
  if (fresh && e.from_file) ++st.stats.from_file;
  st.stats.code_bytes += e.size;
  return true;
}

bool EnsureCompiled(Store& store, FuncInstance* f) {
  JitState& st = DecideMetering(store);
  if (f->jit_store == st.serial) return true;
  if (f->is_host() || st.unsupported.count(f)) return false;
  if (st.forced.count(f)) {
    st.unsupported.insert(f);
    ++st.stats.unsupported;
    ++st.reasons["forced interpreted"];
    return false;
  }
  bool fresh = false;
  const ModuleCode::Entry& e = ModuleFunction(*f->module, f->funcidx, EnvFor(st, f), &fresh);
  return Install(st, f, e, fresh);
}

void FillTrap(const JitContext& ctx, Trap* trap) {
  if (ctx.exception) {  // an uncaught wasm exception, as the interpreter reports it
    trap->exception = ctx.exception;
    trap->message = kTrapUncaughtException;
    trap->backtrace.clear();
    return;
  }
  if (ctx.trap_filled) return;
  trap->message = ctx.trap_message ? ctx.trap_message : "trap";
  trap->backtrace.clear();
  trap->backtrace.push_back({ctx.trap_instance, ctx.trap_funcidx, ctx.trap_offset});
  for (uint32_t i = 0; i < ctx.num_frames; ++i) trap->backtrace.push_back(ctx.frames[i]);
}

// Whether this store's machine code may run now: unmetered code only while
// fuel and epochs are off (a store that turns them on after its first
// compilation runs interpreted from then on).
bool CanRun(Store& store) {
  JitState& st = DecideMetering(store);
  return st.metered || !Interrupting(store);
}

// Tiered mode: whether a cache file has `f`'s code, which then runs at once
// instead of warming up first (it was hot in an earlier run).
bool Saved(Store& store, const FuncInstance* f) {
  JitState& st = GetState(store);
  CompileEnv env = EnvFor(st, f);
  // As metering would be decided by a compilation now (without fixing it).
  if (!st.metering_decided) env.metered = Interrupting(store);
  return HasSavedCode(*f->module, f->funcidx, env);
}

// Tiered mode: whether `f`, whose countdown just went negative, is now hot.
// The first time only starts its countdown.
bool Hot(JitState& st, FuncInstance* f) {
  if (st.warming.insert(f).second) {
    // A function whose time goes into loops rather than calls gets there
    // through on-stack replacement (TierOsrHook) once a loop is hot, so it
    // counts calls like any other.
    uint32_t calls = tier_up_calls.load(std::memory_order_relaxed);
    // This call was the first: hot at call number `calls`, when the countdown
    // (decremented by each call) goes negative again.
    f->tier_countdown = static_cast<int32_t>(std::min<uint32_t>(std::max(calls, 2u), INT32_MAX) - 2);
    return calls <= 1;
  }
  return true;
}

// Whether `f` should run as machine code now: compiled already, or (compiled
// here) on its first call in lazy mode / once hot in tiered mode.
bool WantCompiled(Store& store, FuncInstance* f) {
  JitState& st = GetState(store);
  if (f->jit_store == st.serial) return true;
  if (f->is_host()) return false;
  if (store.tier_up && --f->tier_countdown >= 0) return false;
  if (store.tier_up && !Saved(store, f) && !Hot(st, f)) return false;
  if (EnsureCompiled(store, f)) return true;
  f->tier_countdown = INT32_MAX;  // stays interpreted
  return false;
}

// Runs compiled `func` with its frame (arguments, then results) at `fp`.
// With `osr_header`, enters through the function's OSR entry at that loop
// header instead, on the live interpreter frame at fp.
bool RunCompiled(Store& store, FuncInstance* func, uint64_t* fp, Trap* trap,
                 const void* osr_entry = nullptr, const void* osr_header = nullptr) {
  uint32_t n = std::max(func->param_slots, func->result_slots);
  if (fp + n > store.stack_end()) {
    trap->Set(kTrapStackExhausted);
    return false;
  }
  // Guard-page faults in this code: its backtrace comes from CaptureJitFault.
  trap_handler::TierFaultHooks caller_hooks;
  if (trap_handler::Current() != nullptr) {
    JitState& st = GetState(store);
    if (!st.fault) st.fault = std::make_unique<FaultCapture>();
    st.fault->ceiling = ThreadStack().ceiling;
    caller_hooks =
        trap_handler::InstallTierFaultHooks(&CaptureJitFault, &DescribeJitFault, st.fault.get());
  }
  JitContext ctx;
  ctx.stack_limit = store.stack_end();
  ctx.native_limit = NativeLimit();
  ctx.store = &store;
  ctx.store_serial = GetState(store).serial;
  ctx.helpers = kJitHelpers;
  ctx.slow_call_thunk = SlowCallThunk();
  ctx.messages = kJitTrapMessages;
  ctx.budget = &store.interrupt.budget;
  ctx.trap = trap;
  uint32_t status =
      osr_entry ? reinterpret_cast<JitOsrEntry>(osr_entry)(&ctx, fp, func->instance, osr_header)
                : reinterpret_cast<JitEntry>(func->jit_code)(&ctx, fp, func->instance);
  trap_handler::RestoreTierFaultHooks(caller_hooks);
  if (status != 0) {
    FillTrap(ctx, trap);
    return false;
  }
  return true;
}

bool TierInvoke(Store& store, FuncInstance* func, uint64_t* slots, Trap* trap) {
  if (func->is_host() || !CanRun(store) || !WantCompiled(store, func))
    return interp::Execute(store, func, slots, trap);
  uint64_t* fp = store.stack_top ? store.stack_top : store.stack_base();
  if (fp + func->param_slots > store.stack_end()) {
    trap->Set(kTrapStackExhausted);
    return false;
  }
  if (func->param_slots) std::memcpy(fp, slots, func->param_slots * 8);
  if (!RunCompiled(store, func, fp, trap)) return false;
  if (func->result_slots) std::memcpy(slots, fp, func->result_slots * 8);
  return true;
}

// RunCompiled under its own trap-handler entry: a guard-page fault in the JIT
// code unwinds to here, not past the interpreter frames that called it. Kept
// apart so no object with a destructor is live across sigsetjmp.
[[gnu::noinline]] int RunCompiledGuarded(Store& store, FuncInstance* func, uint64_t* fp,
                                         Trap* trap) {
  trap_handler::WasmEntry entry;
  volatile int result = Store::kTierUpTrapped;
  if (sigsetjmp(entry.env, 0) == 0) {
    entry.Enter();
    result = RunCompiled(store, func, fp, trap) ? Store::kTierUpRan : Store::kTierUpTrapped;
  } else {
    entry.FillFaultTrap(trap);
  }
  entry.Exit();
  return result;
}

// Store::tier_up: the interpreter is about to call `func` (countdown out).
int TierUpHook(Store& store, FuncInstance* func, uint64_t* args, Trap* trap) {
  JitState& st = GetState(store);
  if (func->jit_store == st.serial) {
    func->tier_countdown = 0;  // every later call comes here too
  } else if (!CanRun(store)) {
    func->tier_countdown = static_cast<int32_t>(
        std::min<uint32_t>(tier_up_calls.load(std::memory_order_relaxed), INT32_MAX));
    return Store::kTierUpInterpret;
  } else if (!Saved(store, func) && !Hot(st, func)) {
    return Store::kTierUpInterpret;
  } else if (!EnsureCompiled(store, func)) {
    func->tier_countdown = INT32_MAX;
    return Store::kTierUpInterpret;
  } else {
    func->tier_countdown = 0;
  }
  return RunCompiledGuarded(store, func, args, trap);
}

// Store::tier_osr: the interpreter's loop `loop` of `func` is hot (its
// budget slice ran out at the back-edge); finish the call in machine code from
// that loop's header, on the interpreter's frame at fp.
int TierOsrHook(Store& store, FuncInstance* func, uint64_t* fp, uint32_t loop, Trap* trap) {
  if (!CanRun(store)) return Store::kTierUpInterpret;
  JitState& st = GetState(store);
  if (func->jit_store != st.serial && !EnsureCompiled(store, func)) return Store::kTierUpInterpret;
  func->tier_countdown = 0;  // later calls run the machine code too
  auto it = st.osr.find(func);
  const auto* code = static_cast<const interp::InterpCode*>(func->code);
  if (it == st.osr.end() || code == nullptr || it->second->loop_headers.size() != code->num_loops ||
      loop >= it->second->loop_headers.size()) {
    return Store::kTierUpInterpret;
  }
  ++st.stats.osr_entries;
  trap_handler::WasmEntry entry;
  volatile int result = Store::kTierUpTrapped;
  if (sigsetjmp(entry.env, 0) == 0) {
    entry.Enter();
    result = RunCompiled(store, func, fp, trap, it->second->osr_entry,
                         it->second->loop_headers[loop])
                 ? Store::kTierUpRan
                 : Store::kTierUpTrapped;
  } else {
    entry.FillFaultTrap(trap);
  }
  entry.Exit();
  return result;
}

}  // namespace

uint32_t HelperCallSlow(JitContext* ctx, uint64_t* args, FuncInstance* callee, Instance* caller) {
  Store& store = *ctx->store;
  if (WantCompiled(store, callee)) {
    // Not called from here: a C++ frame between two JIT frames would end the
    // walk of a fault's backtrace (code_registry.h).
    ctx->retry_callee = callee;
    return 2;
  }
  uint32_t n = std::max(callee->param_slots, callee->result_slots);
  if (args + n > ctx->stack_limit) {
    ctx->trap_message = kTrapStackExhausted;
    return 1;
  }
  uint64_t* saved = store.stack_top;
  store.stack_top = args + n;
  bool ok = callee->is_host() ? CallHost(store, callee, args, args, ctx->trap, caller)
                              : interp::Execute(store, callee, args, ctx->trap);
  store.stack_top = saved;
  if (ok) return 0;
  if (ctx->trap->exception) {  // a throw: continues as the JIT's exception in flight
    ctx->exception = ctx->trap->exception;
    ctx->trap->exception = nullptr;
    ctx->trap->message.clear();
    ctx->trap->backtrace.clear();
    return 1;
  }
  ctx->trap_filled = true;
  return 1;
}

bool Available() {
#if defined(__x86_64__)
  return true;
#else
  return false;
#endif
}

void ForceInterpreted(Store& store, const FuncInstance* func) {
  GetState(store).forced.insert(func);
}

void EnableJit(Store& store) {
  if (Available()) store.tier_invoke = &TierInvoke;
}

void EnableJitByDefault(bool on) {
  Store::default_tier_invoke.store(on && Available() ? &TierInvoke : nullptr);
  Store::default_tier_up.store(nullptr);
}

void EnableTiering(Store& store) {
  if (!Available()) return;
  store.tier_invoke = &TierInvoke;
  store.tier_up = &TierUpHook;
  store.tier_osr = &TierOsrHook;
  store.interrupt.sampling = true;
  store.interrupt.Refill(store.interrupt.Total());
}

void EnableTieringByDefault(bool on) {
  bool jit = on && Available();
  Store::default_tier_invoke.store(jit ? &TierInvoke : nullptr);
  Store::default_tier_up.store(jit ? &TierUpHook : nullptr);
  Store::default_tier_osr.store(jit ? &TierOsrHook : nullptr);
}

void SetTierUpCalls(uint32_t calls) { tier_up_calls.store(calls); }

JitStats GetStats(Store& store) { return GetState(store).stats; }

namespace {
// Runs fn(0..n) on `threads` threads (0: one per hardware thread), each
// taking the next index from a shared counter; the module's code map and
// CodeMemory lock inside, so compiling is safe from any of them.
template <typename Fn>
void ParallelFor(size_t n, unsigned threads, const Fn& fn) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) fn(i);
  };
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, n));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

// ParallelFor over compile(0..n), each returning whether that function now
// has machine code; returns how many do.
template <typename Fn>
uint32_t CompileEach(size_t n, unsigned threads, const Fn& compile) {
  std::vector<uint8_t> ok(n, 0);
  ParallelFor(n, threads, [&](size_t i) { ok[i] = compile(i); });
  return static_cast<uint32_t>(std::count(ok.begin(), ok.end(), 1));
}
}  // namespace

uint32_t CompileModule(const Module& module, unsigned threads, uint32_t* unsupported) {
  CompileEnv env;  // unmetered
  env.mem0_guarded = module.memories.empty() ||
                     (!module.memories[0].limits.is64 && module.memories[0].limits.page_size_log2 == 16);
  const uint32_t first = module.num_imported_funcs;
  const size_t n = module.funcs.size() - first;
  uint32_t done = CompileEach(n, threads, [&](size_t i) {
    bool fresh = false;
    return ModuleFunction(module, first + static_cast<uint32_t>(i), env, &fresh).ok;
  });
  if (unsupported) *unsupported = static_cast<uint32_t>(n) - done;
  return done;
}

uint32_t CompileCalled(Store& store, unsigned threads) {
  if (!store.jit_state) return 0;
  JitState& st = GetState(store);
  std::vector<const FuncInstance*> todo;
  for (const FuncInstance* f : st.warming) {
    if (f->jit_store != st.serial && !st.unsupported.count(f) && !st.forced.count(f)) todo.push_back(f);
  }
  return CompileEach(todo.size(), threads, [&](size_t i) {
    bool fresh = false;
    return ModuleFunction(*todo[i]->module, todo[i]->funcidx, EnvFor(st, todo[i]), &fresh).ok;
  });
}

uint32_t CompileInstance(Store& store, Instance& instance, unsigned threads) {
  JitState& st = DecideMetering(store);
  std::vector<FuncInstance*> todo;
  uint32_t done = 0;
  for (FuncInstance* f : instance.funcs) {
    if (f->is_host() || f->instance != &instance) continue;  // imports compile with their own
    if (f->jit_store == st.serial) {
      ++done;
    } else if (st.forced.count(f)) {
      EnsureCompiled(store, f);  // records it as interpreted
    } else if (!st.unsupported.count(f)) {
      todo.push_back(f);
    }
  }
  struct Result {
    const ModuleCode::Entry* entry = nullptr;
    bool fresh = false;
  };
  std::vector<Result> results(todo.size());
  ParallelFor(todo.size(), threads, [&](size_t i) {
    FuncInstance* f = todo[i];
    results[i].entry = &ModuleFunction(*f->module, f->funcidx, EnvFor(st, f), &results[i].fresh);
  });
  // Installing stays on this thread.
  for (size_t i = 0; i < todo.size(); ++i) {
    if (Install(st, todo[i], *results[i].entry, results[i].fresh)) ++done;
  }
  return done;
}

}  // namespace cascade::jit
