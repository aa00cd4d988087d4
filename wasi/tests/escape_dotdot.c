/* escape_dotdot.c: ".." can never climb above the preopened directory, by
 * path_open, path_filestat_get, path_create_directory or through libc; ".."
 * that stays inside works. The driver checks that ../outside_secret.txt is
 * untouched and ../made_by_guest does not exist. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  __wasi_fd_t dir = sandbox_fd(), fd;
  /* Control: inside paths with ".." that stay inside. */
  CHECK_EQ(raw_open(dir, "sub/../file.txt", 0, 0, 0, &fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_open(dir, "sub/..", 0, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
  /* Escapes. */
  CHECK_EQ(raw_open(dir, "..", 0, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "../outside_secret.txt", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "sub/../../outside_secret.txt", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "sub/../../sandbox/file.txt", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "./../outside_secret.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, 0, &fd),
           __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "../made_by_guest", 0, __WASI_OFLAGS_CREAT, 1, &fd), __WASI_ERRNO_PERM);
  __wasi_filestat_t st;
  CHECK_EQ(__wasi_path_filestat_get(dir, 0, "..", &st), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_filestat_get(dir, 0, "../outside_secret.txt", &st), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_create_directory(dir, "../made_by_guest"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_remove_directory(dir, ".."), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_unlink_file(dir, "../outside_secret.txt"), __WASI_ERRNO_PERM);
  /* Through libc: /sandbox/.. is a path beneath the preopen "/sandbox". */
  CHECK_EQ(open("/sandbox/../outside_secret.txt", O_RDONLY), -1);
  CHECK(errno == EPERM || errno == ENOTCAPABLE);
  pass("escape_dotdot");
  return 0;
}
