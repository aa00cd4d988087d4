// CodeMemory: executable memory for JIT code, W^X. Code is written into
// page-aligned space of a read-write chunk (4 MiB mappings), then those pages
// are made read+execute (adjacent RX pages merge into one mapping); pages are
// never writable and executable at once. Everything is unmapped with the
// CodeMemory (one per Store's JIT state, so code dies with the Store that
// compiled it).
//
// Invariants: every range handed out stays mapped RX until destruction;
// Contains(pc) is exact for installed ranges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cascade::jit {

class CodeMemory {
 public:
  CodeMemory() = default;
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  ~CodeMemory();

  // Reserves `size` bytes of writable memory for code about to be installed;
  // returns nullptr when mmap fails. Must be followed by Seal(ptr).
  uint8_t* Allocate(size_t size);
  // Makes the range returned by the last Allocate read+execute. Returns false
  // when mprotect fails (the range must then not be run).
  bool Seal(uint8_t* ptr);

  bool Contains(const void* pc) const;
  size_t bytes_mapped() const { return bytes_; }

 private:
  struct Range {
    uint8_t* base;
    size_t size;
  };
  std::vector<Range> chunks_;
  uint8_t* cursor_ = nullptr;  // next free page in the newest chunk
  uint8_t* chunk_end_ = nullptr;
  uint8_t* pending_ = nullptr;  // the last Allocate, until Seal
  size_t pending_size_ = 0;
  size_t bytes_ = 0;
};

}  // namespace cascade::jit
