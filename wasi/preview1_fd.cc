// The fd_* functions of preview1 except fd_readdir (preview1_readdir.cc):
// reads and writes (scatter/gather straight from guest memory), seeks, sync,
// advice and allocation, fdstat and filestat, prestat, close and renumber.
//
// Invariants: an iovec array is validated in full (every buffer inside guest
// memory) before any I/O; result pointers are checked before the operation
// so that a bad one cannot swallow data (fault, nothing read or written).
// Rights are never checked; fdstat reports what the object allows (as wasmtime).
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "wasi/preview1.h"

namespace cascade::wasi {

Errno GatherIovecs(const GuestMemory& mem, uint32_t iovs, uint32_t count, std::vector<iovec>* out) {
  if (!mem.CheckArray(iovs, count, kIovecSize)) return Errno::k_fault;
  out->clear();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = mem.LoadUnchecked<uint32_t>(iovs + i * kIovecSize + kIovecBuf);
    uint32_t len = mem.LoadUnchecked<uint32_t>(iovs + i * kIovecSize + kIovecBufLen);
    if (!mem.Check(buf, len)) return Errno::k_fault;
    // A short transfer is allowed: at most IOV_MAX buffers per host call.
    if (len != 0 && out->size() < IOV_MAX) out->push_back({mem.At(buf), len});
  }
  return Errno::k_success;
}

void StoreFilestat(const GuestMemory& mem, uint32_t ptr, const struct stat& st) {
  auto ns = [](const timespec& ts) {
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
  };
  std::memset(mem.At(ptr), 0, kFilestatRecordSize);
  mem.StoreUnchecked<uint64_t>(ptr + kFilestatDev, st.st_dev);
  mem.StoreUnchecked<uint64_t>(ptr + kFilestatIno, st.st_ino);
  mem.StoreUnchecked<uint8_t>(ptr + kFilestatFiletype, FiletypeOfMode(st.st_mode));
  mem.StoreUnchecked<uint64_t>(ptr + kFilestatNlink, st.st_nlink);
  mem.StoreUnchecked<uint64_t>(ptr + kFilestatSize, static_cast<uint64_t>(st.st_size));
  mem.StoreUnchecked<uint64_t>(ptr + kFilestatAtim, ns(st.st_atim));
  mem.StoreUnchecked<uint64_t>(ptr + kFilestatMtim, ns(st.st_mtim));
  mem.StoreUnchecked<uint64_t>(ptr + kFilestatCtim, ns(st.st_ctim));
}

Errno TimesFromGuest(uint64_t atim, uint64_t mtim, uint32_t fst, timespec out[2]) {
  if ((fst & ~uint32_t{0xf}) != 0) return Errno::k_inval;
  if ((fst & kFstflagAtim) && (fst & kFstflagAtimNow)) return Errno::k_inval;
  if ((fst & kFstflagMtim) && (fst & kFstflagMtimNow)) return Errno::k_inval;
  auto one = [](uint64_t t, bool set, bool now, timespec* ts) {
    if (now) {
      ts->tv_sec = 0;
      ts->tv_nsec = UTIME_NOW;
    } else if (set) {
      ts->tv_sec = static_cast<time_t>(t / 1000000000u);
      ts->tv_nsec = static_cast<long>(t % 1000000000u);
    } else {
      ts->tv_sec = 0;
      ts->tv_nsec = UTIME_OMIT;
    }
  };
  one(atim, fst & kFstflagAtim, fst & kFstflagAtimNow, &out[0]);
  one(mtim, fst & kFstflagMtim, fst & kFstflagMtimNow, &out[1]);
  return Errno::k_success;
}

namespace {

// The host result of a read/write-like call into a u32 size at `ret`.
Errno StoreSize(Call& c, uint32_t ret, ssize_t n) {
  if (n < 0) return ErrnoFromHost(errno);
  c.mem.StoreUnchecked<uint32_t>(ret, static_cast<uint32_t>(n));
  return Errno::k_success;
}

// fd_read / fd_write / fd_pread / fd_pwrite. offset < 0: the current position.
Errno Transfer(Call& c, uint32_t fd, uint32_t iovs, uint32_t count, int64_t offset,
               uint32_t ret, bool write) {
  FdEntry* e = c.state.Get(fd);
  if (e == nullptr) return Errno::k_badf;
  if (e->filetype == kFiletypeDirectory) return Errno::k_isdir;
  std::vector<iovec> v;
  if (Errno err = GatherIovecs(c.mem, iovs, count, &v); err != Errno::k_success) return err;
  if (!c.mem.Check(ret, 4)) return Errno::k_fault;
  if (v.empty()) return StoreSize(c, ret, 0);
  ssize_t n;
  do {
    if (offset < 0) {
      n = write ? ::writev(e->host_fd, v.data(), static_cast<int>(v.size()))
                : ::readv(e->host_fd, v.data(), static_cast<int>(v.size()));
    } else {
      n = write ? ::pwritev(e->host_fd, v.data(), static_cast<int>(v.size()), offset)
                : ::preadv(e->host_fd, v.data(), static_cast<int>(v.size()), offset);
    }
  } while (n < 0 && errno == EINTR);
  return StoreSize(c, ret, n);
}

uint16_t FdflagsOfHost(int fl) {
  uint16_t f = 0;
  if (fl & O_APPEND) f |= kFdflagAppend;
  if (fl & O_NONBLOCK) f |= kFdflagNonblock;
  if ((fl & O_SYNC) == O_SYNC) {
    f |= kFdflagSync;
  } else if (fl & O_DSYNC) {
    f |= kFdflagDsync;
  }
#if defined(O_RSYNC) && O_RSYNC != O_SYNC
  if (fl & O_RSYNC) f |= kFdflagRsync;
#else
  if ((fl & O_SYNC) == O_SYNC) f |= kFdflagRsync;  // Linux: O_RSYNC == O_SYNC
#endif
  return f;
}

Errno HostResult(int r) { return r == 0 ? Errno::k_success : ErrnoFromHost(errno); }

// The rights fd_fdstat_get reports: what the object and its open mode allow.
// Directories: the path rights, readdir, filestat get/set times (no seek,
// read, write or set_size), everything inheritable. Files and other streams:
// read and/or write by the open mode, plus the rights every open file has.
uint64_t RightsOf(uint8_t filetype, int accmode, uint64_t* inheriting) {
  constexpr uint64_t kCommon = kRightFdFdstatSetFlags | kRightFdFilestatGet |
                               kRightFdFilestatSetTimes | kRightPollFdReadwrite;
  if (filetype == kFiletypeDirectory) {
    *inheriting = kRightsAll;
    return kRightsPath | kRightFdReaddir | kRightFdSync | kRightFdDatasync | kCommon;
  }
  *inheriting = 0;
  uint64_t rights = kCommon;
  if (accmode == O_RDONLY || accmode == O_RDWR) rights |= kRightFdRead;
  if (accmode == O_WRONLY || accmode == O_RDWR) {
    rights |= kRightFdWrite | kRightFdDatasync | kRightFdSync | kRightFdAllocate |
              kRightFdFilestatSetSize;
  }
  if (filetype == kFiletypeRegularFile) {
    rights |= kRightFdSeek | kRightFdTell | kRightFdAdvise | kRightFdSync | kRightFdDatasync;
  } else if (filetype == kFiletypeSocketStream || filetype == kFiletypeSocketDgram) {
    rights |= kRightSockShutdown | kRightSockAccept;
  }
  return rights;
}

}  // namespace

// fd_read(fd, iovs, iovs_len, ret nread)
Errno fd_read(Call& c, const uint64_t* a) {
  return Transfer(c, U32(a[0]), U32(a[1]), U32(a[2]), -1, U32(a[3]), false);
}
// fd_write(fd, iovs, iovs_len, ret nwritten)
Errno fd_write(Call& c, const uint64_t* a) {
  return Transfer(c, U32(a[0]), U32(a[1]), U32(a[2]), -1, U32(a[3]), true);
}
// fd_pread(fd, iovs, iovs_len, offset, ret nread)
Errno fd_pread(Call& c, const uint64_t* a) {
  if (static_cast<int64_t>(a[3]) < 0) return Errno::k_inval;
  return Transfer(c, U32(a[0]), U32(a[1]), U32(a[2]), static_cast<int64_t>(a[3]), U32(a[4]), false);
}
// fd_pwrite(fd, iovs, iovs_len, offset, ret nwritten)
Errno fd_pwrite(Call& c, const uint64_t* a) {
  if (static_cast<int64_t>(a[3]) < 0) return Errno::k_inval;
  return Transfer(c, U32(a[0]), U32(a[1]), U32(a[2]), static_cast<int64_t>(a[3]), U32(a[4]), true);
}

// fd_seek(fd, offset s64, whence, ret filesize)
Errno fd_seek(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  int whence;
  switch (U32(a[2])) {
    case kWhenceSet: whence = SEEK_SET; break;
    case kWhenceCur: whence = SEEK_CUR; break;
    case kWhenceEnd: whence = SEEK_END; break;
    default: return Errno::k_inval;
  }
  uint32_t ret = U32(a[3]);
  if (!c.mem.Check(ret, 8)) return Errno::k_fault;
  if (e->filetype == kFiletypeDirectory) return Errno::k_badf;  // readdir uses cookies
  off_t pos = ::lseek(e->host_fd, static_cast<off_t>(a[1]), whence);
  if (pos < 0) return ErrnoFromHost(errno);
  c.mem.StoreUnchecked<uint64_t>(ret, static_cast<uint64_t>(pos));
  return Errno::k_success;
}

// fd_tell(fd, ret filesize)
Errno fd_tell(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  if (!c.mem.Check(U32(a[1]), 8)) return Errno::k_fault;
  if (e->filetype == kFiletypeDirectory) return Errno::k_badf;
  off_t pos = ::lseek(e->host_fd, 0, SEEK_CUR);
  if (pos < 0) return ErrnoFromHost(errno);
  c.mem.StoreUnchecked<uint64_t>(U32(a[1]), static_cast<uint64_t>(pos));
  return Errno::k_success;
}

Errno fd_close(Call& c, const uint64_t* a) {
  return c.state.Close(U32(a[0])) ? Errno::k_success : Errno::k_badf;
}

Errno fd_renumber(Call& c, const uint64_t* a) {
  return c.state.Renumber(U32(a[0]), U32(a[1])) ? Errno::k_success : Errno::k_badf;
}

Errno fd_sync(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  return HostResult(::fsync(e->host_fd));
}

Errno fd_datasync(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  return HostResult(::fdatasync(e->host_fd));
}

// fd_advise(fd, offset, len, advice)
Errno fd_advise(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  int advice;
  switch (U32(a[3])) {
    case kAdviceNormal: advice = POSIX_FADV_NORMAL; break;
    case kAdviceSequential: advice = POSIX_FADV_SEQUENTIAL; break;
    case kAdviceRandom: advice = POSIX_FADV_RANDOM; break;
    case kAdviceWillneed: advice = POSIX_FADV_WILLNEED; break;
    case kAdviceDontneed: advice = POSIX_FADV_DONTNEED; break;
    case kAdviceNoreuse: advice = POSIX_FADV_NOREUSE; break;
    default: return Errno::k_inval;
  }
  if (static_cast<int64_t>(a[1]) < 0 || static_cast<int64_t>(a[2]) < 0) return Errno::k_inval;
  if (e->filetype == kFiletypeDirectory) return Errno::k_badf;
  int r = ::posix_fadvise(e->host_fd, static_cast<off_t>(a[1]), static_cast<off_t>(a[2]), advice);
  return r == 0 ? Errno::k_success : ErrnoFromHost(r);
}

// fd_allocate(fd, offset, len)
Errno fd_allocate(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  if (static_cast<int64_t>(a[1]) < 0 || static_cast<int64_t>(a[2]) <= 0) return Errno::k_inval;
  if (e->filetype == kFiletypeDirectory) return Errno::k_badf;
  int r = ::posix_fallocate(e->host_fd, static_cast<off_t>(a[1]), static_cast<off_t>(a[2]));
  return r == 0 ? Errno::k_success : ErrnoFromHost(r);
}

// fd_fdstat_get(fd, ret fdstat)
Errno fd_fdstat_get(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  uint32_t ret = U32(a[1]);
  if (!c.mem.Check(ret, kFdstatSize)) return Errno::k_fault;
  int fl = ::fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return ErrnoFromHost(errno);
  uint64_t inheriting = 0;
  uint64_t base = RightsOf(e->filetype, fl & O_ACCMODE, &inheriting);
  std::memset(c.mem.At(ret), 0, kFdstatSize);
  c.mem.StoreUnchecked<uint8_t>(ret + kFdstatFiletype, e->filetype);
  c.mem.StoreUnchecked<uint16_t>(ret + kFdstatFlags, FdflagsOfHost(fl));
  c.mem.StoreUnchecked<uint64_t>(ret + kFdstatRightsBase, base);
  c.mem.StoreUnchecked<uint64_t>(ret + kFdstatRightsInheriting, inheriting);
  return Errno::k_success;
}

// fd_fdstat_set_flags(fd, fdflags): append and nonblock can change on Linux;
// the sync flags are fixed at open (notsup, as wasmtime).
Errno fd_fdstat_set_flags(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  uint32_t flags = U32(a[1]);
  if (flags & ~uint32_t{0x1f}) return Errno::k_inval;
  if (flags & (kFdflagDsync | kFdflagRsync | kFdflagSync)) return Errno::k_notsup;
  int fl = ::fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return ErrnoFromHost(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) fl |= O_APPEND;
  if (flags & kFdflagNonblock) fl |= O_NONBLOCK;
  return HostResult(::fcntl(e->host_fd, F_SETFL, fl));
}

// Rights are not enforced, so they cannot be narrowed either: notsup, as
// wasmtime answers (the wasi-testsuite reads it as "no rights support").
Errno fd_fdstat_set_rights(Call& c, const uint64_t* a) {
  return c.state.Get(U32(a[0])) != nullptr ? Errno::k_notsup : Errno::k_badf;
}

// fd_filestat_get(fd, ret filestat)
Errno fd_filestat_get(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  uint32_t ret = U32(a[1]);
  if (!c.mem.Check(ret, kFilestatRecordSize)) return Errno::k_fault;
  struct stat st;
  if (::fstat(e->host_fd, &st) != 0) return ErrnoFromHost(errno);
  StoreFilestat(c.mem, ret, st);
  if (e->filetype == kFiletypeSocketDgram || e->filetype == kFiletypeSocketStream) {
    c.mem.StoreUnchecked<uint8_t>(ret + kFilestatFiletype, e->filetype);
  }
  return Errno::k_success;
}

// fd_filestat_set_size(fd, size)
Errno fd_filestat_set_size(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  if (static_cast<int64_t>(a[1]) < 0) return Errno::k_inval;
  if (e->filetype == kFiletypeDirectory) return Errno::k_isdir;
  return HostResult(::ftruncate(e->host_fd, static_cast<off_t>(a[1])));
}

// fd_filestat_set_times(fd, atim, mtim, fst_flags)
Errno fd_filestat_set_times(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  timespec times[2];
  if (Errno err = TimesFromGuest(a[1], a[2], U32(a[3]), times); err != Errno::k_success) return err;
  return HostResult(::futimens(e->host_fd, times));
}

// fd_prestat_get(fd, ret prestat)
Errno fd_prestat_get(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  if (!e->preopen) return Errno::k_badf;  // wasi-libc stops scanning preopens here
  uint32_t ret = U32(a[1]);
  if (!c.mem.Check(ret, kPrestatSize)) return Errno::k_fault;
  std::memset(c.mem.At(ret), 0, kPrestatSize);
  c.mem.StoreUnchecked<uint8_t>(ret + kPrestatTag, kPreopentypeDir);
  c.mem.StoreUnchecked<uint32_t>(ret + kPrestatNameLen, static_cast<uint32_t>(e->preopen_name.size()));
  return Errno::k_success;
}

// fd_prestat_dir_name(fd, path, path_len): the name without a NUL.
Errno fd_prestat_dir_name(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr || !e->preopen) return Errno::k_badf;
  uint32_t buf = U32(a[1]), len = U32(a[2]);
  if (len < e->preopen_name.size()) return Errno::k_nametoolong;
  if (!c.mem.Check(buf, e->preopen_name.size())) return Errno::k_fault;
  std::memcpy(c.mem.At(buf), e->preopen_name.data(), e->preopen_name.size());
  return Errno::k_success;
}

}  // namespace cascade::wasi
