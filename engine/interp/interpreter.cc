// The interpreter loop: expands every handler (ops.def families and
// handlers.inc bodies) under the dispatch strategy dispatch.h selected, and
// implements Execute, the per-thread stacks, lazy translation, host calls,
// exception unwinding and trap reporting (the cold paths, out of line).
//
// Invariants: the hot handlers touch only ip/fp/mem/es and the slots; slow
// paths are out-of-line functions here; frames live on the Store's value stack
// plus a per-Store frame-record stack (reserved once, untouched pages cost
// nothing), reused by nested Execute calls above the live part; nothing with a
// destructor that owns memory is live in Execute across the dispatch loop, so a
// guard-page fault's siglongjmp (trap_handler.h, installed by Invoke) is safe;
// such a trap gets its backtrace from CaptureFault / DescribeFault, which find
// the faulting instruction among the saved registers.
#include "engine/interp/interpreter.h"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/interp/code.h"
#include "engine/interp/code_cache.h"
#include "engine/interp/dispatch.h"
#include "engine/interp/exec_state.h"
#include "engine/interp/numeric.h"
#include "engine/interp/translator.h"
#include "engine/opcodes.h"
#include "engine/runtime/atomic_ops.h"
#include "engine/runtime/atomic_wait.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/store.h"
#include "engine/runtime/trap_handler.h"
#include "engine/runtime/value.h"
#include "engine/type_canon.h"

namespace cascade::interp {
namespace {

// 32-bit immediates of the Imm variants (sign-extended for 64-bit types).
// Float immediates are the value's bits: f32 in one unit, f64 in two (lo, hi);
// kImmUnits<get> is the immediate's size in units.
inline uint32_t ImmU32(const uint32_t* p) { return *p; }
inline int32_t ImmS32(const uint32_t* p) { return static_cast<int32_t>(*p); }
inline uint64_t ImmU64(const uint32_t* p) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(*p)));
}
inline int64_t ImmS64(const uint32_t* p) { return static_cast<int64_t>(static_cast<int32_t>(*p)); }
inline float ImmF32(const uint32_t* p) { return GetF32(*p); }
inline double ImmF64(const uint32_t* p) { return GetF64(p[0] | (static_cast<uint64_t>(p[1]) << 32)); }
constexpr uint32_t kImmUnitsU32 = 1, kImmUnitsS32 = 1, kImmUnitsU64 = 1, kImmUnitsS64 = 1,
                   kImmUnitsF32 = 1, kImmUnitsF64 = 2;

// ------------------------------------------------------------ slow paths
void SwitchInstance(ExecState* es, Instance* inst) {
  es->instance = inst;
  es->funcs = inst->funcs.data();
  es->globals = inst->globals.data();
}

[[gnu::noinline, gnu::cold]] void SetTrapMessage(ExecState* es, const uint32_t* ip,
                                                 const char* msg) {
  es->trapped = true;
  es->trap_ip = ip;
  es->trap_message = msg;
}

// "uninitialized element N", as the spec interpreter words it.
[[gnu::noinline, gnu::cold]] void SetUninitialized(ExecState* es, const uint32_t* ip,
                                                   uint64_t index) {
  es->trapped = true;
  es->trap_ip = ip;
  es->trap_message = std::string(kTrapUninitializedElement) + " " + std::to_string(index);
}

[[gnu::noinline, gnu::cold]] void SetNotImplemented(ExecState* es, uint32_t opcode) {
  es->trapped = true;
  es->trap_message = std::string("not implemented: ") +
                     OpcodeName(static_cast<Opcode>(opcode));
}

// The interruption budget went negative (INTERRUPT_CHECK): out of fuel, past
// the epoch deadline, or just time to refill. Returns false after setting the
// trap when execution must stop.
[[gnu::noinline, gnu::cold]] bool InterruptSlow(ExecState* es, const uint32_t* ip) {
  const char* msg = es->interrupt->OnExhausted();
  if (msg == nullptr) return true;
  SetTrapMessage(es, ip, msg);
  return false;
}

bool IsSubtypeId(uint32_t sub, uint32_t super) {
  return TypeCanonicalizer::Global().IsSubtypeId(sub, super);
}

// First call of `f` in its instance: fetches its module's shared code
// (code_cache.h; translated on first use in any instance) for the variant of
// this instance's memory 0, and caches the pointer in the function instance.
[[gnu::noinline]] const InterpCode* Translate(FuncInstance* f) {
  const Instance* inst = f->instance;
  bool guarded = !inst->memories.empty() && inst->memories[0]->guarded;
  const InterpCode* code = GetCode(*f->module, f->funcidx, guarded);
  __atomic_store_n(&f->code, const_cast<InterpCode*>(code), __ATOMIC_RELEASE);
  return code;
}

uint64_t AddrOf(const MemoryInstance* m, uint64_t s) {
  return m->limits.is64 ? s : static_cast<uint32_t>(s);
}
uint64_t TableIndex(const TableInstance* t, uint64_t s) {
  return t->limits.is64 ? s : static_cast<uint32_t>(s);
}

// The interpreter's per-store state: the frame stack (the value stack is the
// Store's). Frames of nested Execute calls (wasm -> host -> wasm) continue above
// `in_use`, which a host call raises to its caller's frame top.
struct InterpState : Store::Extension {
  Frame* frames = nullptr;
  uint64_t capacity = 0;
  Frame* in_use = nullptr;
  // The backtrace of a trap in another tier called through TierUp (innermost
  // first), put in front of the interpreter's frames by FillTrap.
  std::vector<TrapFrame> tier_frames;
  ~InterpState() override {
    // Back to the process-wide pool (store.h), like the value stack, so a
    // Store per request does not pay an mmap/munmap pair and fresh faults.
    if (frames && !Store::RecycleMapping(frames, capacity * sizeof(Frame)))
      munmap(frames, capacity * sizeof(Frame));
  }
};

InterpState* GetInterpState(Store& store) {
  auto* st = static_cast<InterpState*>(store.interp_state.get());
  if (st) [[likely]] return st;
  auto owned = std::make_unique<InterpState>();
  uint64_t n = store.limits().max_call_depth;
  if (n < 16) n = 16;
  // A call writes its Frame record before a return reads it, so a recycled
  // mapping's old contents are never observed.
  void* f = Store::TakeRecycledMapping(n * sizeof(Frame));
  if (f == nullptr) {
    f = mmap(nullptr, n * sizeof(Frame), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (f == MAP_FAILED) return nullptr;
  }
  owned->frames = static_cast<Frame*>(f);
  owned->capacity = n;
  owned->in_use = owned->frames;
  st = owned.get();
  store.interp_state = std::move(owned);
  return st;
}

[[gnu::noinline, gnu::cold]] Exception* NewException(ExecState* es, TagInstance* tag,
                                                     const uint64_t* args) {
  return es->store->NewException(tag, args);
}

// Calls host function `f` with its arguments at `args`; its results replace
// them. On failure sets the trap (or es->exception) and returns false.
[[gnu::noinline]] bool CallHost(ExecState* es, FuncInstance* f, uint64_t* args) {
  Store& store = *es->store;
  InterpState* st = static_cast<InterpState*>(store.interp_state.get());
  uint64_t* saved_top = store.stack_top;
  Frame* saved_frames = st->in_use;
  uint32_t span = f->param_slots > f->result_slots ? f->param_slots : f->result_slots;
  store.stack_top = args + span + 1;
  st->in_use = es->frame_top;
  Trap trap;
  bool ok = cascade::CallHost(store, f, args, args, &trap, es->instance);
  store.stack_top = saved_top;
  st->in_use = saved_frames;
  if (!ok) {
    if (trap.exception) {
      es->exception = trap.exception;
      return false;
    }
    es->trapped = true;
    es->trap_message = trap.message;
    es->exit_status = trap.exit_status;
    return false;
  }
  return true;
}

// A call of `f` (arguments at `args`) whose tier-up countdown ran out: asks
// the store's tier-up hook (the JIT, Store::tier_up) to run it instead, with the
// value and frame stacks above this call reserved as for a host call. Without
// a hook the countdown is parked so this is the only such call of `f`.
[[gnu::noinline, gnu::cold]] int TierUp(ExecState* es, FuncInstance* f, uint64_t* args) {
  Store& store = *es->store;
  if (!store.tier_up) {
    f->tier_countdown = INT32_MAX;
    return Store::kTierUpInterpret;
  }
  InterpState* st = static_cast<InterpState*>(store.interp_state.get());
  uint64_t* saved_top = store.stack_top;
  Frame* saved_frames = st->in_use;
  uint32_t span = f->param_slots > f->result_slots ? f->param_slots : f->result_slots;
  store.stack_top = args + span + 1;
  st->in_use = es->frame_top;
  Trap trap;
  int r = store.tier_up(store, f, args, &trap);
  store.stack_top = saved_top;
  st->in_use = saved_frames;
  if (r == Store::kTierUpTrapped) {
    if (trap.exception) {
      es->exception = trap.exception;
    } else {
      st->tier_frames = std::move(trap.backtrace);
      es->trapped = true;
      es->trap_message = trap.message;
      es->exit_status = trap.exit_status;
    }
  }
  return r;
}

enum BackEdgeResult : int { kBackEdgeGoOn, kBackEdgeStop, kBackEdgeReturned, kBackEdgeThrew };

// A loop back-edge at `ip` (jumping to `header`) found the interruption budget
// spent: the interruption check first (a trap stops), then, with a tiering
// JIT (Store::tier_osr), an offer to run the rest of this call from the
// loop's header as machine code. The frame is the interpreter's own at that
// point: at a loop header every operand is in its home slot, the JIT's layout.
[[gnu::noinline, gnu::cold]] int BackEdgeSlow(ExecState* es, const uint32_t* ip, uint64_t* fp,
                                              const uint32_t* header) {
  if (!InterruptSlow(es, ip)) return kBackEdgeStop;
  Store& store = *es->store;
  if (!store.tier_osr) return kBackEdgeGoOn;
  FuncInstance* f = es->func;
  const auto* code = static_cast<const InterpCode*>(f->code);
  uint32_t off = static_cast<uint32_t>(header - code->code);
  const uint32_t* end = code->loop_headers + code->num_loops;
  const uint32_t* at = std::lower_bound(code->loop_headers, end, off);
  if (at == end || *at != off) return kBackEdgeGoOn;
  InterpState* st = static_cast<InterpState*>(store.interp_state.get());
  uint64_t* saved_top = store.stack_top;
  Frame* saved_frames = st->in_use;
  store.stack_top = fp + code->frame_slots;
  st->in_use = es->frame_top;
  Trap trap;
  int r = store.tier_osr(store, f, fp, static_cast<uint32_t>(at - code->loop_headers), &trap);
  store.stack_top = saved_top;
  st->in_use = saved_frames;
  if (r == Store::kTierUpInterpret) return kBackEdgeGoOn;
  if (r == Store::kTierUpRan) return kBackEdgeReturned;
  // The machine code's frames include this function's: report from the caller.
  bool entry = es->frame_top == es->entry_frame;
  if (trap.exception && !entry) {
    es->exception = trap.exception;
    return kBackEdgeThrew;
  }
  if (trap.exception) {
    es->exception = trap.exception;
    es->trap_message = kTrapUncaughtException;
  } else {
    st->tier_frames = std::move(trap.backtrace);
    es->trap_message = trap.message;
    es->exit_status = trap.exit_status;
  }
  es->trapped = true;
  if (entry) {
    es->func = nullptr;
    es->trap_ip = nullptr;
  } else {
    Frame* caller = --es->frame_top;
    es->func = caller->func;
    es->trap_ip = caller->call_ip;
  }
  return kBackEdgeStop;
}

// Finds a handler for `ex` starting at the instruction `*ip` of the running
// function, popping frames as needed. On success sets *ip/*fp to the landing
// pad (values delivered) and returns true; otherwise records the uncaught
// exception and returns false.
[[gnu::noinline]] bool Unwind(ExecState* es, Exception* ex, const uint32_t** ip,
                              uint64_t** fp) {
  es->exception = nullptr;
  for (;;) {
    const auto* code = static_cast<const InterpCode*>(es->func->code);
    uint32_t off = static_cast<uint32_t>(*ip - code->code);
    bool to_caller = false;
  search:
    for (const CatchSite& s : code->catch_sites()) {
      if (off < s.begin || off >= s.end) continue;
      if (s.kind == kDelegateSite) {
        if (s.target == kNoTarget) {
          to_caller = true;
          break;
        }
        off = s.target;  // continue as if thrown at the start of the target label
        goto search;
      }
      // Kinds (CatchClause): 0 catch, 1 catch_ref, 2 catch_all, 3 catch_all_ref.
      bool with_payload = s.kind <= 1;
      if (with_payload && es->instance->tags[s.tagidx] != ex->tag) continue;
      uint64_t* dst = *fp + s.dest_slot;
      if (with_payload) {
        if (!ex->payload.empty()) std::memcpy(dst, ex->payload.data(), ex->payload.size() * 8);
        dst += ex->payload.size();
      }
      if (s.kind == 1 || s.kind == 3)
        *dst = reinterpret_cast<uint64_t>(ex);
      if (s.exn_slot != kNoTarget) (*fp)[s.exn_slot] = reinterpret_cast<uint64_t>(ex);
      *ip = code->code + s.target;
      return true;
    }
    (void)to_caller;
    if (es->frame_top == es->entry_frame) break;
    Frame* f = --es->frame_top;
    *ip = f->call_ip;
    *fp = f->fp;
    if (f->func->instance != es->instance) SwitchInstance(es, f->func->instance);
    es->func = f->func;
  }
  es->exception = ex;
  es->trapped = true;
  es->trap_message = kTrapUncaughtException;
  return false;
}

// ------------------------------------------------------------ the handlers
#define O(k) (ip[kHeaderUnits + (k)])
#define S(k) (fp[O(k)])
#define TRAP(msg)                       \
  do {                                  \
    SetTrapMessage(es, ip, (msg));      \
    EXIT();                             \
  } while (0)
// Charges `cost` units of the interruption budget (function entry, loop
// back-edge; store.h InterruptState); with fuel and epochs off the branch is
// never taken.
#define INTERRUPT_CHECK(cost)                                                \
  do {                                                                       \
    if ((es->interrupt->budget -= static_cast<int64_t>(cost)) < 0) [[unlikely]] { \
      if (!InterruptSlow(es, ip)) EXIT();                                    \
    }                                                                        \
  } while (0)
// Returns from the running function (its results are at fp[0..]).
#define DO_RETURN()                                                          \
  do {                                                                       \
    if (es->frame_top == es->entry_frame) EXIT();                            \
    Frame* rf = --es->frame_top;                                             \
    ip = rf->ret_ip;                                                         \
    fp = rf->fp;                                                             \
    if (rf->func->instance != es->instance) SwitchInstance(es, rf->func->instance); \
    es->func = rf->func;                                                     \
    mem = es->instance->memory0_base;                                        \
    NEXT();                                                                  \
  } while (0)
// A taken loop back-edge with its rel operand at O(k) and cost at O(k + 1):
// charges the cost (a trap reports this branch), then jumps. When the budget
// runs out here, BackEdgeSlow may also finish the call in the JIT from the
// loop's header (on-stack replacement): the function then returns, or its
// exception unwinds from the caller's call site.
#define BACK_EDGE(k)                                                          \
  do {                                                                        \
    if ((es->interrupt->budget -= static_cast<int64_t>(O((k) + 1))) < 0) [[unlikely]] { \
      int osr = BackEdgeSlow(es, ip, fp, ip + static_cast<int32_t>(O(k)));    \
      if (osr == kBackEdgeStop) EXIT();                                       \
      if (osr == kBackEdgeReturned) DO_RETURN();                              \
      if (osr == kBackEdgeThrew) {                                            \
        Frame* tf = --es->frame_top; /* not the entry frame (BackEdgeSlow) */ \
        ip = tf->call_ip;                                                     \
        fp = tf->fp;                                                          \
        if (tf->func->instance != es->instance) SwitchInstance(es, tf->func->instance); \
        es->func = tf->func;                                                  \
        mem = es->instance->memory0_base;                                     \
        UNWIND(es->exception);                                                \
      }                                                                       \
    }                                                                         \
    ip += static_cast<int32_t>(O(k));                                         \
    NEXT();                                                                   \
  } while (0)
#define UNWIND(ex)                                                   \
  do {                                                               \
    const uint32_t* uip = ip;                                        \
    uint64_t* ufp = fp;                                              \
    if (!Unwind(es, (ex), &uip, &ufp)) EXIT();                       \
    ip = uip;                                                        \
    fp = ufp;                                                        \
    mem = es->instance->memory0_base;                                \
    NEXT();                                                          \
  } while (0)

#if defined(CASCADE_INTERP_TAILCALL)
#define HANDLER(Name) \
  [[gnu::noinline]] void H_##Name(const uint32_t* ip, uint64_t* fp, uint8_t* mem, ExecState* es)
#define NEXT()                                                                   \
  [[clang::musttail]] return reinterpret_cast<Handler>(LoadHandlerWord(ip))(ip, fp, mem, es)
#define EXIT() return
#endif

#if defined(CASCADE_INTERP_TAILCALL)
#define HANDLER_BODIES_AT_NAMESPACE 1
#endif

#ifdef HANDLER_BODIES_AT_NAMESPACE
#include "engine/interp/handler_bodies.inc"
#endif

}  // namespace

#if defined(CASCADE_INTERP_TAILCALL)
namespace {
void Run(const uint32_t* ip, uint64_t* fp, uint8_t* mem, ExecState* es) {
  reinterpret_cast<Handler>(LoadHandlerWord(ip))(ip, fp, mem, es);
}
const uint64_t* MakeHandlerWords() {
  static uint64_t words[kIOpCount] = {
#define IOP(Name) reinterpret_cast<uint64_t>(&H_##Name),
#define IUN(Name, g, p, e) reinterpret_cast<uint64_t>(&H_##Name),
#define IBIN(Name, g, p, e) reinterpret_cast<uint64_t>(&H_##Name),
#define IBINI(Name, g, p, e) reinterpret_cast<uint64_t>(&H_##Name), reinterpret_cast<uint64_t>(&H_##Name##Imm),
#define ICMPBR(Name, g, e) reinterpret_cast<uint64_t>(&H_BrIf##Name), reinterpret_cast<uint64_t>(&H_BrIf##Name##Imm), \
  reinterpret_cast<uint64_t>(&H_BrIf##Name##Back), reinterpret_cast<uint64_t>(&H_BrIf##Name##ImmBack),
#define FCMPBR(Name, g, e) reinterpret_cast<uint64_t>(&H_BrIf##Name), reinterpret_cast<uint64_t>(&H_BrUnless##Name), \
  reinterpret_cast<uint64_t>(&H_BrIf##Name##Imm), reinterpret_cast<uint64_t>(&H_BrUnless##Name##Imm),
#define ILOAD(Name, c, p) reinterpret_cast<uint64_t>(&H_##Name), reinterpret_cast<uint64_t>(&H_##Name##M),
#define ISTORE(Name, c, g) reinterpret_cast<uint64_t>(&H_##Name), reinterpret_cast<uint64_t>(&H_##Name##M),
#include "engine/interp/ops.def"
  };
  return words;
}
}  // namespace
#else
namespace {
// One function holds every handler as a label (computed goto) or case (switch).
// Called with ip == nullptr it only publishes its handler words.
[[gnu::noinline]] void Run(const uint32_t* ip, uint64_t* fp, uint8_t* mem, ExecState* es,
                           uint64_t* words_out) {
#if defined(CASCADE_INTERP_GOTO)
  static const void* const kLabels[] = {
#define IOP(Name) &&L_##Name,
#define IUN(Name, g, p, e) &&L_##Name,
#define IBIN(Name, g, p, e) &&L_##Name,
#define IBINI(Name, g, p, e) &&L_##Name, &&L_##Name##Imm,
#define ICMPBR(Name, g, e) &&L_BrIf##Name, &&L_BrIf##Name##Imm, &&L_BrIf##Name##Back, &&L_BrIf##Name##ImmBack,
#define FCMPBR(Name, g, e) &&L_BrIf##Name, &&L_BrUnless##Name, &&L_BrIf##Name##Imm, &&L_BrUnless##Name##Imm,
#define ILOAD(Name, c, p) &&L_##Name, &&L_##Name##M,
#define ISTORE(Name, c, g) &&L_##Name, &&L_##Name##M,
#include "engine/interp/ops.def"
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == kIOpCount);
#if defined(CASCADE_INTERP_WIDE_HEADER)
  if (words_out) {
    for (uint32_t i = 0; i < kIOpCount; ++i) words_out[i] = reinterpret_cast<uint64_t>(kLabels[i]);
    return;
  }
#define NEXT() goto* reinterpret_cast<const void*>(LoadHandlerWord(ip))
#else
  // Handler words are offsets from the first label, so one 32-bit unit holds them.
  if (words_out) {
    for (uint32_t i = 0; i < kIOpCount; ++i)
      words_out[i] = static_cast<uint32_t>(static_cast<int32_t>(
          static_cast<const char*>(kLabels[i]) - static_cast<const char*>(kLabels[0])));
    return;
  }
  static_assert(static_cast<uint32_t>(IOp::kUnreachable) == 0, "kLabels[0] is L_Unreachable");
#define NEXT() goto* (static_cast<const char*>(&&L_Unreachable) + static_cast<int32_t>(*ip))
#endif
#define HANDLER(Name) L_##Name:
#define EXIT() return
  NEXT();
#include "engine/interp/handler_bodies.inc"
#else  // switch
  if (words_out) {
    for (uint32_t i = 0; i < kIOpCount; ++i) words_out[i] = i;
    return;
  }
#define HANDLER(Name) case IOp::k##Name:
#define NEXT() goto dispatch
#define EXIT() return
dispatch:
  switch (static_cast<IOp>(LoadHandlerWord(ip))) {
#include "engine/interp/handler_bodies.inc"
    default:
      return;
  }
#endif
}
void Run(const uint32_t* ip, uint64_t* fp, uint8_t* mem, ExecState* es) {
  Run(ip, fp, mem, es, nullptr);
}
const uint64_t* MakeHandlerWords() {
  static uint64_t words[kIOpCount];
  Run(nullptr, nullptr, nullptr, nullptr, words);
  return words;
}
}  // namespace
#endif

const uint64_t* HandlerWords() {
  static const uint64_t* words = MakeHandlerWords();
  return words;
}

const char* IOpName(IOp op) {
  static const char* const kNames[] = {
#define IOP(Name) #Name,
#define IUN(Name, g, p, e) #Name,
#define IBIN(Name, g, p, e) #Name,
#define IBINI(Name, g, p, e) #Name, #Name "Imm",
#define ICMPBR(Name, g, e) "BrIf" #Name, "BrIf" #Name "Imm", "BrIf" #Name "Back", "BrIf" #Name "ImmBack",
#define FCMPBR(Name, g, e) "BrIf" #Name, "BrUnless" #Name, "BrIf" #Name "Imm", "BrUnless" #Name "Imm",
#define ILOAD(Name, c, p) #Name, #Name "M",
#define ISTORE(Name, c, g) #Name, #Name "M",
#include "engine/interp/ops.def"
  };
  uint32_t i = static_cast<uint32_t>(op);
  return i < kIOpCount ? kNames[i] : "<invalid>";
}

// ------------------------------------------------------------------ Execute
void FreeCode(void*) {}  // code belongs to the module's cache (code_cache.h)

void EnsureTranslated(FuncInstance* f) {
  if (!f->is_host() && !__atomic_load_n(&f->code, __ATOMIC_ACQUIRE)) Translate(f);
}

namespace {
// The backtrace of a trap at `ip` (null: unknown) in `f`, whose callers are
// the frame records [entry_frame, top).
void FillBacktrace(const uint32_t* ip, FuncInstance* f, const Frame* top,
                   const Frame* entry_frame, Trap* trap) {
  trap->backtrace.clear();
  for (;;) {
    if (f && !f->is_host()) {
      TrapFrame tf;
      tf.instance = f->instance;
      tf.funcidx = f->funcidx;
      const auto* code = static_cast<const InterpCode*>(f->code);
      if (code && ip && ip >= code->code && ip < code->code + code->code_units)
        tf.code_offset = code->WasmOffset(static_cast<uint32_t>(ip - code->code));
      trap->backtrace.push_back(tf);
    }
    if (top == entry_frame) break;
    --top;
    ip = top->call_ip;
    f = top->func;
  }
}

[[gnu::noinline, gnu::cold]] void FillTrap(ExecState& es, Trap* trap) {
  trap->message = es.trap_message;
  trap->exception = es.exception;
  trap->exit_status = es.exit_status;
  FillBacktrace(es.trap_ip, es.func, es.frame_top, es.entry_frame, trap);
  auto* st = static_cast<InterpState*>(es.store->interp_state.get());
  if (st && !st->tier_frames.empty()) {
    trap->backtrace.insert(trap->backtrace.begin(), st->tier_frames.begin(), st->tier_frames.end());
    st->tier_frames.clear();
  }
}

// Whether `ip` (any value) is the start of a trap-site instruction of `code`.
// Async-signal-safe.
bool IsTrapSite(const InterpCode* code, uintptr_t ip) {
  uintptr_t begin = reinterpret_cast<uintptr_t>(code->code);
  if (ip < begin || (ip & 3) != 0) return false;
  uintptr_t off = (ip - begin) / 4;
  return off < code->code_units && code->WasmOffset(static_cast<uint32_t>(off)) != 0;
}

// The operand index of the address slot if the instruction at `ip` is a fast
// (unchecked, memory-0) load (1) or store (0), else -1. Async-signal-safe.
int FastAccessAddrOperand(const uint32_t* ip) {
  uint64_t w = LoadHandlerWord(ip);
  const uint64_t* words = HandlerWords();
#define ILOAD(Name, c, p) if (w == words[static_cast<uint32_t>(IOp::k##Name)]) return 1;
#define ISTORE(Name, c, g) if (w == words[static_cast<uint32_t>(IOp::k##Name)]) return 0;
#include "engine/interp/ops.def"
  return -1;
}

// Whether the fast access at `ip` with frame `fp` touches `fault` (memory 0 at
// `mem`): the fault lies within 8 bytes above its effective address.
bool AccessHits(const uint32_t* ip, int addr_operand, const uint64_t* fp, const uint8_t* mem,
                uintptr_t fault) {
  uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(fp[ip[kHeaderUnits + addr_operand]])) +
                ip[kHeaderUnits + 2];
  uintptr_t at = reinterpret_cast<uintptr_t>(mem) + ea;
  return fault >= at && fault - at < 8;
}

// trap_handler::WasmEntry::capture_fault, in the SIGSEGV handler: a fast
// memory-0 access faulted in the running function (es->func). Its ip is in one
// of the saved registers (or spilled near the stack pointer), pointing at the
// access or (if the compiler advanced it early) just past it; another word
// holds fp. A candidate is confirmed by recomputing its effective address from
// a word that points into the value stack and comparing with the fault
// address; without a confirmed one, the first word pointing at a trap site is
// taken. Records the function,
// the ip and the frame-stack extent. Async-signal-safe: only reads, and only
// from the function's code and the value stack (code and its sorted
// trap_sites are immutable once published).
void CaptureFault(trap_handler::WasmEntry* e) {
  const auto* es = static_cast<const ExecState*>(e->tier_state);
  FuncInstance* f = es->func;
  const auto* code = static_cast<const InterpCode*>(f->code);
  const uint8_t* mem = es->instance->memory0_base;
  uintptr_t fault = reinterpret_cast<uintptr_t>(e->fault_address);
  uintptr_t lo = reinterpret_cast<uintptr_t>(es->stack_base);
  uintptr_t hi = reinterpret_cast<uintptr_t>(es->stack_limit);
  constexpr uintptr_t kFastAccessBytes = (kHeaderUnits + 3) * 4;
  // Candidates: the registers first, then the words at the stack pointer.
  constexpr int kMaxWords = trap_handler::WasmEntry::kMaxRegs + trap_handler::WasmEntry::kStackWords;
  uintptr_t words[kMaxWords];
  int n = 0;
  for (int i = 0; i < e->num_fault_regs; ++i) words[n++] = e->fault_regs[i];
  for (int i = 0; i < e->num_fault_stack; ++i) words[n++] = e->fault_stack[i];
  uintptr_t ip = 0, fallback = 0;
  for (int i = 0; i < n && ip == 0; ++i) {
    for (uintptr_t back : {uintptr_t{0}, kFastAccessBytes}) {
      uintptr_t r = words[i] - back;
      if (!IsTrapSite(code, r)) continue;
      if (fallback == 0 && back == 0) fallback = r;
      const auto* cand = reinterpret_cast<const uint32_t*>(r);
      int addr_operand = FastAccessAddrOperand(cand);
      if (addr_operand < 0) continue;
      for (int j = 0; j < n; ++j) {
        uintptr_t q = words[j];
        if (q < lo || q >= hi || (q & 7) != 0) continue;
        // The operand slot must lie inside the value stack too.
        uintptr_t slot = q + uintptr_t{8} * cand[kHeaderUnits + addr_operand];
        if (slot < q || slot >= hi) continue;
        if (AccessHits(cand, addr_operand, reinterpret_cast<const uint64_t*>(q), mem, fault)) {
          ip = r;
          break;
        }
      }
      if (ip != 0) break;
    }
  }
  if (ip == 0) ip = fallback;
  e->fault_info[0] = reinterpret_cast<uintptr_t>(f);
  e->fault_info[1] = ip;
  e->fault_info[2] = reinterpret_cast<uintptr_t>(es->frame_top);
  e->fault_info[3] = reinterpret_cast<uintptr_t>(es->entry_frame);
}

// trap_handler::WasmEntry::describe_fault: the backtrace CaptureFault found
// (frame records live in the Store's InterpState, so they outlive the jump).
void DescribeFault(const trap_handler::WasmEntry& e, Trap* trap) {
  FillBacktrace(reinterpret_cast<const uint32_t*>(e.fault_info[1]),
                reinterpret_cast<FuncInstance*>(e.fault_info[0]),
                reinterpret_cast<const Frame*>(e.fault_info[2]),
                reinterpret_cast<const Frame*>(e.fault_info[3]), trap);
}
}  // namespace

bool Execute(Store& store, FuncInstance* func, uint64_t* args_and_results, Trap* trap) {
  if (func->is_host()) return cascade::CallHost(store, func, args_and_results, args_and_results, trap);
  InterpState* st = GetInterpState(store);
  if (!st) {
    trap->Set(kTrapStackExhausted);
    return false;
  }
  const InterpCode* code = static_cast<const InterpCode*>(
      __atomic_load_n(&func->code, __ATOMIC_ACQUIRE));
  if (!code) code = Translate(func);

  uint64_t* fp = store.stack_top ? store.stack_top : store.stack_base();
  uint64_t* limit = store.stack_end();
  if (fp + code->frame_slots > limit || st->in_use == st->frames + st->capacity) {
    trap->Set(kTrapStackExhausted);
    trap->backtrace.clear();
    return false;
  }
  if (func->param_slots) std::memcpy(fp, args_and_results, func->param_slots * 8);
  for (uint32_t i = code->num_params; i < code->num_locals; ++i) fp[i] = 0;

  ExecState es;
  es.store = &store;
  SwitchInstance(&es, func->instance);
  es.func = func;
  es.stack_base = store.stack_base();
  es.stack_limit = limit;
  es.frame_base = st->frames;
  es.frame_top = st->in_use;
  es.frame_limit = st->frames + st->capacity;
  es.entry_frame = st->in_use;
  es.interrupt = &store.interrupt;

  if ((store.interrupt.budget -= code->entry_cost) < 0) [[unlikely]] {
    if (!InterruptSlow(&es, code->code)) {
      FillTrap(es, trap);
      return false;
    }
  }

  // A guard-page fault jumps out of Run; the trap handler asks CaptureFault
  // where it was first (es is gone after the jump).
  // Another tier's hooks (machine code that called in here) come back after.
  trap_handler::WasmEntry* entry = trap_handler::Current();
  void (*saved_capture)(trap_handler::WasmEntry*) = nullptr;
  void (*saved_describe)(const trap_handler::WasmEntry&, Trap*) = nullptr;
  void* saved_state = nullptr;
  if (entry != nullptr) {
    saved_capture = entry->capture_fault;
    saved_describe = entry->describe_fault;
    saved_state = entry->tier_state;
    entry->tier_state = &es;
    entry->capture_fault = &CaptureFault;
    entry->describe_fault = &DescribeFault;
  }
  Run(code->code, fp, func->instance->memory0_base, &es);
  if (entry != nullptr) {
    entry->capture_fault = saved_capture;
    entry->describe_fault = saved_describe;
    entry->tier_state = saved_state;
  }

  if (es.trapped) [[unlikely]] {
    FillTrap(es, trap);
    return false;
  }
  if (func->result_slots) std::memcpy(args_and_results, fp, func->result_slots * 8);
  return true;
}

}  // namespace cascade::interp
