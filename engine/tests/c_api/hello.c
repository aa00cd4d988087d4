/* wasm.h: hello world with a host callback (the standard's hello example):
 * a module imports a callback, an export calls it; the callback sees its
 * arguments and its result comes back. */
#include "check.h"

static int g_called = 0;

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  printf("Hello from the host! (arg %d)\n", args->data[0].of.i32);
  ++g_called;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (func $hello (import \"\" \"hello\") (param i32) (result i32))"
      "  (func (export \"run\") (result i32) (call $hello (i32.const 41))))");

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK(imports.size == 1);
  CHECK(wasm_externtype_kind(wasm_importtype_type(imports.data[0])) == WASM_EXTERN_FUNC);
  CHECK(wasm_importtype_name(imports.data[0])->size == 5);
  wasm_importtype_vec_delete(&imports);

  wasm_functype_t* hello_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* hello_func = wasm_func_new(store, hello_type, hello_callback);
  wasm_functype_delete(hello_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(hello_func)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  CHECK(instance != NULL);
  CHECK(trap == NULL);
  if (instance == NULL) return finish("hello");

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 1);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  CHECK(run != NULL);
  CHECK(wasm_func_param_arity(run) == 0);
  CHECK(wasm_func_result_arity(run) == 1);

  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  CHECK(wasm_func_call(run, &args, &results) == NULL);
  CHECK(results_val[0].kind == WASM_I32);
  CHECK(results_val[0].of.i32 == 42);
  CHECK(g_called == 1);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(hello_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return finish("hello");
}
