// poll_oneoff: waits for clock and fd subscriptions, writing one event per
// subscription that fired.
//
//   parse all subscriptions (bad fd / clock id: an event with that error now)
//   regular files ─▶ always ready (as POSIX poll says)
//   other fds     ─▶ ppoll, with the earliest clock deadline as its timeout
//   clocks        ─▶ fire when their deadline (relative, or abstime on their
//                    clock) has passed once the wait ends
//
// Invariants: the subscription and event arrays are checked in full before
// anything is read or written; nsubscriptions == 0 is `inval` (wasmtime); the
// number of events written never exceeds nsubscriptions; EINTR re-waits.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "wasi/preview1.h"

namespace cascade::wasi {
namespace {

uint64_t NowNs(clockid_t clock) {
  timespec ts;
  ::clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

struct Pending {
  uint64_t userdata;
  uint8_t type;
  // clock: deadline on the monotonic clock (ns); fd: index into pollfds
  uint64_t deadline = 0;
  int poll_index = -1;
  bool ready = false;
  Errno error = Errno::k_success;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

}  // namespace

// poll_oneoff(in, out, nsubscriptions, ret nevents)
Errno poll_oneoff(Call& c, const uint64_t* a) {
  uint32_t in = U32(a[0]), out = U32(a[1]), n = U32(a[2]), ret = U32(a[3]);
  if (n == 0) return Errno::k_inval;
  if (!c.mem.CheckArray(in, n, kSubscriptionSize) || !c.mem.CheckArray(out, n, kEventSize) ||
      !c.mem.Check(ret, 4)) {
    return Errno::k_fault;
  }
  std::vector<Pending> subs(n);
  std::vector<pollfd> pollfds;
  uint64_t now = NowNs(CLOCK_MONOTONIC);
  bool any_ready = false, any_clock = false;
  uint64_t earliest = UINT64_MAX;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t s = in + i * kSubscriptionSize;
    Pending& p = subs[i];
    p.userdata = c.mem.LoadUnchecked<uint64_t>(s + kSubscriptionUserdata);
    p.type = c.mem.LoadUnchecked<uint8_t>(s + kSubscriptionTag);
    if (p.type == kEventtypeClock) {
      uint32_t id = c.mem.LoadUnchecked<uint32_t>(s + kSubscriptionClockId);
      uint64_t timeout = c.mem.LoadUnchecked<uint64_t>(s + kSubscriptionClockTimeout);
      uint16_t flags = c.mem.LoadUnchecked<uint16_t>(s + kSubscriptionClockFlags);
      clockid_t clock;
      if (id == kClockRealtime) {
        clock = CLOCK_REALTIME;
      } else if (id == kClockMonotonic) {
        clock = CLOCK_MONOTONIC;
      } else {
        p.ready = true;  // CPU-time clocks cannot be waited on
        p.error = Errno::k_inval;
        any_ready = true;
        continue;
      }
      uint64_t remaining = timeout;
      if (flags & kSubclockflagAbstime) {
        uint64_t t = NowNs(clock);
        remaining = timeout > t ? timeout - t : 0;
      }
      p.deadline = remaining > UINT64_MAX - now ? UINT64_MAX : now + remaining;
      if (p.deadline < earliest) earliest = p.deadline;
      any_clock = true;
    } else if (p.type == kEventtypeFdRead || p.type == kEventtypeFdWrite) {
      FdEntry* e = c.state.Get(c.mem.LoadUnchecked<uint32_t>(s + kSubscriptionFd));
      if (e == nullptr) {
        p.ready = true;
        p.error = Errno::k_badf;
        any_ready = true;
        continue;
      }
      struct stat st;
      if (::fstat(e->host_fd, &st) == 0 && S_ISREG(st.st_mode)) {
        p.ready = true;  // files never block
        if (p.type == kEventtypeFdRead) {
          off_t pos = ::lseek(e->host_fd, 0, SEEK_CUR);
          p.nbytes = pos >= 0 && st.st_size > pos ? static_cast<uint64_t>(st.st_size - pos) : 0;
        }
        any_ready = true;
        continue;
      }
      p.poll_index = static_cast<int>(pollfds.size());
      pollfds.push_back({e->host_fd, static_cast<short>(p.type == kEventtypeFdRead ? POLLIN : POLLOUT), 0});
    } else {
      p.ready = true;
      p.error = Errno::k_inval;
      any_ready = true;
    }
  }

  // Wait: not at all when something is ready, else until an fd is ready or
  // the earliest clock deadline.
  for (;;) {
    timespec timeout{0, 0};
    timespec* tp = &timeout;
    if (!any_ready) {
      if (!any_clock) {
        tp = nullptr;  // fds only: wait indefinitely
      } else {
        uint64_t t = NowNs(CLOCK_MONOTONIC);
        uint64_t wait = earliest > t ? earliest - t : 0;
        timeout.tv_sec = static_cast<time_t>(wait / 1000000000u);
        timeout.tv_nsec = static_cast<long>(wait % 1000000000u);
      }
    }
    int r;
    if (pollfds.empty()) {
      r = tp == nullptr ? 0 : ::nanosleep(tp, nullptr);
      if (r != 0 && errno == EINTR) continue;
      r = 0;
    } else {
      r = ::ppoll(pollfds.data(), pollfds.size(), tp, nullptr);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return ErrnoFromHost(errno);
    }
    // Collect fd events.
    for (Pending& p : subs) {
      if (p.poll_index < 0) continue;
      const pollfd& pf = pollfds[static_cast<size_t>(p.poll_index)];
      if (pf.revents == 0) continue;
      p.ready = true;
      any_ready = true;
      if (pf.revents & POLLNVAL) {
        p.error = Errno::k_badf;
      } else if ((pf.revents & POLLERR) && !(pf.revents & (POLLIN | POLLOUT))) {
        p.error = Errno::k_io;
      } else {
        if (pf.revents & POLLHUP) p.flags |= kEventrwflagHangup;
        if (p.type == kEventtypeFdRead) {
          int avail = 0;
          p.nbytes = ::ioctl(pf.fd, FIONREAD, &avail) == 0 && avail > 0 ? static_cast<uint64_t>(avail) : 1;
          if ((pf.revents & POLLHUP) && avail == 0) p.nbytes = 0;
        } else {
          p.nbytes = 1;
        }
      }
    }
    // Collect clocks whose deadline passed.
    uint64_t t = NowNs(CLOCK_MONOTONIC);
    for (Pending& p : subs) {
      if (p.type == kEventtypeClock && !p.ready && p.error == Errno::k_success && p.deadline <= t) {
        p.ready = true;
        any_ready = true;
      }
    }
    if (any_ready) break;
  }

  uint32_t events = 0;
  for (const Pending& p : subs) {
    if (!p.ready) continue;
    uint32_t ev = out + events * kEventSize;
    std::memset(c.mem.At(ev), 0, kEventSize);
    c.mem.StoreUnchecked<uint64_t>(ev + kEventUserdata, p.userdata);
    c.mem.StoreUnchecked<uint16_t>(ev + kEventError, static_cast<uint16_t>(p.error));
    c.mem.StoreUnchecked<uint8_t>(ev + kEventType, p.type);
    if (p.type != kEventtypeClock) {
      c.mem.StoreUnchecked<uint64_t>(ev + kEventNbytes, p.nbytes);
      c.mem.StoreUnchecked<uint16_t>(ev + kEventFlags, p.flags);
    }
    ++events;
  }
  c.mem.StoreUnchecked<uint32_t>(ret, events);
  return Errno::k_success;
}

}  // namespace cascade::wasi
