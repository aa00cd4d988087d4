// memory.atomic.wait32 / wait64 and memory.atomic.notify (threads proposal,
// "Wait and Notify"): a process-wide parking lot keyed by the waited-on host
// address, shared by every execution tier.
//
// Invariants: a waiter is enqueued and the memory value compared under the same
// lock that notify takes, so a notify that follows a store can never be missed;
// waiters on one address are woken in FIFO order. Callers have already checked
// bounds, natural alignment ("unaligned atomic") and that the memory is shared
// ("expected shared memory" for wait; notify on unshared memory returns 0).
#pragma once

#include <cstdint>

namespace cascade {

enum class WaitResult : uint32_t { kOk = 0, kNotEqual = 1, kTimedOut = 2 };

// Blocks the calling thread while the 4-byte (is64 = false) or 8-byte value at
// `addr` equals `expected` (compared once, atomically, before sleeping) until a
// notify on `addr` wakes it or `timeout_ns` passes (negative: forever). Returns
// the value memory.atomic.wait pushes (0 ok, 1 not-equal, 2 timed-out).
WaitResult AtomicWait(const void* addr, uint64_t expected, bool is64, int64_t timeout_ns);

// Wakes up to `count` threads waiting on `addr`; returns how many were woken.
uint32_t AtomicNotify(const void* addr, uint32_t count);

}  // namespace cascade
