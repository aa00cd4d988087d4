// The wasi_snapshot_preview1 functions, one C++ function each, with the
// core-wasm parameters as raw slots (`a[i]`: i32 zero-extended, or i64), and
// the table that define_preview1.cc registers them from.
//
// Invariants: each returns the witx errno (written as the wasm i32 result) and
// touches guest memory only through Call::mem (bounds-checked); proc_exit is
// the one that fills Call::trap instead (see define_preview1.cc).
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <cstdint>
#include <vector>

#include "wasi/wasi_state.h"

namespace cascade::wasi {

using Preview1Func = Errno (*)(Call& c, const uint64_t* a);

// X(name, params): params spell the core-wasm parameter types, i = i32, I = i64;
// every function returns i32 (errno) except proc_exit (no result).
#define CASCADE_WASI_PREVIEW1(X)                                               \
  X(args_get, "ii") X(args_sizes_get, "ii") X(environ_get, "ii")               \
  X(environ_sizes_get, "ii") X(clock_res_get, "ii") X(clock_time_get, "iIi")   \
  X(fd_advise, "iIIi") X(fd_allocate, "iII") X(fd_close, "i")                  \
  X(fd_datasync, "i") X(fd_fdstat_get, "ii") X(fd_fdstat_set_flags, "ii")      \
  X(fd_fdstat_set_rights, "iII") X(fd_filestat_get, "ii")                      \
  X(fd_filestat_set_size, "iI") X(fd_filestat_set_times, "iIIi")              \
  X(fd_pread, "iiiIi") X(fd_prestat_get, "ii") X(fd_prestat_dir_name, "iii")   \
  X(fd_pwrite, "iiiIi") X(fd_read, "iiii") X(fd_readdir, "iiiIi")              \
  X(fd_renumber, "ii") X(fd_seek, "iIii") X(fd_sync, "i") X(fd_tell, "ii")     \
  X(fd_write, "iiii") X(path_create_directory, "iii")                          \
  X(path_filestat_get, "iiiii") X(path_filestat_set_times, "iiiiIIi")          \
  X(path_link, "iiiiiii") X(path_open, "iiiiiIIii") X(path_readlink, "iiiiii") \
  X(path_remove_directory, "iii") X(path_rename, "iiiiii")                     \
  X(path_symlink, "iiiii") X(path_unlink_file, "iii") X(poll_oneoff, "iiii")   \
  X(proc_exit, "i") X(proc_raise, "i") X(sched_yield, "") X(random_get, "ii")  \
  X(sock_accept, "iii") X(sock_recv, "iiiiii") X(sock_send, "iiiii")           \
  X(sock_shutdown, "ii")

#define CASCADE_WASI_DECLARE(name, params) Errno name(Call& c, const uint64_t* a);
CASCADE_WASI_PREVIEW1(CASCADE_WASI_DECLARE)
#undef CASCADE_WASI_DECLARE

// Argument helpers.
inline uint32_t U32(uint64_t slot) { return static_cast<uint32_t>(slot); }

// Shared by the fd, path and socket functions (preview1_fd.cc):
// Validates the iovec/ciovec array (iovs, count) in full and returns its
// non-empty buffers as host iovecs (at most IOV_MAX: a short transfer), or
// `fault` when the array or any buffer lies outside guest memory.
Errno GatherIovecs(const GuestMemory& mem, uint32_t iovs, uint32_t count, std::vector<iovec>* out);
// Writes a witx filestat for `st` at `ptr` (whole record checked by the caller).
void StoreFilestat(const GuestMemory& mem, uint32_t ptr, const struct stat& st);
// The utimensat times for (atim, mtim, fst_flags); `inval` for bad flags.
Errno TimesFromGuest(uint64_t atim, uint64_t mtim, uint32_t fst_flags, timespec out[2]);

}  // namespace cascade::wasi
