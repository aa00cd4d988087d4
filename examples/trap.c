// trap.c: an example WASI command whose code traps (an out-of-bounds store
// three calls deep), to show `cascade run`'s trap report: the message and a wasm
// backtrace with function names from the name section on stderr, exit status 134.
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) void poke(volatile uint32_t* p) { *p = 42; }

__attribute__((noinline)) void walk(uint32_t offset) {
  poke((volatile uint32_t*)(uintptr_t)offset);
}

int main(void) {
  puts("about to store past the end of linear memory");
  fflush(stdout);
  walk(0xFFFFFFF0u);  // far beyond any memory this program has
  return 0;
}
