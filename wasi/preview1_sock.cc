// The socket functions of preview1 on sockets the embedder pre-opened
// (WasiConfig::preopened_sockets) and the connections accepted from them:
// sock_accept, sock_recv, sock_send, sock_shutdown.
//
// Invariants: a non-socket fd is `notsock`; iovec arrays are checked in full
// before the call; sends never raise SIGPIPE (MSG_NOSIGNAL: `pipe` instead).
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "wasi/preview1.h"

namespace cascade::wasi {
namespace {

Errno SocketOf(Call& c, uint32_t fd, FdEntry** out) {
  FdEntry* e = c.state.Get(fd);
  if (e == nullptr) return Errno::k_badf;
  if (e->filetype != kFiletypeSocketStream && e->filetype != kFiletypeSocketDgram) {
    return Errno::k_notsock;
  }
  *out = e;
  return Errno::k_success;
}

}  // namespace

// sock_accept(fd, fdflags, ret fd)
Errno sock_accept(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (Errno err = SocketOf(c, U32(a[0]), &e); err != Errno::k_success) return err;
  uint32_t flags = U32(a[1]), ret = U32(a[2]);
  if (flags & ~uint32_t{kFdflagNonblock}) return Errno::k_inval;
  if (!c.mem.Check(ret, 4)) return Errno::k_fault;
  int fd;
  do {
    fd = ::accept4(e->host_fd, nullptr, nullptr,
                   SOCK_CLOEXEC | ((flags & kFdflagNonblock) ? SOCK_NONBLOCK : 0));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoFromHost(errno);
  FdEntry entry;
  entry.host_fd = fd;
  entry.owned = true;
  entry.filetype = kFiletypeSocketStream;
  c.mem.StoreUnchecked<uint32_t>(ret, c.state.Insert(std::move(entry)));
  return Errno::k_success;
}

// sock_recv(fd, ri_data, ri_data_len, ri_flags, ret size, ret roflags)
Errno sock_recv(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (Errno err = SocketOf(c, U32(a[0]), &e); err != Errno::k_success) return err;
  uint32_t riflags = U32(a[3]), ret_size = U32(a[4]), ret_flags = U32(a[5]);
  if (riflags & ~uint32_t{kRiflagRecvPeek | kRiflagRecvWaitall}) return Errno::k_inval;
  std::vector<iovec> v;
  if (Errno err = GatherIovecs(c.mem, U32(a[1]), U32(a[2]), &v); err != Errno::k_success) return err;
  if (!c.mem.Check(ret_size, 4) || !c.mem.Check(ret_flags, 2)) return Errno::k_fault;
  msghdr msg{};
  msg.msg_iov = v.data();
  msg.msg_iovlen = v.size();
  int flags = ((riflags & kRiflagRecvPeek) ? MSG_PEEK : 0) |
              ((riflags & kRiflagRecvWaitall) ? MSG_WAITALL : 0);
  ssize_t n;
  do {
    n = ::recvmsg(e->host_fd, &msg, flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ErrnoFromHost(errno);
  c.mem.StoreUnchecked<uint32_t>(ret_size, static_cast<uint32_t>(n));
  c.mem.StoreUnchecked<uint16_t>(ret_flags, (msg.msg_flags & MSG_TRUNC) ? kRoflagRecvDataTruncated : 0);
  return Errno::k_success;
}

// sock_send(fd, si_data, si_data_len, si_flags, ret size)
Errno sock_send(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (Errno err = SocketOf(c, U32(a[0]), &e); err != Errno::k_success) return err;
  uint32_t ret = U32(a[4]);
  if (U32(a[3]) != 0) return Errno::k_inval;  // siflags: none are defined
  std::vector<iovec> v;
  if (Errno err = GatherIovecs(c.mem, U32(a[1]), U32(a[2]), &v); err != Errno::k_success) return err;
  if (!c.mem.Check(ret, 4)) return Errno::k_fault;
  msghdr msg{};
  msg.msg_iov = v.data();
  msg.msg_iovlen = v.size();
  ssize_t n;
  do {
    n = ::sendmsg(e->host_fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ErrnoFromHost(errno);
  c.mem.StoreUnchecked<uint32_t>(ret, static_cast<uint32_t>(n));
  return Errno::k_success;
}

// sock_shutdown(fd, sdflags)
Errno sock_shutdown(Call& c, const uint64_t* a) {
  FdEntry* e;
  if (Errno err = SocketOf(c, U32(a[0]), &e); err != Errno::k_success) return err;
  int how;
  switch (U32(a[1])) {
    case kSdflagRd: how = SHUT_RD; break;
    case kSdflagWr: how = SHUT_WR; break;
    case kSdflagRd | kSdflagWr: how = SHUT_RDWR; break;
    default: return Errno::k_inval;
  }
  return ::shutdown(e->host_fd, how) == 0 ? Errno::k_success : ErrnoFromHost(errno);
}

}  // namespace cascade::wasi
