// Unit tests for the wait/notify parking lot (atomic_wait.h): not-equal and
// timeout results, notify counts, and a cross-thread wake-up.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "engine/runtime/atomic_wait.h"

using namespace cascade;

TEST_CASE("atomic wait: not-equal, timeout, notify without waiters") {
  alignas(8) uint64_t cell = 5;
  CHECK(AtomicWait(&cell, 4, true, -1) == WaitResult::kNotEqual);
  CHECK(AtomicWait(&cell, 5, true, 1000) == WaitResult::kTimedOut);
  CHECK(AtomicWait(&cell, 5, true, 0) == WaitResult::kTimedOut);
  CHECK(AtomicWait(&cell, 5 + (uint64_t{1} << 32), false, 1000) == WaitResult::kTimedOut);  // low 32 bits
  CHECK(AtomicNotify(&cell, 10) == 0);
}

TEST_CASE("atomic wait: notify wakes a waiting thread") {
  alignas(4) uint32_t cell = 0;
  std::atomic<int> result{-1};
  std::thread t([&] { result = static_cast<int>(AtomicWait(&cell, 0, false, -1)); });
  uint32_t woken = 0;
  while (woken == 0) {
    woken = AtomicNotify(&cell, 1);
    std::this_thread::yield();
  }
  t.join();
  CHECK(woken == 1);
  CHECK(result == 0);
}
