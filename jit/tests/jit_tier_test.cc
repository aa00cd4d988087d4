// Tiered execution (jit::EnableTiering): functions start in the interpreter,
// are compiled at their Nth call (counted in the interpreter, in JIT code and
// at Invoke) or, with a loop, at their first, and interpreted code then calls
// their machine code. Checks the
// counts, results across the switch, and that traps in machine code called
// from the interpreter (explicit ones and guard-page faults) come back as the
// same traps and leave the store usable.
#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (memory 1)
  (func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)
  ;; sum of sq(i) for i in [0, n)
  (func (export "sum_sq") (param $n i32) (result i32) (local $s i32)
    block
      loop
        local.get $n i32.eqz br_if 1
        local.get $n i32.const 1 i32.sub local.tee $n
        call $sq local.get $s i32.add local.set $s
        br 0
      end
    end
    local.get $s)
  (func $load (param i32) (result i32) local.get 0 i32.load)
  ;; loads address 0 four times, then address $a
  (func (export "load_at") (param $a i32) (result i32)
    i32.const 0 call $load i32.const 0 call $load i32.add
    i32.const 0 call $load i32.add i32.const 0 call $load i32.add
    local.get $a call $load i32.add)
  (func $check (param i32) (result i32) local.get 0 if unreachable end i32.const 1)
  ;; $check(0) four times, then $check($x)
  (func (export "check") (param $x i32) (result i32)
    i32.const 0 call $check i32.const 0 call $check i32.add
    i32.const 0 call $check i32.add i32.const 0 call $check i32.add
    local.get $x call $check i32.add)
  ;; kept in the interpreter by the tests (jit::ForceInterpreted)
  (func (export "in_try") (param i32) (result i32)
    try_table (result i32) local.get 0 call $sq end))
)";

class TieredInstance : public cascade::test::WatInstance {
 public:
  explicit TieredInstance(const std::string& wat) : WatInstance(wat, {}, &EnableTiering) {}
  JitStats stats() { return GetStats(store()); }
};

// Restores the process-wide default when a test ends.
struct TierUpCalls {
  explicit TierUpCalls(uint32_t n) { SetTierUpCalls(n); }
  ~TierUpCalls() { SetTierUpCalls(kDefaultTierUpCalls); }
};

TEST_CASE("jit tiering: a function is compiled at its Nth call, callers keep their results") {
  TierUpCalls calls(3);
  TieredInstance w(kModule);
  // First call of `check`: interpreted; it calls $check 5 times, which is
  // compiled at its third call and then run as machine code from the
  // interpreter.
  CHECK(w.Run("check", {Value::I32(0)}) == 5);
  CHECK(w.stats().compiled == 1);
  CHECK(w.Run("check", {Value::I32(0)}) == 5);
  CHECK(w.stats().compiled == 1);  // `check`: second call, still interpreted
  CHECK(w.Run("check", {Value::I32(0)}) == 5);
  CHECK(w.stats().compiled == 2);  // third call: compiled at Invoke
  // A function with a loop counts calls like any other (a hot loop in a call
  // that started interpreted gets on-stack replacement instead, jit_osr_test);
  // its callee $sq is compiled at its third call, from the interpreter.
  CHECK(w.Run("sum_sq", {Value::I32(10)}) == 285);
  CHECK(w.stats().compiled == 3);
  CHECK(w.Run("sum_sq", {Value::I32(100)}) == 328350);
  CHECK(w.stats().compiled == 3);
  CHECK(w.Run("sum_sq", {Value::I32(100)}) == 328350);
  CHECK(w.stats().compiled == 4);  // sum_sq: third call
}

TEST_CASE("jit tiering: N = 1 compiles on the first call, like lazy compilation") {
  TierUpCalls calls(1);
  TieredInstance w(kModule);
  CHECK(w.Run("sum_sq", {Value::I32(3)}) == 5);
  CHECK(w.stats().compiled == 2);
}

TEST_CASE("jit tiering: traps in machine code called from the interpreter") {
  TierUpCalls calls(2);
  TieredInstance w(kModule);
  ForceInterpreted(w.store(), w.instance()->GetExport("in_try").func());
  // $load is compiled at its second call; the fifth faults on the guard region
  // inside machine code whose caller is interpreted.
  CHECK(w.TrapOf("load_at", {Value::I32(65536)}) == kTrapMemoryOutOfBounds);
  CHECK(w.stats().compiled == 1);
  CHECK(w.Run("load_at", {Value::I32(65532)}) == 0);
  // $check (funcidx 4) is compiled at its second call; the fifth traps in
  // machine code called by interpreted `check` (funcidx 5, first call): the
  // backtrace has both frames, innermost first, each with its wasm offset.
  Trap t = w.TrapRecord("check", {Value::I32(1)});
  CHECK(t.message == std::string(kTrapUnreachable));
  REQUIRE(t.backtrace.size() == 2);
  CHECK(t.backtrace[0].funcidx == 4);
  CHECK(t.backtrace[1].funcidx == 5);
  CHECK(t.backtrace[0].code_offset != 0);
  CHECK(t.backtrace[1].code_offset > t.backtrace[0].code_offset);
  CHECK(w.stats().compiled == 3);  // + load_at (2nd call), $check
  CHECK(w.Run("check", {Value::I32(0)}) == 5);
  // Interpreted code (in_try, kept so) calling compiled $sq, on every call.
  CHECK(w.Run("sum_sq", {Value::I32(2)}) == 1);  // compiles $sq
  for (int i = 0; i < 3; ++i) CHECK(w.Run("in_try", {Value::I32(3 + i)}) == uint64_t((3 + i) * (3 + i)));
  CHECK(w.stats().unsupported == 1);
  // The stacks were restored after every trap: deep work still runs.
  CHECK(w.Run("sum_sq", {Value::I32(1000)}) == 332833500);
}

// A call from machine code to a function without code yet takes the shared
// slow path, which compiles the callee (N = 1) and jumps to its external entry
// (macro_assembler.h, SlowCallThunk): a fault in it still has the caller's
// frame, with the offset of that call and not of the caller's other one.
TEST_CASE("jit tiering: a fault in a callee compiled at a call from machine code") {
  constexpr const char* kLoads = R"((module
    (memory 1)
    (func $load (param i32) (result i32) local.get 0 i32.load)
    (func $id (param i32) (result i32) local.get 0)
    (func (export "f") (param i32) (result i32)
      (i32.add (call $load (local.get 0)) (call $id (i32.const 1)))))
  )";
  TierUpCalls calls(1);
  TieredInstance w(kLoads);
  cascade::test::WatInstance interp(kLoads);
  Trap t = w.TrapRecord("f", {Value::I32(65536)});
  Trap i = interp.TrapRecord("f", {Value::I32(65536)});
  CHECK(t.message == std::string(kTrapMemoryOutOfBounds));
  CHECK(w.stats().compiled == 2);  // f at Invoke, then $load at its call
  REQUIRE(t.backtrace.size() == 2);
  REQUIRE(i.backtrace.size() == 2);
  for (size_t k = 0; k < 2; ++k) {
    CAPTURE(k);
    CHECK(t.backtrace[k].funcidx == i.backtrace[k].funcidx);
    CHECK(t.backtrace[k].code_offset == i.backtrace[k].code_offset);
  }
  CHECK(w.Run("f", {Value::I32(0)}) == 1);
  CHECK(w.stats().compiled == 3);  // + $id, also through the slow path
}

}  // namespace
}  // namespace cascade::jit::test
