/* stdin_pipe.c: reads all of stdin (piped by the driver) and writes it back
 * to stdout upper-cased, then its byte count to stderr; fd 0 is not a file. */
#include <ctype.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  __wasi_fdstat_t st;
  CHECK_EQ(__wasi_fd_fdstat_get(0, &st), __WASI_ERRNO_SUCCESS);
  CHECK(st.fs_filetype != __WASI_FILETYPE_DIRECTORY);
  static char buf[1 << 16];
  size_t total = 0;
  for (;;) {
    ssize_t n = read(0, buf, 1000); /* small reads: several fd_read calls */
    CHECK(n >= 0);
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) buf[i] = (char)toupper((unsigned char)buf[i]);
    CHECK_EQ(write(1, buf, (size_t)n), n);
    total += (size_t)n;
  }
  fprintf(stderr, "read %zu bytes\n", total);
  return 0;
}
