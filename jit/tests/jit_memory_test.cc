// memory64 (explicit bounds checks without address wrap-around), multi-memory
// (memidx != 0, including memory.size/grow/fill/copy across memories) and the
// atomic instructions compile to machine code and give the interpreter's
// results and traps at every boundary.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/runtime/instance_pre.h"
#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (memory $m0 1)
  (memory $m64 i64 1 4)
  (memory $m2 2 3)
  (memory $sh 1 1 shared)
  (func (export "load64") (param i64) (result i64) (i64.load $m64 (local.get 0)))
  (func (export "load64_off") (param i64) (result i32)
    (i32.load8_u $m64 offset=0xFFFFFFFFFFFFFFF0 (local.get 0)))
  (func (export "load64_bigoff") (param i64) (result i32)
    (i32.load16_s $m64 offset=0x100000000 (local.get 0)))
  (func (export "store64") (param i64 i64) (result i64)
    (i64.store $m64 offset=3 (local.get 0) (local.get 1))
    (i64.load $m64 offset=3 (local.get 0)))
  (func (export "f64_64") (param i64) (result f64)
    (f64.store $m64 (local.get 0) (f64.const 2.5))
    (f64.load $m64 (local.get 0)))
  (func (export "size_grow64") (param i64) (result i64)
    (drop (memory.grow $m64 (local.get 0)))
    (memory.size $m64))
  (func (export "fill64") (param i64 i64) (result i32)
    (memory.fill $m64 (local.get 0) (i32.const 7) (local.get 1))
    (i32.load8_u $m64 (local.get 0)))
  (func (export "load2") (param i32) (result i32) (i32.load $m2 offset=2 (local.get 0)))
  (func (export "store2") (param i32 i32) (result i32)
    (i32.store16 $m2 (local.get 0) (local.get 1))
    (i32.load16_u $m2 (local.get 0)))
  (func (export "grow2") (param i32) (result i32)
    (i32.add (memory.grow $m2 (local.get 0)) (i32.mul (memory.size $m2) (i32.const 100))))
  (func (export "copy_across") (param i32 i32 i32) (result i32)
    (i32.store $m0 (i32.const 0) (i32.const 0x04030201))
    (memory.copy $m2 $m0 (local.get 0) (local.get 1) (local.get 2))
    (i32.load $m2 (local.get 0)))
  (func (export "copy_64_to_32") (param i32 i64 i32) (result i32)
    (memory.copy $m0 $m64 (local.get 0) (local.get 1) (local.get 2))
    (i32.load8_u $m0 (local.get 0)))
  (func (export "rmw") (param i32 i32) (result i32)
    (drop (i32.atomic.rmw.add $sh (local.get 0) (local.get 1)))
    (i32.atomic.rmw.xchg $sh (local.get 0) (i32.const 5)))
  (func (export "cmpxchg") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw.cmpxchg $sh (local.get 0) (local.get 1) (local.get 2)))
  (func (export "atomic_ls") (param i32 i32) (result i32)
    (i32.atomic.store16 $sh (local.get 0) (local.get 1))
    (i32.atomic.load8_u $sh (local.get 0)))
  (func (export "wait_ne") (param i32) (result i32)
    (memory.atomic.wait32 $sh (local.get 0) (i32.const 99) (i64.const 0)))
  (func (export "wait_timeout") (param i32) (result i32)
    (i32.atomic.store $sh (local.get 0) (i32.const 0))
    (memory.atomic.wait32 $sh (local.get 0) (i32.const 0) (i64.const 1000)))
  (func (export "wait_unshared") (result i32)
    (memory.atomic.wait32 $m0 (i32.const 0) (i32.const 0) (i64.const 0)))
  (func (export "notify") (param i32) (result i32)
    (memory.atomic.notify $sh (local.get 0) (i32.const 1)))
  (func (export "rmw64_mem64") (param i64) (result i64)
    (i64.atomic.rmw.sub $m64 (local.get 0) (i64.const 1)))
  (func (export "fence") (result i32) (atomic.fence) (i32.const 1)))
)";

TEST_CASE("jit: memory64, multi-memory and atomics match the interpreter") {
  JitInterpPair p(kModule);
  JitInstance& jit = p.jit;
  auto same = [&](const std::string& f, std::vector<Value> args) { p.Same(f, std::move(args)); };
  const uint64_t kPage = 65536;
  for (uint64_t a : {uint64_t{0}, uint64_t{8}, kPage - 8, kPage - 7, kPage, uint64_t{1} << 32,
                     ~uint64_t{0}, ~uint64_t{0} - 7, uint64_t{0x10}, uint64_t{0x11}}) {
    CAPTURE(a);
    same("load64", {Value::I64(a)});
    same("load64_off", {Value::I64(a)});
    same("load64_bigoff", {Value::I64(a)});
    same("store64", {Value::I64(a), Value::I64(0x1122334455667788ull)});
    same("f64_64", {Value::I64(a)});
    same("fill64", {Value::I64(a), Value::I64(3)});
    same("fill64", {Value::I64(a), Value::I64(~uint64_t{0})});
    same("rmw64_mem64", {Value::I64(a)});
  }
  for (uint32_t a : {0u, 4u, 2 * 65536u - 6, 2 * 65536u - 5, 3 * 65536u, 0xFFFFFFFFu}) {
    CAPTURE(a);
    same("load2", {Value::I32(a)});
    same("store2", {Value::I32(a), Value::I32(0xBEEF)});
    same("copy_across", {Value::I32(a), Value::I32(0), Value::I32(4)});
    same("copy_64_to_32", {Value::I32(a), Value::I64(8), Value::I32(4)});
    same("copy_64_to_32", {Value::I32(0), Value::I64(a), Value::I32(4)});
    same("rmw", {Value::I32(a), Value::I32(3)});
    same("rmw", {Value::I32(a + 1), Value::I32(3)});  // unaligned
    same("cmpxchg", {Value::I32(a), Value::I64(0), Value::I64(9)});
    same("cmpxchg", {Value::I32(a), Value::I64(9), Value::I64(10)});
    same("atomic_ls", {Value::I32(a), Value::I32(0x1234)});
    same("atomic_ls", {Value::I32(a + 1), Value::I32(0x1234)});
    same("wait_ne", {Value::I32(a)});
    same("notify", {Value::I32(a)});
  }
  same("wait_timeout", {Value::I32(16)});
  same("wait_unshared", {});
  same("fence", {});
  for (uint64_t d : {uint64_t{1}, uint64_t{2}, uint64_t{1}, ~uint64_t{0}}) {
    same("size_grow64", {Value::I64(d)});
  }
  for (uint32_t d : {0u, 1u, 1u, 0xFFFFFFFFu}) same("grow2", {Value::I32(d)});
  same("load2", {Value::I32(3 * 65536u - 6)});  // memory $m2 grew to 3 pages
  CHECK(jit.stats().unsupported == 0);
  CHECK(jit.stats().compiled >= 20);
}

}  // namespace
}  // namespace cascade::jit::test

namespace cascade::jit::test {
namespace {

// An unguarded memory may move when it grows (here: a pooled instance whose
// memory may reserve only its first page). A callee that grows memory 0 -
// machine code (which reloads the shared memory base register after the
// grow) or interpreted (the slow internal entry reloads it on return) -
// leaves the caller accessing the moved memory, not the unmapped old one.
// (Epilogues reload it too, for returns from another instance's function
// entered by a tail call: jit_calls_test.)
TEST_CASE("jit: a callee that grows a moving memory 0 leaves its caller the new base") {
  constexpr const char* kGrow = R"((module
    (memory 1 100)
    (func $grow (export "grow") (result i32) (memory.grow (i32.const 40)))
    (func $grow_i (export "grow_i") (result i32) (memory.grow (i32.const 40)))
    (func (export "f") (result i32)
      (i64.store (i32.const 8) (i64.const 42))
      (drop (call $grow))
      (i32.store (i32.const 0x200000) (i32.const 5))
      (drop (call $grow_i))
      (i32.store (i32.const 0x400000) (i32.const 6))
      (i32.add (i32.add (i32.load (i32.const 0x200000)) (i32.load (i32.const 0x400000)))
               (i32.wrap_i64 (i64.load (i32.const 8))))))
  )";
  Linker linker;
  InstantiateError err;
  InstancePreOptions options;
  options.max_memory_reservation = 65536;
  auto pre = InstancePre::Create(linker, cascade::test::CompileWat(kGrow), options, &err);
  REQUIRE_MESSAGE(pre != nullptr, err.trap.message);
  Store store;
  EnableJit(store);
  Instance* inst = pre->Instantiate(store, &err);
  REQUIRE_MESSAGE(inst != nullptr, err.trap.message);
  REQUIRE_FALSE(inst->memories[0]->guarded);
  ForceInterpreted(store, inst->GetExport("grow_i").func());
  std::vector<Value> results;
  Trap trap;
  REQUIRE_MESSAGE(Invoke(store, inst->GetExport("f").func(), {}, &results, &trap), trap.message);
  CHECK(results[0].i32() == 53);
  CHECK(GetStats(store).compiled == 2);  // f and $grow; $grow_i interpreted
}

}  // namespace
}  // namespace cascade::jit::test
