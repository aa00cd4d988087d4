// The module the interruption tests of both tiers run (interp_interrupt_test,
// jit/tests/jit_interrupt_test): an infinite loop, a counting loop, loop-free
// exponential recursion and a nested call of the infinite loop; and the
// ticker thread their epoch tests share.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/runtime/store.h"

namespace cascade::test {

// Bumps the engine's epoch (IncrementEpoch) every 5 ms from another thread
// until Stop() or destruction, so an epoch test waits for the trap instead of
// depending on timing.
class EpochTicker {
 public:
  EpochTicker()
      : thread_([this] {
          while (!done_.load()) {
            IncrementEpoch();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }) {}
  ~EpochTicker() { Stop(); }
  EpochTicker(const EpochTicker&) = delete;
  EpochTicker& operator=(const EpochTicker&) = delete;
  void Stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

inline constexpr char kInterruptLoops[] = R"((module
  (func (export "spin") (loop (br 0)))
  (func (export "count") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1))
  ;; 2^n calls, no loop anywhere: only the function-entry check stops it.
  (func $tree (export "tree") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (i32.add (call $tree (i32.sub (local.get 0) (i32.const 1)))
                     (call $tree (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "spin_inner") (call 0))
))";

}  // namespace cascade::test
