/* cascade.h: Cascade's extensions to the wasm.h C API (the way wasmtime.h
 * extends wasm.h): the text format, store limits, fuel and epoch interruption,
 * exit statuses of traps, and InstancePre for microsecond instantiation.
 * Ownership follows wasm.h: "own" results belong to the caller.
 */
#ifndef CASCADE_H
#define CASCADE_H

#include "wasm.h"

#define own

#ifdef __cplusplus
extern "C" {
#endif

/* Converts the text format (a WAT module) to a binary module in `*out`.
 * Returns false on a syntax error, with "LINE:COLUMN: message" in
 * `*error_message` (NUL-terminated) when it is not NULL. */
WASM_API_EXTERN bool cascade_wat2wasm(const char* text, size_t len, own wasm_byte_vec_t* out,
                                      own wasm_message_t* error_message);

/* Per-store limits (0 in a field keeps the default). Exceeding one fails an
 * instantiation (trap message names the limit) or makes memory.grow /
 * table.grow return -1. */
typedef struct cascade_store_limits_t {
  uint64_t max_memory_bytes;   /* per memory, bytes (default 4 GiB) */
  uint64_t max_table_elements; /* per table (default 10,000,000) */
  uint32_t max_instances;      /* live instances (default: no limit) */
} cascade_store_limits_t;

WASM_API_EXTERN own wasm_store_t* cascade_store_new_with_limits(wasm_engine_t*,
                                                                const cascade_store_limits_t*);

/* Fuel: code traps "all fuel consumed by WebAssembly" after about `units`
 * wasm instructions. cascade_store_get_fuel returns UINT64_MAX while off. */
WASM_API_EXTERN void cascade_store_set_fuel(wasm_store_t*, uint64_t units);
WASM_API_EXTERN uint64_t cascade_store_get_fuel(const wasm_store_t*);
/* Epochs: code traps "interrupt" once the process-wide epoch advanced by
 * `ticks` (cascade_engine_increment_epoch, callable from any thread or a signal
 * handler). UINT64_MAX turns the deadline off. */
WASM_API_EXTERN void cascade_store_set_epoch_deadline(wasm_store_t*, uint64_t ticks);
WASM_API_EXTERN void cascade_engine_increment_epoch(wasm_engine_t*);

/* Whether `trap` is a request to end the program (WASI proc_exit) rather
 * than a fault; then `*status` is the exit status. */
WASM_API_EXTERN bool cascade_trap_exit_status(const wasm_trap_t*, int* status);

/* InstancePre: a module with its imports resolved and type-checked and its
 * memory image built once; each instantiation then takes microseconds.
 * `imports` are in the module's import order (as for wasm_instance_new);
 * they must outlive the InstancePre and every instance made from it. On a
 * link error returns NULL and sets `*trap` (when not NULL). */
typedef struct cascade_instance_pre_t cascade_instance_pre_t;
WASM_API_EXTERN own cascade_instance_pre_t* cascade_instance_pre_new(const wasm_module_t*,
                                                                     const wasm_extern_vec_t* imports,
                                                                     own wasm_trap_t** trap);
WASM_API_EXTERN void cascade_instance_pre_delete(own cascade_instance_pre_t*);
/* Whether instantiation takes the pooled copy-on-write path. */
WASM_API_EXTERN bool cascade_instance_pre_pooled(const cascade_instance_pre_t*);
/* A new instance in `store`; NULL with `*trap` set on failure. */
WASM_API_EXTERN own wasm_instance_t* cascade_instance_pre_instantiate(const cascade_instance_pre_t*,
                                                                     wasm_store_t*,
                                                                     own wasm_trap_t** trap);
/* Releases an instance made by cascade_instance_pre_instantiate before the
 * store dies (its slot is reused); handles into it become invalid. The
 * wasm_instance_t handle itself must still be deleted. Returns false for
 * other instances. */
WASM_API_EXTERN bool cascade_store_drop_instance(wasm_store_t*, const wasm_instance_t*);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#undef own

#endif  /* CASCADE_H */
