// CodeMemory: memfd chunks mapped RW + RX, or per-block anonymous mappings
// flipped RW -> RX (see code_memory.h).
#include "jit/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "engine/runtime/page_populate.h"

namespace cascade::jit {

namespace {
constexpr size_t kChunkBytes = size_t{4} << 20;
constexpr size_t kAlign = 16;
}  // namespace

CodeMemory::~CodeMemory() {
  for (const Chunk& c : chunks_) {
    munmap(c.write, c.size);
    if (c.exec != c.write) munmap(c.exec, c.size);
  }
}

static std::atomic<bool> anonymous_default{false};  // UseAnonymousMappings

void CodeMemory::UseAnonymousMappings(bool on) { anonymous_default.store(on); }

CodeMemory::CodeMemory() : anonymous_(anonymous_default.load()) {}

void CodeMemory::Commit(const Block& b, size_t size) {
  if (!anonymous_ || size == 0) return;
  mprotect(b.write, size, PROT_READ | PROT_EXEC);  // the block starts its own mapping
}

CodeMemory::Block CodeMemory::Allocate(size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  size = (size + kAlign - 1) & ~(kAlign - 1);
  if (anonymous_) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t n = (size + page - 1) & ~(page - 1);
    void* p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return {};
    auto* bytes = static_cast<uint8_t*>(p);
    chunks_.push_back({bytes, bytes, n});
    used_ += size;
    return {bytes, bytes};
  }
  if (chunks_.empty() || chunks_.back().size - cursor_ < size) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t n = size > kChunkBytes ? (size + page - 1) & ~(page - 1) : kChunkBytes;
    int fd = memfd_create("cascade-jit", MFD_CLOEXEC);
    if (fd < 0) return {};
    if (ftruncate(fd, static_cast<off_t>(n)) != 0) {
      close(fd);
      return {};
    }
    void* w = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void* x = mmap(nullptr, n, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    if (w == MAP_FAILED || x == MAP_FAILED) {
      if (w != MAP_FAILED) munmap(w, n);
      if (x != MAP_FAILED) munmap(x, n);
      return {};
    }
    chunks_.push_back({static_cast<uint8_t*>(w), static_cast<uint8_t*>(x), n});
    cursor_ = 0;
    populated_ = 0;
  }
  Chunk& c = chunks_.back();
  Block b{c.write + cursor_, c.exec + cursor_};
  cursor_ += size;
  if (cursor_ > populated_) Populate(c);
  used_ += size;
  return b;
}

// Maps in the pages from `populated_` up to past the cursor, a window at a
// time, in both views: one madvise per window instead of two page faults per
// page (a write fault in the RW view, then a fault in the RX view when the code
// first runs).
void CodeMemory::Populate(const Chunk& c) {
  constexpr size_t kWindow = size_t{128} << 10;
  size_t end = std::min(c.size, (cursor_ + kWindow) & ~(kWindow - 1));
  if (end <= populated_) return;
  PopulatePages(c.write + populated_, end - populated_, /*write=*/true);
  PopulatePages(c.exec + populated_, end - populated_, /*write=*/false);
  populated_ = end;
}

bool CodeMemory::Contains(const void* pc) const {
  auto p = static_cast<const uint8_t*>(pc);
  for (const Chunk& c : chunks_) {
    if (p >= c.exec && p < c.exec + c.size) return true;
  }
  return false;
}

}  // namespace cascade::jit
