// Interpreter interruption (Store::SetFuel, Store::SetEpochDeadline,
// IncrementEpoch): infinite loops and loop-free exponential recursion are
// stopped by fuel and by an epoch bumped from another thread, with wasmtime's
// messages, and the store stays usable afterwards.
#include <limits>

#include "engine/tests/interp_test_util.h"
#include "engine/tests/interrupt_modules.h"

namespace cascade::test {
namespace {

constexpr const char* kLoops = kInterruptLoops;

TEST_CASE("interp: interruption is off by default") {
  WatInstance w(kLoops);
  CHECK_FALSE(w.store().fuel_enabled());
  CHECK(w.store().fuel_remaining() == std::numeric_limits<uint64_t>::max());
  CHECK(w.Run("count", {Value::I32(100000)}) == 100000);
  CHECK(w.Run("tree", {Value::I32(10)}) == 1024);
  CHECK(w.store().fuel_remaining() == std::numeric_limits<uint64_t>::max());
}

TEST_CASE("interp: fuel stops an infinite loop; more fuel lets the store run again") {
  WatInstance w(kLoops);
  w.store().SetFuel(10000);
  CHECK(w.TrapOf("spin") == kTrapOutOfFuel);
  CHECK(w.store().fuel_remaining() == 0);
  // Out of fuel: even a trivial call traps at function entry.
  CHECK(w.TrapOf("count", {Value::I32(1)}) == kTrapOutOfFuel);

  w.store().SetFuel(1000000);
  CHECK(w.Run("count", {Value::I32(100)}) == 100);
  uint64_t used_100 = 1000000 - w.store().fuel_remaining();
  w.store().SetFuel(1000000);
  CHECK(w.Run("count", {Value::I32(1000)}) == 1000);
  uint64_t used_1000 = 1000000 - w.store().fuel_remaining();
  // Fuel tracks instructions executed: ~10x the iterations, ~10x the fuel,
  // and each iteration costs at least its handful of instructions.
  CHECK(used_100 >= 100 * 5);
  CHECK(used_1000 > 9 * used_100);
  CHECK(used_1000 < 11 * used_100);

  // A trapping call nested in another reports the innermost frame first.
  w.store().SetFuel(5000);
  std::vector<Value> r;
  Trap trap;
  Extern e = w.instance()->GetExport("spin_inner");
  REQUIRE(e.object != nullptr);
  CHECK_FALSE(Invoke(w.store(), e.func(), {}, &r, &trap));
  CHECK(trap.message == kTrapOutOfFuel);
  REQUIRE(trap.backtrace.size() == 2);
  CHECK(trap.backtrace[0].funcidx == 0);
  CHECK(trap.backtrace[0].code_offset != 0);  // the loop's back-edge br
  CHECK(trap.backtrace[1].funcidx == 3);

  w.store().DisableFuel();
  CHECK(w.Run("count", {Value::I32(10)}) == 10);
}

TEST_CASE("interp: fuel stops loop-free exponential recursion at function entry") {
  WatInstance w(kLoops);
  w.store().SetFuel(100000);
  CHECK(w.TrapOf("tree", {Value::I32(40)}) == kTrapOutOfFuel);
  w.store().SetFuel(100000);
  CHECK(w.Run("tree", {Value::I32(8)}) == 256);
}

TEST_CASE("interp: an epoch bumped from another thread interrupts an infinite loop") {
  WatInstance w(kLoops);
  w.store().SetEpochDeadline(1);
  EpochTicker ticker;
  std::string msg = w.TrapOf("spin");
  ticker.Stop();
  CHECK(msg == kTrapInterrupt);
  // The deadline stays passed until set again.
  CHECK(w.TrapOf("count", {Value::I32(1)}) == kTrapInterrupt);
  w.store().SetEpochDeadline(1000);
  CHECK(w.Run("count", {Value::I32(50)}) == 50);
  w.store().DisableEpochDeadline();
  CHECK(w.Run("tree", {Value::I32(5)}) == 32);
}

TEST_CASE("interp: an epoch deadline stops loop-free recursion") {
  WatInstance w(kLoops);
  w.store().SetEpochDeadline(0);  // already reached: traps at the first entry
  CHECK(w.TrapOf("tree", {Value::I32(3)}) == kTrapInterrupt);
  w.store().SetEpochDeadline(1);
  EpochTicker ticker;
  std::string msg = w.TrapOf("tree", {Value::I32(60)});  // 2^60 calls
  ticker.Stop();
  CHECK(msg == kTrapInterrupt);
  // Other stores are unaffected (the deadline is per store).
  WatInstance other(kLoops);
  CHECK(other.Run("tree", {Value::I32(4)}) == 16);
}

}  // namespace
}  // namespace cascade::test
