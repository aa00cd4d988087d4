// Linear memory instances (spec 4.2.8), with the address-space layout that lets
// memory32 accesses skip bounds checks.
//
//   base                      base + size_bytes        base + reserved_bytes
//   │ committed (read/write)  │ PROT_NONE ...          │
//   └─────────────────────────┴────────────────────────┘
//   guarded memory32: reserved_bytes >= 8 GiB + guard, so base + u32 addr + u32
//   offset + access size always lands inside the reservation; touching the
//   PROT_NONE part faults and trap_handler.h turns the fault into the trap
//   "out of bounds memory access".
//
// Invariants:
//  * size_bytes == pages * page size; pages <= max_pages.
//  * `guarded` implies memory32, 64 KiB pages, and a successful 8 GiB
//    reservation (registered with trap_handler). Otherwise every access must be
//    checked explicitly: addr + offset + size <= size_bytes.
//  * `base` never moves when guarded or shared. An unguarded memory may move on
//    Grow; Grow then updates Instance::memory0_base/size of every instance in
//    `users` (those whose memory 0 is this one).
//  * base is never null (a 0-byte memory still has a valid, inaccessible base).
#pragma once

#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "engine/module.h"

namespace cascade {

struct Instance;
class MemoryImage;

struct MemoryInstance {
  uint8_t* base = nullptr;
  uint64_t size_bytes = 0;
  Limits limits;               // the memory type; limits.min is the *initial* size
  uint64_t max_pages = 0;      // effective maximum: declared max, store limit, address type
  uint64_t reserved_bytes = 0; // bytes of address space mapped at `base` (reserved + committed)
  bool guarded = false;
  bool moved = false;          // the "moving" layout: base changes on Grow
  const MemoryImage* image = nullptr;  // pooled memories: initial contents (may be null)
  std::vector<Instance*> users;  // instances with this as memory 0; guarded by users_mutex
  // Guards `users` and Grow: a shared memory is imported by instances of
  // several stores and grown from their threads at once.
  std::mutex users_mutex;

  MemoryInstance() = default;
  MemoryInstance(const MemoryInstance&) = delete;
  MemoryInstance& operator=(const MemoryInstance&) = delete;
  ~MemoryInstance();

  uint64_t page_size() const { return uint64_t{1} << limits.page_size_log2; }
  uint64_t pages() const { return size_bytes >> limits.page_size_log2; }

  // Allocates the memory for `type` with `type.min` pages, capping the maximum
  // at `store_max_bytes`. Returns false with `*error` set when the address
  // space or memory cannot be had (the instantiation then fails).
  bool Init(const Limits& type, uint64_t store_max_bytes, std::string* error);

  // For pooled instance slots (instance_pre.h): like Init, but reserves at most
  // `max_reserve_bytes` of address space (below the 8 GiB guarded layout, the
  // memory is unguarded and checked explicitly; a grow past the reservation
  // moves it), then maps `image` (may be null) copy-on-write over its start.
  bool InitPooled(const Limits& type, uint64_t store_max_bytes, uint64_t max_reserve_bytes,
                  const MemoryImage* image, std::string* error);
  // Returns a pooled memory to the state InitPooled left: size limits.min
  // pages, contents the image (or zeros): written pages copied back
  // (RestoreWrittenPages, memory_image.h), else dropped with MADV_DONTNEED.
  // Returns false when that cannot be done in place (the memory moved; the
  // slot must then be rebuilt).
  bool ResetPooled();
  // Recomputes max_pages for a new store limit (per instantiation of a pooled
  // slot). Returns false when the initial size exceeds it.
  bool SetStoreLimit(uint64_t store_max_bytes);

  // Registers / unregisters `inst` as a user (an instance with this as memory
  // 0, whose memory0_base/size Grow keeps current). Thread-safe.
  void AddUser(Instance* inst);
  void RemoveUser(Instance* inst);

  // memory.grow (spec 4.4.7): grows by `delta_pages`, zero-filled. Returns the
  // old size in pages, or -1 when the result would exceed max_pages or memory
  // is unavailable (the memory is then unchanged). Thread-safe against other
  // Grow, AddUser and RemoveUser calls on this memory.
  int64_t Grow(uint64_t delta_pages);

  // An address, length or page-count operand read from a 64-bit value slot:
  // i64 for memory64, else the i32 in the slot's low bits.
  uint64_t Operand(uint64_t slot) const {
    return limits.is64 ? slot : static_cast<uint32_t>(slot);
  }
  // The instructions both tiers run on a memory (spec 4.4.7), operands as
  // read from their slots. GrowOp returns memory.grow's result value (the old
  // size in pages, or -1 as the address type). FillOp and CopyOp return false
  // (trap: out of bounds, nothing written) or do memory.fill / memory.copy;
  // CopyOp's length is an i64 only when both memories are memory64.
  uint64_t GrowOp(uint64_t delta) { return Operand(static_cast<uint64_t>(Grow(Operand(delta)))); }
  // Inline: the interpreter's handlers expand them in its dispatch loop,
  // where an out-of-line call cost 20% on bench/programs/sort (register
  // allocation of the whole loop changes).
  bool FillOp(uint64_t dst, uint64_t value, uint64_t n) {
    uint64_t d = Operand(dst), len = Operand(n);
    if (!InBounds(d, len)) return false;
    std::memset(base + d, static_cast<int>(value & 0xFF), len);
    return true;
  }
  static bool CopyOp(MemoryInstance& dst_mem, uint64_t dst, const MemoryInstance& src_mem,
                     uint64_t src, uint64_t n) {
    uint64_t d = dst_mem.Operand(dst), s = src_mem.Operand(src);
    uint64_t len = dst_mem.limits.is64 && src_mem.limits.is64 ? n : static_cast<uint32_t>(n);
    if (!dst_mem.InBounds(d, len) || !src_mem.InBounds(s, len)) return false;
    std::memmove(dst_mem.base + d, src_mem.base + s, len);
    return true;
  }

  // Explicit bounds check for an access of `len` bytes at effective address
  // `addr` (already including the static offset; callers handle overflow of the
  // sum themselves or use the 3-argument form).
  bool InBounds(uint64_t addr, uint64_t len) const {
    return addr <= size_bytes && len <= size_bytes - addr;
  }
  bool InBounds(uint64_t addr, uint64_t offset, uint64_t len) const {
    uint64_t ea = addr + offset;
    return ea >= addr && InBounds(ea, len);
  }

 private:
  // Reserves and commits `initial` bytes in the first layout that works.
  bool Layout(uint64_t initial, uint64_t max_reserve_bytes, std::string* error);
};

}  // namespace cascade
