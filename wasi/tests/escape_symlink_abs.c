/* escape_symlink_abs.c: symlinks with absolute targets (etc_link -> /etc,
 * abs_secret -> HOST/outside_secret.txt, made by the driver) are never
 * followed out of the sandbox, whether in the middle of a path or at its end,
 * for opening, creating, stat and set_times. Reading the link text is fine. */
#include <fcntl.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  __wasi_fd_t dir = sandbox_fd(), fd;
  const __wasi_lookupflags_t follow = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  CHECK_EQ(raw_open(dir, "etc_link/passwd", follow, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "etc_link/passwd", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "etc_link", follow, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "etc_link/", 0, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "abs_secret", follow, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "abs_secret", 0, 0, 0, &fd), __WASI_ERRNO_LOOP); /* not followed */
  CHECK_EQ(raw_open(dir, "abs_secret", follow, __WASI_OFLAGS_TRUNC, 1, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "dangling_abs", follow, __WASI_OFLAGS_CREAT, 1, &fd), __WASI_ERRNO_PERM);
  __wasi_filestat_t st;
  CHECK_EQ(__wasi_path_filestat_get(dir, follow, "abs_secret", &st), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_filestat_get(dir, follow, "etc_link/passwd", &st), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_filestat_get(dir, 0, "abs_secret", &st), __WASI_ERRNO_SUCCESS); /* the link */
  CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_EQ(__wasi_path_filestat_set_times(dir, follow, "abs_secret", 0, 0,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
           __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_create_directory(dir, "etc_link/made_by_guest"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_unlink_file(dir, "etc_link/passwd"), __WASI_ERRNO_PERM);
  uint8_t buf[8];
  __wasi_size_t used;
  CHECK_EQ(__wasi_path_readlink(dir, "etc_link", buf, sizeof buf, &used), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(used, 4);
  CHECK(memcmp(buf, "/etc", 4) == 0);
  /* Through libc. */
  CHECK_EQ(open("/sandbox/etc_link/passwd", O_RDONLY), -1);
  CHECK_EQ(errno, EPERM);
  /* Removing the link itself is allowed and leaves the target alone. */
  CHECK_EQ(__wasi_path_unlink_file(dir, "abs_secret"), __WASI_ERRNO_SUCCESS);
  pass("escape_symlink_abs");
  return 0;
}
