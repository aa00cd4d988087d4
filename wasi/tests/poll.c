/* poll.c: poll_oneoff with clock subscriptions (relative and absolute, on
 * both clocks), fd subscriptions on a file (always ready), on piped stdin
 * (readable with nbytes), a bad fd (event error badf), and nsubscriptions 0. */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "wasi_test.h"

/* wasi-libc no longer declares proc_raise: import it by hand. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
uint32_t raw_proc_raise(uint32_t sig);

static __wasi_timestamp_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t;
  CHECK_EQ(__wasi_clock_time_get(id, 1, &t), __WASI_ERRNO_SUCCESS);
  return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id, __wasi_timestamp_t t, int abs) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = t;
  s.u.u.clock.precision = 1;
  s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_fd_t fd, int write) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = write ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

int main(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n;
  /* A relative 20 ms sleep takes at least 20 ms. */
  __wasi_subscription_t s[4];
  s[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20000000, 0);
  __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
  CHECK_EQ(__wasi_poll_oneoff(s, ev, 1, &n), __WASI_ERRNO_SUCCESS);
  CHECK(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 20000000);
  CHECK_EQ(n, 1);
  CHECK_EQ(ev[0].userdata, 7);
  CHECK_EQ(ev[0].error, __WASI_ERRNO_SUCCESS);
  CHECK_EQ(ev[0].type, __WASI_EVENTTYPE_CLOCK);
  /* Absolute deadlines on the realtime clock, one already past. */
  s[0] = clock_sub(1, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) + 10000000, 1);
  s[1] = clock_sub(2, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) + 3600000000000ull, 1);
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  CHECK_EQ(__wasi_poll_oneoff(s, ev, 2, &n), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 1);
  CHECK_EQ(ev[0].userdata, 1);
  CHECK(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 9000000);
  CHECK(now(__WASI_CLOCKID_MONOTONIC) - t0 < 3600000000000ull);
  /* nanosleep goes through poll_oneoff in wasi-libc. */
  struct timespec req = {0, 5000000};
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  CHECK_EQ(nanosleep(&req, NULL), 0);
  CHECK(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 5000000);

  /* A regular file is ready at once; nbytes = bytes left to read. */
  int fd = open("/sandbox/file.txt", O_RDONLY);
  CHECK(fd >= 0);
  s[0] = fd_sub(10, (__wasi_fd_t)fd, 0);
  s[1] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 3600000000000ull, 0);
  CHECK_EQ(__wasi_poll_oneoff(s, ev, 2, &n), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 1);
  CHECK_EQ(ev[0].userdata, 10);
  CHECK_EQ(ev[0].type, __WASI_EVENTTYPE_FD_READ);
  CHECK_EQ(ev[0].fd_readwrite.nbytes, 14);
  /* Piped stdin (the driver writes "ping\n" and closes) is readable. */
  s[0] = fd_sub(20, 0, 0);
  s[1] = clock_sub(21, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0);
  CHECK_EQ(__wasi_poll_oneoff(s, ev, 2, &n), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 1);
  CHECK_EQ(ev[0].userdata, 20);
  CHECK_EQ(ev[0].error, __WASI_ERRNO_SUCCESS);
  CHECK(ev[0].fd_readwrite.nbytes >= 1);
  char buf[16] = {0};
  CHECK_EQ(read(0, buf, sizeof buf), 5);
  CHECK_STR(buf, "ping\n");
  /* stdout is writable. */
  s[0] = fd_sub(30, 1, 1);
  CHECK_EQ(__wasi_poll_oneoff(s, ev, 1, &n), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 1);
  CHECK_EQ(ev[0].type, __WASI_EVENTTYPE_FD_WRITE);
  /* A bad fd is reported in its event; a CPU-time clock is inval. */
  s[0] = fd_sub(40, 999, 0);
  s[1] = clock_sub(41, __WASI_CLOCKID_PROCESS_CPUTIME_ID, 1000, 0);
  CHECK_EQ(__wasi_poll_oneoff(s, ev, 2, &n), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 2);
  CHECK_EQ(ev[0].userdata, 40);
  CHECK_EQ(ev[0].error, __WASI_ERRNO_BADF);
  CHECK_EQ(ev[1].userdata, 41);
  CHECK_EQ(ev[1].error, __WASI_ERRNO_INVAL);
  CHECK_EQ(__wasi_poll_oneoff(s, ev, 0, &n), __WASI_ERRNO_INVAL);
  CHECK_EQ(__wasi_sched_yield(), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(raw_proc_raise(15 /* term */), __WASI_ERRNO_NOSYS);
  pass("poll");
  return 0;
}
