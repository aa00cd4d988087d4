// CodeMemory: executable memory for JIT code, W^X by dual mapping. Each 4 MiB
// chunk is a memfd mapped twice: once read+write (where code is copied in) and
// once read+execute (where it runs); no page is ever writable and executable
// in the same mapping, and installing a function costs no mprotect (no TLB
// shootdown). Everything is unmapped with the CodeMemory (one per Store's JIT
// state, so code dies with the Store that compiled it).
//
// Invariants: Allocate hands out 16-byte aligned, non-overlapping ranges;
// `exec` and `write` of one allocation alias the same bytes; Contains(pc) is
// exact for the executable views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cascade::jit {

class CodeMemory {
 public:
  struct Block {
    uint8_t* write = nullptr;  // where to copy the code
    uint8_t* exec = nullptr;   // where it runs (relocate against this)
  };

  CodeMemory() = default;
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  ~CodeMemory();

  // Room for `size` bytes of code; {nullptr, nullptr} when memory runs out.
  Block Allocate(size_t size);

  bool Contains(const void* pc) const;
  size_t bytes_used() const { return used_; }

 private:
  struct Chunk {
    uint8_t* write;
    uint8_t* exec;
    size_t size;
  };
  std::vector<Chunk> chunks_;
  size_t cursor_ = 0;  // next free byte of the newest chunk
  size_t used_ = 0;
};

}  // namespace cascade::jit
