// Quicksort of pseudo-random integers (xorshift), repeated: memory and branches.
#include "common.h"
#define N 20000
static u32 v[N];
static void qs(u32* a, i32 lo, i32 hi) {
  while (lo < hi) {
    u32 p = a[(lo + hi) / 2];
    i32 i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { u32 t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { qs(a, lo, j); lo = i; } else { qs(a, i, hi); hi = j; }
  }
}
static u32 run(i32 reps) {
  u32 x = 12345, sum = 0;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < N; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; v[i] = x; }
    qs(v, 0, N - 1);
    sum += v[N / 2];
  }
  return sum;
}

// Entry point without arguments (wasm-interp --run-all-exports can only call those).
EXPORT("bench") i32 bench(void) { return (i32)run(80); }
