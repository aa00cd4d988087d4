// A bytecode-interpreter loop (stack machine with a switch): indirect branches.
#include "common.h"
enum { PUSH, ADD, SUB, DUP, JNZ, SWAP, DROP, HALT, DEC };
static const unsigned char prog[] = {
  PUSH, 0, PUSH, 100, /* acc n */
  /* loop @4 */ SWAP, PUSH, 3, ADD, SWAP, DEC, DUP, JNZ, 4, DROP, HALT};
static i32 run(i32 reps) {
  i32 total = 0;
  for (int r = 0; r < reps; r++) {
    i32 st[16], sp = 0, pc = 0;
    for (;;) {
      switch (prog[pc++]) {
        case PUSH: st[sp++] = prog[pc++]; break;
        case ADD: sp--; st[sp - 1] += st[sp]; break;
        case SUB: sp--; st[sp - 1] -= st[sp]; break;
        case DUP: st[sp] = st[sp - 1]; sp++; break;
        case JNZ: { i32 t = prog[pc++]; if (st[--sp]) pc = t; break; }
        case SWAP: { i32 t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; break; }
        case DROP: sp--; break;
        case DEC: st[sp - 1]--; break;
        case HALT: goto done;
      }
    }
  done:
    total += st[0];
  }
  return total;
}

// Entry point without arguments (wasm-interp --run-all-exports can only call those).
EXPORT("bench") i32 bench(void) { return (i32)run(40000); }
