/* files.c: regular files under /sandbox: create, write, read, seek, tell,
 * pread/pwrite, append, truncate, allocate, sync, advise, filestat sizes, and
 * the errnos of O_EXCL, a missing file, a file used as a directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  int fd = open("/sandbox/new.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "hello, world", 12), 12);
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
  CHECK_EQ(lseek(fd, 7, SEEK_SET), 7);
  char buf[64] = {0};
  CHECK_EQ(read(fd, buf, sizeof buf), 5);
  CHECK(memcmp(buf, "world", 5) == 0);
  CHECK_EQ(read(fd, buf, sizeof buf), 0); /* end of file */
  CHECK_EQ(lseek(fd, -5, SEEK_END), 7);
  CHECK_EQ(lseek(fd, -100, SEEK_CUR), -1);
  CHECK_EQ(errno, EINVAL);
  /* Raw fd_tell / fd_seek with a bad whence. */
  __wasi_filesize_t pos;
  CHECK_EQ(__wasi_fd_tell((__wasi_fd_t)fd, &pos), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(pos, 7);
  CHECK_EQ(__wasi_fd_seek((__wasi_fd_t)fd, 0, 3, &pos), __WASI_ERRNO_INVAL);

  /* pread/pwrite leave the position alone. */
  CHECK_EQ(pwrite(fd, "HELLO", 5, 0), 5);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(pread(fd, buf, 12, 0), 12);
  CHECK(memcmp(buf, "HELLO, world", 12) == 0);
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7);
  CHECK_EQ(pread(fd, buf, 10, 100), 0);

  /* Scatter/gather through several iovecs. */
  __wasi_ciovec_t out[3] = {{(const uint8_t*)"ab", 2}, {(const uint8_t*)"", 0}, {(const uint8_t*)"cde", 3}};
  __wasi_size_t n;
  CHECK_EQ(__wasi_fd_pwrite((__wasi_fd_t)fd, out, 3, 12, &n), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 5);
  char x[2], y[3];
  __wasi_iovec_t in[2] = {{(uint8_t*)x, 2}, {(uint8_t*)y, 3}};
  CHECK_EQ(__wasi_fd_pread((__wasi_fd_t)fd, in, 2, 12, &n), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 5);
  CHECK(memcmp(x, "ab", 2) == 0 && memcmp(y, "cde", 3) == 0);

  struct stat st;
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.st_size, 17);
  CHECK(S_ISREG(st.st_mode));
  CHECK_EQ(st.st_nlink, 1);

  /* Truncate, extend, allocate. */
  CHECK_EQ(ftruncate(fd, 5), 0);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.st_size, 5);
  CHECK_EQ(ftruncate(fd, 4096), 0);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.st_size, 4096);
  CHECK_EQ(posix_fallocate(fd, 0, 8192), 0);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.st_size, 8192);
  CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
  CHECK_EQ(__wasi_fd_advise((__wasi_fd_t)fd, 0, 0, 99), __WASI_ERRNO_INVAL);
  CHECK_EQ(fsync(fd), 0);
  CHECK_EQ(fdatasync(fd), 0);
  CHECK_EQ(close(fd), 0);
  CHECK_EQ(close(fd), -1);
  CHECK_EQ(errno, EBADF);

  /* O_EXCL on an existing file; a missing file; O_TRUNC; O_APPEND. */
  CHECK_EQ(open("/sandbox/new.txt", O_RDWR | O_CREAT | O_EXCL, 0644), -1);
  CHECK_EQ(errno, EEXIST);
  CHECK_EQ(open("/sandbox/missing.txt", O_RDONLY), -1);
  CHECK_EQ(errno, ENOENT);
  CHECK_EQ(open("/sandbox/file.txt/x", O_RDONLY), -1);
  CHECK_EQ(errno, ENOTDIR);
  fd = open("/sandbox/new.txt", O_WRONLY | O_TRUNC);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "one\n", 4), 4);
  CHECK_EQ(close(fd), 0);
  fd = open("/sandbox/new.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ(write(fd, "two\n", 4), 4); /* appends despite the seek */
  CHECK_EQ(close(fd), 0);
  fd = open("/sandbox/new.txt", O_RDONLY);
  CHECK(fd >= 0);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(read(fd, buf, sizeof buf), 8);
  CHECK_STR(buf, "one\ntwo\n");
  CHECK_EQ(write(fd, "x", 1), -1); /* opened read-only */
  CHECK_EQ(errno, EBADF);
  CHECK_EQ(close(fd), 0);

  /* A file the driver made. */
  FILE* f = fopen("/sandbox/file.txt", "r");
  CHECK(f != NULL);
  CHECK(fgets(buf, sizeof buf, f) != NULL);
  CHECK_STR(buf, "hello sandbox\n");
  fclose(f);
  /* Reading a directory as a file. */
  fd = open("/sandbox/sub", O_RDONLY);
  CHECK(fd >= 0);
  CHECK_EQ(read(fd, buf, 1), -1);
  CHECK_EQ(errno, EISDIR);
  close(fd);
  pass("files");
  return 0;
}
