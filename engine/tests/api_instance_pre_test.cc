// Tests of InstancePre (engine/runtime/instance_pre.h): pooled instances start
// from exactly the module's initial state however the previous user of the slot
// changed it (memory contents and size, globals, tables, passive segments),
// slots are reused, store limits apply, the "no large reservation" mode checks
// bounds explicitly, and modules outside the pooled path (imported memory,
// out-of-bounds segments, trapping start) behave like plain Instantiate.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/runtime/host_func.h"
#include "engine/runtime/instance_pre.h"
#include "engine/runtime/invoke.h"
#include "engine/tests/interp_test_util.h"
#include "engine/text/wat_parser.h"
#include "engine/validator.h"

using namespace cascade;

namespace {

std::shared_ptr<const Module> Wat(const std::string& wat) { return test::CompileWat(wat); }

uint64_t Call(Store& store, Instance* inst, const char* name, std::vector<Value> args = {},
              std::string* trap_message = nullptr) {
  Extern e = inst->GetExport(name);
  REQUIRE_MESSAGE(e.object != nullptr, name);
  std::vector<Value> results;
  Trap trap;
  bool ok = Invoke(store, e.func(), args, &results, &trap);
  if (trap_message != nullptr) *trap_message = ok ? "" : trap.message;
  if (trap_message == nullptr) CHECK_MESSAGE(ok, name << ": " << trap.message);
  return ok && !results.empty() ? results[0].lo : 0;
}

const char* kStateful = R"((module
  (memory (export "memory") 2 10)
  (data (i32.const 100) "hello")
  (data (i32.const 70000) "\2a")
  (data $p "PASSIVE")
  (global $g (mut i32) (i32.const 7))
  (table $t 4 funcref)
  (elem (i32.const 1) $one $two)
  (elem $pe func $two)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "get_g") (result i32) (global.get $g))
  (func (export "set_g") (param i32) (global.set $g (local.get 0)))
  (func (export "call_t") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
  (func (export "clear_t") (param i32) (table.set $t (local.get 0) (ref.null func)))
  (func (export "tsize") (result i32) (table.size $t))
  (func (export "tgrow") (result i32) (table.grow $t (ref.null func) (i32.const 3)))
  (func (export "init_p") (memory.init $p (i32.const 200) (i32.const 0) (i32.const 7)))
  (func (export "drop_p") (data.drop $p))
  (func (export "drop_e") (elem.drop $pe))
  (func (export "init_e") (table.init $t $pe (i32.const 0) (i32.const 0) (i32.const 1)))
))";

// Checks that `inst` is in the module's initial state.
void CheckInitial(Store& store, Instance* inst) {
  CHECK(Call(store, inst, "load8", {Value::I32(100)}) == 'h');
  CHECK(Call(store, inst, "load8", {Value::I32(104)}) == 'o');
  CHECK(Call(store, inst, "load8", {Value::I32(70000)}) == 42);
  CHECK(Call(store, inst, "load8", {Value::I32(5000)}) == 0);
  CHECK(Call(store, inst, "size") == 2);
  CHECK(Call(store, inst, "get_g") == 7);
  CHECK(Call(store, inst, "tsize") == 4);
  CHECK(Call(store, inst, "call_t", {Value::I32(1)}) == 1);
  CHECK(Call(store, inst, "call_t", {Value::I32(2)}) == 2);
  std::string trap;
  Call(store, inst, "call_t", {Value::I32(0)}, &trap);
  CHECK(trap.find("uninitialized element") != std::string::npos);
}

// Changes everything that can change.
void Dirty(Store& store, Instance* inst) {
  Call(store, inst, "store8", {Value::I32(100), Value::I32('X')});
  Call(store, inst, "store8", {Value::I32(5000), Value::I32(9)});
  CHECK(Call(store, inst, "grow", {Value::I32(3)}) == 2);
  Call(store, inst, "store8", {Value::I32(4 * 65536 + 3), Value::I32(5)});
  Call(store, inst, "set_g", {Value::I32(99)});
  Call(store, inst, "clear_t", {Value::I32(1)});
  CHECK(Call(store, inst, "tgrow") == 4);
  Call(store, inst, "init_p");
  Call(store, inst, "drop_p");
  Call(store, inst, "drop_e");
  CHECK(Call(store, inst, "load8", {Value::I32(100)}) == 'X');
  CHECK(Call(store, inst, "get_g") == 99);
}

}  // namespace

TEST_CASE("instance_pre: pooled instances start from the initial state after reuse") {
  auto m = Wat(kStateful);
  Linker linker;
  InstantiateError err;
  auto pre = InstancePre::Create(linker, m, {}, &err);
  REQUIRE_MESSAGE(pre != nullptr, err.trap.message);
  CHECK(pre->pooled());
  CHECK(pre->free_slots() == 1);
  for (int round = 0; round < 3; ++round) {
    Store store;
    Instance* inst = pre->Instantiate(store, &err);
    REQUIRE_MESSAGE(inst != nullptr, err.trap.message);
    CHECK(pre->free_slots() == 0);
    CheckInitial(store, inst);
    // Passive segments are intact in a reused slot.
    Call(store, inst, "init_p");
    CHECK(Call(store, inst, "load8", {Value::I32(200)}) == 'P');
    Call(store, inst, "init_e");
    CHECK(Call(store, inst, "call_t", {Value::I32(0)}) == 2);
    Dirty(store, inst);
  }
  CHECK(pre->free_slots() == 1);
}

TEST_CASE("instance_pre: two live instances are independent; DropInstance returns the slot") {
  auto m = Wat(kStateful);
  Linker linker;
  InstantiateError err;
  auto pre = InstancePre::Create(linker, m, {}, &err);
  REQUIRE(pre != nullptr);
  Store store;
  Instance* a = pre->Instantiate(store, &err);
  Instance* b = pre->Instantiate(store, &err);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a != b);
  CHECK(store.instance_count() == 2);
  Dirty(store, a);
  CheckInitial(store, b);
  CHECK(store.DropInstance(a));
  CHECK_FALSE(store.DropInstance(a));  // no longer live in this store
  CHECK(store.instance_count() == 1);
  CHECK(pre->free_slots() == 1);
  Instance* c = pre->Instantiate(store, &err);
  REQUIRE(c != nullptr);
  CheckInitial(store, c);
}

TEST_CASE("instance_pre: store limits (instances, memory, table elements)") {
  auto m = Wat(kStateful);
  Linker linker;
  InstantiateError err;
  auto pre = InstancePre::Create(linker, m, {}, &err);
  REQUIRE(pre != nullptr);
  {
    StoreLimits limits;
    limits.max_instances = 1;
    Store store(limits);
    CHECK(pre->Instantiate(store, &err) != nullptr);
    CHECK(pre->Instantiate(store, &err) == nullptr);
    CHECK(err.trap.message.find("instance limit") != std::string::npos);
  }
  {
    StoreLimits limits;
    limits.max_memory_bytes = 65536;  // below the 2 initial pages
    Store store(limits);
    CHECK(pre->Instantiate(store, &err) == nullptr);
    CHECK(err.trap.message == "memory size exceeds implementation limit");
  }
  {
    StoreLimits limits;
    limits.max_memory_bytes = 3 * 65536;
    limits.max_table_elements = 5;
    Store store(limits);
    Instance* inst = pre->Instantiate(store, &err);
    REQUIRE(inst != nullptr);
    CHECK(Call(store, inst, "grow", {Value::I32(2)}) == uint32_t(-1));
    CHECK(Call(store, inst, "grow", {Value::I32(1)}) == 2);
    CHECK(Call(store, inst, "tgrow") == uint32_t(-1));
  }
  CHECK(pre->free_slots() >= 1);
}

TEST_CASE("instance_pre: no-large-reservation mode checks bounds explicitly") {
  auto m = Wat(kStateful);
  Linker linker;
  InstantiateError err;
  InstancePreOptions options;
  options.max_memory_reservation = 3 * 65536;  // below the 10-page maximum
  auto pre = InstancePre::Create(linker, m, options, &err);
  REQUIRE(pre != nullptr);
  CHECK(pre->pooled());
  CHECK_FALSE(pre->guarded_memory());
  for (int round = 0; round < 2; ++round) {
    Store store;
    Instance* inst = pre->Instantiate(store, &err);
    REQUIRE(inst != nullptr);
    CHECK_FALSE(inst->memories[0]->guarded);
    CheckInitial(store, inst);
    std::string trap;
    Call(store, inst, "load8", {Value::I32(2 * 65536)}, &trap);
    CHECK(trap == kTrapMemoryOutOfBounds);
    Dirty(store, inst);  // grows to 5 pages: past the reservation, the memory moves
    CHECK(Call(store, inst, "load8", {Value::I32(4 * 65536 + 3)}) == 5);
  }
}

TEST_CASE("instance_pre: host function imports; non-pooled modules fall back") {
  Store host_store;
  Linker linker;
  std::vector<ValType> i32{kWasmI32};
  int calls = 0;
  FuncInstance* twice = NewHostFunc(
      host_store, i32, i32,
      [&calls](HostContext& ctx, const uint64_t* args, uint64_t* results, Trap*) {
        ++calls;
        CHECK(ctx.caller != nullptr);
        results[0] = static_cast<uint32_t>(args[0] * 2);
        return true;
      });
  linker.Define("env", "twice", Extern::Func(twice));
  InstantiateError err;
  {
    auto m = Wat(R"((module (import "env" "twice" (func $t (param i32) (result i32)))
                       (func (export "f") (param i32) (result i32) (call $t (local.get 0)))))");
    auto pre = InstancePre::Create(linker, m, {}, &err);
    REQUIRE(pre != nullptr);
    CHECK(pre->pooled());
    Store store;
    Instance* inst = pre->Instantiate(store, &err);
    REQUIRE(inst != nullptr);
    CHECK(Call(store, inst, "f", {Value::I32(21)}) == 42);
    CHECK(calls == 1);
  }
  {  // missing import: a link error at Create
    auto m = Wat(R"((module (import "env" "nope" (func))))");
    CHECK(InstancePre::Create(linker, m, {}, &err) == nullptr);
    CHECK(err.link_error);
    CHECK(err.trap.message == "unknown import");
  }
  {  // imported memory: full path, still correct
    MemoryInstance* mem = host_store.NewMemory();
    std::string msg;
    Limits l;
    l.min = 1;
    REQUIRE(mem->Init(l, uint64_t{1} << 32, &msg));
    linker.Define("env", "mem", Extern::Memory(mem));
    auto m = Wat(R"((module (import "env" "mem" (memory 1)) (data (i32.const 8) "\07")
                       (func (export "get") (result i32) (i32.load8_u (i32.const 8)))))");
    auto pre = InstancePre::Create(linker, m, {}, &err);
    REQUIRE(pre != nullptr);
    CHECK_FALSE(pre->pooled());
    Store store;
    Instance* inst = pre->Instantiate(store, &err);
    REQUIRE(inst != nullptr);
    CHECK(Call(store, inst, "get") == 7);
    CHECK(mem->base[8] == 7);
  }
  {  // out-of-bounds data segment: not pooled, traps at Instantiate
    auto m = Wat(R"((module (memory 1) (data (i32.const 65535) "ab")))");
    auto pre = InstancePre::Create(linker, m, {}, &err);
    REQUIRE(pre != nullptr);
    CHECK_FALSE(pre->pooled());
    Store store;
    CHECK(pre->Instantiate(store, &err) == nullptr);
    CHECK(err.trap.message == kTrapMemoryOutOfBounds);
  }
  {  // a trapping start function: the slot goes back to the pool
    auto m = Wat(R"((module (memory 1) (data (i32.const 0) "x") (func $s unreachable) (start $s)))");
    auto pre = InstancePre::Create(linker, m, {}, &err);
    REQUIRE(pre != nullptr);
    CHECK(pre->pooled());
    Store store;
    CHECK(pre->Instantiate(store, &err) == nullptr);
    CHECK(err.trap.message == kTrapUnreachable);
    CHECK(store.instance_count() == 0);
    CHECK(pre->free_slots() == 1);
  }
}

TEST_CASE("instance_pre: instances outlive the InstancePre") {
  auto m = Wat(kStateful);
  Linker linker;
  InstantiateError err;
  Store store;
  Instance* inst = nullptr;
  {
    auto pre = InstancePre::Create(linker, m, {}, &err);
    REQUIRE(pre != nullptr);
    inst = pre->Instantiate(store, &err);
    REQUIRE(inst != nullptr);
  }
  CheckInitial(store, inst);
}

TEST_CASE("instance_pre: tables written only through an export are reset too") {
  // No table-writing instruction: only the export lets the host change the table.
  auto m = Wat(R"((module (table (export "t") 2 funcref) (elem (i32.const 0) $f)
                    (func $f (result i32) (i32.const 5))
                    (func (export "call0") (result i32) (call_indirect (result i32) (i32.const 0)))))");
  Linker linker;
  InstantiateError err;
  auto pre = InstancePre::Create(linker, m, {}, &err);
  REQUIRE(pre != nullptr);
  for (int round = 0; round < 2; ++round) {
    Store store;
    Instance* inst = pre->Instantiate(store, &err);
    REQUIRE(inst != nullptr);
    CHECK(Call(store, inst, "call0") == 5);
    TableInstance* t = inst->GetExport("t").table();
    REQUIRE(t != nullptr);
    t->elements[0] = 0;  // what the host API's Table::Set does
    CHECK(t->Grow(3, 0) == 2);
  }
  Store store;
  Instance* inst = pre->Instantiate(store, &err);
  REQUIRE(inst != nullptr);
  CHECK(inst->tables[0]->size() == 2);
  CHECK(Call(store, inst, "call0") == 5);
}

TEST_CASE("store: value stacks and mappings are recycled") {
  uint64_t* first = nullptr;
  {
    Store a;
    first = a.stack_base();
    first[0] = 1;
  }
  {
    Store b;
    CHECK(b.stack_base() == first);  // the pool hands the last returned stack back
  }
  size_t odd = 3 * 4096;
  CHECK(Store::TakeRecycledMapping(odd) == nullptr);
  int marker = 0;
  CHECK(Store::RecycleMapping(&marker, odd));
  CHECK(Store::TakeRecycledMapping(odd + 4096) == nullptr);  // exact size only
  CHECK(Store::TakeRecycledMapping(odd) == &marker);
  CHECK(Store::TakeRecycledMapping(odd) == nullptr);
}
