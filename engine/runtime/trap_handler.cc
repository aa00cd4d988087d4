// SIGSEGV/SIGBUS -> wasm trap (see trap_handler.h for the protocol).
//
// The handler is installed with SA_NODEFER, so jumping out of it with
// siglongjmp(env) (sigsetjmp with savemask = 0, no syscall on entry) does not
// leave SIGSEGV blocked. Faults that are not ours go to the previously installed
// handler, or re-raise with the default action.
#include "engine/runtime/trap_handler.h"

#include <signal.h>
#include <ucontext.h>

#include <atomic>
#include <mutex>

namespace cascade::trap_handler {
namespace {

constexpr int kMaxReservations = 4096;

struct Slot {
  std::atomic<uintptr_t> base{0};
  std::atomic<uintptr_t> size{0};
};
Slot g_slots[kMaxReservations];
std::mutex g_slots_mutex;  // writers only

thread_local WasmEntry* t_entry = nullptr;

struct sigaction g_old_segv;
struct sigaction g_old_bus;
std::mutex g_install_mutex;

void Forward(int sig, siginfo_t* info, void* uctx) {
  const struct sigaction& old = sig == SIGBUS ? g_old_bus : g_old_segv;
  if ((old.sa_flags & SA_SIGINFO) && old.sa_sigaction != nullptr) {
    old.sa_sigaction(sig, info, uctx);
    return;
  }
  if (old.sa_handler == SIG_IGN) return;
  if (old.sa_handler != SIG_DFL && old.sa_handler != nullptr) {
    old.sa_handler(sig);
    return;
  }
  // Default action: restore it and return; the faulting instruction re-runs
  // and the process dies as it would have without us.
  signal(sig, SIG_DFL);
}

// Reads words of the interrupted frame: deliberately past its locals, so not
// instrumented by AddressSanitizer (its redzones are still mapped memory).
[[gnu::noinline, gnu::no_sanitize_address]] void CopyStackWords(WasmEntry* e, uintptr_t sp) {
  const volatile uintptr_t* words = reinterpret_cast<const volatile uintptr_t*>(sp);
  for (int i = 0; i < WasmEntry::kStackWords; ++i) e->fault_stack[i] = words[i];
  e->num_fault_stack = WasmEntry::kStackWords;
}

// Copies the general registers of the interrupted context and the words at
// its stack pointer (signal-safe; the interrupted frame's callers are live
// above its stack pointer, so those words are mapped).
void SaveRegisters(WasmEntry* e, const void* uctx) {
  e->num_fault_regs = 0;
  e->num_fault_stack = 0;
  if (uctx == nullptr) return;
  const auto* uc = static_cast<const ucontext_t*>(uctx);
  uintptr_t sp = 0;
#if defined(__x86_64__)
  // gregs[0..14]: r8-r15, rdi, rsi, rbp, rbx, rdx, rax, rcx (then rsp, rip).
  for (int i = 0; i <= REG_RCX; ++i) e->fault_regs[i] = static_cast<uintptr_t>(uc->uc_mcontext.gregs[i]);
  e->num_fault_regs = REG_RCX + 1;
  sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
  e->fault_pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  for (int i = 0; i < 31; ++i) e->fault_regs[i] = static_cast<uintptr_t>(uc->uc_mcontext.regs[i]);
  e->num_fault_regs = 31;
  sp = static_cast<uintptr_t>(uc->uc_mcontext.sp);
  e->fault_pc = static_cast<uintptr_t>(uc->uc_mcontext.pc);
#else
  (void)uc;
#endif
  e->fault_sp = sp;
  if (sp != 0 && (sp & 7) == 0) CopyStackWords(e, sp);
}

void Handler(int sig, siginfo_t* info, void* uctx) {
  WasmEntry* e = t_entry;
  if (e != nullptr && e->active && InReservation(info->si_addr)) {
    e->fault_address = info->si_addr;
    SaveRegisters(e, uctx);
    if (e->capture_fault != nullptr) e->capture_fault(e);
    siglongjmp(e->env, 1);
  }
  Forward(sig, info, uctx);
}

}  // namespace

bool Install() {
  // Re-checked on every call: test frameworks and embedders may have replaced
  // our handler since (they get chained to, as the new "previous" handler).
  std::lock_guard<std::mutex> lock(g_install_mutex);
  struct sigaction cur = {};
  if (sigaction(SIGSEGV, nullptr, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
      cur.sa_sigaction == Handler) {
    struct sigaction cur_bus = {};
    if (sigaction(SIGBUS, nullptr, &cur_bus) == 0 && (cur_bus.sa_flags & SA_SIGINFO) &&
        cur_bus.sa_sigaction == Handler) {
      return true;
    }
  }
  struct sigaction sa = {};
  sa.sa_sigaction = Handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_segv = {}, old_bus = {};
  if (sigaction(SIGSEGV, &sa, &old_segv) != 0 || sigaction(SIGBUS, &sa, &old_bus) != 0) {
    return false;
  }
  if (!((old_segv.sa_flags & SA_SIGINFO) && old_segv.sa_sigaction == Handler)) g_old_segv = old_segv;
  if (!((old_bus.sa_flags & SA_SIGINFO) && old_bus.sa_sigaction == Handler)) g_old_bus = old_bus;
  return true;
}

bool RegisterReservation(const void* base, size_t size) {
  std::lock_guard<std::mutex> lock(g_slots_mutex);
  for (Slot& s : g_slots) {
    if (s.base.load(std::memory_order_relaxed) == 0) {
      s.size.store(size, std::memory_order_relaxed);
      s.base.store(reinterpret_cast<uintptr_t>(base), std::memory_order_release);
      return true;
    }
  }
  return false;
}

void UnregisterReservation(const void* base) {
  std::lock_guard<std::mutex> lock(g_slots_mutex);
  for (Slot& s : g_slots) {
    if (s.base.load(std::memory_order_relaxed) == reinterpret_cast<uintptr_t>(base)) {
      s.base.store(0, std::memory_order_release);
      return;
    }
  }
}

bool InReservation(const void* addr) {
  uintptr_t a = reinterpret_cast<uintptr_t>(addr);
  for (const Slot& s : g_slots) {
    uintptr_t b = s.base.load(std::memory_order_acquire);
    if (b != 0 && a >= b && a - b < s.size.load(std::memory_order_relaxed)) return true;
  }
  return false;
}

void WasmEntry::Enter() {
  prev = t_entry;
  fault_address = nullptr;
  capture_fault = nullptr;
  describe_fault = nullptr;
  tier_state = nullptr;
  active = true;
  t_entry = this;
}

void WasmEntry::FillFaultTrap(Trap* trap) const {
  trap->message = kTrapMemoryOutOfBounds;
  trap->backtrace.clear();
  if (describe_fault != nullptr) describe_fault(*this, trap);
}

WasmEntry* Current() { return t_entry; }

void WasmEntry::Exit() {
  active = false;
  t_entry = prev;
}

WasmEntry* Suspend() {
  WasmEntry* e = t_entry;
  t_entry = nullptr;
  return e;
}

void Resume(WasmEntry* entry) { t_entry = entry; }

TierFaultHooks InstallTierFaultHooks(void (*capture)(WasmEntry*),
                                     void (*describe)(const WasmEntry&, Trap*), void* state) {
  TierFaultHooks previous;
  WasmEntry* e = t_entry;
  if (e == nullptr) return previous;
  previous = {e, e->capture_fault, e->describe_fault, e->tier_state};
  e->capture_fault = capture;
  e->describe_fault = describe;
  e->tier_state = state;
  return previous;
}

void RestoreTierFaultHooks(const TierFaultHooks& previous) {
  WasmEntry* e = previous.entry;
  if (e == nullptr) return;
  e->capture_fault = previous.capture;
  e->describe_fault = previous.describe;
  e->tier_state = previous.state;
}

}  // namespace cascade::trap_handler
