// Dense matrix multiply (f64, 96x96, repeated): loads/stores and multiply-add.
#include "common.h"
#define N 96
static double a[N][N], b[N][N], c[N][N];
static i32 run(i32 reps) {
  for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) { a[i][j] = i + j; b[i][j] = i - j; }
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        double s = 0;
        for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
        c[i][j] = s + r;
      }
  return (i32)c[N / 2][N / 3];
}

// Entry point without arguments (wasm-interp --run-all-exports can only call those).
EXPORT("bench") i32 bench(void) { return (i32)run(100); }
