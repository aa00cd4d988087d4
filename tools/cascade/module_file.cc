// Loading a module for the CLI: reading the file (or stdin), recognizing the
// text format, decoding and validating, and printing errors in one format.
//
// Invariants: a file is read whole into one vector, which DecodeModule then
// owns (Module::bytes); error offsets are byte offsets into that binary.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/decoder.h"
#include "engine/validator.h"
#include "tools/cascade/cli.h"

namespace cascade::cli {
namespace {

constexpr uint8_t kWasmMagic[4] = {0x00, 0x61, 0x73, 0x6D};

bool ReadFd(int fd, std::vector<uint8_t>* bytes) {
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    bytes->reserve(static_cast<size_t>(st.st_size));
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

bool ReadModuleBytes(std::string_view path, std::vector<uint8_t>* bytes, Error* error) {
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
    error->offset = 0;
    error->message = std::string("failed to read file: ") + std::strerror(errno);
    return false;
  }
  if (EndsWith(path, ".wat") || EndsWith(path, ".wast") || LooksLikeText(*bytes)) {
    // The WAT parser (engine/text/) will turn the text into a binary here, so
    // that every subcommand accepts .wat as wasmtime does.
    error->offset = 0;
    error->message = "the text format (.wat) is not supported yet; pass a binary .wasm module";
    return false;
  }
  return true;
}

LoadResult LoadModule(std::string_view path, bool validate, Module* module, Error* error) {
  std::vector<uint8_t> bytes;
  if (!ReadModuleBytes(path, &bytes, error)) return LoadResult::kUnreadable;
  if (!DecodeModule(std::move(bytes), module, error)) return LoadResult::kRejected;
  if (validate && !ValidateModule(*module, error)) return LoadResult::kRejected;
  return LoadResult::kOk;
}

void PrintLoadError(std::string_view path, LoadResult result, const Error& error) {
  PrintError(path, error, /*with_offset=*/result == LoadResult::kRejected);
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
