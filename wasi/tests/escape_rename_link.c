/* escape_rename_link.c: rename, link, symlink, unlink and rmdir cannot name
 * anything outside the sandbox, directly ("..") or through a symlinked
 * directory (up -> ../..). The driver checks outside_secret.txt is intact and
 * nothing new appeared outside. */
#include "wasi_test.h"

int main(void) {
  __wasi_fd_t dir = sandbox_fd();
  CHECK_EQ(__wasi_path_rename(dir, "file.txt", dir, "../moved_by_guest"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_rename(dir, "file.txt", dir, "up/moved_by_guest"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_rename(dir, "../outside_secret.txt", dir, "stolen"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_rename(dir, "up/outside_secret.txt", dir, "stolen"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_link(dir, 0, "file.txt", dir, "../linked_by_guest"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_link(dir, 0, "../outside_secret.txt", dir, "stolen"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_link(dir, 0, "up/outside_secret.txt", dir, "stolen"), __WASI_ERRNO_PERM);
  /* Hard-linking the absolute symlink copies the link, never its target. */
  CHECK_EQ(__wasi_path_link(dir, 0, "abs_secret", dir, "abs_secret_copy"), __WASI_ERRNO_SUCCESS);
  __wasi_filestat_t st;
  CHECK_EQ(__wasi_path_filestat_get(dir, 0, "abs_secret_copy", &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_EQ(__wasi_path_symlink("file.txt", dir, "../symlinked_by_guest"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_unlink_file(dir, "../outside_secret.txt"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_remove_directory(dir, "../sandbox"), __WASI_ERRNO_PERM);
  CHECK_EQ(__wasi_path_remove_directory(dir, "up/sandbox"), __WASI_ERRNO_PERM);
  /* Control: the same operations inside work. */
  CHECK_EQ(__wasi_path_rename(dir, "file.txt", dir, "sub/renamed.txt"), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_path_link(dir, 0, "sub/renamed.txt", dir, "hard.txt"), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_path_unlink_file(dir, "hard.txt"), __WASI_ERRNO_SUCCESS);
  pass("escape_rename_link");
  return 0;
}
