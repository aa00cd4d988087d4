/* wasm.h: memory grow and access (after the standard's memory example):
 * exported memory read and written from both sides, out-of-bounds traps,
 * growth from wasm and from the host up to the maximum, and a host-created
 * memory. */
#include "check.h"

static wasm_trap_t* call(const wasm_func_t* f, wasm_val_t* args, size_t nargs, wasm_val_t* out) {
  wasm_val_vec_t a = {nargs, args};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = {wasm_func_result_arity(f), r};
  wasm_trap_t* trap = wasm_func_call(f, &a, &rv);
  if (out != NULL) *out = r[0];
  return trap;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (memory (export \"memory\") 2 3)"
      "  (func (export \"size\") (result i32) (memory.size))"
      "  (func (export \"load\") (param i32) (result i32) (i32.load8_s (local.get 0)))"
      "  (func (export \"store\") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))"
      "  (data (i32.const 0x1000) \"\\01\\02\\03\\04\"))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  if (instance == NULL) return finish("memory");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 4);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  const wasm_func_t* size = wasm_extern_as_func(exports.data[1]);
  const wasm_func_t* load = wasm_extern_as_func(exports.data[2]);
  const wasm_func_t* store_fn = wasm_extern_as_func(exports.data[3]);
  CHECK(memory != NULL && size != NULL && load != NULL && store_fn != NULL);

  CHECK(wasm_memory_size(memory) == 2);
  CHECK(wasm_memory_data_size(memory) == 0x20000);
  CHECK(wasm_memory_data(memory)[0] == 0);
  CHECK(wasm_memory_data(memory)[0x1000] == 1);
  CHECK(wasm_memory_data(memory)[0x1003] == 4);

  wasm_val_t v;
  wasm_val_t a1[1] = {WASM_I32_VAL(0x1002)};
  CHECK(call(load, a1, 1, &v) == NULL && v.of.i32 == 3);
  wasm_val_t a2[1] = {WASM_I32_VAL(0x20000)};
  wasm_trap_t* trap = call(load, a2, 1, &v);
  CHECK(trap != NULL);
  if (trap) {
    wasm_message_t msg;
    wasm_trap_message(trap, &msg);
    CHECK(strcmp(msg.data, "out of bounds memory access") == 0);
    wasm_byte_vec_delete(&msg);
    wasm_trap_delete(trap);
  }
  wasm_val_t a3[2] = {WASM_I32_VAL(0x1002), WASM_I32_VAL(5)};
  CHECK(call(store_fn, a3, 2, NULL) == NULL);
  CHECK(wasm_memory_data(memory)[0x1002] == 5);
  wasm_memory_data(memory)[0x1fff] = 6;
  wasm_val_t a4[1] = {WASM_I32_VAL(0x1fff)};
  CHECK(call(load, a4, 1, &v) == NULL && v.of.i32 == 6);

  CHECK(wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 3);
  CHECK(wasm_memory_data_size(memory) == 0x30000);
  CHECK(call(size, NULL, 0, &v) == NULL && v.of.i32 == 3);
  wasm_val_t a5[1] = {WASM_I32_VAL(0x20000)};
  CHECK(call(load, a5, 1, &v) == NULL && v.of.i32 == 0);
  CHECK(!wasm_memory_grow(memory, 1));  /* past the maximum */
  CHECK(wasm_memory_grow(memory, 0));

  wasm_memorytype_t* mt = wasm_memory_type(memory);
  CHECK(wasm_memorytype_limits(mt)->min == 3);
  CHECK(wasm_memorytype_limits(mt)->max == 3);
  wasm_memorytype_delete(mt);

  /* A host-created memory. */
  wasm_limits_t limits = {5, 5};
  wasm_memorytype_t* type = wasm_memorytype_new(&limits);
  wasm_memory_t* memory2 = wasm_memory_new(store, type);
  CHECK(memory2 != NULL);
  if (memory2) {
    CHECK(wasm_memory_size(memory2) == 5);
    CHECK(!wasm_memory_grow(memory2, 1));
    wasm_memory_data(memory2)[5 * 65536 - 1] = 1;
    wasm_memory_delete(memory2);
  }
  wasm_memorytype_delete(type);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return finish("memory");
}
