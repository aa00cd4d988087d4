// Loading a module for the CLI: reading the file (or stdin), turning the text
// format into a binary (engine/text), decoding and validating, and printing
// errors in one format.
//
// Invariants: a file is read whole into one vector, or mapped when it is big
// (ModuleBytes), which DecodeModule then owns (Module::bytes); error offsets
// are byte offsets into that binary.
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

// Reads the open file `fd` into *bytes. A regular file from 1 MiB up is
// mapped instead (ModuleBytes::MapFile: no copy and no zeroed pages, which on
// `cascade run`'s start-up path is most of what reading yosys's 30 MB cost);
// smaller files, pipes and stdin are read.
bool ReadFd(int fd, ModuleBytes* bytes) {
  constexpr size_t kMapFrom = size_t{1} << 20;
  struct stat st;
  std::vector<uint8_t> v;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    size_t size = static_cast<size_t>(st.st_size), done = 0;
    if (size >= kMapFrom && ModuleBytes::MapFile(fd, size, bytes)) return true;
    // A small file is read straight into place.
    v.resize(size);
    while (done < size) {
      ssize_t n = read(fd, v.data() + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) break;  // the file shrank
      done += static_cast<size_t>(n);
    }
    v.resize(done);
    // Unless it shrank, it may also have grown: read the rest below.
  }
  uint8_t buffer[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    v.insert(v.end(), buffer, buffer + n);
  }
  *bytes = std::move(v);
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Whether `bytes` look like the text format: not the binary magic, and the first
// non-blank character opens an S-expression or a comment.
bool LooksLikeText(const ModuleBytes& bytes) {
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), kWasmMagic, 4) == 0) return false;
  for (uint8_t c : bytes) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '(' || c == ';';
  }
  return false;
}

}  // namespace

bool ReadModuleBytes(std::string_view path, ModuleBytes* bytes, LoadError* error) {
  *bytes = ModuleBytes();
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
    std::vector<uint8_t> binary;
    if (!text::ParseWat(source, &binary, &text_error)) {
      error->result = LoadResult::kMalformedText;
      error->error = Error{0, text_error.message};
      error->line = text_error.line;
      error->column = text_error.column;
      return false;
    }
    *bytes = std::move(binary);
  }
  return true;
}

LoadResult LoadModule(std::string_view path, bool validate, Module* module, LoadError* error) {
  ModuleBytes bytes;
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
