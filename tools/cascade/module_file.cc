// Loading a module for the CLI: reading the file (or stdin), turning the text
// format into a binary (engine/text), decoding and validating, and printing
// errors in one format.
//
// Invariants: a file is read whole into one vector, which DecodeModule then
// owns (Module::bytes); error offsets are byte offsets into that binary.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/decoder.h"
#include "engine/text/wat_parser.h"
#include "engine/validator.h"
#include "tools/cascade/cli.h"

namespace cascade::cli {
namespace {

constexpr uint8_t kWasmMagic[4] = {0x00, 0x61, 0x73, 0x6D};

// Maps in the pages of a fresh buffer of `size` bytes at `p` at once: one
// madvise populates them for a fraction of what first-touch page faults cost
// (about 2.5 against 9 us per page on the CI machines; bench/RESULTS.md),
// and huge pages where the kernel allows them. Big modules only.
void PopulateBuffer(void* p, size_t size) {
  constexpr size_t kMinBytes = size_t{1} << 20;
  if (size < kMinBytes) return;
#ifndef MADV_POPULATE_WRITE
  constexpr int MADV_POPULATE_WRITE = 23;  // Linux 5.14; older kernels: EINVAL, harmless
#endif
  uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + 4095) & ~uintptr_t{4095};
  uintptr_t end = (reinterpret_cast<uintptr_t>(p) + size) & ~uintptr_t{4095};
  if (end <= begin) return;
#ifdef MADV_HUGEPAGE
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
}

bool ReadFd(int fd, std::vector<uint8_t>* bytes) {
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    // A regular file is read straight into place (no copy through a buffer:
    // this is on `cascade run`'s start-up path, and yosys is 30 MB).
    size_t size = static_cast<size_t>(st.st_size), done = 0;
    bytes->reserve(size);
    PopulateBuffer(bytes->data(), size);
    bytes->resize(size);
    while (done < size) {
      ssize_t n = read(fd, bytes->data() + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) break;  // the file shrank
      done += static_cast<size_t>(n);
    }
    bytes->resize(done);
    if (done < size) return true;
    // It may also have grown: read the rest below.
  }
  uint8_t buffer[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    bytes->insert(bytes->end(), buffer, buffer + n);
  }
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Whether `bytes` look like the text format: not the binary magic, and the first
// non-blank character opens an S-expression or a comment.
bool LooksLikeText(const std::vector<uint8_t>& bytes) {
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), kWasmMagic, 4) == 0) return false;
  for (uint8_t c : bytes) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '(' || c == ';';
  }
  return false;
}

}  // namespace

bool ReadModuleBytes(std::string_view path, std::vector<uint8_t>* bytes, LoadError* error) {
  bytes->clear();
  bool ok;
  if (path == "-") {
    ok = ReadFd(STDIN_FILENO, bytes);
  } else {
    std::string p(path);
    int fd = open(p.c_str(), O_RDONLY | O_CLOEXEC);
    ok = fd >= 0 && ReadFd(fd, bytes);
    int saved = errno;
    if (fd >= 0) close(fd);
    errno = saved;
  }
  if (!ok) {
    error->result = LoadResult::kUnreadable;
    error->error = Error{0, std::string("failed to read file: ") + std::strerror(errno)};
    return false;
  }
  if (EndsWith(path, ".wast")) {
    error->result = LoadResult::kUnreadable;
    error->error = Error{0, "a .wast script holds several modules; run it with `cascade wast`"};
    return false;
  }
  if (EndsWith(path, ".wat") || LooksLikeText(*bytes)) {
    std::string source(bytes->begin(), bytes->end());
    text::TextError text_error;
    if (!text::ParseWat(source, bytes, &text_error)) {
      error->result = LoadResult::kMalformedText;
      error->error = Error{0, text_error.message};
      error->line = text_error.line;
      error->column = text_error.column;
      return false;
    }
  }
  return true;
}

LoadResult LoadModule(std::string_view path, bool validate, Module* module, LoadError* error) {
  std::vector<uint8_t> bytes;
  error->result = LoadResult::kOk;
  if (!ReadModuleBytes(path, &bytes, error)) return error->result;
  if (!DecodeModule(std::move(bytes), module, &error->error) ||
      (validate && !ValidateModule(*module, &error->error))) {
    error->result = LoadResult::kRejected;
  }
  return error->result;
}

void PrintLoadError(std::string_view path, const LoadError& error) {
  if (error.result == LoadResult::kMalformedText) {
    std::fprintf(stderr, "%.*s:%u:%u: error: %s\n", static_cast<int>(path.size()), path.data(),
                 error.line, error.column, error.error.message.c_str());
    return;
  }
  PrintError(path, error.error, /*with_offset=*/error.result == LoadResult::kRejected);
}

void PrintError(std::string_view path, const Error& error, bool with_offset) {
  if (with_offset) {
    std::fprintf(stderr, "%.*s: error: %s (at offset 0x%" PRIx64 ")\n",
                 static_cast<int>(path.size()), path.data(), error.message.c_str(),
                 error.offset);
  } else {
    std::fprintf(stderr, "%.*s: error: %s\n", static_cast<int>(path.size()), path.data(),
                 error.message.c_str());
  }
}

}  // namespace cascade::cli
