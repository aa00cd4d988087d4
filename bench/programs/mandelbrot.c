// Mandelbrot set: f64 loop with compare-and-branch.
#include "common.h"
static i32 run(i32 size) {
  i32 inside = 0;
  for (i32 y = 0; y < size; y++)
    for (i32 x = 0; x < size; x++) {
      double cr = 2.0 * x / size - 1.5, ci = 2.0 * y / size - 1.0, zr = 0, zi = 0;
      i32 i = 0;
      for (; i < 50 && zr * zr + zi * zi <= 4.0; i++) {
        double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
      }
      inside += i == 50;
    }
  return inside;
}

// Entry point without arguments (wasm-interp --run-all-exports can only call those).
EXPORT("bench") i32 bench(void) { return (i32)run(1300); }
