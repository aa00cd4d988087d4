// cat.c: an example WASI command that copies files to stdout, showing the
// capability model: the guest can open only what `cascade run --dir` granted.
//
//   cascade run --dir examples::/src build/release/examples/cat.wasm /src/cat.c
//
// With no arguments it copies stdin. Exits 1 (with the reason on stderr) when a
// file cannot be opened or read, e.g. a path outside every --dir.
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int copy(FILE* in, const char* name) {
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    if (fwrite(buf, 1, n, stdout) != n) {
      fprintf(stderr, "cat: write error: %s\n", strerror(errno));
      return 1;
    }
  }
  if (ferror(in)) {
    fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return copy(stdin, "<stdin>");
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    FILE* f = fopen(argv[i], "rb");
    if (f == NULL) {
      fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    status |= copy(f, argv[i]);
    fclose(f);
  }
  return status;
}
