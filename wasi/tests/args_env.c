/* args_env.c: argv and environ reach the guest exactly (args_sizes_get,
 * args_get, environ_sizes_get, environ_get).
 * Run: cascade run --env FOO=bar --env EMPTY= args_env.wasm alpha "two words" "" */
#include "wasi_test.h"

extern char** environ;

int main(int argc, char** argv) {
  CHECK_EQ(argc, 4);
  CHECK_STR(argv[0], "args_env.wasm");
  CHECK_STR(argv[1], "alpha");
  CHECK_STR(argv[2], "two words");
  CHECK_STR(argv[3], "");
  CHECK(argv[4] == NULL);
  CHECK_STR(getenv("FOO"), "bar");
  CHECK_STR(getenv("EMPTY"), "");
  CHECK(getenv("NOT_GIVEN_TO_GUEST") == NULL);

  /* Raw sizes agree with the strings. */
  __wasi_size_t count, bytes;
  CHECK_EQ(__wasi_args_sizes_get(&count, &bytes), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(count, 4);
  CHECK_EQ(bytes, strlen("args_env.wasm") + 1 + 6 + 10 + 1);
  CHECK_EQ(__wasi_environ_sizes_get(&count, &bytes), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(count, 2);
  CHECK_EQ(bytes, strlen("FOO=bar") + 1 + strlen("EMPTY=") + 1);
  int n = 0;
  for (char** e = environ; *e != NULL; ++e) ++n;
  CHECK_EQ(n, 2);
  pass("args_env");
  return 0;
}
