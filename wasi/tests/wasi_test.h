/* wasi_test.h: assertions for the WASI test programs in wasi/tests/ (C,
 * compiled with clang --target=wasm32-wasi against wasi-libc).
 *
 * CHECK(cond) and CHECK_EQ(a, b) print "FILE:LINE: check failed: ..." on
 * stderr and exit with status 1 when they fail; a program that reaches its end
 * prints "ok NAME" and exits 0. Raw WASI calls come from <wasi/api.h> (the
 * `__wasi_*` functions are the imports themselves), so a test can pass paths
 * and pointers that wasi-libc would refuse or rewrite before the host sees
 * them. The sandbox tests run with `--dir SANDBOX::/sandbox`: guest fd 3. */
#ifndef CASCADE_WASI_TEST_H
#define CASCADE_WASI_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n", __FILE__, __LINE__, \
              #cond, errno, strerror(errno));                                       \
      exit(1);                                                                      \
    }                                                                               \
  } while (0)

#define CHECK_EQ(a, b)                                                                      \
  do {                                                                                      \
    long long a_ = (long long)(a), b_ = (long long)(b);                                     \
    if (a_ != b_) {                                                                         \
      fprintf(stderr, "%s:%d: check failed: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, \
              #a, #b, a_, b_);                                                              \
      exit(1);                                                                              \
    }                                                                                       \
  } while (0)

#define CHECK_STR(a, b)                                                                   \
  do {                                                                                    \
    const char *a_ = (a), *b_ = (b);                                                      \
    if (a_ == NULL || strcmp(a_, b_) != 0) {                                              \
      fprintf(stderr, "%s:%d: check failed: %s == \"%s\" (got \"%s\")\n", __FILE__, __LINE__, \
              #a, b_, a_ ? a_ : "(null)");                                                \
      exit(1);                                                                            \
    }                                                                                     \
  } while (0)

/* The guest fd of the preopen /sandbox (checked by name). */
static inline __wasi_fd_t sandbox_fd(void) {
  __wasi_prestat_t ps;
  CHECK_EQ(__wasi_fd_prestat_get(3, &ps), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(ps.u.dir.pr_name_len, 8);
  char name[8];
  CHECK_EQ(__wasi_fd_prestat_dir_name(3, (uint8_t*)name, 8), __WASI_ERRNO_SUCCESS);
  CHECK(memcmp(name, "/sandbox", 8) == 0);
  return 3;
}

/* path_open with the raw arguments; returns the errno, the fd in *fd. */
static inline __wasi_errno_t raw_open(__wasi_fd_t dir, const char* path, __wasi_lookupflags_t lookup,
                                      __wasi_oflags_t oflags, int write, __wasi_fd_t* fd) {
  __wasi_rights_t rights = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR |
                           (write ? __WASI_RIGHTS_FD_WRITE : 0);
  return __wasi_path_open(dir, lookup, path, oflags, rights, rights, 0, fd);
}

static inline void pass(const char* name) {
  printf("ok %s\n", name);
  fflush(stdout);
}

#endif
