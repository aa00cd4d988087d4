// Interpreter: out-of-bounds accesses to a guarded memory 0 (no explicit
// check; the SIGSEGV handler turns the fault into a trap) carry a backtrace
// like every other trap: the faulting function with the exact wasm offset of
// the access, then its callers at their call instructions.
#include <algorithm>
#include <cstdio>

#include "engine/runtime/memory_instance.h"
#include "engine/tests/interp_test_util.h"

namespace cascade::test {
namespace {

constexpr char kModule[] = R"((module
  (memory 1)
  ;; func 0: two loads in a row; the first faults for addr >= 65536.
  (func $inner (param i32) (result i32)
    (i32.add (i32.load (local.get 0)) (i32.load offset=8 (local.get 0))))
  ;; func 1
  (func $mid (param i32) (result i32) (i32.const 1) (call $inner (local.get 0)) (i32.add))
  ;; func 2
  (func (export "outer") (param i32) (result i32) (call $mid (local.get 0)))
  ;; func 3: a store
  (func (export "store") (param i32) (i32.store16 offset=2 (local.get 0) (i32.const 7)))
))";

// Byte offset of `pattern` in the module binary (the test's own WAT above).
uint32_t FindBytes(const Module& m, std::initializer_list<uint8_t> pattern) {
  auto it = std::search(m.bytes.begin(), m.bytes.end(), pattern.begin(), pattern.end());
  REQUIRE(it != m.bytes.end());
  return static_cast<uint32_t>(it - m.bytes.begin());
}

Trap CallTrap(WatInstance& w, const char* name, uint32_t arg) {
  Extern e = w.instance()->GetExport(name);
  REQUIRE(e.object != nullptr);
  std::vector<Value> results;
  Trap trap;
  std::vector<Value> args{Value::I32(static_cast<int32_t>(arg))};
  CHECK_FALSE(Invoke(w.store(), e.func(), args, &results, &trap));
  return trap;
}

TEST_CASE("interp: guard-page traps carry the faulting access and the callers") {
  WatInstance w(kModule);
  const Module& m = *w.instance()->module;
  if (!w.instance()->memories[0]->guarded) {
    MESSAGE("memory 0 is not guarded here (no 8 GiB reservation): accesses are checked "
            "explicitly, so this test does not exercise the fault path");
  }
  // local.get 0; i32.load align=2 offset=0; local.get 0; i32.load align=2 offset=8
  uint32_t loads = FindBytes(m, {0x20, 0x00, 0x28, 0x02, 0x00, 0x20, 0x00, 0x28, 0x02, 0x08});
  uint32_t first_load = loads + 2;
  // $mid's call: local.get 0; call 0
  uint32_t mid_call = FindBytes(m, {0x41, 0x01, 0x20, 0x00, 0x10, 0x00}) + 4;

  for (uint32_t addr : {65536u, 0xFFFFFFF0u}) {
    Trap trap = CallTrap(w, "outer", addr);
    CHECK(trap.message == kTrapMemoryOutOfBounds);
    REQUIRE(trap.backtrace.size() == 3);
    CHECK(trap.backtrace[0].funcidx == 0);
    CHECK(trap.backtrace[0].code_offset == first_load);
    CHECK(trap.backtrace[1].funcidx == 1);
    CHECK(trap.backtrace[1].code_offset == mid_call);
    CHECK(trap.backtrace[2].funcidx == 2);
    CHECK(trap.backtrace[2].code_offset != 0);
  }
  // In bounds: the store stays usable after the faults.
  CHECK(w.Run("outer", {Value::I32(0)}) == 1);

  // i32.store16 align=1 offset=2
  uint32_t store = FindBytes(m, {0x3B, 0x01, 0x02});
  Trap trap = CallTrap(w, "store", 65535);
  CHECK(trap.message == kTrapMemoryOutOfBounds);
  REQUIRE(trap.backtrace.size() == 1);
  CHECK(trap.backtrace[0].funcidx == 3);
  CHECK(trap.backtrace[0].code_offset == store);
}

}  // namespace
}  // namespace cascade::test
