// fd_readdir: directory entries as witx dirents (24-byte header + name, no
// NUL), continuing from a cookie.
//
//   cookie 0 ──▶ re-read the listing (".", ".." and every entry, in the
//                host's order) into the fd's snapshot
//   cookie k ──▶ continue at entry k of the snapshot; entry i's d_next is i+1
//
// Invariants: cookies index the snapshot, so a listing read in several calls
// (cookie k from the last entry returned) neither skips nor repeats entries,
// even if the directory changes meanwhile; the buffer is filled completely
// (the last entry may be cut short) so the guest can tell "full" (result ==
// buf_len) from "end" (result < buf_len), as the spec asks.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "wasi/preview1.h"

namespace cascade::wasi {
namespace {

uint8_t FiletypeOfDirent(int dirfd, const dirent* d) {
  switch (d->d_type) {
    case DT_REG: return kFiletypeRegularFile;
    case DT_DIR: return kFiletypeDirectory;
    case DT_LNK: return kFiletypeSymbolicLink;
    case DT_CHR: return kFiletypeCharacterDevice;
    case DT_BLK: return kFiletypeBlockDevice;
    case DT_SOCK: return kFiletypeSocketStream;
    case DT_FIFO: return kFiletypeUnknown;
    default: {
      struct stat st;
      if (::fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return kFiletypeUnknown;
      return FiletypeOfMode(st.st_mode);
    }
  }
}

// Reads the whole directory behind `host_fd` (through a fresh open file
// description, so the fd's own position is untouched).
Errno ReadListing(int host_fd, std::vector<DirListingEntry>* out) {
  int fd = ::openat(host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoFromHost(errno);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int e = errno;
    ::close(fd);
    return ErrnoFromHost(e);
  }
  out->clear();
  errno = 0;
  while (const dirent* d = ::readdir(dir)) {
    out->push_back({d->d_name, d->d_ino, FiletypeOfDirent(fd, d)});
    errno = 0;
  }
  int e = errno;
  ::closedir(dir);
  return e == 0 ? Errno::k_success : ErrnoFromHost(e);
}

}  // namespace

// fd_readdir(fd, buf, buf_len, cookie, ret bufused)
Errno fd_readdir(Call& c, const uint64_t* a) {
  FdEntry* e = c.state.Get(U32(a[0]));
  if (e == nullptr) return Errno::k_badf;
  if (e->filetype != kFiletypeDirectory) return Errno::k_notdir;
  uint32_t buf = U32(a[1]), buf_len = U32(a[2]), ret = U32(a[4]);
  uint64_t cookie = a[3];
  if (!c.mem.Check(buf, buf_len) || !c.mem.Check(ret, 4)) return Errno::k_fault;
  if (cookie == 0 || e->listing == nullptr) {
    auto listing = std::make_unique<std::vector<DirListingEntry>>();
    if (Errno err = ReadListing(e->host_fd, listing.get()); err != Errno::k_success) return err;
    e->listing = std::move(listing);
  }
  const std::vector<DirListingEntry>& list = *e->listing;
  uint32_t used = 0;
  uint8_t header[kDirentSize];
  for (uint64_t i = cookie; i < list.size() && used < buf_len; ++i) {
    const DirListingEntry& d = list[i];
    std::memset(header, 0, sizeof header);
    uint64_t next = i + 1;
    uint32_t namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(header + kDirentNext, &next, 8);
    std::memcpy(header + kDirentIno, &d.ino, 8);
    std::memcpy(header + kDirentNamlen, &namlen, 4);
    header[kDirentType] = d.filetype;
    uint32_t n = std::min<uint32_t>(kDirentSize, buf_len - used);
    std::memcpy(c.mem.At(buf + used), header, n);
    used += n;
    n = std::min<uint32_t>(namlen, buf_len - used);
    if (n != 0) std::memcpy(c.mem.At(buf + used), d.name.data(), n);
    used += n;
  }
  c.mem.StoreUnchecked<uint32_t>(ret, used);
  return Errno::k_success;
}

}  // namespace cascade::wasi
