/* exit_status.c: proc_exit(argv[1]) becomes cascade's exit status; output
 * written before it is flushed. Run: cascade run exit_status.wasm 42 */
#include "wasi_test.h"

int main(int argc, char** argv) {
  CHECK_EQ(argc, 2);
  printf("exiting with %s\n", argv[1]);
  fflush(stdout);
  __wasi_proc_exit((__wasi_exitcode_t)atoi(argv[1]));
  fprintf(stderr, "proc_exit returned\n");
  return 99;
}
