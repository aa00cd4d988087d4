// Guard-page faults inside machine code (trap_handler.h) report the wasm
// backtrace the interpreter reports for the same trap: every JIT frame, each
// with the byte offset of its faulting access or call, also across an
// instance boundary (through the external-entry trampoline).
#include <algorithm>
#include <string>
#include <vector>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (memory 1)
  (func $inner (param i32) (result i32)
    (i32.add (i32.const 1) (i32.load offset=4 (local.get 0))))
  (func $mid (param i32) (result i32)
    (i32.mul (call $inner (local.get 0)) (i32.const 3)))
  (func (export "outer") (param i32) (result i32)
    (i32.store8 (i32.const 0) (i32.const 1))
    (call $mid (local.get 0)))
  (func $rec (export "rec") (param i32 i32) (result i32)
    (if (result i32) (local.get 1)
      (then (call $rec (local.get 0) (i32.sub (local.get 1) (i32.const 1))))
      (else (f64.store (local.get 0) (f64.const 1)) (i32.const 0)))))
)";

void SameBacktrace(const Trap& jit, const Trap& interp) {
  CHECK(jit.message == interp.message);
  REQUIRE(jit.backtrace.size() == interp.backtrace.size());
  for (size_t i = 0; i < jit.backtrace.size(); ++i) {
    CAPTURE(i);
    CHECK(jit.backtrace[i].funcidx == interp.backtrace[i].funcidx);
    CHECK(jit.backtrace[i].code_offset == interp.backtrace[i].code_offset);
    CHECK(jit.backtrace[i].code_offset != 0);
  }
}

TEST_CASE("jit: guard-page faults in machine code carry the interpreter's backtrace") {
  JitInstance jit(kModule), interp(kModule, /*jit=*/false);
  Trap j = jit.TrapRecord("outer", {Value::I32(65533)});
  Trap i = interp.TrapRecord("outer", {Value::I32(65533)});
  CHECK(j.message == "out of bounds memory access");
  CHECK(j.backtrace.size() == 3);
  SameBacktrace(j, i);
  // 40 frames deep, then an f64 store faults.
  j = jit.TrapRecord("rec", {Value::I32(-8), Value::I32(40)});
  i = interp.TrapRecord("rec", {Value::I32(-8), Value::I32(40)});
  CHECK(j.backtrace.size() == 41);
  SameBacktrace(j, i);
  CHECK(jit.Run("outer", {Value::I32(8)}) == 3);  // still usable
  CHECK(jit.stats().unsupported == 0);
}

TEST_CASE("jit: a fault's backtrace crosses instances") {
  Store store;
  EnableJit(store);
  Linker linker;
  InstantiateError ierr;
  Instance* a = Instantiate(store, linker, cascade::test::CompileWat(kModule), &ierr);
  REQUIRE_MESSAGE(a != nullptr, ierr.trap.message);
  linker.DefineInstance("A", *a);
  Instance* b = Instantiate(store, linker, cascade::test::CompileWat(R"((module
    (import "A" "outer" (func $outer (param i32) (result i32)))
    (func $b_mid (param i32) (result i32) (call $outer (local.get 0)))
    (func (export "b_outer") (param i32) (result i32) (call $b_mid (local.get 0))))
  )"), &ierr);
  REQUIRE_MESSAGE(b != nullptr, ierr.trap.message);
  std::vector<Value> args = {Value::I32(70000)}, results;
  Trap trap;
  CHECK_FALSE(Invoke(store, b->GetExport("b_outer").func(), args, &results, &trap));
  CHECK(trap.message == "out of bounds memory access");
  REQUIRE(trap.backtrace.size() == 5);
  const Instance* expect[] = {a, a, a, b, b};
  const uint32_t funcs[] = {0, 1, 2, 1, 2};
  for (size_t k = 0; k < 5; ++k) {
    CAPTURE(k);
    CHECK(trap.backtrace[k].instance == expect[k]);
    CHECK(trap.backtrace[k].funcidx == funcs[k]);
    CHECK(trap.backtrace[k].code_offset != 0);
  }
}

// Trap stubs share their tail per function and message, and call sites their
// propagation tail: each site still reports its own wasm offset.
TEST_CASE("jit: every trap site and call site of a function reports its own offset") {
  constexpr const char* kTraps = R"((module
    (func $check (param i32) (result i32)
      (if (local.get 0) (then unreachable)) (i32.const 1))
    (func (export "f") (param i32) (result i32)
      (if (i32.eq (local.get 0) (i32.const 0)) (then unreachable))
      (if (i32.eq (local.get 0) (i32.const 1)) (then unreachable))
      (drop (i32.div_s (i32.const 1) (i32.sub (local.get 0) (i32.const 2))))
      (drop (i32.div_u (i32.const 1) (i32.sub (local.get 0) (i32.const 3))))
      (drop (call $check (i32.eq (local.get 0) (i32.const 4))))
      (drop (call $check (i32.eq (local.get 0) (i32.const 5))))
      (drop (i32.div_s (i32.const 1) (i32.sub (local.get 0) (i32.const 6))))
      (call $check (i32.eq (local.get 0) (i32.const 7)))))
  )";
  JitInstance jit(kTraps), interp(kTraps, /*jit=*/false);
  std::vector<uint32_t> offsets;
  for (int x = 0; x < 8; ++x) {
    CAPTURE(x);
    Trap j = jit.TrapRecord("f", {Value::I32(x)});
    SameBacktrace(j, interp.TrapRecord("f", {Value::I32(x)}));
    REQUIRE(!j.backtrace.empty());
    offsets.push_back(j.backtrace.back().code_offset);
  }
  // Eight different sites in `f`.
  std::sort(offsets.begin(), offsets.end());
  CHECK(std::unique(offsets.begin(), offsets.end()) == offsets.end());
  CHECK(jit.Run("f", {Value::I32(8)}) == 1);
}

}  // namespace
}  // namespace cascade::jit::test
