// CodeMemory: memfd chunks mapped RW + RX (see code_memory.h).
#include "jit/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

namespace cascade::jit {

namespace {
constexpr size_t kChunkBytes = size_t{4} << 20;
constexpr size_t kAlign = 16;
}  // namespace

CodeMemory::~CodeMemory() {
  for (const Chunk& c : chunks_) {
    munmap(c.write, c.size);
    munmap(c.exec, c.size);
  }
}

CodeMemory::Block CodeMemory::Allocate(size_t size) {
  size = (size + kAlign - 1) & ~(kAlign - 1);
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
  }
  Chunk& c = chunks_.back();
  Block b{c.write + cursor_, c.exec + cursor_};
  cursor_ += size;
  used_ += size;
  return b;
}

bool CodeMemory::Contains(const void* pc) const {
  auto p = static_cast<const uint8_t*>(pc);
  for (const Chunk& c : chunks_) {
    if (p >= c.exec && p < c.exec + c.size) return true;
  }
  return false;
}

}  // namespace cascade::jit
