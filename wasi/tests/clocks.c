/* clocks.c: clock_time_get and clock_res_get for all four clocks; CPU-time
 * clocks advance with work; an unknown clock id is inval. */
#include <time.h>

#include "wasi_test.h"

static volatile unsigned sink;

int main(void) {
  __wasi_timestamp_t t, res;
  /* Realtime: after 2020-01-01. */
  CHECK_EQ(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t), __WASI_ERRNO_SUCCESS);
  CHECK(t > 1577836800ull * 1000000000ull);
  for (__wasi_clockid_t id = 0; id < 4; ++id) {
    CHECK_EQ(__wasi_clock_res_get(id, &res), __WASI_ERRNO_SUCCESS);
    CHECK(res > 0 && res <= 1000000000ull);
  }
  /* Monotonic never goes back. */
  __wasi_timestamp_t m0, m1;
  CHECK_EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m0), __WASI_ERRNO_SUCCESS);
  for (int i = 0; i < 1000; ++i) {
    CHECK_EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m1), __WASI_ERRNO_SUCCESS);
    CHECK(m1 >= m0);
    m0 = m1;
  }
  /* Process and thread CPU time grow with work. */
  __wasi_timestamp_t p0, p1, th0, th1;
  CHECK_EQ(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &p0), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &th0), __WASI_ERRNO_SUCCESS);
  for (unsigned i = 0; i < 3000000; ++i) sink += i * i;
  CHECK_EQ(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &p1), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &th1), __WASI_ERRNO_SUCCESS);
  CHECK(p1 > p0);
  CHECK(th1 > th0);
  /* Unknown clock ids. */
  CHECK_EQ(__wasi_clock_time_get(4, 1, &t), __WASI_ERRNO_INVAL);
  CHECK_EQ(__wasi_clock_res_get(99, &res), __WASI_ERRNO_INVAL);
  /* libc's view agrees. */
  struct timespec ts;
  CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
  CHECK((__wasi_timestamp_t)ts.tv_sec * 1000000000ull + ts.tv_nsec >= m0);
  CHECK(time(NULL) > 1577836800);
  pass("clocks");
  return 0;
}
