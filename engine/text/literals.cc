// Numeric literals of the text format; see literals.h.
//
// Every literal is first checked against the spec grammar (digits with single
// underscores between them, optional fraction/exponent), copied without
// underscores, and only then converted: integers by hand with overflow checks,
// floats by strtof/strtod (correctly rounded for decimal and hex input).
#include "engine/text/literals.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace cascade::text {
namespace {

bool IsDigit(char c, bool hex) {
  if (c >= '0' && c <= '9') return true;
  return hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Scans `num` / `hexnum` (digits with single underscores between them) at
// text[*pos]; appends the digits to `*clean`. Returns false if none.
bool ScanDigits(std::string_view text, size_t* pos, bool hex, std::string* clean) {
  size_t p = *pos;
  if (p >= text.size() || !IsDigit(text[p], hex)) return false;
  while (p < text.size()) {
    if (IsDigit(text[p], hex)) {
      clean->push_back(text[p]);
      ++p;
    } else if (text[p] == '_' && p + 1 < text.size() && IsDigit(text[p + 1], hex)) {
      ++p;
    } else {
      break;
    }
  }
  *pos = p;
  return true;
}

// Parses an unsigned magnitude (no sign) into `*out`; *overflow on > 2^64-1.
bool ScanMagnitude(std::string_view text, uint64_t* out, bool* overflow) {
  bool hex = text.size() > 2 && text[0] == '0' && text[1] == 'x';
  size_t pos = hex ? 2 : 0;
  std::string digits;
  if (!ScanDigits(text, &pos, hex, &digits) || pos != text.size()) return false;
  uint64_t v = 0;
  *overflow = false;
  uint64_t base = hex ? 16 : 10;
  for (char c : digits) {
    uint64_t d = static_cast<uint64_t>(DigitValue(c));
    if (v > (UINT64_MAX - d) / base) *overflow = true;
    v = v * base + d;
  }
  *out = v;
  return true;
}

template <typename Float, typename Bits>
LiteralStatus ParseFloat(std::string_view text, Bits* out) {
  constexpr int kMantBits = sizeof(Float) == 4 ? 23 : 52;
  constexpr Bits kSignBit = Bits(1) << (sizeof(Float) * 8 - 1);
  constexpr Bits kExpMask = (kSignBit - 1) & ~((Bits(1) << kMantBits) - 1);
  bool negative = false;
  size_t pos = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    pos = 1;
  }
  std::string_view body = text.substr(pos);
  Bits sign = negative ? kSignBit : 0;
  if (body == "inf") {
    *out = sign | kExpMask;
    return LiteralStatus::kOk;
  }
  if (body == "nan") {
    *out = sign | kExpMask | (Bits(1) << (kMantBits - 1));
    return LiteralStatus::kOk;
  }
  if (body.substr(0, 6) == "nan:0x") {
    uint64_t payload;
    bool overflow;
    if (!ScanMagnitude(body.substr(4), &payload, &overflow)) return LiteralStatus::kMalformed;
    if (overflow || payload == 0 || payload >= (uint64_t(1) << kMantBits)) {
      return LiteralStatus::kOutOfRange;
    }
    *out = sign | kExpMask | static_cast<Bits>(payload);
    return LiteralStatus::kOk;
  }
  bool hex = body.size() >= 2 && body[0] == '0' && body[1] == 'x';
  std::string clean(negative ? "-" : "");
  size_t p = 0;
  if (hex) {
    clean += "0x";
    p = 2;
  }
  if (!ScanDigits(body, &p, hex, &clean)) return LiteralStatus::kMalformed;
  if (p < body.size() && body[p] == '.') {
    clean.push_back('.');
    ++p;
    if (p < body.size() && IsDigit(body[p], hex)) ScanDigits(body, &p, hex, &clean);
  }
  if (p < body.size() && (hex ? (body[p] == 'p' || body[p] == 'P') : (body[p] == 'e' || body[p] == 'E'))) {
    clean.push_back(hex ? 'p' : 'e');
    ++p;
    if (p < body.size() && (body[p] == '+' || body[p] == '-')) clean.push_back(body[p++]);
    if (!ScanDigits(body, &p, false, &clean)) return LiteralStatus::kMalformed;
  } else if (hex) {
    clean += "p0";
  }
  if (p != body.size()) return LiteralStatus::kMalformed;
  Float value;
  if constexpr (sizeof(Float) == 4) {
    value = std::strtof(clean.c_str(), nullptr);
  } else {
    value = std::strtod(clean.c_str(), nullptr);
  }
  if (std::isinf(value)) return LiteralStatus::kOutOfRange;
  std::memcpy(out, &value, sizeof(value));
  return LiteralStatus::kOk;
}

}  // namespace

LiteralStatus ParseUnsigned(std::string_view text, uint64_t max, uint64_t* out) {
  bool overflow;
  if (!ScanMagnitude(text, out, &overflow)) return LiteralStatus::kMalformed;
  if (overflow || *out > max) return LiteralStatus::kOutOfRange;
  return LiteralStatus::kOk;
}

LiteralStatus ParseInteger(std::string_view text, int bits, uint64_t* out) {
  bool has_sign = !text.empty() && (text[0] == '+' || text[0] == '-');
  bool negative = has_sign && text[0] == '-';
  uint64_t mag;
  bool overflow;
  if (!ScanMagnitude(text.substr(has_sign ? 1 : 0), &mag, &overflow)) {
    return LiteralStatus::kMalformed;
  }
  if (overflow) return LiteralStatus::kOutOfRange;
  uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1;
  uint64_t half = uint64_t(1) << (bits - 1);
  if (!has_sign) {
    if (mag > mask) return LiteralStatus::kOutOfRange;
    *out = mag;
  } else if (negative) {
    if (mag > half) return LiteralStatus::kOutOfRange;
    *out = (0 - mag) & mask;
  } else {
    if (mag >= half) return LiteralStatus::kOutOfRange;
    *out = mag;
  }
  return LiteralStatus::kOk;
}

LiteralStatus ParseF32(std::string_view text, uint32_t* out) {
  return ParseFloat<float, uint32_t>(text, out);
}

LiteralStatus ParseF64(std::string_view text, uint64_t* out) {
  return ParseFloat<double, uint64_t>(text, out);
}

bool ParseV128Shape(std::string_view text, V128Shape* out) {
  if (text == "i8x16") *out = {16, 8, false};
  else if (text == "i16x8") *out = {8, 16, false};
  else if (text == "i32x4") *out = {4, 32, false};
  else if (text == "i64x2") *out = {2, 64, false};
  else if (text == "f32x4") *out = {4, 32, true};
  else if (text == "f64x2") *out = {2, 64, true};
  else return false;
  return true;
}

}  // namespace cascade::text
