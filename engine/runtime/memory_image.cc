// MemoryImage: building the memfd once, mapping it copy-on-write per instance.
//
// Invariant: fd_ stays open (and sealed) for the image's lifetime; mappings made
// by MapAt keep the file's pages alive independently of the fd.
#include "engine/runtime/memory_image.h"

#include <fcntl.h>
#include <sys/ioctl.h>
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
  void* view = mmap(nullptr, len, PROT_READ, MAP_SHARED, fd, 0);
  if (view == MAP_FAILED) return nullptr;
  image->view_ = static_cast<uint8_t*>(view);
  return image;
}

MemoryImage::~MemoryImage() {
  if (view_ != nullptr) munmap(view_, image_bytes_);
  if (fd_ >= 0) close(fd_);
}

namespace {

// The PAGEMAP_SCAN ioctl of /proc/self/pagemap (Linux 6.7, uapi linux/fs.h),
// declared here because the system headers may predate it.
struct PageRegion {
  uint64_t start, end, categories;
};
struct PmScanArg {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
  uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
constexpr uint64_t kPageIsFile = 1 << 2;
constexpr uint64_t kPageIsPresent = 1 << 3;
constexpr uint64_t kPageIsPfnZero = 1 << 5;
constexpr unsigned long kPagemapScan = _IOWR('f', 16, PmScanArg);

int PagemapFd() {
  static const int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  return fd;
}

}  // namespace

bool RestoreWrittenPages(uint8_t* base, uint64_t len, const MemoryImage* image,
                         uint64_t max_copy_bytes) {
  int fd = PagemapFd();
  if (fd < 0) return false;
  const uint8_t* view = image != nullptr ? image->view() : nullptr;
  uint64_t view_len = image != nullptr ? image->image_bytes() : 0;
  uint64_t begin = reinterpret_cast<uintptr_t>(base), end = begin + len;
  uint64_t copied = 0;
  PageRegion regions[32];
  while (begin < end) {
    PmScanArg arg{};
    arg.size = sizeof(arg);
    arg.start = begin;
    arg.end = end;
    arg.vec = reinterpret_cast<uintptr_t>(regions);
    arg.vec_len = 32;
    // Present, and neither a page-cache page (image, untouched) nor the shared
    // zero page (read but never written).
    arg.category_mask = kPageIsPresent | kPageIsFile | kPageIsPfnZero;
    arg.category_inverted = kPageIsFile | kPageIsPfnZero;
    arg.return_mask = kPageIsPresent;
    long n = ioctl(fd, kPagemapScan, &arg);
    if (n < 0) return false;
    for (long i = 0; i < n; ++i) copied += regions[i].end - regions[i].start;
    if (copied > max_copy_bytes) return false;
    for (long i = 0; i < n; ++i) {
      uint64_t from = regions[i].start - reinterpret_cast<uintptr_t>(base);
      uint64_t to = regions[i].end - reinterpret_cast<uintptr_t>(base);
      uint64_t split = std::clamp(view_len, from, to);
      if (split > from) std::memcpy(base + from, view + from, split - from);
      if (to > split) std::memset(base + split, 0, to - split);
    }
    if (arg.walk_end <= begin) return false;  // no progress: give up
    begin = arg.walk_end;
  }
  return true;
}

bool MemoryImage::MapAt(uint8_t* base) const {
  void* p = mmap(base, image_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0);
  return p != MAP_FAILED;
}

}  // namespace cascade
