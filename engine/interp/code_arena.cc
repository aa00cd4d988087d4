// CodeArena: anonymous mappings bump-allocated under a lock (see code_arena.h).
#include "engine/interp/code_arena.h"

#include <sys/mman.h>

#include <cstdlib>

namespace cascade::interp {
namespace {

constexpr size_t kMaxChunk = size_t{4} << 20;
constexpr size_t kHugePage = size_t{2} << 20;
// Chunks up to this size are populated when mapped: they fill up with code
// right away (the first chunk is where a short program's functions land), and
// one populating mmap costs a fraction of the page faults it replaces (about
// 2.5 us against 9 us per page on the CI machines; bench/RESULTS.md, start-up).
constexpr size_t kPopulateMax = size_t{256} << 10;

void* Map(size_t size) {
  int flags = MAP_PRIVATE | MAP_ANONYMOUS | (size <= kPopulateMax ? MAP_POPULATE : 0);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) std::abort();  // cannot run code without memory for it
#ifdef MADV_HUGEPAGE
  if (size >= kHugePage) madvise(p, size, MADV_HUGEPAGE);
#endif
  return p;
}

}  // namespace

CodeArena::~CodeArena() {
  for (const Mapping& m : mappings_) munmap(m.base, m.size);
}

void* CodeArena::Allocate(size_t bytes) {
  bytes = (bytes + 15) & ~size_t{15};
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<size_t>(end_ - next_) >= bytes) [[likely]] {
    void* p = next_;
    next_ += bytes;
    return p;
  }
  return Grow(bytes);
}

void* CodeArena::Grow(size_t bytes) {
  if (bytes > next_chunk_ / 2) {  // a big function: its own mapping, keep the chunk
    size_t size = (bytes + 4095) & ~size_t{4095};
    void* p = Map(size);
    mappings_.push_back({p, size});
    return p;
  }
  size_t size = next_chunk_;
  if (next_chunk_ < kMaxChunk) next_chunk_ *= 2;
  char* p = static_cast<char*>(Map(size));
  mappings_.push_back({p, size});
  next_ = p + bytes;
  end_ = p + size;
  return p;
}

}  // namespace cascade::interp
