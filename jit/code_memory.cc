// CodeMemory: page-aligned code in RW chunks, sealed RX (see code_memory.h).
#include "jit/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

namespace cascade::jit {

namespace {
constexpr size_t kChunkBytes = size_t{4} << 20;
size_t PageRound(size_t n) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (n + page - 1) & ~(page - 1);
}
}  // namespace

CodeMemory::~CodeMemory() {
  for (const Range& r : chunks_) munmap(r.base, r.size);
}

uint8_t* CodeMemory::Allocate(size_t size) {
  size_t n = PageRound(size == 0 ? 1 : size);
  if (cursor_ == nullptr || static_cast<size_t>(chunk_end_ - cursor_) < n) {
    size_t c = n > kChunkBytes ? n : kChunkBytes;
    void* p = mmap(nullptr, c, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    chunks_.push_back({static_cast<uint8_t*>(p), c});
    cursor_ = static_cast<uint8_t*>(p);
    chunk_end_ = cursor_ + c;
  }
  pending_ = cursor_;
  pending_size_ = n;
  cursor_ += n;
  bytes_ += n;
  return pending_;
}

bool CodeMemory::Seal(uint8_t* ptr) {
  if (ptr != pending_ || ptr == nullptr) return false;
  pending_ = nullptr;
  return mprotect(ptr, pending_size_, PROT_READ | PROT_EXEC) == 0;
}

bool CodeMemory::Contains(const void* pc) const {
  auto p = static_cast<const uint8_t*>(pc);
  for (const Range& r : chunks_) {
    if (p >= r.base && p < r.base + r.size) return true;
  }
  return false;
}

}  // namespace cascade::jit
