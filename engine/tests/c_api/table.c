/* wasm.h: tables (after the standard's table example): an exported funcref
 * table filled by an element segment, call_indirect through it, get/set/grow
 * from the host (including a host function put into the table), and a
 * host-created table. */
#include "check.h"

static wasm_trap_t* neg_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = -args->data[0].of.i32;
  return NULL;
}

static wasm_trap_t* call_indirect(const wasm_func_t* f, int32_t arg, int32_t index, int32_t* out) {
  wasm_val_t args[2] = {WASM_I32_VAL(arg), WASM_I32_VAL(index)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(args);
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(f, &av, &rv);
  if (trap == NULL) *out = r[0].of.i32;
  return trap;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (table (export \"table\") 2 10 funcref)"
      "  (type $t (func (param i32) (result i32)))"
      "  (func $f (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))"
      "  (func (export \"call\") (param i32 i32) (result i32)"
      "    (call_indirect (type $t) (local.get 0) (local.get 1)))"
      "  (elem (i32.const 1) $f))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  if (instance == NULL) return finish("table");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* table = wasm_extern_as_table(exports.data[0]);
  wasm_func_t* f = wasm_extern_as_func(exports.data[1]);
  const wasm_func_t* call = wasm_extern_as_func(exports.data[2]);
  CHECK(table != NULL && f != NULL && call != NULL);

  CHECK(wasm_table_size(table) == 2);
  wasm_ref_t* r0 = wasm_table_get(table, 0);
  CHECK(r0 == NULL);
  wasm_ref_t* r1 = wasm_table_get(table, 1);
  CHECK(r1 != NULL);
  if (r1) {
    CHECK(wasm_ref_as_func(r1) != NULL);
    CHECK(wasm_func_same(wasm_ref_as_func(r1), f));
    wasm_ref_delete(r1);
  }
  CHECK(wasm_table_get(table, 2) == NULL);  /* out of bounds */

  int32_t out = 0;
  CHECK(call_indirect(call, 7, 1, &out) == NULL && out == 8);
  wasm_trap_t* trap = call_indirect(call, 7, 0, &out);
  CHECK(trap != NULL);  /* uninitialized element */
  if (trap) wasm_trap_delete(trap);

  wasm_functype_t* neg_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* neg = wasm_func_new(store, neg_type, neg_callback);
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(neg)));
  CHECK(call_indirect(call, 7, 0, &out) == NULL && out == -7);
  CHECK(!wasm_table_set(table, 2, NULL));

  CHECK(wasm_table_grow(table, 3, wasm_func_as_ref(neg)));
  CHECK(wasm_table_size(table) == 5);
  CHECK(call_indirect(call, 3, 4, &out) == NULL && out == -3);
  CHECK(!wasm_table_grow(table, 6, NULL));  /* past the maximum of 10 */
  CHECK(wasm_table_set(table, 4, NULL));
  trap = call_indirect(call, 3, 4, &out);
  CHECK(trap != NULL);
  if (trap) wasm_trap_delete(trap);

  /* A host-created table. */
  wasm_limits_t limits = {5, 5};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* table2 = wasm_table_new(store, tt, NULL);
  CHECK(table2 != NULL);
  if (table2) {
    CHECK(wasm_table_size(table2) == 5);
    CHECK(!wasm_table_grow(table2, 1, NULL));
    CHECK(wasm_table_set(table2, 4, wasm_func_as_ref(f)));
    wasm_tabletype_t* got = wasm_table_type(table2);
    CHECK(wasm_valtype_kind(wasm_tabletype_element(got)) == WASM_FUNCREF);
    CHECK(wasm_tabletype_limits(got)->min == 5);
    wasm_tabletype_delete(got);
    wasm_table_delete(table2);
  }
  wasm_tabletype_delete(tt);

  wasm_functype_delete(neg_type);
  wasm_func_delete(neg);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return finish("table");
}
