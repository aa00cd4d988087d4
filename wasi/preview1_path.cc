// The path_* functions of preview1. Every path is a guest string resolved
// beneath the directory fd it came with (path_resolver.h); nothing here
// passes a guest path with a '/' in it to a host call.
//
// Invariants: guest strings are bounds-checked and copied (a NUL inside is
// `inval`); result pointers are checked before the operation; the fd argument
// must be an open directory (`badf` / `notdir`).
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "wasi/path_resolver.h"
#include "wasi/preview1.h"

namespace cascade::wasi {
namespace {


Errno HostResult(int r) { return r == 0 ? Errno::k_success : ErrnoFromHost(errno); }

// The directory fd `fd` and the guest string (ptr, len) as a host string.
Errno DirAndPath(Call& c, uint32_t fd, uint32_t ptr, uint32_t len, int* dirfd, std::string* path) {
  FdEntry* e = c.state.Get(fd);
  if (e == nullptr) return Errno::k_badf;
  if (e->filetype != kFiletypeDirectory) return Errno::k_notdir;
  std::string_view view;
  if (!c.mem.String(ptr, len, &view)) return Errno::k_fault;
  if (view.find('\0') != std::string_view::npos) return Errno::k_inval;
  *dirfd = e->host_fd;
  *path = std::string(view);
  return Errno::k_success;
}

Errno Parent(Call& c, uint32_t fd, uint32_t ptr, uint32_t len, ParentAndName* out) {
  int dirfd;
  std::string path;
  if (Errno e = DirAndPath(c, fd, ptr, len, &dirfd, &path); e != Errno::k_success) return e;
  return ResolveParent(dirfd, path, out);
}

// For a path that ended in '/': the entry must be a directory (notdir if it
// is anything else, including a symlink; noent if missing).
Errno CheckTrailingSlash(const ParentAndName& p) {
  if (!p.trailing_slash) return Errno::k_success;
  struct stat st;
  if (::fstatat(p.parent.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoFromHost(errno);
  }
  return S_ISDIR(st.st_mode) ? Errno::k_success : Errno::k_notdir;
}

#define CASCADE_WASI_TRY(expr)                      \
  do {                                              \
    if (Errno e_ = (expr); e_ != Errno::k_success) return e_; \
  } while (0)

}  // namespace

// path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting,
//           fdflags, ret fd)
Errno path_open(Call& c, const uint64_t* a) {
  int dirfd;
  std::string path;
  CASCADE_WASI_TRY(DirAndPath(c, U32(a[0]), U32(a[2]), U32(a[3]), &dirfd, &path));
  uint32_t dirflags = U32(a[1]), oflags = U32(a[4]), fdflags = U32(a[7]), ret = U32(a[8]);
  uint64_t rights = a[5];
  if (!c.mem.Check(ret, 4)) return Errno::k_fault;
  if ((oflags & ~uint32_t{0xf}) || (fdflags & ~uint32_t{0x1f})) return Errno::k_inval;
  // The host access mode: fd_write means writing (wasi-libc asks for it from
  // O_WRONLY / O_RDWR), fd_read reading; without either, read-only.
  bool read = (rights & kRightFdRead) != 0;
  bool write = (rights & kRightFdWrite) != 0;
  int flags = O_NOCTTY;
  if (oflags & kOflagDirectory) {
    if (write) return Errno::k_isdir;  // as open(2) with O_DIRECTORY | O_RDWR
    if (oflags & kOflagTrunc) return Errno::k_inval;
    flags |= O_RDONLY | O_DIRECTORY;
  } else if (write) {
    flags |= read ? O_RDWR : O_WRONLY;
  } else {
    flags |= O_RDONLY;
  }
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & (kFdflagSync | kFdflagRsync)) flags |= O_SYNC;
  Errno err;
  int fd = OpenBeneath(dirfd, path, flags, 0666, (dirflags & kLookupSymlinkFollow) != 0, &err);
  if (fd < 0) return err;
  FdEntry entry;
  entry.host_fd = fd;
  entry.owned = true;
  entry.filetype = FiletypeOfFd(fd);
  c.mem.StoreUnchecked<uint32_t>(ret, c.state.Insert(std::move(entry)));
  return Errno::k_success;
}

// path_filestat_get(fd, flags, path, path_len, ret filestat)
Errno path_filestat_get(Call& c, const uint64_t* a) {
  int dirfd;
  std::string path;
  CASCADE_WASI_TRY(DirAndPath(c, U32(a[0]), U32(a[2]), U32(a[3]), &dirfd, &path));
  uint32_t ret = U32(a[4]);
  if (!c.mem.Check(ret, kFilestatRecordSize)) return Errno::k_fault;
  Errno err;
  ScopedFd fd(OpenBeneath(dirfd, path, O_PATH, 0, (U32(a[1]) & kLookupSymlinkFollow) != 0, &err), true);
  if (fd.get() < 0) return err;
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoFromHost(errno);
  StoreFilestat(c.mem, ret, st);
  return Errno::k_success;
}

// path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)
Errno path_filestat_set_times(Call& c, const uint64_t* a) {
  timespec times[2];
  CASCADE_WASI_TRY(TimesFromGuest(a[4], a[5], U32(a[6]), times));
  if (U32(a[1]) & kLookupSymlinkFollow) {
    // Resolve fully beneath, then set the times of the object reached
    // (through /proc's link to the O_PATH fd: futimens needs a real open).
    int dirfd;
    std::string path;
    CASCADE_WASI_TRY(DirAndPath(c, U32(a[0]), U32(a[2]), U32(a[3]), &dirfd, &path));
    Errno err;
    ScopedFd fd(OpenBeneath(dirfd, path, O_PATH, 0, true, &err), true);
    if (fd.get() < 0) return err;
    char proc[64];
    std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd.get());
    if (::utimensat(AT_FDCWD, proc, times, 0) == 0) return Errno::k_success;
    if (errno != ENOENT) return ErrnoFromHost(errno);
    // No /proc: open the object for reading instead (fails for unreadable files).
    ScopedFd file(OpenBeneath(dirfd, path, O_RDONLY | O_NONBLOCK, 0, true, &err), true);
    if (file.get() < 0) return err;
    return HostResult(::futimens(file.get(), times));
  }
  ParentAndName p;
  CASCADE_WASI_TRY(Parent(c, U32(a[0]), U32(a[2]), U32(a[3]), &p));
  CASCADE_WASI_TRY(CheckTrailingSlash(p));
  return HostResult(::utimensat(p.parent.get(), p.name.c_str(), times, AT_SYMLINK_NOFOLLOW));
}

// path_create_directory(fd, path, path_len)
Errno path_create_directory(Call& c, const uint64_t* a) {
  ParentAndName p;
  CASCADE_WASI_TRY(Parent(c, U32(a[0]), U32(a[1]), U32(a[2]), &p));
  return HostResult(::mkdirat(p.parent.get(), p.name.c_str(), 0777));
}

// path_remove_directory(fd, path, path_len)
Errno path_remove_directory(Call& c, const uint64_t* a) {
  ParentAndName p;
  CASCADE_WASI_TRY(Parent(c, U32(a[0]), U32(a[1]), U32(a[2]), &p));
  return HostResult(::unlinkat(p.parent.get(), p.name.c_str(), AT_REMOVEDIR));
}

// path_unlink_file(fd, path, path_len)
Errno path_unlink_file(Call& c, const uint64_t* a) {
  ParentAndName p;
  CASCADE_WASI_TRY(Parent(c, U32(a[0]), U32(a[1]), U32(a[2]), &p));
  if (p.trailing_slash) {
    Errno e = CheckTrailingSlash(p);
    return e == Errno::k_success ? Errno::k_isdir : e;
  }
  return HostResult(::unlinkat(p.parent.get(), p.name.c_str(), 0));
}

// path_rename(fd, old_path, old_path_len, new_fd, new_path, new_path_len)
Errno path_rename(Call& c, const uint64_t* a) {
  ParentAndName from, to;
  CASCADE_WASI_TRY(Parent(c, U32(a[0]), U32(a[1]), U32(a[2]), &from));
  CASCADE_WASI_TRY(Parent(c, U32(a[3]), U32(a[4]), U32(a[5]), &to));
  CASCADE_WASI_TRY(CheckTrailingSlash(from));
  if (to.trailing_slash) {
    // The source must then be a directory.
    struct stat st;
    if (::fstatat(from.parent.get(), from.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoFromHost(errno);
    }
    if (!S_ISDIR(st.st_mode)) return Errno::k_notdir;
  }
  return HostResult(::renameat(from.parent.get(), from.name.c_str(), to.parent.get(), to.name.c_str()));
}

// path_link(old_fd, old_flags, old_path, old_path_len, new_fd, new_path, new_path_len).
// Following a final symlink of the source is refused (`inval`, as wasmtime):
// linkat would follow it on the host side, possibly out of the sandbox.
Errno path_link(Call& c, const uint64_t* a) {
  ParentAndName from, to;
  CASCADE_WASI_TRY(Parent(c, U32(a[0]), U32(a[2]), U32(a[3]), &from));
  CASCADE_WASI_TRY(Parent(c, U32(a[4]), U32(a[5]), U32(a[6]), &to));
  if (U32(a[1]) & kLookupSymlinkFollow) return Errno::k_inval;
  if (from.trailing_slash) {
    CASCADE_WASI_TRY(CheckTrailingSlash(from));
    return Errno::k_perm;  // a directory: no hard links to directories
  }
  if (to.trailing_slash) {
    // A new name with a trailing slash would have to be a directory.
    struct stat st;
    return ::fstatat(to.parent.get(), to.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0
               ? Errno::k_exist
               : Errno::k_noent;
  }
  return HostResult(::linkat(from.parent.get(), from.name.c_str(), to.parent.get(), to.name.c_str(), 0));
}

// path_symlink(old_path, old_path_len, fd, new_path, new_path_len): the link's
// contents are stored as given, except that absolute targets are refused
// (`perm`, as wasmtime): they could only ever point out of the sandbox, and a
// host program reading the directory later might follow them. Relative
// targets that climb out may be created; following them is what the resolver
// confines.
Errno path_symlink(Call& c, const uint64_t* a) {
  std::string_view target;
  if (!c.mem.String(U32(a[0]), U32(a[1]), &target)) return Errno::k_fault;
  if (target.find('\0') != std::string_view::npos) return Errno::k_inval;
  if (!target.empty() && target.front() == '/') return Errno::k_perm;
  ParentAndName p;
  CASCADE_WASI_TRY(Parent(c, U32(a[2]), U32(a[3]), U32(a[4]), &p));
  if (p.trailing_slash) {
    struct stat st;
    return ::fstatat(p.parent.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? Errno::k_exist
                                                                                    : Errno::k_noent;
  }
  return HostResult(::symlinkat(std::string(target).c_str(), p.parent.get(), p.name.c_str()));
}

// path_readlink(fd, path, path_len, buf, buf_len, ret size): the contents,
// truncated to buf_len, no NUL.
Errno path_readlink(Call& c, const uint64_t* a) {
  ParentAndName p;
  CASCADE_WASI_TRY(Parent(c, U32(a[0]), U32(a[1]), U32(a[2]), &p));
  uint32_t buf = U32(a[3]), buf_len = U32(a[4]), ret = U32(a[5]);
  if (!c.mem.Check(buf, buf_len) || !c.mem.Check(ret, 4)) return Errno::k_fault;
  if (p.trailing_slash) {
    Errno e = CheckTrailingSlash(p);
    return e == Errno::k_success ? Errno::k_inval : e;
  }
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(p.parent.get(), p.name.c_str(), target, sizeof target);
  if (n < 0) return ErrnoFromHost(errno);
  uint32_t copied = static_cast<uint32_t>(n) < buf_len ? static_cast<uint32_t>(n) : buf_len;
  if (copied != 0) std::memcpy(c.mem.At(buf), target, copied);
  c.mem.StoreUnchecked<uint32_t>(ret, copied);
  return Errno::k_success;
}

}  // namespace cascade::wasi
