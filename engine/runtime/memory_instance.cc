// Linear memory allocation and growth.
//
// Three layouts, tried in order:
//   guarded    memory32, 64 KiB pages: reserve kGuardedReservation bytes
//              PROT_NONE, commit [0, size) read/write; faults become traps.
//   reserved   otherwise: reserve max_pages * page size, commit on grow; the base
//              never moves, accesses are checked explicitly.
//   moving     reservation failed (address-space limits, huge memory64 maxima):
//              map exactly the current size and move on grow (not for shared
//              memories, which then fail to allocate).
// InitPooled may cap the reservation (the "no large reservation" mode of
// instance_pre.h): then memory32 is unguarded too, and a grow past the cap
// switches to the moving layout.
// Mapped lengths are multiples of the OS page size; a 0-byte memory still maps
// one inaccessible OS page so `base` is never null.
#include "engine/runtime/memory_instance.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "engine/runtime/instance.h"
#include "engine/runtime/memory_image.h"
#include "engine/runtime/trap_handler.h"

namespace cascade {
namespace {

// 4 GiB of u32 address + 4 GiB of u32 static offset + room for the widest access.
constexpr uint64_t kGuardedReservation = (uint64_t{8} << 30) + (uint64_t{64} << 10);

// ResetPooled copies back at most this many written bytes; beyond, dropping
// the pages (and faulting them in again) is cheaper.
constexpr uint64_t kMaxRestoreBytes = uint64_t{4} << 20;

uint64_t OsPageSize() {
  static const uint64_t size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return size;
}

uint64_t RoundUpToOsPage(uint64_t n) {
  uint64_t p = OsPageSize();
  return (n + p - 1) / p * p;
}

uint8_t* Reserve(uint64_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

bool Commit(uint8_t* base, uint64_t from, uint64_t to) {
  uint64_t a = RoundUpToOsPage(from), b = RoundUpToOsPage(to);
  if (b <= a) return true;
  return mprotect(base + a, b - a, PROT_READ | PROT_WRITE) == 0;
}

}  // namespace

MemoryInstance::~MemoryInstance() {
  if (base == nullptr) return;
  if (guarded) trap_handler::UnregisterReservation(base);
  munmap(base, reserved_bytes);
}

bool MemoryInstance::SetStoreLimit(uint64_t store_max_bytes) {
  uint64_t addr_max_pages;
  if (limits.is64) {
    addr_max_pages = limits.page_size_log2 == 0 ? ~uint64_t{0} : (uint64_t{1} << (64 - limits.page_size_log2));
  } else {
    addr_max_pages = limits.page_size_log2 == 0 ? 0xFFFFFFFFull : (uint64_t{1} << (32 - limits.page_size_log2));
  }
  max_pages = std::min(limits.has_max ? limits.max : addr_max_pages, addr_max_pages);
  max_pages = std::min(max_pages, store_max_bytes / page_size());
  return limits.min <= max_pages;
}

bool MemoryInstance::Init(const Limits& type, uint64_t store_max_bytes, std::string* error) {
  return InitPooled(type, store_max_bytes, ~uint64_t{0}, nullptr, error);
}

bool MemoryInstance::InitPooled(const Limits& type, uint64_t store_max_bytes,
                                uint64_t max_reserve_bytes, const MemoryImage* image,
                                std::string* error) {
  limits = type;
  uint64_t page = page_size();
  if (!SetStoreLimit(store_max_bytes)) {
    *error = "memory size exceeds implementation limit";
    return false;
  }
  uint64_t initial = type.min * page;
  if (!Layout(initial, max_reserve_bytes, error)) return false;
  if (image == nullptr) return true;
  this->image = image;
  if (image->image_bytes() > RoundUpToOsPage(initial) || !image->MapAt(base)) {
    *error = "cannot map memory image";
    return false;
  }
  return true;
}

bool MemoryInstance::ResetPooled() {
  if (moved) return false;
  uint64_t initial = limits.min * page_size();
  uint64_t used = RoundUpToOsPage(size_bytes);
  uint64_t keep = RoundUpToOsPage(initial);
  if (used > keep && madvise(base + keep, used - keep, MADV_DONTNEED) != 0) return false;
  if (keep > 0 && !RestoreWrittenPages(base, keep, image, kMaxRestoreBytes) &&
      madvise(base, keep, MADV_DONTNEED) != 0) {
    return false;
  }
  if (used > keep && mprotect(base + keep, used - keep, PROT_NONE) != 0) return false;
  size_bytes = initial;
  return true;
}

bool MemoryInstance::Layout(uint64_t initial, uint64_t max_reserve_bytes, std::string* error) {
  const Limits& type = limits;
  uint64_t page = page_size();
  if (!type.is64 && type.page_size_log2 == 16 && max_reserve_bytes >= kGuardedReservation &&
      trap_handler::Install()) {
    uint8_t* p = Reserve(kGuardedReservation);
    if (p != nullptr) {
      if (trap_handler::RegisterReservation(p, kGuardedReservation) && Commit(p, 0, initial)) {
        base = p;
        reserved_bytes = kGuardedReservation;
        size_bytes = initial;
        guarded = true;
        return true;
      }
      trap_handler::UnregisterReservation(p);
      munmap(p, kGuardedReservation);
    }
  }

  uint64_t max_bytes = RoundUpToOsPage(std::max<uint64_t>(max_pages * page, 1));
  if (max_bytes > max_reserve_bytes && !type.shared) {
    max_bytes = RoundUpToOsPage(std::max<uint64_t>(std::max(initial, max_reserve_bytes), 1));
  }
  if (uint8_t* p = Reserve(max_bytes); p != nullptr) {
    if (Commit(p, 0, initial)) {
      base = p;
      reserved_bytes = max_bytes;
      size_bytes = initial;
      return true;
    }
    munmap(p, max_bytes);
  }
  if (type.shared) {
    *error = "cannot reserve address space for shared memory";
    return false;
  }
  uint64_t len = RoundUpToOsPage(std::max<uint64_t>(initial, 1));
  void* p = mmap(nullptr, len, initial == 0 ? PROT_NONE : PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    *error = "out of memory allocating linear memory";
    return false;
  }
  base = static_cast<uint8_t*>(p);
  reserved_bytes = len;
  size_bytes = initial;
  moved = true;
  return true;
}

void MemoryInstance::AddUser(Instance* inst) {
  std::lock_guard<std::mutex> lock(users_mutex);
  users.push_back(inst);
}

void MemoryInstance::RemoveUser(Instance* inst) {
  std::lock_guard<std::mutex> lock(users_mutex);
  for (size_t i = 0; i < users.size(); ++i) {
    if (users[i] == inst) {
      users[i] = users.back();
      users.pop_back();
      return;
    }
  }
}

int64_t MemoryInstance::Grow(uint64_t delta_pages) {
  std::lock_guard<std::mutex> lock(users_mutex);
  uint64_t old_pages = pages();
  if (delta_pages > max_pages - old_pages) return -1;
  if (delta_pages == 0) return static_cast<int64_t>(old_pages);
  uint64_t new_size = (old_pages + delta_pages) << limits.page_size_log2;
  if (new_size <= reserved_bytes) {
    if (!Commit(base, size_bytes, new_size)) return -1;
  } else {
    // Moving layout: map the new size, copy, unmap the old.
    uint64_t len = RoundUpToOsPage(new_size);
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return -1;
    std::memcpy(p, base, size_bytes);
    munmap(base, reserved_bytes);
    base = static_cast<uint8_t*>(p);
    reserved_bytes = len;
    moved = true;
  }
  size_bytes = new_size;
  for (Instance* user : users) {
    user->memory0_base = base;
    user->memory0_size = size_bytes;
  }
  return static_cast<int64_t>(old_pages);
}

}  // namespace cascade
