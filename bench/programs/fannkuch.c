// Fannkuch-redux: permutations, small-array integer work and branches.
#include "common.h"
static i32 run(i32 n) {
  i32 perm[16], perm1[16], count[16];
  i32 maxflips = 0, checksum = 0, r = n, permcount = 0;
  for (i32 i = 0; i < n; i++) perm1[i] = i;
  for (;;) {
    while (r != 1) { count[r - 1] = r; r--; }
    for (i32 i = 0; i < n; i++) perm[i] = perm1[i];
    i32 flips = 0, k;
    while ((k = perm[0]) != 0) {
      for (i32 i = 0, j = k; i < j; i++, j--) { i32 t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
      flips++;
    }
    if (flips > maxflips) maxflips = flips;
    checksum += (permcount & 1) ? -flips : flips;
    for (;;) {
      if (r == n) return maxflips * 1000 + (checksum & 0x3ff);
      i32 p0 = perm1[0];
      for (i32 i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = p0;
      if (--count[r] > 0) break;
      r++;
    }
    permcount++;
  }
}

// Entry point without arguments (wasm-interp --run-all-exports can only call those).
EXPORT("bench") i32 bench(void) { return (i32)run(10); }
