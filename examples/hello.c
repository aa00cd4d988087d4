// hello.c: the example module of Cascade's README, a WASI command that prints a
// greeting. Built at build time into build/<preset>/examples/hello.wasm with
// clang --target=wasm32-wasi and Debian's wasi-libc (examples/CMakeLists.txt).
#include <stdio.h>

int main(int argc, char** argv) {
  const char* who = argc > 1 ? argv[1] : "world";
  printf("Hello, %s!\n", who);
  return 0;
}
