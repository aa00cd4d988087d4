// trap.c: an example WASI command that traps (a failed check calls
// __builtin_trap, wasm's `unreachable`, three calls deep), to show
// `cascade run`'s trap report: the message and a wasm backtrace with the C
// function names from the name section on stderr, and exit status 134.
#include <stdio.h>

__attribute__((noinline)) void check_positive(int value) {
  if (value <= 0) __builtin_trap();
}

__attribute__((noinline)) int sum_positive(const int* values, int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    check_positive(values[i]);
    sum += values[i];
  }
  return sum;
}

int main(void) {
  static const int values[] = {3, 1, 4, 1, -5, 9};
  puts("summing values that must be positive");
  fflush(stdout);
  printf("sum = %d\n", sum_positive(values, 6));
  return 0;
}
