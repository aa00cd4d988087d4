/* wasm.h: multi-value (after the standard's multi example): a host callback
 * with four parameters and four results of mixed types, called from wasm,
 * which returns them swapped. */
#include "check.h"

static wasm_trap_t* callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 4 && results->size == 4);
  results->data[0] = args->data[3];
  results->data[1] = args->data[2];
  results->data[2] = args->data[1];
  results->data[3] = args->data[0];
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (func $f (import \"\" \"f\") (param i32 i64 i64 i32) (result i32 i64 i64 i32))"
      "  (func (export \"g\") (param i32 i64 i64 i32) (result i32 i64 i64 i32)"
      "    (call $f (local.get 0) (local.get 2) (local.get 1) (local.get 3))))");
  wasm_valtype_t* ps[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_i64(),
                           wasm_valtype_new_i32()};
  wasm_valtype_t* rs[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_i64(),
                           wasm_valtype_new_i32()};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 4, ps);
  wasm_valtype_vec_new(&results, 4, rs);
  wasm_functype_t* type = wasm_functype_new(&params, &results);
  CHECK(wasm_functype_params(type)->size == 4);
  CHECK(wasm_functype_results(type)->size == 4);
  wasm_func_t* f = wasm_func_new(store, type, callback);
  wasm_functype_delete(type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(f)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  if (instance == NULL) return finish("multi");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* g = wasm_extern_as_func(exports.data[0]);
  wasm_functype_t* gt = wasm_func_type(g);
  CHECK(wasm_valtype_kind(wasm_functype_results(gt)->data[1]) == WASM_I64);
  wasm_functype_delete(gt);

  wasm_val_t vals[4] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_I64_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t res[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(vals);
  wasm_val_vec_t rv = WASM_ARRAY_VEC(res);
  CHECK(wasm_func_call(g, &args, &rv) == NULL);
  /* g swaps the middle pair, the callback reverses all four. */
  CHECK(res[0].kind == WASM_I32 && res[0].of.i32 == 4);
  CHECK(res[1].kind == WASM_I64 && res[1].of.i64 == 2);
  CHECK(res[2].kind == WASM_I64 && res[2].of.i64 == 3);
  CHECK(res[3].kind == WASM_I32 && res[3].of.i32 == 1);

  /* Calling the host function directly works too. */
  CHECK(wasm_func_call(f, &args, &rv) == NULL);
  CHECK(res[0].of.i32 == 4 && res[1].of.i64 == 3 && res[2].of.i64 == 2 && res[3].of.i32 == 1);
  /* Wrong argument count is a trap, not a crash. */
  wasm_val_vec_t short_args = {2, vals};
  wasm_trap_t* trap = wasm_func_call(g, &short_args, &rv);
  CHECK(trap != NULL);
  if (trap) wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(f);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return finish("multi");
}
