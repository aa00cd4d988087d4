// A bump allocator for a module's translated code (code_cache.h): functions'
// InterpCode blocks are carved out of large mappings instead of one malloc
// each, and freed all at once with the arena (with the module).
//
// Invariants: chunks grow geometrically (64 KiB doubling to 4 MiB), so a small
// module costs little while a big one takes few page faults (chunks of 2 MiB
// and more ask for transparent huge pages); requests larger than a chunk get
// their own mapping. Allocate is thread-safe (a short lock around the bump).
// Returned blocks are 16-byte aligned and never move.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

namespace cascade::interp {

class CodeArena {
 public:
  CodeArena() = default;
  ~CodeArena();
  CodeArena(const CodeArena&) = delete;
  CodeArena& operator=(const CodeArena&) = delete;

  // `bytes` bytes, 16-byte aligned; aborts if address space is exhausted.
  void* Allocate(size_t bytes);

 private:
  struct Mapping {
    void* base;
    size_t size;
  };
  [[gnu::noinline, gnu::cold]] void* Grow(size_t bytes);

  std::mutex mu_;
  char* next_ = nullptr;
  char* end_ = nullptr;
  size_t next_chunk_ = size_t{64} << 10;
  std::vector<Mapping> mappings_;
};

}  // namespace cascade::interp
