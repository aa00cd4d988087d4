// Memory images: the initial contents of one linear memory (all active data
// segments with constant offsets, applied in order) held once per module in an
// anonymous memfd, and mapped copy-on-write (MAP_PRIVATE) into each new
// instance's memory, so instantiation costs one mmap (or nothing, for a reused
// pool slot) however large the data is.
//
//   memfd:   [ image_bytes, zero-filled where no segment wrote ]
//   memory:  base ──▶ [ MAP_PRIVATE view of the memfd | anonymous, zero ... ]
//                      0            image_bytes         initial size
//
// Resetting a slot for reuse copies the image back over the pages the instance
// wrote (found with PAGEMAP_SCAN: no page-table changes, which cost tens of
// microseconds each on virtualized hosts), or, when that is unavailable or too
// much was written, madvise(MADV_DONTNEED) over the memory: private copies of
// file pages are dropped (the image shows through again), anonymous pages read
// as zero again.
//
// Invariants: image_bytes is a multiple of the OS page size and never larger
// than the memory's initial size rounded up to OS pages; the memfd is sealed
// against writes after Build, so every instance sees the same image.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

namespace cascade {

class MemoryImage {
 public:
  // One active data segment: `bytes` copied to byte offset `offset`.
  struct Segment {
    uint64_t offset = 0;
    std::span<const uint8_t> bytes;
  };

  // Builds the image of a memory of `initial_bytes` bytes with `segments`
  // applied in order (later segments overwrite earlier ones). Each segment must
  // lie inside [0, initial_bytes) (the caller checked: an out-of-bounds segment
  // traps at instantiation instead). Returns nullptr when there is nothing to
  // map (no non-empty segment) or the memfd cannot be created; the caller then
  // copies segments the slow way.
  static std::unique_ptr<MemoryImage> Build(uint64_t initial_bytes,
                                            std::span<const Segment> segments);

  ~MemoryImage();
  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;

  // Bytes covered by the image (OS-page multiple).
  uint64_t image_bytes() const { return image_bytes_; }

  // Maps the image read/write copy-on-write at `base` (MAP_FIXED over
  // [base, base + image_bytes), which must be inside a reservation the caller
  // owns). Returns false if mmap failed (the range is then unchanged or
  // PROT_NONE; the caller gives up on this reservation).
  bool MapAt(uint8_t* base) const;

  // A read-only shared view of the image (the pristine bytes).
  const uint8_t* view() const { return view_; }

 private:
  MemoryImage() = default;
  int fd_ = -1;
  uint64_t image_bytes_ = 0;
  uint8_t* view_ = nullptr;
};

// Restores [base, base + len) of a pooled memory to its initial contents
// (`image`'s bytes over [0, image->image_bytes()), zeros after; `image` may be
// null) without changing page tables: the pages the instance wrote are found
// with the PAGEMAP_SCAN ioctl (present, not file-backed, not the zero page) and
// copied back; pages it only read, or never touched, are already right. Pages
// stay resident for the next instance. Returns false (nothing done) when the
// kernel lacks PAGEMAP_SCAN or more than `max_copy_bytes` would be copied; the
// caller then drops the pages with madvise(MADV_DONTNEED) instead.
bool RestoreWrittenPages(uint8_t* base, uint64_t len, const MemoryImage* image,
                         uint64_t max_copy_bytes);

}  // namespace cascade
