/* random.c: random_get fills buffers with different, non-constant bytes. */
#include "wasi_test.h"

int main(void) {
  unsigned char a[256], b[256];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  CHECK_EQ(__wasi_random_get(a, sizeof a), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_random_get(b, sizeof b), __WASI_ERRNO_SUCCESS);
  CHECK(memcmp(a, b, sizeof a) != 0);
  int distinct = 0, seen[256] = {0};
  for (size_t i = 0; i < sizeof a; ++i) {
    if (!seen[a[i]]++) ++distinct;
  }
  CHECK(distinct > 64); /* 256 random bytes hit ~162 distinct values */
  CHECK_EQ(__wasi_random_get(a, 0), __WASI_ERRNO_SUCCESS);
  /* A large request (several getrandom chunks). */
  static unsigned char big[1 << 20];
  CHECK_EQ(__wasi_random_get(big, sizeof big), __WASI_ERRNO_SUCCESS);
  size_t zeros = 0;
  for (size_t i = 0; i < sizeof big; ++i) zeros += big[i] == 0;
  CHECK(zeros < sizeof big / 128); /* ~1/256 expected */
  pass("random");
  return 0;
}
