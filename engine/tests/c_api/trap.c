/* wasm.h: traps (after the standard's trap example): a host callback that
 * returns a trap with a message, a wasm trap with its origin frame, link
 * errors reported through wasm_instance_new's trap, and a start function
 * trapping during instantiation. */
#include "check.h"

static wasm_store_t* g_store;

static wasm_trap_t* fail_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "callback abort");
  wasm_trap_t* trap = wasm_trap_new(g_store, &message);
  wasm_name_delete(&message);
  return trap;
}

static int message_is(wasm_trap_t* trap, const char* expected) {
  if (trap == NULL) return 0;
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  int ok = m.size == strlen(expected) + 1 && strcmp(m.data, expected) == 0;
  if (!ok) fprintf(stderr, "trap message: '%s', want '%s'\n", m.data, expected);
  wasm_byte_vec_delete(&m);
  return ok;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = g_store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (func $fail (import \"\" \"fail\") (result i32))"
      "  (func (export \"callback\") (result i32) (call $fail))"
      "  (func $u (unreachable))"
      "  (func (export \"unreachable\") (call $u)))");
  wasm_functype_t* fail_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* fail = wasm_func_new(store, fail_type, fail_callback);
  wasm_functype_delete(fail_type);
  wasm_extern_t* externs[] = {wasm_func_as_extern(fail)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  if (instance == NULL) return finish("trap");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 2);

  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results);
  CHECK(message_is(trap, "callback abort"));
  if (trap) wasm_trap_delete(trap);

  wasm_val_vec_t no_results = WASM_EMPTY_VEC;
  trap = wasm_func_call(wasm_extern_as_func(exports.data[1]), &args, &no_results);
  CHECK(message_is(trap, "unreachable"));
  if (trap) {
    wasm_frame_t* origin = wasm_trap_origin(trap);
    CHECK(origin != NULL);
    if (origin) {
      CHECK(wasm_frame_func_index(origin) == 2);  /* $u: import 0, callback 1, $u 2 */
      CHECK(wasm_frame_module_offset(origin) > 0);
      wasm_frame_delete(origin);
    }
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    CHECK(trace.size == 2);
    if (trace.size == 2) CHECK(wasm_frame_func_index(trace.data[1]) == 3);
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
  }

  /* Link error: a missing import. */
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* link = NULL;
  CHECK(wasm_instance_new(store, module, &none, &link) == NULL);
  CHECK(link != NULL);
  if (link) wasm_trap_delete(link);
  /* Mistyped import: a global where a function is expected. */
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t gv = WASM_I32_VAL(0);
  wasm_global_t* g = wasm_global_new(store, gt, &gv);
  wasm_globaltype_delete(gt);
  wasm_extern_t* wrong[] = {wasm_global_as_extern(g)};
  wasm_extern_vec_t wrong_vec = WASM_ARRAY_VEC(wrong);
  CHECK(wasm_instance_new(store, module, &wrong_vec, &link) == NULL);
  CHECK(message_is(link, "incompatible import type"));
  if (link) wasm_trap_delete(link);
  wasm_global_delete(g);

  /* A trapping start function. */
  wasm_module_t* starter = compile(store, "(module (func $s (unreachable)) (start $s))");
  CHECK(wasm_instance_new(store, starter, &none, &link) == NULL);
  CHECK(message_is(link, "unreachable"));
  if (link) wasm_trap_delete(link);
  wasm_module_delete(starter);

  /* Invalid modules are refused. */
  wasm_byte_vec_t garbage;
  wasm_byte_vec_new(&garbage, 8, "\0asm\2\0\0\0");
  CHECK(!wasm_module_validate(store, &garbage));
  CHECK(wasm_module_new(store, &garbage) == NULL);
  wasm_byte_vec_delete(&garbage);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(fail);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return finish("trap");
}
