// On-stack replacement in tiered mode (Store::tier_osr): a call that started
// in the interpreter finishes in machine code from a hot loop's header, on
// the interpreter's own frame. Checked against the interpreter: results,
// traps with their backtraces, exceptions caught by an interpreted caller or
// escaping to the host, and fuel; and that OSR really happened
// (JitStats::osr_entries).
#include <string>
#include <vector>

#include "engine/runtime/tag_instance.h"
#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (tag $e (param i32))
  (memory 1)
  ;; One call, one long loop with live operands and locals across the header.
  (func $sum (export "sum") (param i32) (result i64) (local i64 i32)
    (i64.const 7)  ;; an operand below the loop, in its home slot
    (loop $l
      (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 2))))
      (i32.store (i32.const 16) (local.get 2))
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 2) (local.get 0))))
    (i64.add (local.get 1)))
  ;; A loop with a block parameter and a result carried through the header.
  (func (export "loop_param") (param i32) (result i32)
    (i32.const 0)
    (loop $l (param i32) (result i32)
      (i32.add (i32.const 3))
      (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l)))
  ;; Traps after the loop; the caller is interpreted (called from "outer").
  (func $then_div (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (i32.div_u (local.get 1) (i32.const 0)))
  (func (export "outer") (param i32) (result i32)
    (i32.add (i32.const 1) (call $then_div (local.get 0))))
  ;; Throws after the loop; caught by the interpreted caller.
  (func $then_throw (param i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (throw $e (local.get 1)))
  (func (export "catcher") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $then_throw (local.get 0)))
      (i32.const -1)))
  (func (export "uncaught") (param i32) (call $then_throw (local.get 0)))
  (func (export "stored") (result i32) (i32.load (i32.const 16))))
)";

constexpr int64_t kN = 3000000;  // enough back-edges for several budget slices

TEST_CASE("jit tiering: on-stack replacement finishes hot loops in machine code") {
  cascade::test::WatInstance interp(kModule);
  cascade::test::WatInstance w(kModule, {}, &EnableTiering);
  auto same = [&](const std::string& f, std::vector<Value> args) {
    CAPTURE(f);
    std::vector<Value> jr, ir;
    Trap jt, it;
    Extern je = w.instance()->GetExport(f), ie = interp.instance()->GetExport(f);
    bool jok = Invoke(w.store(), je.func(), args, &jr, &jt);
    bool iok = Invoke(interp.store(), ie.func(), args, &ir, &it);
    CHECK(jok == iok);
    CHECK(jt.message == it.message);
    REQUIRE(jr.size() == ir.size());
    for (size_t i = 0; i < jr.size(); ++i) CHECK(jr[i].lo == ir[i].lo);
    CHECK((jt.exception == nullptr) == (it.exception == nullptr));
    if (jt.exception && it.exception) CHECK(jt.exception->payload == it.exception->payload);
    if (jt.exception) return;  // an uncaught exception's backtrace is not compared
    REQUIRE(jt.backtrace.size() == it.backtrace.size());
    for (size_t i = 0; i < jt.backtrace.size(); ++i) {
      CHECK(jt.backtrace[i].funcidx == it.backtrace[i].funcidx);
      CHECK(jt.backtrace[i].code_offset == it.backtrace[i].code_offset);
    }
  };
  uint32_t before = GetStats(w.store()).osr_entries;
  same("sum", {Value::I32(kN)});
  CHECK(GetStats(w.store()).osr_entries > before);
  same("stored", {});
  same("loop_param", {Value::I32(kN)});
  same("outer", {Value::I32(kN)});  // trap in OSR'd code, interpreted caller
  same("catcher", {Value::I32(kN)});  // exception out of OSR'd code, caught by the caller
  same("uncaught", {Value::I32(kN)});  // ... escaping to the host
  same("sum", {Value::I32(10)});  // compiled by now: a plain call
  CHECK(GetStats(w.store()).osr_entries >= 4);
  CHECK(GetStats(w.store()).unsupported == 0);
}

TEST_CASE("jit tiering: fuel still stops a loop across on-stack replacement") {
  cascade::test::WatInstance w(kModule, {}, &EnableTiering);
  w.store().SetFuel(uint64_t{kN} * 2);
  std::string msg = w.TrapOf("sum", {Value::I32(kN * 4)});
  CHECK(msg == kTrapOutOfFuel);
  w.store().SetFuel(uint64_t{1} << 40);
  CHECK(w.Run("sum", {Value::I32(1000)}) == 7 + 999 * 1000 / 2);
}

}  // namespace
}  // namespace cascade::jit::test
