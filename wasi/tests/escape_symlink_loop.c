/* escape_symlink_loop.c: symlink loops (loop1 <-> loop2, self_loop) end in
 * errno loop, not a hang or a crash; the links themselves can be stat'ed. */
#include "wasi_test.h"

int main(void) {
  __wasi_fd_t dir = sandbox_fd(), fd;
  const __wasi_lookupflags_t follow = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  CHECK_EQ(raw_open(dir, "loop1", follow, 0, 0, &fd), __WASI_ERRNO_LOOP);
  CHECK_EQ(raw_open(dir, "self_loop", follow, 0, 0, &fd), __WASI_ERRNO_LOOP);
  CHECK_EQ(raw_open(dir, "loop1/x", 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
  CHECK_EQ(raw_open(dir, "loop1", follow, __WASI_OFLAGS_CREAT, 1, &fd), __WASI_ERRNO_LOOP);
  __wasi_filestat_t st;
  CHECK_EQ(__wasi_path_filestat_get(dir, follow, "loop2", &st), __WASI_ERRNO_LOOP);
  CHECK_EQ(__wasi_path_filestat_get(dir, 0, "loop1", &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_EQ(__wasi_path_create_directory(dir, "loop1/x"), __WASI_ERRNO_LOOP);
  pass("escape_symlink_loop");
  return 0;
}
