// exit_code.c: an example WASI command that prints its arguments and the
// environment variable GREETING, then exits with the status given as its first
// argument (WASI proc_exit), so `cascade run`'s exit status can be checked.
//
//   cascade run --env GREETING=hi build/release/examples/exit_code.wasm 3; echo $?
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  const char* greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting != NULL ? greeting : "(unset)");
  fflush(stdout);
  exit(argc > 1 ? atoi(argv[1]) : 0);
}
