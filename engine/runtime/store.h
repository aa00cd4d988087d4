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
#pragma once

#include <cstdint>
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
};

class Store {
 public:
  explicit Store(StoreLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreLimits& limits() const { return limits_; }

  // Allocation of runtime objects; the Store owns the result.
  Instance* NewInstance();
  FuncInstance* NewFunc();
  TableInstance* NewTable();
  MemoryInstance* NewMemory();
  GlobalInstance* NewGlobal();
  TagInstance* NewTag();
  Exception* NewException();

  // A host function of canonical func type `canonical_type_id`.
  FuncInstance* NewHostFunc(uint32_t canonical_type_id, HostFunc fn, void* data = nullptr);

  // The value stack (slots). Reserved on first use.
  uint64_t* stack_base();
  uint64_t* stack_end() { stack_base(); return stack_end_; }
  uint64_t* stack_top = nullptr;  // first free slot while the host runs (see above)
  uint32_t host_depth = 0;        // nesting of Invoke (see StoreLimits::max_host_reentry)

  // Per-store state of an execution tier (the interpreter's translated-code
  // cache, ...), owned and destroyed with the Store.
  struct Extension {
    virtual ~Extension() = default;
  };
  std::unique_ptr<Extension> interp_state;
  std::unique_ptr<Extension> jit_state;

 private:
  StoreLimits limits_;
  uint64_t* stack_base_ = nullptr;
  uint64_t* stack_end_ = nullptr;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<FuncInstance>> funcs_;
  std::vector<std::unique_ptr<TableInstance>> tables_;
  std::vector<std::unique_ptr<MemoryInstance>> memories_;
  std::vector<std::unique_ptr<GlobalInstance>> globals_;
  std::vector<std::unique_ptr<TagInstance>> tags_;
  std::vector<std::unique_ptr<Exception>> exceptions_;
};

}  // namespace cascade
