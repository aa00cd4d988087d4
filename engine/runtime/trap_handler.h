// Turning hardware faults in wasm code into traps, shared by the interpreter and
// the JIT.
//
// Mechanism: guarded memories register their address-space reservation here.
// A SIGSEGV/SIGBUS handler checks (1) that this thread is inside wasm code (an
// active WasmEntry) and (2) that the fault address lies in a registered
// reservation; if so it siglongjmps to the innermost WasmEntry, which reports
// "out of bounds memory access". Any other fault is passed on to the previous
// handler (or the default action), so real crashes still crash.
//
// Backtraces: before jumping, the handler saves the faulting thread's general
// registers in the entry and calls the running tier's `capture_fault` (if it
// set one), which records where in wasm the fault happened (fault_info); after
// the jump, whoever installed the entry calls `describe_fault` to turn that into
// the trap's backtrace, as for any other trap.
//
// Usage (what Invoke does):
//     trap_handler::WasmEntry entry;
//     if (sigsetjmp(entry.env, 0) != 0) { /* fault: trap */ }
//     else { entry.Enter(); ...run wasm...; }
//     entry.Exit();           // always, on both paths
//
// Invariants:
//  * Code between Enter() and the fault must not own objects with non-trivial
//    destructors on the C stack (they are skipped by siglongjmp); interpreter
//    handlers and JIT code satisfy this, host functions are called with the
//    entry *suspended* (see Suspend/Resume) so faults in them are not caught.
//  * The reservation registry is lock-free for readers (signal-safe): a fixed
//    array of slots updated with atomics.
#pragma once

#include <csetjmp>
#include <cstddef>
#include <cstdint>

#include "engine/runtime/trap.h"

namespace cascade::trap_handler {

// Installs the SIGSEGV/SIGBUS handlers (idempotent, thread-safe; reinstalls if
// someone replaced them, chaining to the replacement). Called whenever a guarded
// memory is created. Returns false if installation failed (then memories must
// not be guarded).
bool Install();

// Registers/unregisters a reservation [base, base + size). Register returns
// false when the registry is full (the memory must then use explicit checks).
bool RegisterReservation(const void* base, size_t size);
void UnregisterReservation(const void* base);

// Whether `addr` lies in a registered reservation (signal-safe).
bool InReservation(const void* addr);

struct WasmEntry {
  static constexpr int kMaxRegs = 32;

  sigjmp_buf env;
  WasmEntry* prev = nullptr;
  const void* fault_address = nullptr;  // set when the handler jumped here
  bool active = false;

  // Set by the tier running under this entry (cleared by Enter). Called inside
  // the signal handler, so it must be async-signal-safe (plain reads and
  // writes): it reads fault_regs and its own `tier_state` and fills fault_info.
  void (*capture_fault)(WasmEntry* e) = nullptr;
  void* tier_state = nullptr;
  // Called after the jump (normal context) to fill the trap's backtrace from
  // fault_info; the message is already kTrapMemoryOutOfBounds.
  void (*describe_fault)(const WasmEntry& e, Trap* trap) = nullptr;
  uintptr_t fault_info[4] = {};

  // The general registers at the fault (x86-64: r8-r15, rdi, rsi, rbp, rbx,
  // rdx, rax, rcx; AArch64: x0-x30), num_fault_regs of them (0 elsewhere),
  // then the kStackWords words at the faulting stack pointer (spilled values
  // of the faulting frame, e.g. in unoptimized builds), num_fault_stack.
  static constexpr int kStackWords = 64;
  uintptr_t fault_regs[kMaxRegs] = {};
  int num_fault_regs = 0;
  uintptr_t fault_stack[kStackWords] = {};
  int num_fault_stack = 0;
  uintptr_t fault_pc = 0, fault_sp = 0;  // the faulting instruction and stack pointer

  void Enter();    // becomes this thread's innermost entry
  void Exit();     // pops it (call exactly once after Enter, on every path)
  // After a fault: the trap with the tier's backtrace if it captured one.
  void FillFaultTrap(Trap* trap) const;
};

// This thread's innermost active entry, or null (e.g. inside a host call).
WasmEntry* Current();

// The fault hooks of a tier running code under this thread's innermost entry
// (entry null: no entry, faults are not wasm's). Both tiers (interp::Execute,
// the JIT's RunCompiled) install theirs for the duration of a run and then
// restore the previous ones (another tier that called into them). Plain data
// on purpose: a guard-page fault siglongjmps over the frame that holds it, so
// it must not need a destructor.
struct TierFaultHooks {
  WasmEntry* entry = nullptr;
  void (*capture)(WasmEntry*) = nullptr;
  void (*describe)(const WasmEntry&, Trap*) = nullptr;
  void* state = nullptr;
};
// Installs the given hooks in Current() (if any) and returns what was there.
TierFaultHooks InstallTierFaultHooks(void (*capture)(WasmEntry*),
                                     void (*describe)(const WasmEntry&, Trap*), void* state);
// Puts back hooks returned by InstallTierFaultHooks (after a normal return).
void RestoreTierFaultHooks(const TierFaultHooks& previous);

// Around host calls made from wasm: faults inside the host are not wasm traps.
// Suspend returns the current innermost entry (may be null); Resume restores it.
WasmEntry* Suspend();
void Resume(WasmEntry* entry);

}  // namespace cascade::trap_handler
