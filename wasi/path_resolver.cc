// Path resolution beneath a directory fd: openat2 where the kernel has it,
// else a component-by-component walk. See path_resolver.h for the rules.
#include "wasi/path_resolver.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <vector>

namespace cascade::wasi {
namespace {

// openat2 availability: 0 unknown, 1 yes, 2 no (ENOSYS, or forced off).
std::atomic<int> g_openat2{0};

bool UseOpenat2() {
  int s = g_openat2.load(std::memory_order_relaxed);
  if (s == 0) {
    const char* off = std::getenv("CASCADE_WASI_NO_OPENAT2");
    s = off != nullptr && off[0] != 0 && off[0] != '0' ? 2 : 1;
    g_openat2.store(s, std::memory_order_relaxed);
  }
  return s == 1;
}

// openat2 beneath `dirfd`; -1 with errno ENOSYS when the kernel lacks it.
int Openat2(int dirfd, const std::string& path, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags);
  // (O_TMPFILE includes O_DIRECTORY's bit: test it whole.)
  how.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long r;
  do {
    r = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
  } while (r < 0 && (errno == EINTR || errno == EAGAIN));
  return static_cast<int>(r);
}

// Splits `path` into components (empty ones and "." dropped, except that a
// path of only "." and '/' yields {"."}), in order.
void Split(std::string_view path, std::deque<std::string>* out, bool at_front) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view comp = path.substr(i, j - i);
    if (!comp.empty() && comp != ".") parts.emplace_back(comp);
    i = j + 1;
  }
  if (at_front) {
    out->insert(out->begin(), parts.begin(), parts.end());
  } else {
    out->insert(out->end(), parts.begin(), parts.end());
  }
}

// The walk (see path_resolver.h). `dirs` holds the directories entered below
// the root, innermost last; `..` pops it and can never go above `root`.
int WalkOpen(int root, std::string_view path, int flags, mode_t mode, bool follow_final,
             Errno* err) {
  bool must_be_dir = path.back() == '/';
  std::deque<std::string> comps;
  Split(path, &comps, false);
  std::vector<ScopedFd> dirs;
  auto cur = [&] { return dirs.empty() ? root : dirs.back().get(); };
  int symlinks = 0;
  char target[PATH_MAX];
  while (!comps.empty()) {
    std::string comp = std::move(comps.front());
    comps.pop_front();
    bool last = comps.empty();
    if (comp == "..") {
      if (dirs.empty()) {
        *err = Errno::k_perm;  // above the root
        return -1;
      }
      dirs.pop_back();
      continue;
    }
    if (!last || follow_final || must_be_dir) {
      ssize_t n = ::readlinkat(cur(), comp.c_str(), target, sizeof target);
      if (n >= 0) {
        if (++symlinks > kMaxSymlinks) {
          *err = Errno::k_loop;
          return -1;
        }
        if (n == 0) {
          *err = Errno::k_noent;
          return -1;
        }
        if (target[0] == '/') {
          *err = Errno::k_perm;  // an absolute symlink leaves the sandbox
          return -1;
        }
        std::string_view t(target, static_cast<size_t>(n));
        if (t.back() == '/' && last) must_be_dir = true;
        Split(t, &comps, true);
        continue;
      }
      if (errno != EINVAL && errno != ENOENT) {
        *err = ErrnoFromHost(errno);
        return -1;
      }
    }
    if (!last) {
      int fd = ::openat(cur(), comp.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) {
        *err = ErrnoFromHost(errno);
        return -1;
      }
      dirs.emplace_back(fd, true);
      continue;
    }
    int f = flags | O_NOFOLLOW | O_CLOEXEC | (must_be_dir ? O_DIRECTORY : 0);
    int fd = ::openat(cur(), comp.c_str(), f, mode);
    if (fd < 0) *err = ErrnoFromHost(errno);
    return fd;
  }
  // The path named the directory we ended in ("", ".", "a/..", a symlink to "."):
  // open it again with the caller's flags.
  int fd = ::openat(cur(), ".", flags | O_CLOEXEC, mode);
  if (fd < 0) *err = ErrnoFromHost(errno);
  return fd;
}

}  // namespace

int OpenBeneath(int dirfd, std::string_view path, int flags, mode_t mode, bool follow_final,
                Errno* err) {
  if (path.empty()) {
    *err = Errno::k_noent;
    return -1;
  }
  if (path.front() == '/') {
    *err = Errno::k_perm;
    return -1;
  }
  if (UseOpenat2()) {
    int f = flags | O_CLOEXEC | (follow_final ? 0 : O_NOFOLLOW);
    int fd = Openat2(dirfd, std::string(path), f, mode);
    if (fd >= 0) return fd;
    if (errno != ENOSYS) {
      *err = errno == EXDEV ? Errno::k_perm : ErrnoFromHost(errno);
      return -1;
    }
    g_openat2.store(2, std::memory_order_relaxed);
  }
  return WalkOpen(dirfd, path, flags, mode, follow_final, err);
}

Errno ResolveParent(int dirfd, std::string_view path, ParentAndName* out) {
  if (path.empty()) return Errno::k_noent;
  if (path.front() == '/') return Errno::k_perm;
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  out->trailing_slash = end != path.size();
  std::string_view trimmed = path.substr(0, end);
  size_t slash = trimmed.rfind('/');
  std::string_view parent = slash == std::string_view::npos ? std::string_view() : trimmed.substr(0, slash);
  std::string_view name = slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);
  out->name = std::string(name);
  if (name == "..") {
    // Only allowed when it stays beneath: check by resolving the whole path.
    Errno e;
    int fd = OpenBeneath(dirfd, trimmed, O_PATH | O_DIRECTORY, 0, true, &e);
    if (fd < 0) return e;
    ::close(fd);
  }
  if (parent.empty()) {
    out->parent = ScopedFd(dirfd, false);
    return Errno::k_success;
  }
  Errno e;
  int fd = OpenBeneath(dirfd, std::string(parent) + "/", O_PATH | O_DIRECTORY, 0, true, &e);
  if (fd < 0) return e;
  out->parent = ScopedFd(fd, true);
  return Errno::k_success;
}

}  // namespace cascade::wasi
