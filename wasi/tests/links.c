/* links.c: rename, link, symlink, readlink (with truncation), lstat vs stat
 * (path_filestat_get with and without symlink_follow), unlink, and their
 * errnos inside the sandbox. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

static void write_file(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  CHECK_EQ(close(fd), 0);
}

static void check_contents(const char* path, const char* text) {
  char buf[128] = {0};
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0);
  CHECK_EQ(read(fd, buf, sizeof buf - 1), (ssize_t)strlen(text));
  CHECK_STR(buf, text);
  close(fd);
}

int main(void) {
  write_file("/sandbox/a.txt", "alpha");
  /* rename within and across directories, over an existing file. */
  CHECK_EQ(rename("/sandbox/a.txt", "/sandbox/b.txt"), 0);
  CHECK_EQ(access("/sandbox/a.txt", F_OK), -1);
  CHECK_EQ(errno, ENOENT);
  check_contents("/sandbox/b.txt", "alpha");
  CHECK_EQ(rename("/sandbox/b.txt", "/sandbox/sub/b.txt"), 0);
  check_contents("/sandbox/sub/b.txt", "alpha");
  write_file("/sandbox/c.txt", "gamma");
  CHECK_EQ(rename("/sandbox/c.txt", "/sandbox/sub/b.txt"), 0);
  check_contents("/sandbox/sub/b.txt", "gamma");
  CHECK_EQ(rename("/sandbox/missing", "/sandbox/x"), -1);
  CHECK_EQ(errno, ENOENT);
  CHECK_EQ(mkdir("/sandbox/dir1", 0755), 0);
  CHECK_EQ(rename("/sandbox/dir1", "/sandbox/dir2"), 0);
  CHECK_EQ(rename("/sandbox/sub/b.txt", "/sandbox/dir2/"), -1); /* a file onto a dir */

  /* Hard links share the inode and count. */
  CHECK_EQ(link("/sandbox/sub/b.txt", "/sandbox/hard.txt"), 0);
  struct stat s1, s2;
  CHECK_EQ(stat("/sandbox/sub/b.txt", &s1), 0);
  CHECK_EQ(stat("/sandbox/hard.txt", &s2), 0);
  CHECK_EQ(s1.st_ino, s2.st_ino);
  CHECK_EQ(s1.st_nlink, 2);
  CHECK_EQ(link("/sandbox/sub/b.txt", "/sandbox/hard.txt"), -1);
  CHECK_EQ(errno, EEXIST);
  CHECK_EQ(unlink("/sandbox/hard.txt"), 0);
  CHECK_EQ(stat("/sandbox/sub/b.txt", &s1), 0);
  CHECK_EQ(s1.st_nlink, 1);

  /* Symlinks: readlink, follow vs nofollow stat, open through one. */
  CHECK_EQ(symlink("sub/b.txt", "/sandbox/sym"), 0);
  char target[64] = {0};
  CHECK_EQ(readlink("/sandbox/sym", target, sizeof target), 9);
  CHECK(memcmp(target, "sub/b.txt", 9) == 0);
  /* Raw path_readlink truncates to the buffer. */
  uint8_t small[4];
  __wasi_size_t used;
  CHECK_EQ(__wasi_path_readlink(3, "sym", small, sizeof small, &used), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(used, 4);
  CHECK(memcmp(small, "sub/", 4) == 0);
  CHECK_EQ(readlink("/sandbox/file.txt", target, sizeof target), -1);
  CHECK_EQ(errno, EINVAL);
  CHECK_EQ(lstat("/sandbox/sym", &s1), 0);
  CHECK(S_ISLNK(s1.st_mode));
  CHECK_EQ(stat("/sandbox/sym", &s2), 0);
  CHECK(S_ISREG(s2.st_mode));
  CHECK_EQ(s2.st_size, 5);
  __wasi_filestat_t fs;
  CHECK_EQ(__wasi_path_filestat_get(3, 0, "sym", &fs), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(fs.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_EQ(__wasi_path_filestat_get(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sym", &fs), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(fs.filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(fs.size, 5);
  check_contents("/sandbox/sym", "gamma");
  /* path_open without symlink_follow on a symlink: loop (O_NOFOLLOW). */
  __wasi_fd_t fd;
  CHECK_EQ(raw_open(3, "sym", 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
  CHECK_EQ(raw_open(3, "sym", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, 0, &fd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
  /* A symlink inside the sandbox that goes through ".." but stays inside. */
  check_contents("/sandbox/sub/back", "hello sandbox\n");
  CHECK_EQ(symlink("x", "/sandbox/sym"), -1);
  CHECK_EQ(errno, EEXIST);
  /* Dangling symlink: lstat works, stat is ENOENT; O_CREAT through it (follow) creates the target. */
  CHECK_EQ(symlink("made_by_link.txt", "/sandbox/dangling"), 0);
  CHECK_EQ(stat("/sandbox/dangling", &s1), -1);
  CHECK_EQ(errno, ENOENT);
  CHECK_EQ(lstat("/sandbox/dangling", &s1), 0);
  /* Unlinking a symlink removes the link, not the target. */
  CHECK_EQ(unlink("/sandbox/sym"), 0);
  check_contents("/sandbox/sub/b.txt", "gamma");
  /* path_link with symlink_follow is refused (inval), as in wasmtime. */
  CHECK_EQ(__wasi_path_link(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sub/b.txt", 3, "l2"), __WASI_ERRNO_INVAL);
  /* Absolute symlink targets are refused (perm, as wasmtime). */
  CHECK_EQ(__wasi_path_symlink("/etc/passwd", 3, "abs_link"), __WASI_ERRNO_PERM);
  CHECK_EQ(symlink("/", "/sandbox/abs_link"), -1);
  CHECK_EQ(errno, EPERM);
  /* Trailing slashes on files. */
  CHECK_EQ(__wasi_path_link(3, 0, "sub/b.txt", 3, "newlink/"), __WASI_ERRNO_NOENT);
  CHECK_EQ(__wasi_path_unlink_file(3, "file.txt/"), __WASI_ERRNO_NOTDIR);
  CHECK_EQ(__wasi_path_rename(3, "file.txt/", 3, "f2"), __WASI_ERRNO_NOTDIR);
  CHECK_EQ(__wasi_path_symlink("x", 3, "newlink/"), __WASI_ERRNO_NOENT);
  pass("links");
  return 0;
}
