/* escape_absolute.c: absolute paths given to the host are refused, even
 * when they would name something inside the sandbox. */
#include "wasi_test.h"

int main(void) {
  __wasi_fd_t dir = sandbox_fd(), fd;
  CHECK_EQ(raw_open(dir, "file.txt", 0, 0, 0, &fd), __WASI_ERRNO_SUCCESS); /* control */
  CHECK_EQ(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_open(dir, "/etc/passwd", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "/etc/passwd", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "/", 0, __WASI_OFLAGS_DIRECTORY, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "//etc/passwd", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "/sandbox/file.txt", 0, 0, 0, &fd), __WASI_ERRNO_PERM);
  CHECK_EQ(raw_open(dir, "/tmp/made_by_guest", 0, __WASI_OFLAGS_CREAT, 1, &fd), __WASI_ERRNO_PERM);
  __wasi_filestat_t st;
  CHECK_EQ(__wasi_path_filestat_get(dir, 0, "/etc/passwd", &st), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_create_directory(dir, "/tmp/made_by_guest_dir"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_unlink_file(dir, "/etc/passwd"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_rename(dir, "file.txt", dir, "/tmp/moved_by_guest"), __WASI_ERRNO_PERM);
  uint8_t buf[64];
  __wasi_size_t used;
  CHECK_EQ(__wasi_path_readlink(dir, "/proc/self/exe", buf, sizeof buf, &used), __WASI_ERRNO_PERM);
  pass("escape_absolute");
  return 0;
}
