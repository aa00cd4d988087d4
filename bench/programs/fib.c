// Recursive Fibonacci: call/return overhead.
#include "common.h"
static i32 fib(i32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static i32 run(i32 n) { return fib(n); }

// Entry point without arguments (wasm-interp --run-all-exports can only call those).
EXPORT("bench") i32 bench(void) { return (i32)run(37); }
