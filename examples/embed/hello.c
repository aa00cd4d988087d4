/* hello_c: the smallest C host, written against the standard wasm.h API
 * (plus cascade_wat2wasm from cascade.h to keep the module readable): a module
 * imports a host callback and calls it from its exported "run". */
#include <stdio.h>
#include <string.h>

#include <cascade.h>
#include <wasm.h>

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  printf("Hello from the host, called by wasm with %d\n", args->data[0].of.i32);
  return NULL;
}

static const char* kModule =
    "(module (import \"env\" \"hello\" (func $hello (param i32)))"
    "  (func (export \"run\") (call $hello (i32.const 42))))";

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_message_t error;
  if (!cascade_wat2wasm(kModule, strlen(kModule), &binary, &error)) {
    fprintf(stderr, "wat2wasm: %s\n", error.data);
    return 1;
  }
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (module == NULL) return fprintf(stderr, "invalid module\n"), 1;

  wasm_functype_t* type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* hello = wasm_func_new(store, type, hello_callback);
  wasm_functype_delete(type);
  wasm_extern_t* imports_data[] = {wasm_func_as_extern(hello)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (instance == NULL) return fprintf(stderr, "instantiation failed\n"), 1;

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
  trap = wasm_func_call(run, &args, &results);
  int status = 0;
  if (trap != NULL) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    fprintf(stderr, "trap: %s\n", message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
    status = 1;
  }
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(hello);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
