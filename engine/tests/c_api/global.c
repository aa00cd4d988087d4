/* wasm.h: globals (after the standard's global example): host-created const
 * and var globals imported by a module, exported globals, reads and writes
 * from the host and from wasm seen on both sides, and type reflection. */
#include "check.h"

static wasm_val_t get(const wasm_global_t* g) {
  wasm_val_t v;
  wasm_global_get(g, &v);
  return v;
}

static int64_t call_i64(const wasm_func_t* f) {
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(f, &args, &rv);
  CHECK(trap == NULL);
  return r[0].kind == WASM_I64 ? r[0].of.i64 : r[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module"
      "  (global $ci (import \"\" \"const i32\") i32)"
      "  (global $vi (import \"\" \"var i64\") (mut i64))"
      "  (global (export \"const f32\") f32 (f32.const 5))"
      "  (global $ve (export \"var i32\") (mut i32) (i32.const 7))"
      "  (func (export \"get ci\") (result i32) (global.get $ci))"
      "  (func (export \"get vi\") (result i64) (global.get $vi))"
      "  (func (export \"get ve\") (result i32) (global.get $ve))"
      "  (func (export \"set vi\") (param i64) (global.set $vi (local.get 0))))");

  wasm_globaltype_t* ci_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_globaltype_t* vi_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t ci_val = WASM_I32_VAL(1);
  wasm_val_t vi_val = WASM_I64_VAL(2);
  wasm_global_t* ci = wasm_global_new(store, ci_type, &ci_val);
  wasm_global_t* vi = wasm_global_new(store, vi_type, &vi_val);
  CHECK(ci != NULL && vi != NULL);
  wasm_globaltype_delete(ci_type);
  wasm_globaltype_delete(vi_type);

  wasm_extern_t* externs[] = {wasm_global_as_extern(ci), wasm_global_as_extern(vi)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL);
  if (instance == NULL) return finish("global");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 6);
  wasm_global_t* cf = wasm_extern_as_global(exports.data[0]);
  wasm_global_t* ve = wasm_extern_as_global(exports.data[1]);
  const wasm_func_t* get_ci = wasm_extern_as_func(exports.data[2]);
  const wasm_func_t* get_vi = wasm_extern_as_func(exports.data[3]);
  const wasm_func_t* get_ve = wasm_extern_as_func(exports.data[4]);
  const wasm_func_t* set_vi = wasm_extern_as_func(exports.data[5]);

  wasm_globaltype_t* t = wasm_global_type(cf);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(t)) == WASM_F32);
  CHECK(wasm_globaltype_mutability(t) == WASM_CONST);
  wasm_globaltype_delete(t);
  t = wasm_global_type(ve);
  CHECK(wasm_globaltype_mutability(t) == WASM_VAR);
  wasm_globaltype_delete(t);

  CHECK(get(ci).of.i32 == 1);
  CHECK(get(vi).of.i64 == 2);
  CHECK(get(cf).of.f32 == 5.0f);
  CHECK(get(ve).of.i32 == 7);
  CHECK(call_i64(get_ci) == 1);
  CHECK(call_i64(get_vi) == 2);
  CHECK(call_i64(get_ve) == 7);

  wasm_val_t nv = WASM_I64_VAL(-40);
  wasm_global_set(vi, &nv);
  CHECK(call_i64(get_vi) == -40);
  wasm_val_t ne = WASM_I32_VAL(77);
  wasm_global_set(ve, &ne);
  CHECK(call_i64(get_ve) == 77);
  wasm_val_t bad = WASM_I32_VAL(9);
  wasm_global_set(cf, &bad);  /* immutable: unchanged */
  CHECK(get(cf).of.f32 == 5.0f);

  wasm_val_t arg[1] = {WASM_I64_VAL(123)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg);
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(set_vi, &args, &results) == NULL);
  CHECK(get(vi).of.i64 == 123);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(ci);
  wasm_global_delete(vi);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return finish("global");
}
