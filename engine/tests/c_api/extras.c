/* cascade.h extras: InstancePre from C (fresh state for every instance, slots
 * reused through cascade_store_drop_instance), store limits, fuel, epochs,
 * and the exit status of a host trap. */
#include "check.h"

static int g_ticks = 0;

static wasm_trap_t* tick(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  ++g_ticks;
  return NULL;
}

static int32_t call_i32(const wasm_instance_t* instance, size_t index, int32_t arg, wasm_trap_t** trap) {
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t a[1] = {WASM_I32_VAL(arg)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = {wasm_func_param_arity(wasm_extern_as_func(exports.data[index])), a};
  wasm_val_vec_t rv = {wasm_func_result_arity(wasm_extern_as_func(exports.data[index])), r};
  *trap = wasm_func_call(wasm_extern_as_func(exports.data[index]), &av, &rv);
  wasm_extern_vec_delete(&exports);
  return r[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (import \"env\" \"tick\" (func $tick))"
      "  (memory 1) (data (i32.const 0) \"\\05\")"
      "  (func (export \"bump\") (param i32) (result i32)"
      "    (call $tick)"
      "    (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (local.get 0)))"
      "    (i32.load8_u (i32.const 0)))"
      "  (func (export \"spin\") (param i32) (result i32) (loop $l (br $l)) (i32.const 0)))");
  wasm_functype_t* tick_type = wasm_functype_new_0_0();
  wasm_func_t* tick_func = wasm_func_new(store, tick_type, tick);
  wasm_functype_delete(tick_type);
  wasm_extern_t* externs[] = {wasm_func_as_extern(tick_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  cascade_instance_pre_t* pre = cascade_instance_pre_new(module, &imports, &trap);
  CHECK(pre != NULL && trap == NULL);
  if (pre == NULL) return finish("extras");
  CHECK(cascade_instance_pre_pooled(pre));

  for (int i = 0; i < 1000; ++i) {
    wasm_instance_t* instance = cascade_instance_pre_instantiate(pre, store, &trap);
    CHECK(instance != NULL);
    if (instance == NULL) break;
    int32_t v = call_i32(instance, 0, 2, &trap);
    CHECK(trap == NULL && v == 7);  /* 5 + 2: the data byte is fresh each time */
    CHECK(cascade_store_drop_instance(store, instance));
    CHECK(!cascade_store_drop_instance(store, instance));
    wasm_instance_delete(instance);
  }
  CHECK(g_ticks == 1000);

  /* Limits: one live instance at most. */
  cascade_store_limits_t limits = {0, 0, 1};
  wasm_store_t* small = cascade_store_new_with_limits(engine, &limits);
  wasm_instance_t* one = cascade_instance_pre_instantiate(pre, small, &trap);
  CHECK(one != NULL);
  wasm_instance_t* two = cascade_instance_pre_instantiate(pre, small, &trap);
  CHECK(two == NULL && trap != NULL);
  if (trap) wasm_trap_delete(trap);

  /* Fuel and epochs. */
  CHECK(cascade_store_get_fuel(small) == UINT64_MAX);
  cascade_store_set_fuel(small, 1000);
  call_i32(one, 1, 0, &trap);
  CHECK(trap != NULL);
  if (trap) {
    wasm_message_t m;
    wasm_trap_message(trap, &m);
    CHECK(strstr(m.data, "fuel") != NULL);
    wasm_byte_vec_delete(&m);
    int status = 0;
    CHECK(!cascade_trap_exit_status(trap, &status));
    wasm_trap_delete(trap);
  }
  CHECK(cascade_store_get_fuel(small) == 0);
  wasm_instance_delete(one);
  wasm_store_delete(small);

  wasm_store_t* epoch_store = wasm_store_new(engine);
  wasm_instance_t* e = cascade_instance_pre_instantiate(pre, epoch_store, &trap);
  CHECK(e != NULL);
  if (e) {
    cascade_store_set_epoch_deadline(epoch_store, 1);
    cascade_engine_increment_epoch(engine);
    call_i32(e, 1, 0, &trap);
    CHECK(trap != NULL);
    if (trap) wasm_trap_delete(trap);
    wasm_instance_delete(e);
  }
  wasm_store_delete(epoch_store);

  /* Text format errors carry a position. */
  wasm_byte_vec_t out;
  wasm_message_t err;
  CHECK(!cascade_wat2wasm("(module (func (i32.const)))", 27, &out, &err));
  CHECK(err.size > 0 && strchr(err.data, ':') != NULL);
  wasm_byte_vec_delete(&err);

  cascade_instance_pre_delete(pre);
  wasm_func_delete(tick_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return finish("extras");
}
