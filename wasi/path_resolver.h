// The filesystem sandbox of WASI preview 1: resolving a guest path beneath a
// directory fd (a preopen or a directory the guest opened from one) so that
// no path can name anything outside it.
//
//   guest path ──▶ openat2(dirfd, path, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
//                  (Linux 5.6+; the kernel refuses every escape atomically)
//              └─▶ fallback when openat2 is missing (ENOSYS): a walk, one
//                  component at a time, each opened O_PATH | O_NOFOLLOW
//                  relative to the previous directory fd; symlinks are read
//                  with readlinkat and spliced into the remaining path (at
//                  most kMaxSymlinks of them: `loop`), `..` pops the walk's
//                  own stack of directory fds and never above the root.
//
// Invariants:
//  * Every escape — an absolute path, `..` above the root, a symlink whose
//    target is absolute or climbs above the root — fails with errno `perm`
//    (what wasmtime answers), before any object outside is touched.
//  * No step follows a symlink the resolver has not checked: the walk opens
//    with O_NOFOLLOW, so a symlink swapped in between check and use makes the
//    open fail (`loop`/`notdir`) instead of escaping; openat2 is atomic.
//  * Operations that name an entry in a directory (unlink, rmdir, rename,
//    link, symlink, readlink, mkdir, lstat-like calls) resolve only the parent
//    and act with the *at() call on the final name, which never contains '/'.
//
// CASCADE_WASI_NO_OPENAT2=1 in the host environment forces the walk (for tests
// of the fallback on kernels that have openat2).
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "wasi/wasi_types.h"

namespace cascade::wasi {

inline constexpr int kMaxSymlinks = 40;  // Linux's limit on a path's symlinks

// An owned fd, closed on destruction (or borrowed when !owned).
class ScopedFd {
 public:
  ScopedFd() = default;
  ScopedFd(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ScopedFd(ScopedFd&& o) noexcept : fd_(o.fd_), owned_(o.owned_) { o.fd_ = -1; }
  ScopedFd& operator=(ScopedFd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = o.fd_;
      owned_ = o.owned_;
      o.fd_ = -1;
    }
    return *this;
  }
  ~ScopedFd() { Reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Reset() {
    if (fd_ >= 0 && owned_) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool owned_ = true;
};

// Opens guest path `path` beneath directory `dirfd` with host open `flags`
// (O_CLOEXEC is added; O_NOFOLLOW too unless `follow_final`) and `mode` (used
// with O_CREAT). A path ending in '/' must name a directory. Returns the new
// fd, or -1 with *err set (`perm` for an escape, `loop` for too many symlinks,
// `noent` for an empty path, else the host's errno).
int OpenBeneath(int dirfd, std::string_view path, int flags, mode_t mode, bool follow_final,
                Errno* err);

// A resolved (parent directory, final name) pair.
struct ParentAndName {
  ScopedFd parent;       // a directory fd beneath the root (or the root, borrowed)
  std::string name;      // the last component: no '/', never empty
  bool trailing_slash = false;  // the guest path ended in '/' (the entry must be a directory)
};

// Resolves all but the last component of `path` beneath `dirfd` (following
// symlinks, beneath only). A final `..` that would name the root's parent is an
// escape (`perm`). Returns success or the errno.
Errno ResolveParent(int dirfd, std::string_view path, ParentAndName* out);

}  // namespace cascade::wasi
