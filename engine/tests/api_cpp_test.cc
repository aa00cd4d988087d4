// Tests of the public C++ API (engine/include/cascade/cascade.hh): compile from
// text and binary, typed and boxed calls, host functions from lambdas (with a
// Caller, multi-value, traps, exit), memory/table/global handles, InstancePre
// with Store::Drop, store limits, fuel and epochs, and error kinds.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <tuple>

#include "engine/include/cascade/cascade.hh"

namespace api = cascade::api;

namespace {

api::Module Compile(const api::Engine& engine, const char* wat) {
  auto m = api::Module::Compile(engine, std::string_view(wat));
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message()));
  return *m;
}

}  // namespace

TEST_CASE("api: typed calls, host lambdas with Caller, multi-value") {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  int hits = 0;
  linker.FuncWrap("env", "add", [&hits](int32_t a, int32_t b) -> int32_t {
    ++hits;
    return a + b;
  });
  linker.FuncWrap("env", "swap", [](int64_t a, double b) { return std::make_tuple(b, a); });
  linker.FuncWrap("env", "peek", [](api::Caller& caller, int32_t addr) -> int32_t {
    auto mem = caller.GetMemory();
    if (!mem) return -1;
    return mem->data(caller.store())[addr];
  });
  auto m = Compile(engine, R"((module
    (import "env" "add" (func $add (param i32 i32) (result i32)))
    (import "env" "swap" (func $swap (param i64 f64) (result f64 i64)))
    (import "env" "peek" (func $peek (param i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "\05")
    (func (export "add3") (param i32 i32 i32) (result i32)
      (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))
    (func (export "swap") (param i64 f64) (result f64 i64) (call $swap (local.get 0) (local.get 1)))
    (func (export "peek16") (result i32) (call $peek (i32.const 16)))))");
  auto inst = linker.Instantiate(store, m);
  REQUIRE_MESSAGE(inst.ok(), (inst.ok() ? "" : inst.error().message()));
  auto add3 = inst->GetFunc(store, "add3")->typed<int32_t(int32_t, int32_t, int32_t)>(store);
  REQUIRE(add3.ok());
  auto r = (*add3)(store, 1, 2, 3);
  REQUIRE(r.ok());
  CHECK(*r == 6);
  CHECK(hits == 2);
  // Wrong signature is refused.
  CHECK_FALSE(inst->GetFunc(store, "add3")->typed<int64_t(int32_t, int32_t, int32_t)>(store).ok());
  auto swap = inst->GetFunc(store, "swap")->typed<std::tuple<double, int64_t>(int64_t, double)>(store);
  REQUIRE(swap.ok());
  auto s = (*swap)(store, int64_t{-7}, 2.5);
  REQUIRE(s.ok());
  CHECK(std::get<0>(*s) == 2.5);
  CHECK(std::get<1>(*s) == -7);
  auto peek = inst->GetFunc(store, "peek16")->typed<int32_t()>(store);
  REQUIRE(peek.ok());
  CHECK(*(*peek)(store) == 5);
  // Boxed call.
  api::Val args[] = {api::Val::I32(10), api::Val::I32(20), api::Val::I32(30)};
  auto boxed = inst->GetFunc(store, "add3")->Call(store, args);
  REQUIRE(boxed.ok());
  REQUIRE(boxed->size() == 1);
  CHECK((*boxed)[0].i32() == 60);
  api::Val bad[] = {api::Val::I64(1), api::Val::I32(2), api::Val::I32(3)};
  auto wrong = inst->GetFunc(store, "add3")->Call(store, bad);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().kind() == api::Error::Kind::kUsage);
}

TEST_CASE("api: traps, host traps and exit, error kinds") {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  linker.FuncWrap("env", "fail", [](int32_t code) -> api::Result<int32_t> {
    if (code == 0) return 1;
    if (code == 1) return api::Error(api::Error::Kind::kTrap, "host said no");
    return api::Error(api::Error::Kind::kExit, "exit", {}, code);
  });
  auto m = Compile(engine, R"((module
    (import "env" "fail" (func $fail (param i32) (result i32)))
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "fail") (param i32) (result i32) (call $fail (local.get 0)))))");
  auto inst = linker.Instantiate(store, m);
  REQUIRE(inst.ok());
  auto div = *inst->GetFunc(store, "div")->typed<int32_t(int32_t, int32_t)>(store);
  auto r = div(store, 1, 0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind() == api::Error::Kind::kTrap);
  CHECK(r.error().message() == "integer divide by zero");
  CHECK(*div(store, 9, 3) == 3);  // the store is still usable
  auto fail = *inst->GetFunc(store, "fail")->typed<int32_t(int32_t)>(store);
  CHECK(*fail(store, 0) == 1);
  auto t = fail(store, 1);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().message() == "host said no");
  auto e = fail(store, 3);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().kind() == api::Error::Kind::kExit);
  CHECK(e.error().exit_status() == 3);

  auto bad = api::Module::Compile(engine, std::string_view("(module (func (result i32)))"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind() == api::Error::Kind::kCompile);
  auto garbage = api::Module::Compile(engine, std::string_view("\0asm\x02\0\0\0", 8));
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().kind() == api::Error::Kind::kCompile);
  auto needs = Compile(engine, R"((module (import "env" "missing" (func))))");
  auto li = linker.Instantiate(store, needs);
  REQUIRE_FALSE(li.ok());
  CHECK(li.error().kind() == api::Error::Kind::kLink);
  CHECK(li.error().message() == "unknown import");
}

TEST_CASE("api: memory, table and global handles") {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  auto m = Compile(engine, R"((module
    (memory (export "mem") 1 3)
    (table (export "tab") 2 funcref)
    (global (export "g") (mut i64) (i64.const 5))
    (global (export "k") f32 (f32.const 1.5))
    (func $f (export "f") (result i32) (i32.const 77))
    (func (export "call0") (result i32) (call_indirect (result i32) (i32.const 0)))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))))");
  auto inst = linker.Instantiate(store, m);
  REQUIRE(inst.ok());
  auto mem = *inst->GetMemory(store, "mem");
  CHECK(mem.size(store) == 65536);
  uint32_t v = 0xdeadbeef;
  std::memcpy(mem.data(store) + 8, &v, 4);
  auto load = *inst->GetFunc(store, "load")->typed<uint32_t(int32_t)>(store);
  CHECK(*load(store, 8) == 0xdeadbeef);
  CHECK(*mem.Grow(store, 2) == 1);
  CHECK(mem.pages(store) == 3);
  CHECK_FALSE(mem.Grow(store, 1).ok());
  auto tab = *inst->GetTable(store, "tab");
  CHECK(tab.size(store) == 2);
  auto f = *inst->GetFunc(store, "f");
  REQUIRE(tab.Set(store, 0, api::Val::FuncRef(&f)).ok());
  CHECK(*(*inst->GetFunc(store, "call0")->typed<int32_t()>(store))(store) == 77);
  auto got = tab.Get(store, 0);
  REQUIRE(got.ok());
  REQUIRE(got->funcref().has_value());
  CHECK(got->funcref()->raw() == f.raw());
  CHECK_FALSE(tab.Get(store, 5).ok());
  CHECK(*tab.Grow(store, 3, api::Val::FuncRef(nullptr)) == 2);
  auto g = *inst->GetGlobal(store, "g");
  CHECK(g.Get(store).i64() == 5);
  CHECK(g.Set(store, api::Val::I64(-9)).ok());
  CHECK(g.Get(store).i64() == -9);
  CHECK_FALSE(g.Set(store, api::Val::I32(1)).ok());
  auto k = *inst->GetGlobal(store, "k");
  CHECK(k.Get(store).f32() == 1.5f);
  CHECK_FALSE(k.Set(store, api::Val::F32(2)).ok());
  // Store-owned host function as an import.
  api::Func twice = store.Wrap([](int32_t x) { return x * 2; });
  linker.Define("host", "twice", twice);
  auto m2 = Compile(engine, R"((module (import "host" "twice" (func $t (param i32) (result i32)))
    (func (export "run") (result i32) (call $t (i32.const 21)))))");
  auto i2 = linker.Instantiate(store, m2);
  REQUIRE(i2.ok());
  CHECK(*(*i2->GetFunc(store, "run")->typed<int32_t()>(store))(store) == 42);
}

TEST_CASE("api: InstancePre per request, Store::Drop, limits") {
  api::Engine engine;
  api::Linker linker(engine);
  int calls = 0;
  linker.FuncWrap("env", "log", [&calls](int32_t) { ++calls; });
  auto m = Compile(engine, R"((module
    (import "env" "log" (func $log (param i32)))
    (memory 1) (data (i32.const 0) "\01")
    (global $n (mut i32) (i32.const 0))
    (func (export "handle") (param i32) (result i32)
      (call $log (local.get 0))
      (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
      (global.set $n (i32.add (global.get $n) (local.get 0)))
      (i32.add (global.get $n) (i32.load8_u (i32.const 0))))))");
  auto pre = linker.InstantiatePre(m);
  REQUIRE(pre.ok());
  CHECK(pre->pooled());
  api::Store store(engine);
  for (int i = 0; i < 50; ++i) {
    auto inst = pre->Instantiate(store);
    REQUIRE(inst.ok());
    auto handle = *inst->GetFunc(store, "handle")->typed<int32_t(int32_t)>(store);
    CHECK(*handle(store, 10) == 12);  // fresh state every time: 10 + (1 + 1)
    CHECK(store.Drop(*inst));
  }
  CHECK(calls == 50);
  CHECK(store.instance_count() == 0);
  {
    api::StoreLimits limits;
    limits.max_instances = 2;
    api::Store small(engine, limits);
    CHECK(pre->Instantiate(small).ok());
    CHECK(pre->Instantiate(small).ok());
    auto third = pre->Instantiate(small);
    REQUIRE_FALSE(third.ok());
    CHECK(third.error().kind() == api::Error::Kind::kLimit);
  }
  // Instances made by InstancePre outlive the Linker and InstancePre handles.
  api::Store keep(engine);
  std::optional<api::Instance> inst;
  {
    api::Linker l2(engine);
    int n = 0;
    l2.FuncWrap("env", "log", [n](int32_t) mutable { ++n; });
    auto p2 = l2.InstantiatePre(m);
    REQUIRE(p2.ok());
    auto i = p2->Instantiate(keep);
    REQUIRE(i.ok());
    inst = *i;
  }
  CHECK(*(*inst->GetFunc(keep, "handle")->typed<int32_t(int32_t)>(keep))(keep, 1) == 3);
}

TEST_CASE("api: fuel and epoch interruption") {
  api::Engine engine;
  api::Linker linker(engine);
  auto m = Compile(engine, R"((module (func (export "spin") (loop $l (br $l)))))");
  api::Store store(engine);
  auto inst = linker.Instantiate(store, m);
  REQUIRE(inst.ok());
  auto spin = *inst->GetFunc(store, "spin")->typed<void()>(store);
  store.SetFuel(10000);
  auto r = spin(store);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().find("fuel") != std::string::npos);
  CHECK(store.fuel_remaining() == 0);
  store.DisableFuel();
  store.SetEpochDeadline(1);
  api::Engine::IncrementEpoch();
  auto e = spin(store);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message() == "interrupt");
}
