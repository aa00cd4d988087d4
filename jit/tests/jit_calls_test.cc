// call_ref, return_call, return_call_indirect, return_call_ref, br_on_null,
// br_on_non_null and ref.as_non_null run as JIT code with the interpreter's
// results and traps, and tail calls keep the native stack flat: a million
// tail calls (which would need ~64 MiB of native stack as ordinary calls)
// finish, also when they alternate between two instances.
#include <string>
#include <vector>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (type $ii (func (param i64) (result i64)))
  (type $v (func (result i32)))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $count_ind $seven)
  (elem declare func $count_ref $even $odd $seven)
  (func $seven (type $ii) (i64.add (local.get 0) (i64.const 7)))
  (func $count (export "count") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 42))
      (else (return_call $count (i64.sub (local.get 0) (i64.const 1))))))
  (func $count_ind (export "count_ind") (type $ii)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 43))
      (else (return_call_indirect $t (type $ii) (i64.sub (local.get 0) (i64.const 1))
                                  (i32.const 0)))))
  (func $count_ref (export "count_ref") (type $ii)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 44))
      (else (return_call_ref $ii (i64.sub (local.get 0) (i64.const 1))
                                 (ref.func $count_ref)))))
  (func $even (export "even") (type $ii)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (return_call_ref $ii (i64.sub (local.get 0) (i64.const 1)) (ref.func $odd)))))
  (func $odd (type $ii)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
  (func (export "tail_ind") (param i32 i64) (result i64)
    (return_call_indirect $t (type $ii) (local.get 1) (local.get 0)))
  (func (export "call_ref") (param i32 i64) (result i64)
    (i64.mul (i64.const 2)
      (call_ref $ii (local.get 1)
        (select (result (ref null $ii)) (ref.func $seven) (ref.null $ii) (local.get 0)))))
  (func (export "tail_ref_null") (param i64) (result i64)
    (return_call_ref $ii (local.get 0) (ref.null $ii)))
  (func (export "br_on_null") (param i32) (result i32)
    (block $null
      (drop (br_on_null $null
        (select (result funcref) (ref.func $seven) (ref.null func) (local.get 0))))
      (return (i32.const 1)))
    (i32.const 2))
  (func (export "br_on_non_null") (param i32) (result i64) (local $f (ref null $ii))
    (local.set $f
      (block $nn (result (ref $ii))
        (br_on_non_null $nn
          (select (result (ref null $ii)) (ref.func $seven) (ref.null $ii) (local.get 0)))
        (return (i64.const -1))))
    (call_ref $ii (i64.const 5) (ref.as_non_null (local.get $f))))
  (func (export "as_non_null") (param i32) (result i32)
    (ref.is_null (ref.as_non_null
      (select (result funcref) (ref.func $seven) (ref.null func) (local.get 0))))))
)";

TEST_CASE("jit: call_ref, tail calls and null-branching match the interpreter") {
  JitInterpPair p(kModule);
  JitInstance& jit = p.jit;
  auto same = [&](const std::string& f, std::vector<Value> args) { p.Same(f, std::move(args)); };
  for (uint64_t n : {0ull, 1ull, 10ull}) {
    same("count", {Value::I64(n)});
    same("count_ind", {Value::I64(n)});
    same("count_ref", {Value::I64(n)});
    same("even", {Value::I64(n)});
  }
  for (uint32_t i : {0u, 1u, 2u, 7u}) {
    same("tail_ind", {Value::I32(i), Value::I64(5)});
    same("call_ref", {Value::I32(i), Value::I64(5)});
    same("br_on_null", {Value::I32(i)});
    same("br_on_non_null", {Value::I32(i)});
    same("as_non_null", {Value::I32(i)});
  }
  same("tail_ref_null", {Value::I64(1)});
  CHECK(jit.TrapOf("tail_ref_null", {Value::I64(1)}) == "null function reference");
  CHECK(jit.TrapOf("as_non_null", {Value::I32(0)}) == "null reference");
  // Constant native stack: a million iterations of each kind of tail call.
  CHECK(jit.Run("count", {Value::I64(1000000)}) == 42);
  CHECK(jit.Run("count_ind", {Value::I64(1000000)}) == 43);
  CHECK(jit.Run("count_ref", {Value::I64(1000000)}) == 44);
  CHECK(jit.Run("even", {Value::I64(1000001)}) == 0);
  CHECK(jit.stats().unsupported == 0);
}

// Instance A's $even tail-calls (through its table) instance B's $odd, which
// tail-calls A's $even back: each tail call crosses an instance boundary.
TEST_CASE("jit: tail calls across instances keep the native stack flat") {
  Store store;
  EnableJit(store);
  Linker linker;
  InstantiateError ierr;
  Instance* a = Instantiate(store, linker, cascade::test::CompileWat(R"((module
    (type $ii (func (param i64) (result i64)))
    (table (export "t") 1 funcref)
    (memory 1)
    (func (export "wrap") (param i64) (result i64) (local $r i64)
      (local.set $r (call $even (local.get 0)))  ;; may return from B's $odd
      (i64.store (i32.const 16) (i64.const 77))  ;; must still be A's memory
      (local.get $r))
    (func $even (export "even") (type $ii)
      (i64.store (i32.const 0) (i64.add (local.get 0) (i64.const 100)))
      (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
        (else (return_call_indirect (type $ii) (i64.sub (local.get 0) (i64.const 1))
                                    (i32.const 0))))))
  )"), &ierr);
  REQUIRE_MESSAGE(a != nullptr, ierr.trap.message);
  linker.DefineInstance("A", *a);
  Instance* b = Instantiate(store, linker, cascade::test::CompileWat(R"((module
    (type $ii (func (param i64) (result i64)))
    (import "A" "even" (func $even (type $ii)))
    (import "A" "t" (table 1 funcref))
    (memory 1)
    (elem (i32.const 0) func $odd)
    (func $odd (type $ii)
      (i64.store (i32.const 8) (i64.add (local.get 0) (i64.const 200)))
      (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 0))
        (else (return_call $even (i64.sub (local.get 0) (i64.const 1)))))))
  )"), &ierr);
  REQUIRE_MESSAGE(b != nullptr, ierr.trap.message);
  FuncInstance* even = a->GetExport("even").func();
  for (uint64_t n : {0ull, 1ull, 5ull, 1000000ull, 1000001ull}) {
    CAPTURE(n);
    std::vector<Value> results;
    Trap trap;
    std::vector<Value> args = {Value::I64(n)};
    bool ok = Invoke(store, even, args, &results, &trap);
    CHECK_MESSAGE(ok, trap.message);
    REQUIRE(results.size() == 1);
    CHECK(results[0].lo == (n % 2 == 0 ? 1u : 0u));
  }
  std::vector<Value> results, args = {Value::I64(3)};
  Trap trap;
  CHECK(Invoke(store, a->GetExport("wrap").func(), args, &results, &trap));
  CHECK(a->memory0_base[16] == 77);
  CHECK(b->memory0_base[16] == 0);
  // Each instance wrote to its own memory 0 (the memory register switched too).
  CHECK(a->memory0_base[0] == 101);  // A's $even last ran with 1
  CHECK(b->memory0_base[8] == 200);  // B's $odd last ran with 0
  CHECK(a->memory0_base[8] == 0);
  CHECK(b->memory0_base[0] == 0);
  CHECK(GetStats(store).unsupported == 0);
  CHECK(GetStats(store).compiled == 3);
}

}  // namespace
}  // namespace cascade::jit::test
