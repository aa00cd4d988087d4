/* escape_symlink_rel.c: relative symlinks that climb out (up -> ../..,
 * up_sneaky -> sub/../../outside_secret.txt, sub/up2 -> ../../outside_secret.txt)
 * are refused wherever they appear; one that stays inside works. */
#include "wasi_test.h"

int main(void) {
  __wasi_fd_t dir = sandbox_fd(), fd;
  const __wasi_lookupflags_t follow = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  CHECK_EQ(raw_open(dir, "inside_link", follow, 0, 0, &fd), __WASI_ERRNO_SUCCESS); /* control */
  CHECK_EQ(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_open(dir, "sub/back", follow, 0, 0, &fd), __WASI_ERRNO_SUCCESS); /* ../file.txt */
  CHECK_EQ(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_open(dir, "up", follow, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "up/outside_secret.txt", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "up/sandbox/file.txt", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "up_sneaky", follow, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "sub/up2", follow, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "dangling_out", follow, __WASI_OFLAGS_CREAT, 1, &fd), __WASI_ERRNO_PERM);
  __wasi_filestat_t st;
  CHECK_EQ(__wasi_path_filestat_get(dir, follow, "up_sneaky", &st), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_filestat_get(dir, 0, "up/outside_secret.txt", &st), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_create_directory(dir, "up/made_by_guest"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_unlink_file(dir, "up/outside_secret.txt"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_symlink("x", dir, "up/made_by_guest"), __WASI_ERRNO_PERM);
  pass("escape_symlink_rel");
  return 0;
}
