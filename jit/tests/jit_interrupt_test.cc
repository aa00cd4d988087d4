// Fuel and epoch interruption in machine code: a store metered before its
// first compilation gets code that charges the budget at function entry and
// loop headers; infinite loops and loop-free recursion stop with wasmtime's
// messages, the store stays usable, and fuel use stays close to the
// interpreter's (both charge about one unit per wasm instruction).

#include "engine/runtime/instance_pre.h"
#include "engine/tests/interrupt_modules.h"
#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kLoops = cascade::test::kInterruptLoops;

uint64_t FuelFor(cascade::test::WatInstance& w, const char* f, uint32_t arg) {
  w.store().SetFuel(10000000);
  CHECK(w.Run(f, {Value::I32(arg)}) != 0);
  return 10000000 - w.store().fuel_remaining();
}

TEST_CASE("jit: fuel stops loops and recursion in machine code, close to the interpreter's count") {
  JitInstance w(kLoops);
  w.store().SetFuel(10000);
  CHECK(w.TrapOf("spin") == kTrapOutOfFuel);
  CHECK(w.store().fuel_remaining() == 0);
  CHECK(w.TrapOf("count", {Value::I32(1)}) == kTrapOutOfFuel);

  w.store().SetFuel(5000);
  Trap trap = w.TrapRecord("spin_inner", {});
  CHECK(trap.message == kTrapOutOfFuel);
  REQUIRE(trap.backtrace.size() == 2);
  CHECK(trap.backtrace[0].funcidx == 0);
  CHECK(trap.backtrace[0].code_offset != 0);
  CHECK(trap.backtrace[1].funcidx == 3);

  w.store().SetFuel(100000);
  CHECK(w.TrapOf("tree", {Value::I32(40)}) == kTrapOutOfFuel);
  w.store().SetFuel(100000);
  CHECK(w.Run("tree", {Value::I32(8)}) == 256);

  cascade::test::WatInstance interp(kLoops);
  for (uint32_t n : {100u, 1000u}) {
    CAPTURE(n);
    uint64_t jit_fuel = FuelFor(w, "count", n), interp_fuel = FuelFor(interp, "count", n);
    CHECK(jit_fuel >= n * 5);
    CHECK(jit_fuel * 2 >= interp_fuel);
    CHECK(jit_fuel <= interp_fuel * 2);
  }
  uint64_t jit_tree = FuelFor(w, "tree", 10), interp_tree = FuelFor(interp, "tree", 10);
  CHECK(jit_tree * 2 >= interp_tree);
  CHECK(jit_tree <= interp_tree * 2);

  w.store().DisableFuel();
  CHECK(w.Run("count", {Value::I32(10)}) == 10);
  CHECK(w.stats().unsupported == 0);
  CHECK(w.stats().compiled == 4);  // it all ran as machine code
}

// Machine code calls functions of its own instance through
// FuncInstance::jit_internal without a store check (jit_tier.cc, Install). A
// pooled instance slot keeps its FuncInstances from store to store: the
// unmetered code an earlier store installed must not be called from a
// metered store's code.
TEST_CASE("jit: a pooled instance reused by a metered store calls no unmetered code") {
  constexpr const char* kCalls = R"((module
    (func $spin (param i32) (result i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (i32.const 7))
    (func (export "run") (param i32) (result i32) (call $spin (local.get 0))))
  )";
  Linker linker;
  InstantiateError err;
  auto pre = InstancePre::Create(linker, cascade::test::CompileWat(kCalls), {}, &err);
  REQUIRE_MESSAGE(pre != nullptr, err.trap.message);
  REQUIRE(pre->pooled());
  // `eager`: both functions installed up front; else `run` at its call and
  // $spin when `run`'s code first calls it.
  auto run = [&](Store& store, bool eager, Trap* trap) {
    EnableJit(store);
    Instance* inst = pre->Instantiate(store, &err);
    REQUIRE_MESSAGE(inst != nullptr, err.trap.message);
    if (eager) REQUIRE(CompileInstance(store, *inst, 1) == 2);
    std::vector<Value> results;
    bool ok = Invoke(store, inst->GetExport("run").func(),
                     std::vector<Value>{Value::I32(1000000)}, &results, trap);
    CHECK(GetStats(store).compiled == 2);
    return ok && results.size() == 1 && results[0].i32() == 7;
  };
  {
    Store unmetered;
    Trap trap;
    CHECK(run(unmetered, /*eager=*/true, &trap));
  }
  CHECK(pre->free_slots() == 1);  // the next store gets the same slot
  Store metered;
  metered.SetFuel(10000);
  Trap trap;
  CHECK_FALSE(run(metered, /*eager=*/false, &trap));
  CHECK(trap.message == kTrapOutOfFuel);
}

TEST_CASE("jit: an epoch bumped from another thread interrupts machine code") {
  JitInstance w(kLoops);
  w.store().SetEpochDeadline(1);
  cascade::test::EpochTicker ticker;
  std::string spin = w.TrapOf("spin");
  w.store().SetEpochDeadline(1);
  std::string tree = w.TrapOf("tree", {Value::I32(60)});  // 2^60 calls, no loop
  ticker.Stop();
  CHECK(spin == kTrapInterrupt);
  CHECK(tree == kTrapInterrupt);
  CHECK(w.TrapOf("count", {Value::I32(1)}) == kTrapInterrupt);  // still passed
  w.store().DisableEpochDeadline();
  CHECK(w.Run("count", {Value::I32(50)}) == 50);
  CHECK(w.stats().unsupported == 0);
  CHECK(w.stats().compiled >= 3);
}

}  // namespace
}  // namespace cascade::jit::test
