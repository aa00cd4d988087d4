// A bounds-checked cursor over a byte buffer with the LEB128 and IEEE readers of
// the binary format (spec 5.2 "Values").
//
// Invariants: the cursor never reads outside [begin, end). The first error is
// sticky: after it, every read returns 0 and `ok()` is false, so decoders can read
// a whole record and check once. Errors carry the offset (relative to `base`, the
// start of the module) of the byte where decoding failed.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/error.h"

namespace cascade {

class Reader {
 public:
  // `base` is the first byte of the module (offsets are reported relative to it);
  // [begin, end) is the range this reader may read.
  Reader(const uint8_t* base, const uint8_t* begin, const uint8_t* end)
      : base_(base), pc_(begin), end_(end) {}

  bool ok() const { return !failed_; }
  bool at_end() const { return pc_ >= end_; }
  const uint8_t* pc() const { return pc_; }
  const uint8_t* end() const { return end_; }
  uint32_t offset() const { return static_cast<uint32_t>(pc_ - base_); }
  uint32_t remaining() const { return static_cast<uint32_t>(end_ - pc_); }
  const Error& error() const { return error_; }

  // Records the first error at `offset` (relative to the module start) and stops
  // the reader. Later errors are ignored.
  [[gnu::noinline, gnu::cold]] void Fail(uint32_t offset, std::string message) {
    if (failed_) return;
    failed_ = true;
    error_.offset = offset;
    error_.message = std::move(message);
    pc_ = end_;
  }
  void Fail(std::string message) { Fail(offset(), std::move(message)); }

  uint8_t u8() {
    if (pc_ >= end_) [[unlikely]] return FailEnd();
    return *pc_++;
  }
  uint8_t peek_u8() const { return pc_ < end_ ? *pc_ : 0; }

  // Unsigned LEB128 of at most 32 bits (spec 5.2.2 "u32").
  uint32_t u32() {
    if (pc_ < end_ && *pc_ < 0x80) [[likely]] return *pc_++;
    return static_cast<uint32_t>(LebSlow(32, false));
  }
  // Signed LEB128 (spec 5.2.2 "s32", "s33", "s64").
  int32_t s32() { return static_cast<int32_t>(LebSlow(32, true)); }
  int64_t s33() { return LebSlow(33, true); }
  int64_t s64() { return LebSlow(64, true); }
  uint64_t u64() { return static_cast<uint64_t>(LebSlow(64, false)); }

  uint32_t fixed_u32() { return Fixed<uint32_t>(); }
  uint64_t fixed_u64() { return Fixed<uint64_t>(); }

  // Skips `n` bytes; fails with "unexpected end" if fewer remain.
  const uint8_t* skip(uint32_t n) {
    if (n > remaining()) {
      FailEnd();
      return pc_;
    }
    const uint8_t* p = pc_;
    pc_ += n;
    return p;
  }

  // Advances by `n` bytes without a bounds check; the caller guarantees
  // n <= remaining() (hot loops that already compared against end()).
  void advance(uint32_t n) { pc_ += n; }

  // A name (spec 5.2.4): u32 length + UTF-8 bytes, checked for valid UTF-8
  // ("malformed UTF-8 encoding"). The view points into the buffer.
  std::string_view name();

  // Fails with "unexpected end" (or "length out of bounds" contexts choose their
  // own message) at the current position.
  [[gnu::noinline, gnu::cold]] uint8_t FailEnd() {
    Fail("unexpected end");
    return 0;
  }

 private:
  template <typename T>
  T Fixed() {
    if (remaining() < sizeof(T)) {
      FailEnd();
      return 0;
    }
    T v;
    std::memcpy(&v, pc_, sizeof(T));
    pc_ += sizeof(T);
    return v;
  }
  // General LEB128 decoder: at most ceil(bits/7) bytes; the unused bits of the
  // last byte must be a sign- (or zero-) extension, otherwise "integer too large";
  // too many bytes is "integer representation too long".
  int64_t LebSlow(int bits, bool is_signed);

  const uint8_t* base_;
  const uint8_t* pc_;
  const uint8_t* end_;
  bool failed_ = false;
  Error error_;
};

}  // namespace cascade
