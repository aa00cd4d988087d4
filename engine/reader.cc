// LEB128 and name decoding for Reader (spec 5.2).
#include "engine/reader.h"

#include <cstdio>

namespace cascade {

std::string Error::ToString() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, " (at offset 0x%llx)", static_cast<unsigned long long>(offset));
  return message + buf;
}

int64_t Reader::LebSlow(int bits, bool is_signed) {
  const int max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  int shift = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pc_ >= end_) {
      FailEnd();
      return 0;
    }
    const uint32_t byte_offset = offset();
    uint8_t b = *pc_++;
    const bool last = i == max_bytes - 1;
    if (last) {
      if (b & 0x80) {
        Fail(byte_offset, "integer representation too long");
        return 0;
      }
      // Bits beyond `bits` in the last byte must extend the value.
      const int used = bits - shift;  // value bits held by this byte (1..7)
      if (used < 7) {
        const uint8_t extra = static_cast<uint8_t>(b >> used) & ((1u << (7 - used)) - 1);
        if (is_signed) {
          const bool sign = (b >> (used - 1)) & 1;
          const uint8_t expect = sign ? ((1u << (7 - used)) - 1) : 0;
          if (extra != expect) {
            Fail(byte_offset, "integer too large");
            return 0;
          }
        } else if (extra != 0) {
          Fail(byte_offset, "integer too large");
          return 0;
        }
      }
    }
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      if (is_signed && shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
      if (is_signed && bits < 64) {
        // Sign-extend from `bits` (the LEB already fits; normalise the upper bits).
        const int64_t v = static_cast<int64_t>(result << (64 - bits)) >> (64 - bits);
        return v;
      }
      if (!is_signed && bits < 64) result &= (uint64_t{1} << bits) - 1;
      return static_cast<int64_t>(result);
    }
  }
  return static_cast<int64_t>(result);  // unreachable: the last byte returns or fails
}

namespace {
// Validates UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(const uint8_t* p, const uint8_t* end) {
  while (p < end) {
    uint8_t c = *p++;
    if (c < 0x80) continue;
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; if (c < 0xC2) return false; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; if (c > 0xF4) return false; }
    else return false;
    if (end - p < n) return false;
    for (int i = 0; i < n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    p += n;
    if (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return false;
    if (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return false;
  }
  return true;
}
}  // namespace

std::string_view Reader::name() {
  const uint32_t len = u32();
  if (!ok()) return {};
  if (len > remaining()) {
    Fail("unexpected end");
    return {};
  }
  const uint8_t* p = pc_;
  if (!IsValidUtf8(p, p + len)) {
    Fail("malformed UTF-8 encoding");
    return {};
  }
  pc_ += len;
  return {reinterpret_cast<const char*>(p), len};
}

}  // namespace cascade
