// The process-level preview1 functions: args, environ, clocks (realtime,
// monotonic, process and thread CPU time), random_get, sched_yield,
// proc_raise. (proc_exit is a thunk of its own in define_preview1.cc.)
//
// Invariants: sizes are computed in 64 bits and checked against the guest
// memory before anything is written; a list that does not fit in the guest's
// 32-bit `size` is reported as `overflow`.
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "wasi/preview1.h"

namespace cascade::wasi {
namespace {

// args_sizes_get / environ_sizes_get: count and total bytes with NULs.
Errno ListSizes(Call& c, const std::vector<std::string>& list, uint32_t count_ptr,
                uint32_t size_ptr) {
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (bytes > UINT32_MAX || list.size() > UINT32_MAX) return Errno::k_overflow;
  if (!c.mem.Check(count_ptr, 4) || !c.mem.Check(size_ptr, 4)) return Errno::k_fault;
  c.mem.StoreUnchecked<uint32_t>(count_ptr, static_cast<uint32_t>(list.size()));
  c.mem.StoreUnchecked<uint32_t>(size_ptr, static_cast<uint32_t>(bytes));
  return Errno::k_success;
}

// args_get / environ_get: the pointer array at `ptrs`, the NUL-terminated
// strings packed at `buf`.
Errno ListGet(Call& c, const std::vector<std::string>& list, uint32_t ptrs, uint32_t buf) {
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (!c.mem.CheckArray(ptrs, list.size(), 4) || !c.mem.Check(buf, bytes)) return Errno::k_fault;
  uint32_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    c.mem.StoreUnchecked<uint32_t>(ptrs + 4 * static_cast<uint32_t>(i), at);
    const std::string& s = list[i];
    std::memcpy(c.mem.At(at), s.c_str(), s.size() + 1);
    at += static_cast<uint32_t>(s.size() + 1);
  }
  return Errno::k_success;
}

bool HostClock(uint32_t id, clockid_t* out) {
  switch (id) {
    case kClockRealtime: *out = CLOCK_REALTIME; return true;
    case kClockMonotonic: *out = CLOCK_MONOTONIC; return true;
    case kClockProcessCputime: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case kClockThreadCputime: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t Nanos(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

Errno args_sizes_get(Call& c, const uint64_t* a) { return ListSizes(c, c.state.args, U32(a[0]), U32(a[1])); }
Errno args_get(Call& c, const uint64_t* a) { return ListGet(c, c.state.args, U32(a[0]), U32(a[1])); }
Errno environ_sizes_get(Call& c, const uint64_t* a) { return ListSizes(c, c.state.env, U32(a[0]), U32(a[1])); }
Errno environ_get(Call& c, const uint64_t* a) { return ListGet(c, c.state.env, U32(a[0]), U32(a[1])); }

// clock_res_get(id, ret timestamp)
Errno clock_res_get(Call& c, const uint64_t* a) {
  clockid_t clock;
  if (!HostClock(U32(a[0]), &clock)) return Errno::k_inval;
  if (!c.mem.Check(U32(a[1]), 8)) return Errno::k_fault;
  timespec ts;
  if (::clock_getres(clock, &ts) != 0) return ErrnoFromHost(errno);
  c.mem.StoreUnchecked<uint64_t>(U32(a[1]), Nanos(ts));
  return Errno::k_success;
}

// clock_time_get(id, precision, ret timestamp); the precision is a hint.
Errno clock_time_get(Call& c, const uint64_t* a) {
  clockid_t clock;
  if (!HostClock(U32(a[0]), &clock)) return Errno::k_inval;
  if (!c.mem.Check(U32(a[2]), 8)) return Errno::k_fault;
  timespec ts;
  if (::clock_gettime(clock, &ts) != 0) return ErrnoFromHost(errno);
  c.mem.StoreUnchecked<uint64_t>(U32(a[2]), Nanos(ts));
  return Errno::k_success;
}

// random_get(buf, len): the kernel's CSPRNG (getrandom), in chunks.
Errno random_get(Call& c, const uint64_t* a) {
  uint32_t buf = U32(a[0]), len = U32(a[1]);
  if (!c.mem.Check(buf, len)) return Errno::k_fault;
  uint32_t done = 0;
  while (done < len) {
    ssize_t n = ::getrandom(c.mem.At(buf + done), len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoFromHost(errno);
    }
    done += static_cast<uint32_t>(n);
  }
  return Errno::k_success;
}

Errno sched_yield(Call&, const uint64_t*) {
  ::sched_yield();
  return Errno::k_success;
}

// Signals are not delivered to guests (wasmtime answers nosys too).
Errno proc_raise(Call&, const uint64_t*) { return Errno::k_nosys; }

}  // namespace cascade::wasi
