// The spec suite's host module "spectest" (the reference interpreter's
// spectest.ml): print functions that print nothing here (the harness runs
// silently), globals of value 666 / 666.6, a funcref table (10, max 20), its
// table64 twin, a memory (1, max 2) and a shared memory (1, max 2).
#include <initializer_list>

#include "engine/runtime/host_func.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/value.h"

namespace cascade {
namespace {

// Canonical id of the func type [params] -> [].
uint32_t FuncTypeId(std::initializer_list<ValType> params) {
  return CanonicalFuncTypeId(std::span<const ValType>(params.begin(), params.size()), {});
}

bool PrintNothing(HostContext&, const uint64_t*, uint64_t*, Trap*) { return true; }

}  // namespace

void DefineSpectest(Store& store, Linker& linker) {
  auto func = [&](const char* name, std::initializer_list<ValType> params) {
    linker.Define("spectest", name, Extern::Func(store.NewHostFunc(FuncTypeId(params), PrintNothing)));
  };
  func("print", {});
  func("print_i32", {kWasmI32});
  func("print_i64", {kWasmI64});
  func("print_f32", {kWasmF32});
  func("print_f64", {kWasmF64});
  func("print_i32_f32", {kWasmI32, kWasmF32});
  func("print_f64_f64", {kWasmF64, kWasmF64});

  auto global = [&](const char* name, Value v) {
    GlobalInstance* g = store.NewGlobal();
    g->type = v.type;
    g->mut = false;
    g->value[0] = v.lo;
    linker.Define("spectest", name, Extern::Global(g));
  };
  global("global_i32", Value::I32(666));
  global("global_i64", Value::I64(666));
  global("global_f32", Value::F32(666.6f));
  global("global_f64", Value::F64(666.6));

  for (bool is64 : {false, true}) {
    TableInstance* t = store.NewTable();
    t->elem_type = kWasmFuncRef;
    t->limits.min = 10;
    t->limits.max = 20;
    t->limits.has_max = true;
    t->limits.is64 = is64;
    t->max_elements = 20;
    t->elements.assign(10, 0);
    linker.Define("spectest", is64 ? "table64" : "table", Extern::Table(t));
  }
  for (bool shared : {false, true}) {
    Limits l;
    l.min = 1;
    l.max = 2;
    l.has_max = true;
    l.shared = shared;
    MemoryInstance* mem = store.NewMemory();
    std::string error;
    if (mem->Init(l, store.limits().max_memory_bytes, &error)) {
      linker.Define("spectest", shared ? "shared_memory" : "memory", Extern::Memory(mem));
    }
  }
}

}  // namespace cascade
