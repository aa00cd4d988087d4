// The state behind a WasiContext: the guest's fd table (guest fd -> host fd
// and what kind of object it is), argv and environ, and the per-call context
// (`Call`) that every wasi_snapshot_preview1 host function receives.
//
//   guest fd   0..2          3 .. 3+D-1              3+D ..          later
//              stdio         preopened directories   preopened       path_open,
//              (borrowed)    (owned, prestat names)  sockets         sock_accept
//
// Invariants:
//  * An entry is free iff host_fd < 0; new fds take the lowest free number.
//  * `owned` entries close host_fd when they leave the table (fd_close,
//    fd_renumber's target, ~WasiState); borrowed ones (stdio, sockets from
//    the embedder) never do.
//  * Directory entries (filetype directory) keep a readdir listing that is
//    re-read when the guest asks for cookie 0, so cookies stay stable between
//    calls that continue one listing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wasi/guest_memory.h"
#include "wasi/wasi.h"
#include "wasi/wasi_types.h"

namespace cascade {
struct Instance;
struct Module;
struct Trap;
}  // namespace cascade

namespace cascade::wasi {

// One directory entry of a readdir listing.
struct DirListingEntry {
  std::string name;
  uint64_t ino = 0;
  uint8_t filetype = kFiletypeUnknown;
};

struct FdEntry {
  int host_fd = -1;
  uint8_t filetype = kFiletypeUnknown;  // witx filetype, fixed at open
  bool owned = false;
  bool preopen = false;          // a preopened directory: fd_prestat_get answers
  std::string preopen_name;      // its guest path
  std::unique_ptr<std::vector<DirListingEntry>> listing;  // fd_readdir's snapshot

  bool is_open() const { return host_fd >= 0; }
};

class WasiState {
 public:
  WasiState() = default;
  ~WasiState();
  WasiState(const WasiState&) = delete;
  WasiState& operator=(const WasiState&) = delete;

  // The open entry for guest fd `fd`, or nullptr (errno badf).
  FdEntry* Get(uint32_t fd) {
    return fd < fds_.size() && fds_[fd].is_open() ? &fds_[fd] : nullptr;
  }
  // Puts `entry` at the lowest free guest fd; returns it.
  uint32_t Insert(FdEntry entry);
  // Closes `fd` (the host fd too when owned). False when `fd` is not open.
  bool Close(uint32_t fd);
  // fd_renumber: moves `from` onto `to` (closing `to`'s old object).
  // Both must be open; false otherwise.
  bool Renumber(uint32_t from, uint32_t to);

  std::vector<std::string> args;
  std::vector<std::string> env;

  // The guest memory of `caller` (its export "memory"); an empty memory (every
  // access faults) when there is none.
  GuestMemory MemoryOf(Instance* caller);

 private:
  std::vector<FdEntry> fds_;
  const Module* cached_module_ = nullptr;  // MemoryOf's cache: the module and
  size_t cached_export_ = SIZE_MAX;        // the position of its "memory" export
};

// What a WASI host function gets: the state, the caller's memory, and the
// trap to fill when it ends the program (proc_exit).
struct Call {
  WasiState& state;
  GuestMemory mem;
  Trap* trap;
};

// The filetype of an open host fd (fstat; sockets by SO_TYPE).
uint8_t FiletypeOfFd(int host_fd);
// The filetype of a stat mode (S_IFMT bits).
uint8_t FiletypeOfMode(uint32_t st_mode);

}  // namespace cascade::wasi
