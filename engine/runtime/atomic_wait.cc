// The parking lot behind memory.atomic.wait / notify (see atomic_wait.h).
//
//   g_mutex ── g_waiters: address -> FIFO of Waiter (each on its own stack frame)
//
// A Waiter lives on the waiting thread's stack; it is only reachable from the
// map while that thread sleeps, and notify unlinks it before signalling.
#include "engine/runtime/atomic_wait.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace cascade {
namespace {

struct Waiter {
  std::condition_variable cv;
  bool woken = false;
};

std::mutex g_mutex;
std::unordered_map<uintptr_t, std::deque<Waiter*>> g_waiters;

uint64_t LoadAtomic(const void* addr, bool is64) {
  if (is64) {
    return __atomic_load_n(static_cast<const uint64_t*>(addr), __ATOMIC_SEQ_CST);
  }
  return __atomic_load_n(static_cast<const uint32_t*>(addr), __ATOMIC_SEQ_CST);
}

}  // namespace

WaitResult AtomicWait(const void* addr, uint64_t expected, bool is64, int64_t timeout_ns) {
  std::unique_lock<std::mutex> lock(g_mutex);
  uint64_t value = LoadAtomic(addr, is64);
  if (!is64) expected = static_cast<uint32_t>(expected);
  if (value != expected) return WaitResult::kNotEqual;
  if (timeout_ns == 0) return WaitResult::kTimedOut;
  uintptr_t key = reinterpret_cast<uintptr_t>(addr);
  Waiter self;
  g_waiters[key].push_back(&self);
  if (timeout_ns < 0) {
    self.cv.wait(lock, [&] { return self.woken; });
  } else {
    self.cv.wait_for(lock, std::chrono::nanoseconds(timeout_ns), [&] { return self.woken; });
  }
  if (self.woken) return WaitResult::kOk;
  auto it = g_waiters.find(key);
  if (it != g_waiters.end()) {
    std::deque<Waiter*>& q = it->second;
    for (auto w = q.begin(); w != q.end(); ++w) {
      if (*w == &self) {
        q.erase(w);
        break;
      }
    }
    if (q.empty()) g_waiters.erase(it);
  }
  return WaitResult::kTimedOut;
}

uint32_t AtomicNotify(const void* addr, uint32_t count) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_waiters.find(reinterpret_cast<uintptr_t>(addr));
  if (it == g_waiters.end()) return 0;
  uint32_t woken = 0;
  std::deque<Waiter*>& q = it->second;
  while (woken < count && !q.empty()) {
    Waiter* w = q.front();
    q.pop_front();
    w->woken = true;
    w->cv.notify_one();
    ++woken;
  }
  if (q.empty()) g_waiters.erase(it);
  return woken;
}

}  // namespace cascade
