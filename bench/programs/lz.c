// A small LZ77 compressor (hash of 3 bytes, greedy matches) over generated text.
#include "common.h"
#define N 65536
static unsigned char in[N], out[N * 2];
static i32 head[4096];
static i32 run(i32 reps) {
  u32 seed = 7;
  for (int i = 0; i < N; i++) { seed = seed * 1103515245 + 12345; in[i] = "abcdefgh  \n"[(seed >> 16) % 11]; }
  i32 total = 0;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < 4096; i++) head[i] = -1;
    i32 o = 0, i = 0;
    while (i < N - 3) {
      u32 h = ((in[i] << 8) ^ (in[i + 1] << 4) ^ in[i + 2]) & 4095;
      i32 cand = head[h];
      head[h] = i;
      i32 len = 0;
      if (cand >= 0 && i - cand < 32768)
        while (len < 255 && i + len < N && in[cand + len] == in[i + len]) len++;
      if (len >= 4) { out[o++] = 0xFF; out[o++] = (unsigned char)len; out[o++] = (unsigned char)(i - cand); i += len; }
      else out[o++] = in[i++];
    }
    total += o;
  }
  return total;
}

// Entry point without arguments (wasm-interp --run-all-exports can only call those).
EXPORT("bench") i32 bench(void) { return (i32)run(200); }
