// Machine code belongs to the module (Module::jit_cache): compiled once per
// variant, then installed with a lookup into every instance of the module in
// every store, each of which runs it against its own globals, memories,
// functions and tags (the instance register), and freed with the module.
#include <memory>
#include <string>
#include <vector>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (import "host" "base" (global $base i32))
  (global $count (mut i32) (i32.const 0))
  (memory 1)
  (tag $oops (param i32))
  (table 2 funcref)
  (elem (i32.const 0) $twice $plus_base)
  (func $twice (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $plus_base (param i32) (result i32) (i32.add (local.get 0) (global.get $base)))
  ;; Counts its calls in $count and in memory word 0, returns
  ;; table[sel](x) + count.
  (func (export "bump") (param $x i32) (param $sel i32) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (i32.add (call_indirect (param i32) (result i32) (local.get $x) (local.get $sel))
             (global.get $count)))
  (func $thrower (param i32) (throw $oops (local.get 0)))
  ;; Catches its own instance's $oops only.
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $oops $h) (call $thrower (local.get 0)))
      (i32.const -1)))
  (func (export "self_ref") (result funcref) (ref.func $twice)))
)";

struct Instantiated {
  Instance* instance = nullptr;
  FuncInstance* bump = nullptr;
};

Instantiated Make(Store& store, const std::shared_ptr<Module>& module, int32_t base) {
  Linker linker;
  GlobalInstance* g = store.NewGlobal();
  Value v = Value::I32(base);
  g->type = v.type;
  g->value[0] = v.lo;
  linker.Define("host", "base", Extern::Global(g));
  InstantiateError err;
  Instantiated r;
  r.instance = Instantiate(store, linker, module, &err);
  REQUIRE_MESSAGE(r.instance != nullptr, err.trap.message);
  r.bump = r.instance->GetExport("bump").func();
  return r;
}

int32_t Call(Store& store, Instance* instance, const char* name, std::vector<Value> args) {
  return static_cast<int32_t>(cascade::test::CallExport(store, instance, name, std::move(args)));
}

TEST_CASE("jit: a module's code is compiled once and shared by its instances in every store") {
  std::shared_ptr<Module> module = cascade::test::CompileWat(kModule);
  Store s1, s2;
  EnableJit(s1);
  EnableJit(s2);
  Instantiated a = Make(s1, module, 100), b = Make(s1, module, 200), c = Make(s2, module, 300);

  // a: three calls; b and c one each. Each instance counts its own calls.
  CHECK(Call(s1, a.instance, "bump", {Value::I32(5), Value::I32(0)}) == 10 + 1);
  CHECK(Call(s1, a.instance, "bump", {Value::I32(5), Value::I32(1)}) == 105 + 2);
  CHECK(Call(s1, a.instance, "bump", {Value::I32(7), Value::I32(0)}) == 14 + 3);
  uint32_t first = GetStats(s1).compiled;
  CHECK(first == 3);  // bump, twice, plus_base
  CHECK(GetStats(s1).reused == 0);
  CHECK(Call(s1, b.instance, "bump", {Value::I32(5), Value::I32(1)}) == 205 + 1);
  CHECK(Call(s2, c.instance, "bump", {Value::I32(5), Value::I32(1)}) == 305 + 1);
  // b and c (bump, then plus_base) installed the code a's calls compiled.
  CHECK(GetStats(s1).compiled == 5);
  CHECK(GetStats(s1).reused == 2);
  CHECK(GetStats(s2).compiled == 2);
  CHECK(GetStats(s2).reused == 2);
  CHECK(a.bump->jit_code != nullptr);
  CHECK(a.bump->jit_code == b.bump->jit_code);
  CHECK(a.bump->jit_code == c.bump->jit_code);
  // Globals and memories stayed each instance's own.
  CHECK(a.instance->globals[1]->value[0] == 3);
  CHECK(b.instance->globals[1]->value[0] == 1);
  CHECK(c.instance->globals[1]->value[0] == 1);
  CHECK(a.instance->memory0_base[0] == 3);
  CHECK(b.instance->memory0_base[0] == 1);
  CHECK(c.instance->memory0_base[0] == 1);

  // Tags compare by instance: each instance catches its own $oops.
  CHECK(Call(s1, a.instance, "catch", {Value::I32(42)}) == 42);
  CHECK(Call(s2, c.instance, "catch", {Value::I32(43)}) == 43);
  // ref.func yields the running instance's function.
  std::vector<Value> results;
  Trap trap;
  REQUIRE(Invoke(s2, c.instance->GetExport("self_ref").func(), {}, &results, &trap));
  CHECK(results.at(0).lo == reinterpret_cast<uint64_t>(c.instance->funcs[0]));
  CHECK(GetStats(s1).unsupported == 0);
  CHECK(GetStats(s2).unsupported == 0);
}

TEST_CASE("jit: a metered store gets its own variant of a module's code") {
  std::shared_ptr<Module> module = cascade::test::CompileWat(kModule);
  Store plain, metered;
  EnableJit(plain);
  EnableJit(metered);
  metered.SetFuel(1000000);
  Instantiated p = Make(plain, module, 1), m = Make(metered, module, 2);
  CHECK(Call(plain, p.instance, "bump", {Value::I32(5), Value::I32(0)}) == 11);
  CHECK(Call(metered, m.instance, "bump", {Value::I32(5), Value::I32(0)}) == 11);
  CHECK(GetStats(metered).compiled == 2);
  CHECK(GetStats(metered).reused == 0);  // the unmetered code does not charge fuel
  CHECK(p.bump->jit_code != m.bump->jit_code);
  CHECK(metered.fuel_remaining() < 1000000);
  // A second metered store reuses the metered variant.
  Store metered2;
  EnableJit(metered2);
  metered2.SetFuel(1000000);
  Instantiated m2 = Make(metered2, module, 3);
  CHECK(Call(metered2, m2.instance, "bump", {Value::I32(5), Value::I32(0)}) == 11);
  CHECK(GetStats(metered2).reused == 2);
  CHECK(m2.bump->jit_code == m.bump->jit_code);
}

TEST_CASE("jit: code outlives every store but not its module") {
  std::shared_ptr<Module> module = cascade::test::CompileWat(kModule);
  std::weak_ptr<Module> weak = module;
  void* code = nullptr;
  {
    Store s;
    EnableJit(s);
    Instantiated a = Make(s, module, 10);
    CHECK(Call(s, a.instance, "bump", {Value::I32(1), Value::I32(0)}) == 3);
    code = a.bump->jit_code;
  }
  {
    // A new store after the first died: the module's code is still there.
    Store s;
    EnableJit(s);
    Instantiated a = Make(s, module, 10);
    CHECK(Call(s, a.instance, "bump", {Value::I32(1), Value::I32(0)}) == 3);
    CHECK(a.bump->jit_code == code);
    CHECK(GetStats(s).reused == GetStats(s).compiled);
  }
  module.reset();
  CHECK(weak.expired());  // and with the module, its code cache went (ASan checks the rest)
}

}  // namespace
}  // namespace cascade::jit::test
