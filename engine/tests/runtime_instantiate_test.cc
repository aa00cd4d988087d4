// Unit tests for linking and instantiation (spec 4.5.4): import resolution and
// type checks, constant expressions (extended-const, global.get, ref.func),
// active segments with partial initialization, the start function, host
// functions through Invoke, stores staying usable after failures, and shared
// memories imported by stores on several threads.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "engine/decoder.h"
#include "engine/runtime/host_func.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/value.h"
#include "engine/tests/module_builder.h"
#include "engine/validator.h"

using namespace cascade;
using cascade::test::ModuleBuilder;

namespace {

std::shared_ptr<const Module> Load(const ModuleBuilder& b) {
  auto m = std::make_shared<Module>();
  Error err;
  bool ok = DecodeModule(b.Build(), m.get(), &err);
  if (ok) ok = ValidateModule(*m, &err);
  INFO(err.message);
  REQUIRE(ok);
  return m;
}

std::vector<uint8_t> Cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

TEST_CASE("instantiate: globals with extended-const and imported globals, exports") {
  Store store;
  Linker linker;
  DefineSpectest(store, linker);
  ModuleBuilder b;
  uint32_t g0 = b.ImportGlobal("spectest", "global_i32", kWasmI32);
  // global 1 = global_i32 * 2 + 1 (extended const)
  uint32_t g1 = b.AddGlobal(kWasmI32, false,
                            Cat({{0x23, 0x00, 0x41, 0x02, 0x6C, 0x41, 0x01, 0x6A}, {0x0B}}));
  uint32_t g2 = b.AddGlobal(kWasmI64, true, ModuleBuilder::I64Const(-5));
  b.AddExport("g1", ExternKind::kGlobal, g1);
  b.AddExport("g2", ExternKind::kGlobal, g2);
  (void)g0;
  InstantiateError err;
  Instance* inst = Instantiate(store, linker, Load(b), &err);
  INFO(err.trap.message);
  REQUIRE(inst != nullptr);
  CHECK(inst->globals.size() == 3);
  CHECK(inst->GetExport("g1").global()->value[0] == 666 * 2 + 1);
  CHECK(inst->GetExport("g2").global()->value[0] == static_cast<uint64_t>(-5));
  CHECK(inst->GetExport("g2").global()->mut);
  CHECK(inst->GetExport("nope").object == nullptr);
}

TEST_CASE("instantiate: unknown import and incompatible import types") {
  Store store;
  Linker linker;
  DefineSpectest(store, linker);
  auto try_import = [&](ModuleBuilder& b) {
    InstantiateError err;
    Instance* inst = Instantiate(store, linker, Load(b), &err);
    CHECK(inst == nullptr);
    CHECK(err.link_error);
    return err.trap.message;
  };
  {
    ModuleBuilder b;
    b.ImportFunc("spectest", "nothing", b.AddFuncType({}, {}));
    CHECK(try_import(b) == "unknown import");
  }
  {
    ModuleBuilder b;  // print_i32 is [i32] -> [], not [] -> []
    b.ImportFunc("spectest", "print_i32", b.AddFuncType({}, {}));
    CHECK(try_import(b) == "incompatible import type");
  }
  {
    ModuleBuilder b;  // kind mismatch
    b.ImportGlobal("spectest", "print_i32", kWasmI32);
    CHECK(try_import(b) == "incompatible import type");
  }
  {
    ModuleBuilder b;  // mutability mismatch
    b.ImportGlobal("spectest", "global_i32", kWasmI32, /*mut=*/true);
    CHECK(try_import(b) == "incompatible import type");
  }
  {
    ModuleBuilder b;  // spectest memory is (1, 2): min 2 too large
    b.ImportMemory("spectest", "memory", 2);
    CHECK(try_import(b) == "incompatible import type");
  }
  {
    ModuleBuilder b;  // max 1 smaller than the actual max 2
    b.ImportMemory("spectest", "memory", 1, 1);
    CHECK(try_import(b) == "incompatible import type");
  }
  {
    ModuleBuilder b;  // table elem type mismatch
    b.ImportTable("spectest", "table", kWasmExternRef, 10);
    CHECK(try_import(b) == "incompatible import type");
  }
  {
    ModuleBuilder b;  // matching imports link
    b.ImportFunc("spectest", "print_i32", b.AddFuncType({kWasmI32}, {}));
    b.ImportMemory("spectest", "memory", 1, 3);
    b.ImportTable("spectest", "table", kWasmFuncRef, 5, 30);
    InstantiateError err;
    CHECK(Instantiate(store, linker, Load(b), &err) != nullptr);
  }
}

TEST_CASE("instantiate: active segments, partial initialization, dropped segments") {
  Store store;
  Linker linker;
  DefineSpectest(store, linker);
  MemoryInstance* mem = linker.Resolve("spectest", "memory").memory();
  TableInstance* table = linker.Resolve("spectest", "table").table();
  {
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    b.ImportMemory("spectest", "memory", 1);
    b.ImportTable("spectest", "table", kWasmFuncRef, 10);
    uint32_t f = b.AddFunction(t, {0x0B});
    b.AddActiveElem(ModuleBuilder::I32Const(2), {f, f});
    b.AddActiveData(ModuleBuilder::I32Const(10), {1, 2, 3});
    b.AddPassiveData({9, 9});
    InstantiateError err;
    Instance* inst = Instantiate(store, linker, Load(b), &err);
    REQUIRE(inst != nullptr);
    CHECK(mem->base[10] == 1);
    CHECK(mem->base[12] == 3);
    CHECK(table->elements[2] == reinterpret_cast<uintptr_t>(inst->funcs[0]));
    CHECK(table->elements[3] == reinterpret_cast<uintptr_t>(inst->funcs[0]));
    CHECK(inst->elems[0].items.empty());  // active segments are dropped
    CHECK(inst->datas[0].size == 0);
    CHECK(inst->datas[1].size == 2);      // passive ones are not
    CHECK(inst->memory0_base == mem->base);
    CHECK(inst->memory0_size == 65536);
  }
  {
    // The second data segment is out of bounds: the first one's write stays.
    ModuleBuilder b;
    b.ImportMemory("spectest", "memory", 1);
    b.AddActiveData(ModuleBuilder::I32Const(100), {42});
    b.AddActiveData(ModuleBuilder::I32Const(65535), {1, 2});
    InstantiateError err;
    CHECK(Instantiate(store, linker, Load(b), &err) == nullptr);
    CHECK_FALSE(err.link_error);
    CHECK(err.trap.message == "out of bounds memory access");
    CHECK(mem->base[100] == 42);
  }
  {
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    b.ImportTable("spectest", "table", kWasmFuncRef, 10);
    b.ImportMemory("spectest", "memory", 1);
    uint32_t f = b.AddFunction(t, {0x0B});
    b.AddActiveElem(ModuleBuilder::I32Const(9), {f, f});
    b.AddActiveData(ModuleBuilder::I32Const(200), {42});  // not reached
    InstantiateError err;
    CHECK(Instantiate(store, linker, Load(b), &err) == nullptr);
    CHECK(err.trap.message == "out of bounds table access");
    CHECK(mem->base[200] == 0);
  }
}

TEST_CASE("instantiate: the start function runs last (host import as start)") {
  Store store;
  Linker linker;
  int calls = 0;
  uint32_t void_type;
  {
    Module tmp;  // canonical id of [] -> []
    ModuleBuilder b;
    b.AddFuncType({}, {});
    auto m = Load(b);
    void_type = m->types[0].canonical_id;
  }
  FuncInstance* host = store.NewHostFunc(void_type, [&](HostContext&, const uint64_t*, uint64_t*, Trap*) {
    ++calls;
    return true;
  });
  linker.Define("env", "start", Extern::Func(host));
  ModuleBuilder b;
  uint32_t f = b.ImportFunc("env", "start", b.AddFuncType({}, {}));
  b.SetStart(f);
  InstantiateError err;
  CHECK(Instantiate(store, linker, Load(b), &err) != nullptr);
  CHECK(calls == 1);

  // A trapping start function fails instantiation with its trap.
  FuncInstance* bad = store.NewHostFunc(void_type, [](HostContext&, const uint64_t*, uint64_t*, Trap* trap) {
    trap->message = kTrapUnreachable;
    return false;
  });
  linker.Define("env", "start", Extern::Func(bad));
  CHECK(Instantiate(store, linker, Load(b), &err) == nullptr);
  CHECK_FALSE(err.link_error);
  CHECK(err.trap.message == "unreachable");
}

TEST_CASE("Invoke: host functions, argument checks, re-entry limit") {
  Store store(StoreLimits{.max_host_reentry = 50});
  ModuleBuilder b;
  b.AddFuncType({kWasmI32, kWasmI64}, {kWasmI64});
  auto m = Load(b);
  uint32_t type = m->types[0].canonical_id;
  FuncInstance* add = store.NewHostFunc(type, [](HostContext&, const uint64_t* a, uint64_t* r, Trap*) {
    r[0] = static_cast<uint32_t>(a[0]) + a[1];
    return true;
  });
  std::vector<Value> results;
  Trap trap;
  Value args[] = {Value::I32(40), Value::I64(2)};
  REQUIRE(Invoke(store, add, args, &results, &trap));
  REQUIRE(results.size() == 1);
  CHECK(results[0].type == kWasmI64);
  CHECK(results[0].i64() == 42);
  Value wrong[] = {Value::I64(40), Value::I64(2)};
  CHECK_FALSE(Invoke(store, add, wrong, &results, &trap));

  // A host function that re-enters itself forever hits the re-entry limit and
  // the store stays usable.
  FuncInstance* self = nullptr;
  self = store.NewHostFunc(type, [&](HostContext& ctx, const uint64_t* a, uint64_t* r, Trap* t) {
    uint64_t slots[2] = {a[0], a[1]};
    if (!InvokeSlots(ctx.store, self, slots, t)) return false;
    r[0] = slots[0];
    return true;
  });
  CHECK_FALSE(Invoke(store, self, args, &results, &trap));
  CHECK(trap.message == "call stack exhausted");
  CHECK(store.host_depth == 0);
  CHECK(Invoke(store, add, args, &results, &trap));
  CHECK(results[0].i64() == 42);
}

TEST_CASE("typed host functions link against matching imports only") {
  Store store;
  Linker linker;
  ValType params[] = {kWasmI32, kWasmF64};
  ValType results[] = {kWasmI64};
  FuncInstance* f = NewHostFunc(store, params, results,
                                [](HostContext&, const uint64_t*, uint64_t* r, Trap*) {
                                  r[0] = 7;
                                  return true;
                                });
  CHECK(f->param_slots == 2);
  CHECK(f->result_slots == 1);
  CHECK(CanonicalFuncTypeId(params, results) == f->canonical_type_id);
  linker.Define("env", "f", Extern::Func(f));
  {
    ModuleBuilder b;
    b.ImportFunc("env", "f", b.AddFuncType({kWasmI32, kWasmF64}, {kWasmI64}));
    InstantiateError err;
    CHECK(Instantiate(store, linker, Load(b), &err) != nullptr);
  }
  {
    ModuleBuilder b;
    b.ImportFunc("env", "f", b.AddFuncType({kWasmI32, kWasmF64}, {kWasmI32}));
    InstantiateError err;
    CHECK(Instantiate(store, linker, Load(b), &err) == nullptr);
    CHECK(err.trap.message == "incompatible import type");
  }
}

TEST_CASE("Trap::ToString prints the backtrace") {
  Trap trap;
  trap.message = kTrapDivByZero;
  trap.backtrace.push_back(TrapFrame{nullptr, 3, 0x1a});
  CHECK(trap.ToString() == "integer divide by zero\n  at func 3 @0x1a");
}

TEST_CASE("shared memory: instances of other stores, on other threads, attach and detach") {
  // One store owns a shared memory; stores on four threads import it at once
  // (as the spec suite's `thread` scripts do), and die while it lives on.
  Store owner;
  Linker linker;
  DefineSpectest(owner, linker);
  MemoryInstance* shared = linker.Resolve("spectest", "shared_memory").memory();
  ModuleBuilder b;
  b.ImportMemory("spectest", "shared_memory", 1, 2, /*shared=*/true);
  std::shared_ptr<const Module> m = Load(b);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Store store;
        InstantiateError err;
        if (Instantiate(store, linker, m, &err) == nullptr) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(shared->users.empty());  // every dead store's instance left
  Store reader;
  InstantiateError err;
  Instance* live = Instantiate(reader, linker, m, &err);
  REQUIRE(live != nullptr);
  CHECK(shared->Grow(1) == 1);  // only live users are updated
  CHECK(live->memory0_size == 2 * 65536);
  CHECK(shared->users.size() == 1);
}
