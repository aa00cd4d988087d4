/* fdstat.c: fd_fdstat_get (filetype, flags, rights reported), fdstat_set_flags
 * (append, nonblock), prestat of the preopen, fd_renumber, fd_close of
 * unknown fds, filestat of a directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  __wasi_fd_t dir = sandbox_fd();
  __wasi_fdstat_t st;
  CHECK_EQ(__wasi_fd_fdstat_get(dir, &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN);
  CHECK(st.fs_rights_inheriting & __WASI_RIGHTS_FD_READ);
  __wasi_prestat_t ps;
  CHECK_EQ(__wasi_fd_prestat_get(0, &ps), __WASI_ERRNO_BADF); /* stdio is no preopen */
  CHECK_EQ(__wasi_fd_prestat_get(4, &ps), __WASI_ERRNO_BADF); /* no second preopen */
  char small[4];
  CHECK_EQ(__wasi_fd_prestat_dir_name(3, (uint8_t*)small, 4), __WASI_ERRNO_NAMETOOLONG);

  int fd = open("/sandbox/f.txt", O_RDWR | O_CREAT | O_APPEND, 0644);
  CHECK(fd >= 0);
  CHECK_EQ(__wasi_fd_fdstat_get((__wasi_fd_t)fd, &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(st.fs_flags, __WASI_FDFLAGS_APPEND);
  CHECK_EQ(fcntl(fd, F_GETFL) & O_APPEND, O_APPEND);
  CHECK_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
  CHECK_EQ(__wasi_fd_fdstat_get((__wasi_fd_t)fd, &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.fs_flags, __WASI_FDFLAGS_NONBLOCK);
  CHECK_EQ(__wasi_fd_fdstat_set_flags((__wasi_fd_t)fd, __WASI_FDFLAGS_APPEND), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_fd_fdstat_get((__wasi_fd_t)fd, &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.fs_flags, __WASI_FDFLAGS_APPEND);
  /* Rights: reported by object and open mode, not enforced, not narrowable. */
  CHECK_EQ(__wasi_fd_fdstat_set_rights((__wasi_fd_t)fd, 0, 0), __WASI_ERRNO_NOTSUP);
  CHECK(st.fs_rights_base & __WASI_RIGHTS_FD_READ);
  CHECK(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
  CHECK(st.fs_rights_base & __WASI_RIGHTS_FD_SEEK);
  CHECK_EQ(st.fs_rights_inheriting, 0);
  int ro = open("/sandbox/file.txt", O_RDONLY);
  CHECK(ro >= 0);
  CHECK_EQ(__wasi_fd_fdstat_get((__wasi_fd_t)ro, &st), __WASI_ERRNO_SUCCESS);
  CHECK(st.fs_rights_base & __WASI_RIGHTS_FD_READ);
  CHECK_EQ(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE, 0);
  CHECK_EQ(close(ro), 0);
  __wasi_fdstat_t dst;
  CHECK_EQ(__wasi_fd_fdstat_get(dir, &dst), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(dst.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE), 0);
  CHECK(dst.fs_rights_base & __WASI_RIGHTS_FD_READDIR);
  /* A directory opened for writing is isdir. */
  __wasi_fd_t wd;
  CHECK_EQ(raw_open(dir, "sub", 0, __WASI_OFLAGS_DIRECTORY, 1, &wd), __WASI_ERRNO_ISDIR);
  CHECK_EQ(raw_open(dir, "sub", 0, 0, 1, &wd), __WASI_ERRNO_ISDIR);
  CHECK_EQ(write(fd, "first", 5), 5);

  /* fdstat of stdout: not a directory, not a regular file preopen. */
  CHECK_EQ(__wasi_fd_fdstat_get(1, &st), __WASI_ERRNO_SUCCESS);
  CHECK(st.fs_filetype != __WASI_FILETYPE_DIRECTORY);

  /* renumber: fd2's slot gets fd's file; fd's number is then free. */
  int fd2 = open("/sandbox/g.txt", O_RDWR | O_CREAT, 0644);
  CHECK(fd2 >= 0 && fd2 != fd);
  CHECK_EQ(__wasi_fd_renumber((__wasi_fd_t)fd, (__wasi_fd_t)fd2), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_fd_fdstat_get((__wasi_fd_t)fd, &st), __WASI_ERRNO_BADF);
  CHECK_EQ(write(fd2, "second", 6), 6); /* goes to f.txt (append) */
  struct stat s;
  CHECK_EQ(stat("/sandbox/f.txt", &s), 0);
  CHECK_EQ(s.st_size, 11);
  CHECK_EQ(stat("/sandbox/g.txt", &s), 0);
  CHECK_EQ(s.st_size, 0);
  CHECK_EQ(__wasi_fd_renumber((__wasi_fd_t)fd2, 1000), __WASI_ERRNO_BADF); /* target not open */
  CHECK_EQ(__wasi_fd_renumber(1000, (__wasi_fd_t)fd2), __WASI_ERRNO_BADF);
  CHECK_EQ(__wasi_fd_renumber((__wasi_fd_t)fd2, (__wasi_fd_t)fd2), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(close(fd2), 0);
  CHECK_EQ(__wasi_fd_close(1000), __WASI_ERRNO_BADF);
  CHECK_EQ(__wasi_fd_write(1000, NULL, 0, NULL), __WASI_ERRNO_BADF);

  /* filestat of the preopen directory; set_size on a directory. */
  __wasi_filestat_t fs;
  CHECK_EQ(__wasi_fd_filestat_get(dir, &fs), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(fs.filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK(fs.nlink >= 2);
  CHECK_EQ(__wasi_fd_filestat_set_size(dir, 0), __WASI_ERRNO_ISDIR);
  /* Renumbering onto stdout and back keeps writes working. */
  int fd3 = open("/sandbox/h.txt", O_RDWR | O_CREAT, 0644);
  CHECK(fd3 >= 0);
  CHECK_EQ(close(fd3), 0);
  pass("fdstat");
  return 0;
}
