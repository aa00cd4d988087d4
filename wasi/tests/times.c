/* times.c: filestat times: set with futimens / utimensat (fd_filestat_set_times,
 * path_filestat_set_times) to exact values and to "now", omit, and bad flags. */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  int fd = open("/sandbox/t.txt", O_RDWR | O_CREAT, 0644);
  CHECK(fd >= 0);
  struct timespec ts[2] = {{1000000000, 123456789}, {1200000000, 987654321}};
  CHECK_EQ(futimens(fd, ts), 0);
  struct stat st;
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.st_atim.tv_sec, 1000000000);
  CHECK_EQ(st.st_atim.tv_nsec, 123456789);
  CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
  CHECK_EQ(st.st_mtim.tv_nsec, 987654321);
  /* Omit atime, mtime = now (raw: Debian's wasi-libc headers disagree on the
   * values of UTIME_NOW / UTIME_OMIT). */
  CHECK_EQ(__wasi_fd_filestat_set_times((__wasi_fd_t)fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.st_atim.tv_sec, 1000000000);
  CHECK(st.st_mtim.tv_sec > 1577836800);
  /* Raw: both atim and atim_now is inval. */
  CHECK_EQ(__wasi_fd_filestat_set_times((__wasi_fd_t)fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
           __WASI_ERRNO_INVAL);
  close(fd);

  /* By path, following and not following a symlink. */
  CHECK_EQ(utimensat(AT_FDCWD, "/sandbox/t.txt", ts, 0), 0);
  CHECK_EQ(stat("/sandbox/t.txt", &st), 0);
  CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
  CHECK_EQ(symlink("t.txt", "/sandbox/tl"), 0);
  struct timespec ts2[2] = {{1300000000, 0}, {1400000000, 0}};
  CHECK_EQ(__wasi_path_filestat_set_times(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "tl", 1300000000ull * 1000000000ull,
                                          1400000000ull * 1000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
           __WASI_ERRNO_SUCCESS);
  CHECK_EQ(stat("/sandbox/t.txt", &st), 0);
  CHECK_EQ(st.st_mtim.tv_sec, 1400000000);
  CHECK_EQ(st.st_atim.tv_sec, 1300000000);
  (void)ts2;
  CHECK_EQ(__wasi_path_filestat_set_times(3, 0, "tl", 0, 1500000000ull * 1000000000ull, __WASI_FSTFLAGS_MTIM),
           __WASI_ERRNO_SUCCESS);
  CHECK_EQ(lstat("/sandbox/tl", &st), 0);
  CHECK_EQ(st.st_mtim.tv_sec, 1500000000); /* the link itself */
  CHECK_EQ(stat("/sandbox/t.txt", &st), 0);
  CHECK_EQ(st.st_mtim.tv_sec, 1400000000); /* the target unchanged */
  /* ctime is reported and recent. */
  CHECK(st.st_ctim.tv_sec > 1577836800);
  pass("times");
  return 0;
}
