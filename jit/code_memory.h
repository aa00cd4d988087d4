// CodeMemory: executable memory for JIT code, W^X by dual mapping. Each 4 MiB
// chunk is a memfd mapped twice: once read+write (where code is copied in) and
// once read+execute (where it runs); no page is ever writable and executable
// in the same mapping, and installing a function costs no mprotect (no TLB
// shootdown). Pages are mapped in, in both views, a 128 KiB window ahead of
// the allocation cursor (one madvise each instead of two faults per page).
// Everything is unmapped with the CodeMemory (one per module, in its JIT code
// cache: code dies with the module it was compiled from).
//
// Invariants: Allocate hands out 16-byte aligned, non-overlapping ranges;
// `exec` and `write` of one allocation alias the same bytes; Contains(pc) is
// exact for the executable views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace cascade::jit {

class CodeMemory {
 public:
  struct Block {
    uint8_t* write = nullptr;  // where to copy the code
    uint8_t* exec = nullptr;   // where it runs (relocate against this)
  };

  CodeMemory();
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  ~CodeMemory();

  // Room for `size` bytes of code; {nullptr, nullptr} when memory runs out.
  // Safe to call from several compiling threads at once (eager compilation).
  Block Allocate(size_t size);

  // Makes the `size` bytes of `b`, just written, executable. A no-op for the
  // dual mapping; in anonymous mode, flips the block's own pages from RW to RX.
  void Commit(const Block& b, size_t size);
  bool Contains(const void* pc) const;

  // Anonymous mode, for every CodeMemory created afterwards: each Allocate
  // gets its own page-aligned anonymous mapping, written RW and then turned RX
  // by Commit (still never writable and executable at once). Used with the
  // perf map (perf_map.h): perf looks up /tmp/perf-PID.map only for
  // anonymous executable mappings, and names the memfd views after the memfd.
  static void UseAnonymousMappings(bool on);
  size_t bytes_used() const { return used_; }

 private:
  struct Chunk {
    uint8_t* write;
    uint8_t* exec;
    size_t size;
  };
  bool anonymous_;
  std::mutex mu_;  // Allocate from parallel compiles
  std::vector<Chunk> chunks_;
  void Populate(const Chunk& c);

  size_t cursor_ = 0;  // next free byte of the newest chunk
  size_t populated_ = 0;  // bytes of the newest chunk mapped in (Populate)
  size_t used_ = 0;
};

}  // namespace cascade::jit
