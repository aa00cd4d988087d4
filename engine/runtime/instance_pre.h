// InstancePre: a validated module with its imports resolved and type-checked
// and everything instantiation can compute once done up front, so that each
// new instance costs a few pointer writes (spec 4.5.4 "Instantiation", with the
// work reordered; the observable result is the same).
//
//   Create (once per module + linker) ─┬─ imports resolved + checked (ResolveImports)
//                                      ├─ MemoryImage per memory (memfd, active data)
//                                      └─ slot 0 built: function/global/table/memory/tag
//                                         instances, element segments applied, and a
//                                         snapshot of their initial state
//   Instantiate (per instance) ──▶ take a free slot (or build one), lease it to the
//                                  Store, run the start function
//   Store dies / DropInstance ───▶ slot reset: memories madvise(MADV_DONTNEED)
//                                  back to the image, tables/globals/segments
//                                  copied back from the snapshot; slot reused
//
// The pooled path applies when imports are functions, tags and immutable
// globals only (their objects then never change between instances), every
// constant expression evaluates at Create, and no active segment is out of
// bounds. Otherwise Instantiate does the full work of cascade::Instantiate with
// the same resolved definitions (still correct, not microseconds).
//
// Invariants:
//  * A free slot is indistinguishable from a freshly built one (same initial
//    memory contents and sizes, table elements, globals, segment instances);
//    its function instances keep their translated code across reuses (code
//    depends only on the module and the memory layout, both fixed per slot).
//  * Imported objects must outlive the InstancePre and every instance made
//    from it (typically host functions owned by a long-lived Store).
//  * Thread-safe: Instantiate may be called concurrently (each into its own
//    Store); the free list is guarded by a mutex.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/module.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/store.h"

namespace cascade {

struct InstancePreOptions {
  // Address space reserved per linear memory, bytes. At least 8 GiB + 64 KiB
  // (the default) gives memory32 the guarded layout (no bounds checks, faults
  // become traps). Smaller values are the "no large reservation" mode: each
  // memory reserves min(its maximum, this) bytes, accesses are checked
  // explicitly, and growing past the reservation moves the memory.
  uint64_t max_memory_reservation = (uint64_t{8} << 30) + (uint64_t{64} << 10);
  // Free slots kept for reuse; a slot released when the pool is full is freed.
  uint32_t max_free_slots = 64;
};

class InstancePre {
 public:
  // Resolves the imports of validated `module` in `linker` and prepares
  // instantiation. Returns nullptr with `*error` filled when an import is
  // missing or mistyped (link_error = true) or the memory image cannot be built.
  // A segment that would trap, or a constant expression the runtime cannot
  // evaluate, does not fail here: Instantiate reports it (full path).
  static std::shared_ptr<InstancePre> Create(const Linker& linker,
                                             std::shared_ptr<const Module> module,
                                             const InstancePreOptions& options,
                                             InstantiateError* error);
  ~InstancePre();
  InstancePre(const InstancePre&) = delete;
  InstancePre& operator=(const InstancePre&) = delete;

  // A new instance in `store` (spec 4.5.4 steps after import resolution,
  // including the start function). Returns nullptr with `*error` filled on a
  // trap, on store limits (max_instances, max_memory_bytes,
  // max_table_elements) or when memory cannot be had. The instance lives until
  // the Store dies or Store::DropInstance releases it.
  Instance* Instantiate(Store& store, InstantiateError* error);

  const Module& module() const;
  std::shared_ptr<const Module> module_ref() const;
  // Whether the pooled copy-on-write path applies (see above).
  bool pooled() const;
  // Free slots waiting for reuse (for tests and statistics).
  uint32_t free_slots() const;
  // Whether memory 0 of pooled instances is guarded (8 GiB reservation).
  bool guarded_memory() const;

  struct Pool;  // implementation (instance_pre.cc)

 private:
  explicit InstancePre(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}
  std::shared_ptr<Pool> pool_;
};

}  // namespace cascade
