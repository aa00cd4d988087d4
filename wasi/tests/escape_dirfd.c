/* escape_dirfd.c: a directory fd opened beneath the preopen is a sandbox of
 * its own: ".." from it, or a symlink climbing above it, is refused, and no
 * directory fd can be obtained for a parent of the preopen. */
#include "wasi_test.h"

int main(void) {
  __wasi_fd_t dir = sandbox_fd(), sub, fd;
  CHECK_EQ(raw_open(dir, "..", 0, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "sub/../..", 0, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "sub", 0, __WASI_OFLAGS_DIRECTORY, 0, &sub), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_open(sub, "inner.txt", 0, 0, 0, &fd), __WASI_ERRNO_SUCCESS); /* control */
  CHECK_EQ(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_open(sub, "..", 0, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(sub, "../file.txt", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(sub, "../../outside_secret.txt", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(sub, "back", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_create_directory(sub, "../made_by_guest"), __WASI_ERRNO_PERM);
  /* A file fd is not a directory for path calls. */
  CHECK_EQ(raw_open(dir, "file.txt", 0, 0, 0, &fd), __WASI_ERRNO_SUCCESS);
  __wasi_fd_t fd2;
  CHECK_EQ(raw_open(fd, "..", 0, 0, 0, &fd2), __WASI_ERRNO_NOTDIR);
  CHECK_EQ(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
  /* Closing the preopen and reusing its number cannot widen access. */
  CHECK_EQ(__wasi_fd_renumber(sub, dir), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_open(dir, "inner.txt", 0, 0, 0, &fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_open(dir, "../file.txt", 0, 0, 0, &fd2), __WASI_ERRNO_PERM);
  pass("escape_dirfd");
  return 0;
}
