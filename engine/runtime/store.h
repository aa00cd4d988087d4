// The store (spec 4.2.3): owns every runtime object (instances, function, table,
// memory, global and tag instances, exceptions) and the value stack that wasm
// frames live on.
//
// Invariants:
//  * Objects are heap-allocated one by one and never move or die before the
//    Store, so raw pointers to them (in slots, Instance vectors, FuncInstance)
//    stay valid for the Store's lifetime.
//  * A Store is used by one thread at a time.
//  * The value stack [stack_base(), stack_end()) is reserved once (lazily
//    committed by the OS); `stack_top` is the first free slot while the host
//    runs, so a host function that calls back into wasm continues above the
//    frames of its caller. A trap or stack exhaustion restores it (Invoke does).
//    Value stacks of the default size are recycled through a small process-wide
//    pool (kept resident, not zeroed: frames never read a slot they did not
//    write), so a Store per request does not pay an mmap/munmap pair each time.
//  * Instances an InstancePre lends (StoreLease) are released, newest first,
//    when the Store dies, or one by one through DropInstance; they count
//    against StoreLimits::max_instances like the Store's own instances.
//  * Interruption (fuel and epochs, wasmtime's model): execution tiers charge
//    `interrupt.budget` at every function entry and loop back-edge and take
//    InterruptState::OnExhausted when it goes negative. With both off (the
//    default) the budget is INT64_MAX, so the check is a subtract and a branch
//    that is never taken.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "engine/runtime/instance.h"

namespace cascade {

struct StoreLimits {
  uint64_t max_stack_slots = uint64_t{1} << 20;  // value stack, 64-bit slots (8 MiB)
  uint32_t max_call_depth = 100000;               // wasm frames (interpreter)
  uint32_t max_host_reentry = 200;                // nested Invoke calls (C stack)
  uint64_t max_memory_bytes = uint64_t{1} << 32;  // per memory (memory32 with 64 KiB pages: 65536 pages)
  uint64_t max_table_elements = 10000000;         // per table
  uint32_t max_instances = UINT32_MAX;            // live instances (pooled ones included); default: no limit
};

// Storage on loan to a Store from outside it (a pooled instance slot of an
// InstancePre, instance_pre.h). The Store releases every lease when it dies,
// newest first, or one lease early through Store::DropInstance.
struct StoreLease {
  virtual void Release() = 0;  // called exactly once, by the Store
  StoreLease* prev_lease = nullptr;
  StoreLease* next_lease = nullptr;

 protected:
  ~StoreLease() = default;
};

// ---------------------------------------------------------------- epochs
// The process-wide epoch counter (wasmtime's Engine::increment_epoch): a store
// whose deadline (Store::SetEpochDeadline) the counter reaches traps with
// "interrupt" at the next function entry or loop back-edge.
namespace epoch_internal {
inline std::atomic<uint64_t> counter{0};
static_assert(std::atomic<uint64_t>::is_always_lock_free);
}  // namespace epoch_internal

// Advances the epoch by one. Thread-safe, lock-free and async-signal-safe (may
// be called from a signal handler or a timer thread).
inline void IncrementEpoch() {
  epoch_internal::counter.fetch_add(1, std::memory_order_relaxed);
}
// The current epoch (starts at 0).
inline uint64_t CurrentEpoch() {
  return epoch_internal::counter.load(std::memory_order_relaxed);
}

// What execution tiers test at function entries and loop back-edges:
//
//   if ((budget -= cost) < 0) { msg = OnExhausted(); if (msg) trap(msg); }
//
// `cost` is about one unit per wasm instruction of the region entered. One
// counter serves both mechanisms: the fuel left is budget + reserve; while an
// epoch deadline is set, budget holds at most kEpochSlice units, so the epoch
// is looked at (in OnExhausted) at least every kEpochSlice units: an
// "interrupt" arrives within about that many instructions of the tick.
struct InterruptState {
  static constexpr int64_t kUnmetered = std::numeric_limits<int64_t>::max();
  static constexpr int64_t kEpochSlice = 10000;
  int64_t budget = kUnmetered;  // units until the next OnExhausted
  int64_t reserve = 0;          // metered fuel not handed to `budget` yet
  uint64_t epoch_deadline = std::numeric_limits<uint64_t>::max();  // off: never reached
  bool fuel_enabled = false;
  // Tiering (jit::EnableTiering): the budget is handed out in slices of at
  // most kTierSlice, so the slow path runs now and then in hot loops and can
  // offer them to Store::tier_osr.
  static constexpr int64_t kTierSlice = 20000;
  bool sampling = false;

  // The slow path, called once `budget` went negative: returns kTrapOutOfFuel
  // or kTrapInterrupt (trap.h) when execution must stop, else refills `budget`
  // and returns null. After a trap the next check comes back here at once.
  const char* OnExhausted();
  // Fuel left (budget + reserve), kUnmetered when metering is off; may be
  // negative inside OnExhausted.
  int64_t Total() const { return fuel_enabled ? budget + reserve : kUnmetered; }
  // Splits `total` units between budget and reserve (budget capped at
  // kEpochSlice while a deadline is set).
  void Refill(int64_t total);
};

class Store {
 public:
  explicit Store(StoreLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreLimits& limits() const { return limits_; }

  // Allocation of runtime objects; the Store owns the result. NewInstance
  // returns nullptr when StoreLimits::max_instances is reached.
  Instance* NewInstance();
  FuncInstance* NewFunc();
  // `count` default-constructed FuncInstances in one contiguous block (an
  // instance's defined functions): one allocation instead of one each, and
  // a large block's pages are populated in one go (page_populate.h) rather
  // than faulted in one by one (yosys: 34,004 functions, 4.6 MB).
  FuncInstance* NewFuncs(size_t count);
  TableInstance* NewTable();
  MemoryInstance* NewMemory();
  GlobalInstance* NewGlobal();
  TagInstance* NewTag();
  // A wasm exception of `tag` (spec 4.4.8 "throw") whose payload is the
  // tag's param_slots slots copied from `payload`.
  Exception* NewException(TagInstance* tag, const uint64_t* payload);

  // A host function of canonical func type `canonical_type_id`.
  FuncInstance* NewHostFunc(uint32_t canonical_type_id, HostFunc fn, void* data = nullptr);

  // Registers `lease` (an instance the Store did not allocate itself): it
  // counts against StoreLimits::max_instances and is released with the Store.
  // Returns false (and does not take the lease) when the limit is reached.
  bool AddLease(StoreLease* lease);
  // Releases the pooled `instance` (Instance::lease set) now instead of when the
  // Store dies, returning its slot to its pool. The host must hold no reference
  // into it any more (its functions, tables, memories, globals), and no other
  // instance may have imported from it. Returns false (and does nothing) for an
  // instance that is not a live pooled instance of this Store.
  bool DropInstance(Instance* instance);
  // Instances alive in this Store (allocated + leased).
  uint32_t instance_count() const { return instance_count_; }

  // A process-wide pool of anonymous read/write mappings, so per-Store
  // mappings (the value stack; a tier's frame stack) are not mapped and
  // unmapped for every Store: page-table changes cost tens of microseconds on
  // virtualized hosts. TakeRecycledMapping returns a mapping of exactly
  // `bytes` (contents left by its previous user: only for memory whose users
  // write before they read) or nullptr; RecycleMapping hands one back and
  // returns false when the pool is full (the caller then unmaps it).
  // Thread-safe.
  static void* TakeRecycledMapping(size_t bytes);
  static bool RecycleMapping(void* mapping, size_t bytes);

  // The value stack (slots). Reserved on first use.
  uint64_t* stack_base();
  uint64_t* stack_end() { stack_base(); return stack_end_; }
  uint64_t* stack_top = nullptr;  // first free slot while the host runs (see above)
  uint32_t host_depth = 0;        // nesting of Invoke (see StoreLimits::max_host_reentry)

  // Fuel metering (wasmtime's Store::set_fuel): enables metering and sets the
  // units left. Execution charges about one unit per wasm instruction executed
  // (charged per straight-line region when a function or loop iteration is
  // entered) and traps "all fuel consumed by WebAssembly" when the charge does
  // not fit; the store stays usable, and SetFuel again allows further calls.
  // Values above INT64_MAX are clamped. Off by default (then it costs nothing).
  void SetFuel(uint64_t units);
  // Units left; UINT64_MAX when metering is off. 0 after an out-of-fuel trap.
  uint64_t fuel_remaining() const;
  bool fuel_enabled() const { return interrupt.fuel_enabled; }
  // Turns fuel metering off again.
  void DisableFuel();

  // Epoch interruption (wasmtime's Store::set_epoch_deadline): code running in
  // this store traps "interrupt" at the next function entry or loop back-edge
  // once CurrentEpoch() >= (epoch now) + ticks_from_now. The deadline stays
  // until set again: after the trap, set a new one to run more.
  // ticks_from_now == UINT64_MAX (or DisableEpochDeadline) turns it off (the default).
  void SetEpochDeadline(uint64_t ticks_from_now);
  void DisableEpochDeadline();

  // Read and written by execution tiers (see InterruptState).
  InterruptState interrupt;

  // Per-store state of an execution tier (the interpreter's translated-code
  // cache, ...), owned and destroyed with the Store.
  struct Extension {
    virtual ~Extension() = default;
  };
  std::unique_ptr<Extension> interp_state;
  std::unique_ptr<Extension> jit_state;

  // Execution-tier hook (the baseline JIT, jit/jit.h): when set, Invoke runs
  // wasm functions through it instead of interp::Execute (same contract as
  // Execute, called under Invoke's trap-handler entry). The engine never
  // depends on jit/: jit::EnableJit sets this per store, and
  // jit::EnableJitByDefault sets `default_tier_invoke`, which every Store
  // created afterwards copies.
  using TierInvokeFn = bool (*)(Store& store, FuncInstance* func, uint64_t* slots, Trap* trap);
  static inline std::atomic<TierInvokeFn> default_tier_invoke{nullptr};
  TierInvokeFn tier_invoke = default_tier_invoke.load(std::memory_order_relaxed);

  // Tier-up hook (jit::EnableTiering): the interpreter calls it when a callee's
  // FuncInstance::tier_countdown goes negative, with the callee's arguments at
  // `args` (its frame; the value stack above args + max(params, results) is
  // free). The hook either declines (kTierUpInterpret: the interpreter runs the
  // call itself; the hook has reset the countdown) or runs the call in another
  // tier (kTierUpRan: results at args; kTierUpTrapped: *trap is filled).
  enum TierUpResult : int { kTierUpInterpret = 0, kTierUpRan = 1, kTierUpTrapped = 2 };
  using TierUpFn = int (*)(Store& store, FuncInstance* func, uint64_t* args, Trap* trap);
  static inline std::atomic<TierUpFn> default_tier_up{nullptr};
  TierUpFn tier_up = default_tier_up.load(std::memory_order_relaxed);

  // On-stack replacement hook (jit::EnableTiering): the interpreter calls it
  // at a loop back-edge of `func` when the interruption budget's sampling slice
  // ran out there (InterruptState::sampling), with the function's frame at
  // `fp` and `loop` the index of the loop (InterpCode::loop_headers). The hook
  // declines (kTierUpInterpret) or runs the rest of the call from that loop's
  // header in another tier (kTierUpRan: the results at fp[0..]; the
  // interpreter then returns from the function; kTierUpTrapped: *trap filled,
  // its backtrace including `func`).
  using TierOsrFn = int (*)(Store& store, FuncInstance* func, uint64_t* fp, uint32_t loop,
                            Trap* trap);
  static inline std::atomic<TierOsrFn> default_tier_osr{nullptr};
  TierOsrFn tier_osr = default_tier_osr.load(std::memory_order_relaxed);

 private:
  StoreLimits limits_;
  uint64_t* stack_base_ = nullptr;
  uint64_t* stack_end_ = nullptr;
  StoreLease* leases_ = nullptr;  // newest first
  uint32_t instance_count_ = 0;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<FuncInstance>> funcs_;
  std::vector<std::vector<FuncInstance>> func_blocks_;  // NewFuncs; never resized
  std::vector<std::unique_ptr<TableInstance>> tables_;
  std::vector<std::unique_ptr<MemoryInstance>> memories_;
  std::vector<std::unique_ptr<GlobalInstance>> globals_;
  std::vector<std::unique_ptr<TagInstance>> tags_;
  std::vector<std::unique_ptr<Exception>> exceptions_;
};

}  // namespace cascade
