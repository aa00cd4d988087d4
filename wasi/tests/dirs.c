/* dirs.c: mkdir, rmdir, readdir (libc and raw fd_readdir with small buffers
 * and cookies: every entry exactly once, "." and ".." included, stable
 * cookies, rewinddir/seekdir), and directory errnos. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

#define MAX_NAMES 64

static int has(char names[][64], int n, const char* name) {
  int count = 0;
  for (int i = 0; i < n; ++i) count += strcmp(names[i], name) == 0;
  return count;
}

int main(void) {
  CHECK_EQ(mkdir("/sandbox/d", 0755), 0);
  CHECK_EQ(mkdir("/sandbox/d", 0755), -1);
  CHECK_EQ(errno, EEXIST);
  CHECK_EQ(mkdir("/sandbox/d/e/f", 0755), -1);
  CHECK_EQ(errno, ENOENT);
  CHECK_EQ(mkdir("/sandbox/d/e/", 0755), 0); /* trailing slash is fine for mkdir */
  static char name[16];
  for (int i = 0; i < 20; ++i) {
    snprintf(name, sizeof name, "/sandbox/d/f%02d", i);
    int fd = open(name, O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
  }
  struct stat st;
  CHECK_EQ(stat("/sandbox/d/e", &st), 0);
  CHECK(S_ISDIR(st.st_mode));

  /* libc readdir. */
  char names[MAX_NAMES][64];
  int n = 0;
  DIR* dir = opendir("/sandbox/d");
  CHECK(dir != NULL);
  struct dirent* ent;
  while ((ent = readdir(dir)) != NULL) {
    CHECK(n < MAX_NAMES);
    snprintf(names[n++], 64, "%s", ent->d_name);
    if (strcmp(ent->d_name, "e") == 0) CHECK_EQ(ent->d_type, DT_DIR);
    if (strcmp(ent->d_name, "f00") == 0) CHECK_EQ(ent->d_type, DT_REG);
  }
  CHECK_EQ(n, 23); /* . .. e f00..f19 */
  CHECK_EQ(has(names, n, "."), 1);
  CHECK_EQ(has(names, n, ".."), 1);
  CHECK_EQ(has(names, n, "e"), 1);
  CHECK_EQ(has(names, n, "f19"), 1);
  /* rewinddir gives the same listing again. */
  rewinddir(dir);
  int again = 0;
  while (readdir(dir) != NULL) ++again;
  CHECK_EQ(again, 23);
  closedir(dir);

  /* Raw fd_readdir: a buffer too small for one entry is filled completely. */
  __wasi_fd_t dfd;
  CHECK_EQ(raw_open(3, "d", 0, __WASI_OFLAGS_DIRECTORY, 0, &dfd), __WASI_ERRNO_SUCCESS);
  uint8_t small[30];
  __wasi_size_t used;
  CHECK_EQ(__wasi_fd_readdir(dfd, small, sizeof small, 0, &used), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(used, sizeof small);
  /* One entry at a time by cookie: each d_next resumes exactly after it. */
  char seen[MAX_NAMES][64];
  int m = 0;
  __wasi_dircookie_t cookie = 0;
  for (;;) {
    uint8_t buf[sizeof(__wasi_dirent_t) + 64];
    CHECK_EQ(__wasi_fd_readdir(dfd, buf, sizeof buf, cookie, &used), __WASI_ERRNO_SUCCESS);
    if (used == 0) break;
    __wasi_dirent_t d;
    memcpy(&d, buf, sizeof d);
    CHECK(d.d_namlen < 64);
    CHECK(used >= sizeof d + d.d_namlen);
    CHECK(m < MAX_NAMES);
    memcpy(seen[m], buf + sizeof d, d.d_namlen);
    seen[m][d.d_namlen] = 0;
    CHECK(d.d_next > cookie);
    if (strcmp(seen[m], "e") == 0) CHECK_EQ(d.d_type, __WASI_FILETYPE_DIRECTORY);
    if (strcmp(seen[m], "f03") == 0) CHECK_EQ(d.d_type, __WASI_FILETYPE_REGULAR_FILE);
    CHECK(d.d_ino != 0);
    ++m;
    cookie = d.d_next;
    /* Only the first entry fits when the buffer holds just over one. */
    if (used > sizeof d + d.d_namlen) {
      __wasi_dirent_t d2;
      CHECK(used >= 2 * sizeof d);
      memcpy(&d2, buf + sizeof d + d.d_namlen, sizeof d2);
      CHECK_EQ(d2.d_next, d.d_next + 1);
    }
  }
  CHECK_EQ(m, 23);
  for (int i = 0; i < n; ++i) CHECK_EQ(has(seen, m, names[i]), 1);
  /* A cookie past the end gives nothing. */
  CHECK_EQ(__wasi_fd_readdir(dfd, small, sizeof small, 1000, &used), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(used, 0);
  /* readdir on a file is notdir. */
  __wasi_fd_t ffd;
  CHECK_EQ(raw_open(3, "file.txt", 0, 0, 0, &ffd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_fd_readdir(ffd, small, sizeof small, 0, &used), __WASI_ERRNO_NOTDIR);
  CHECK_EQ(__wasi_fd_close(ffd), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_fd_close(dfd), __WASI_ERRNO_SUCCESS);

  /* rmdir: non-empty, a file, then empty. */
  CHECK_EQ(rmdir("/sandbox/d"), -1);
  CHECK_EQ(errno, ENOTEMPTY);
  CHECK_EQ(rmdir("/sandbox/d/f00"), -1);
  CHECK_EQ(errno, ENOTDIR);
  CHECK_EQ(unlink("/sandbox/d/e"), -1);
  CHECK_EQ(errno, EISDIR);
  CHECK_EQ(rmdir("/sandbox/d/e"), 0);
  CHECK_EQ(stat("/sandbox/d/e", &st), -1);
  CHECK_EQ(errno, ENOENT);
  for (int i = 0; i < 20; ++i) {
    snprintf(name, sizeof name, "/sandbox/d/f%02d", i);
    CHECK_EQ(unlink(name), 0);
  }
  CHECK_EQ(rmdir("/sandbox/d"), 0);
  /* path_open with O_DIRECTORY on a file. */
  CHECK_EQ(raw_open(3, "file.txt", 0, __WASI_OFLAGS_DIRECTORY, 0, &ffd), __WASI_ERRNO_NOTDIR);
  pass("dirs");
  return 0;
}
