// Exception handling in JIT code: throw, throw_ref and try_table (catch,
// catch_ref, catch_all, catch_all_ref; nested handlers; exceptions from
// callees, from interpreted functions and into interpreted catchers; uncaught
// exceptions reaching the host) give the interpreter's results, and every
// function really runs as machine code unless a test keeps it interpreted.
#include <string>
#include <vector>

#include "engine/runtime/tag_instance.h"
#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (tag $e0)
  (tag $e1 (param i32))
  (tag $e2 (param i64 f64))
  (memory 1)
  (func $thrower (export "thrower") (param i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e0)))
    (if (i32.eq (local.get 0) (i32.const 2)) (then (throw $e1 (i32.const 42))))
    (if (i32.eq (local.get 0) (i32.const 3))
      (then (throw $e2 (i64.const -5) (f64.const 2.5))))
    (if (i32.eq (local.get 0) (i32.const 4)) (then (unreachable))))
  (func $interp_thrower (export "interp_thrower") (param i32) (call $thrower (local.get 0)))
  (func (export "catch_each") (param i32) (result i32)
    (block $b0
      (block $b1 (result i32)
        (block $b2 (result i64 f64)
          (try_table (catch $e0 $b0) (catch $e1 $b1) (catch $e2 $b2)
            (call $thrower (local.get 0)))
          (return (i32.const 100)))
        (drop) (return (i32.wrap_i64)))
      (return (i32.add (i32.const 1000))))
    (i32.const 7))
  (func (export "local_throw") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h)
        (if (local.get 0) (then (throw $e1 (i32.mul (local.get 0) (i32.const 3)))))
        (i32.const 11)
        (return))
      (unreachable))
    (i32.const 1) (i32.add))
  (func (export "nested") (param i32) (result i32)
    (block $outer (result i32)
      (block $inner
        (try_table (catch $e1 $outer)
          (try_table (catch $e0 $inner)
            (call $thrower (local.get 0))))
        (return (i32.const 5)))
      (return (i32.const 6)))
    (i32.const 2000) (i32.add))
  (func (export "catch_all") (param i32) (result i32)
    (block $all
      (try_table (catch_all $all) (call $thrower (local.get 0)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "rethrow_ref") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h)
        (block $r (result exnref)
          (try_table (catch_all_ref $r) (call $thrower (local.get 0)))
          (return (i32.const 0)))
        (throw_ref))
      (unreachable))
    (i32.const 300) (i32.add))
  (func (export "catch_ref_payload") (param i32) (result i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e1 $h) (call $thrower (local.get 0)))
      (return (i32.const 0)))
    (drop))
  (func (export "throw_null_ref") (param i32) (result i32)
    (block $h
      (try_table (catch_all $h) (throw_ref (ref.null exn))))
    (i32.const 9))
  (func (export "interp_callee") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h) (call $interp_thrower (local.get 0)))
      (return (i32.const 0)))
    (i32.const 500) (i32.add))
  (func $interp_catcher (export "interp_catcher") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h) (call $thrower (local.get 0)))
      (return (i32.const 0)))
    (i32.const 700) (i32.add))
  (func (export "via_interp_catcher") (param i32) (result i32)
    (call $interp_catcher (local.get 0)))
  (func (export "loop_catch") (param i32) (result i32) (local $n i32)
    (loop $again
      (block $h
        (try_table (catch $e0 $h) (call $thrower (i32.const 1)))
        (unreachable))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $n) (local.get 0))))
    (local.get $n))
  (func (export "counter") (result i32) (i32.load (i32.const 0)))
  ;; Legacy exception handling.
  (func (export "legacy_catch") (param i32) (result i32)
    (try (result i32)
      (do (call $thrower (local.get 0)) (i32.const 1))
      (catch $e1 (i32.add (i32.const 10)))
      (catch $e0 (i32.const 20))
      (catch_all (i32.const 30))))
  (func (export "legacy_rethrow") (param i32) (result i32)
    (try (result i32)
      (do
        (try
          (do (call $thrower (local.get 0)))
          (catch_all
            (try (do (throw $e0)) (catch $e0))  ;; a nested catch in between
            (rethrow 0)))
        (i32.const 0))
      (catch $e1 (i32.add (i32.const 400)))
      (catch_all (i32.const 401))))
  (func (export "legacy_delegate") (param i32) (result i32)
    (try (result i32)
      (do
        (try
          (do
            (try (do (call $thrower (local.get 0))) (delegate 1)))
          (catch_all (return (i32.const -1))))  ;; skipped by the delegate
        (i32.const 0))
      (catch $e1 (i32.add (i32.const 600)))
      (catch_all (i32.const 601))))
  (func (export "legacy_delegate_out") (param i32) (result i32)
    (try (result i32)
      (do (try (do (call $thrower (local.get 0))) (delegate 0)) (i32.const 0))
      (catch_all (i32.const 5))))
)
)";

struct Pair : JitInterpPair {
  Pair() : JitInterpPair(kModule) {
    for (const char* f : {"interp_thrower", "interp_catcher"})
      ForceInterpreted(jit.store(), jit.instance()->GetExport(f).func());
  }
};

TEST_CASE("jit: try_table, throw and throw_ref match the interpreter") {
  Pair p;
  for (uint32_t i : {0u, 1u, 2u, 3u, 4u}) {
    CAPTURE(i);
    for (const char* f : {"catch_each", "local_throw", "nested", "catch_all", "rethrow_ref",
                          "catch_ref_payload", "throw_null_ref", "interp_callee",
                          "via_interp_catcher", "thrower", "legacy_catch", "legacy_rethrow",
                          "legacy_delegate", "legacy_delegate_out"}) {
      p.Same(f, {Value::I32(i)});
    }
  }
  p.Same("loop_catch", {Value::I32(1000)});
  p.Same("counter", {});
  CHECK(p.jit.Run("catch_each", {Value::I32(2)}) == 1042);
  CHECK(p.jit.Run("catch_each", {Value::I32(3)}) == static_cast<uint32_t>(-5));
  CHECK(p.jit.Run("nested", {Value::I32(2)}) == 2042);
  CHECK(p.jit.Run("interp_callee", {Value::I32(2)}) == 542);
  CHECK(p.jit.Run("via_interp_catcher", {Value::I32(2)}) == 742);
  CHECK(p.jit.Run("legacy_catch", {Value::I32(2)}) == 52);
  CHECK(p.jit.Run("legacy_rethrow", {Value::I32(2)}) == 442);
  CHECK(p.jit.Run("legacy_delegate", {Value::I32(2)}) == 642);
  CHECK(p.jit.TrapOf("catch_all", {Value::I32(4)}) == "unreachable");  // traps are not caught
  CHECK(p.jit.TrapOf("throw_null_ref", {Value::I32(0)}) == "null exception reference");
  // Uncaught: the exception reaches the host as the interpreter reports it.
  Trap t = p.jit.TrapRecord("thrower", {Value::I32(2)});
  CHECK(t.message == "uncaught exception");
  REQUIRE(t.exception != nullptr);
  CHECK(t.exception->payload.size() == 1);
  CHECK(t.exception->payload[0] == 42);
  // The store is usable afterwards and nothing was left in flight.
  CHECK(p.jit.Run("catch_each", {Value::I32(0)}) == 100);
  CHECK(p.jit.stats().unsupported == 2);  // the two kept interpreted
  CHECK(p.jit.stats().compiled >= 16);
}

}  // namespace
}  // namespace cascade::jit::test
