// MemoryImage: building the memfd once, mapping it copy-on-write per instance.
//
// Invariant: fd_ stays open (and sealed) for the image's lifetime; mappings made
// by MapAt keep the file's pages alive independently of the fd.
#include "engine/runtime/memory_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace cascade {
namespace {

uint64_t PageBytes() {
  static const uint64_t size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

std::unique_ptr<MemoryImage> MemoryImage::Build(uint64_t initial_bytes,
                                                std::span<const Segment> segments) {
  uint64_t end = 0;
  for (const Segment& s : segments) {
    if (!s.bytes.empty()) end = std::max(end, s.offset + s.bytes.size());
  }
  if (end == 0 || end > initial_bytes) return nullptr;
  uint64_t page = PageBytes();
  uint64_t len = (end + page - 1) / page * page;
  int fd = memfd_create("cascade-memory-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return nullptr;
  std::unique_ptr<MemoryImage> image(new MemoryImage());
  image->fd_ = fd;
  image->image_bytes_ = len;
  if (ftruncate(fd, static_cast<off_t>(len)) != 0) return nullptr;
  // Write the segments through a temporary shared mapping (one copy of the data).
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return nullptr;
  auto* dst = static_cast<uint8_t*>(p);
  for (const Segment& s : segments) {
    if (!s.bytes.empty()) std::memcpy(dst + s.offset, s.bytes.data(), s.bytes.size());
  }
  munmap(p, len);
  fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return image;
}

MemoryImage::~MemoryImage() {
  if (fd_ >= 0) close(fd_);
}

bool MemoryImage::MapAt(uint8_t* base) const {
  void* p = mmap(base, image_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0);
  return p != MAP_FAILED;
}

}  // namespace cascade
