// PopulatePages (page_populate.h).
#include "engine/runtime/page_populate.h"

#include <sys/mman.h>

#include <cstdint>

namespace cascade {

bool PopulatePages(void* p, size_t bytes, bool write) {
#ifndef MADV_POPULATE_READ
  constexpr int MADV_POPULATE_READ = 22;   // Linux 5.14
  constexpr int MADV_POPULATE_WRITE = 23;
#endif
  constexpr uintptr_t kPage = 4096;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kPage - 1);
  if (end <= begin) return false;
  return madvise(reinterpret_cast<void*>(begin), end - begin,
                 write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ) == 0;
}

}  // namespace cascade
