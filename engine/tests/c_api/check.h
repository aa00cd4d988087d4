/* Shared by the wasm.h C API tests: CHECK(cond) reports the failing line and
 * counts failures; compile(store, wat) turns a text module into a
 * wasm_module_t (through cascade_wat2wasm) or exits; finish() prints the
 * summary and returns the exit status. */
#ifndef CASCADE_C_API_CHECK_H
#define CASCADE_C_API_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "cascade.h"
#include "wasm.h"

static int g_failures = 0;
static int g_checks = 0;

#define CHECK(cond)                                                      \
  do {                                                                   \
    ++g_checks;                                                          \
    if (!(cond)) {                                                       \
      ++g_failures;                                                      \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                    \
  } while (0)

static wasm_module_t* compile(wasm_store_t* store, const char* wat) {
  wasm_byte_vec_t binary;
  wasm_message_t error;
  if (!cascade_wat2wasm(wat, strlen(wat), &binary, &error)) {
    fprintf(stderr, "wat2wasm: %s\n", error.data);
    wasm_byte_vec_delete(&error);
    exit(1);
  }
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (module == NULL) {
    fprintf(stderr, "wasm_module_new failed\n");
    exit(1);
  }
  return module;
}

static int finish(const char* name) {
  printf("%s: %d checks, %d failed\n", name, g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}

#endif
