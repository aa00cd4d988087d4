// Parsing and printing wasm values for `cascade run --invoke` (value_text.h).
//
// Invariant: floats are parsed straight into their own width (strtof for f32,
// never through double, so no double rounding) and printed from the shortest
// round-trip digits of that width.
#include "tools/cascade/value_text.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/type_text.h"

namespace cascade::cli {
namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Sign and magnitude of an integer word: [-]digits or [-]0xHEX.
bool ParseMagnitude(std::string_view text, bool* negative, uint64_t* magnitude,
                    std::string* error) {
  *negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    *negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) {
    *error = "cannot parse integer from empty string";
    return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *magnitude, base);
  if (ec == std::errc::result_out_of_range) {
    *error = "number too large to fit in target type";
    return false;
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    *error = "invalid digit found in string";
    return false;
  }
  return true;
}

bool ParseInteger(std::string_view text, unsigned bits, uint64_t* out, std::string* error) {
  bool negative;
  uint64_t mag;
  if (!ParseMagnitude(text, &negative, &mag, error)) return false;
  uint64_t max_unsigned = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  uint64_t max_negative = uint64_t{1} << (bits - 1);  // |INT_MIN|
  if (negative ? mag > max_negative : mag > max_unsigned) {
    *error = negative ? "number too small to fit in target type"
                      : "number too large to fit in target type";
    return false;
  }
  *out = (negative ? (~mag + 1) : mag) & max_unsigned;
  return true;
}

// Float words the C library does not spell: `nan:0xPAYLOAD` (spec 6.3.2).
// Returns true when `text` is one (valid or not; `*ok` tells which).
template <typename Bits>
bool ParseNanPayload(std::string_view text, unsigned mantissa_bits, Bits* bits, bool* ok,
                     std::string* error) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.size() < 4 || !EqualsNoCase(text.substr(0, 4), "nan:")) return false;
  std::string_view payload = text.substr(4);
  uint64_t p = 0;
  *ok = payload.size() > 2 && payload[0] == '0' && (payload[1] == 'x' || payload[1] == 'X');
  if (*ok) {
    auto [end, ec] = std::from_chars(payload.data() + 2, payload.data() + payload.size(), p, 16);
    *ok = ec == std::errc() && end == payload.data() + payload.size() && p != 0 &&
          p < (uint64_t{1} << mantissa_bits);
  }
  if (!*ok) {
    *error = "invalid NaN payload (expected nan:0x1 .. nan:0x" +
             std::string(mantissa_bits == 23 ? "7fffff" : "fffffffffffff") + ")";
    return true;
  }
  unsigned total = sizeof(Bits) * 8;
  Bits exponent_ones = static_cast<Bits>(((Bits{1} << (total - 1 - mantissa_bits)) - 1)
                                         << mantissa_bits);
  *bits = static_cast<Bits>((negative ? Bits{1} << (total - 1) : 0) | exponent_ones | p);
  return true;
}

bool ParseFloatWord(std::string_view text, bool is_f32, uint64_t* out, std::string* error) {
  if (is_f32) {
    uint32_t bits;
    bool ok;
    if (ParseNanPayload<uint32_t>(text, 23, &bits, &ok, error)) {
      if (ok) *out = bits;
      return ok;
    }
  } else {
    uint64_t bits;
    bool ok;
    if (ParseNanPayload<uint64_t>(text, 52, &bits, &ok, error)) {
      if (ok) *out = bits;
      return ok;
    }
  }
  // strtof/strtod accept decimal, hex floats, inf/infinity/nan; reject what
  // they would skip or stop at (leading blanks, trailing junk).
  std::string word(text);
  if (word.empty() || word[0] == ' ' || word[0] == '\t' || word[0] == '\n' ||
      word.find('(') != std::string::npos) {
    *error = "invalid float literal";
    return false;
  }
  char* end = nullptr;
  if (is_f32) {
    float f = std::strtof(word.c_str(), &end);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    *out = b;
  } else {
    double d = std::strtod(word.c_str(), &end);
    std::memcpy(out, &d, 8);
  }
  if (end != word.c_str() + word.size()) {
    *error = "invalid float literal";
    return false;
  }
  return true;
}

// Rust's Display for floats: the shortest round-trip digits laid out without
// an exponent.
template <typename Float>
std::string FormatFloat(Float v) {
  if (v != v) return "NaN";
  if (v == std::numeric_limits<Float>::infinity()) return "inf";
  if (v == -std::numeric_limits<Float>::infinity()) return "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));  // [-]d[.ddd]e[+-]XX
  std::string out;
  if (!sci.empty() && sci[0] == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  // value = 0.d1d2d3... * 10^(exponent + 1)
  int point = exponent + 1;  // digits before the decimal point
  if (digits == "0") return out + "0";
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out += digits;
  } else if (static_cast<size_t>(point) >= digits.size()) {
    out += digits;
    out.append(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(point));
    out += '.';
    out += digits.substr(static_cast<size_t>(point));
  }
  return out;
}

std::string U128Decimal(uint64_t lo, uint64_t hi) {
  if (hi == 0) return std::to_string(lo);
  // Repeated division by 10 of the 128-bit number held as four 32-bit limbs.
  uint32_t limbs[4] = {static_cast<uint32_t>(hi >> 32), static_cast<uint32_t>(hi),
                       static_cast<uint32_t>(lo >> 32), static_cast<uint32_t>(lo)};
  std::string rev;
  for (;;) {
    bool zero = true;
    uint64_t rem = 0;
    for (uint32_t& limb : limbs) {
      uint64_t cur = (rem << 32) | limb;
      limb = static_cast<uint32_t>(cur / 10);
      rem = cur % 10;
      if (limb != 0) zero = false;
    }
    rev += static_cast<char>('0' + rem);
    if (zero) break;
  }
  return std::string(rev.rbegin(), rev.rend());
}

const char* RefTypeWord(HeapType heap) {
  if (heap.is_index()) return "ref";
  switch (heap.abstract()) {
    case HeapType::kFunc:
    case HeapType::kNoFunc: return "funcref";
    case HeapType::kExtern:
    case HeapType::kNoExtern: return "externref";
    case HeapType::kExn:
    case HeapType::kNoExn: return "exnref";
    default: return "anyref";
  }
}

}  // namespace

bool ParseValueText(ValType type, std::string_view text, Value* out, std::string* error) {
  uint64_t v = 0;
  switch (type.kind()) {
    case ValType::kI32:
      if (!ParseInteger(text, 32, &v, error)) return false;
      *out = Value::I32(static_cast<uint32_t>(v));
      return true;
    case ValType::kI64:
      if (!ParseInteger(text, 64, &v, error)) return false;
      *out = Value::I64(v);
      return true;
    case ValType::kF32:
      if (!ParseFloatWord(text, true, &v, error)) return false;
      *out = Value::F32Bits(static_cast<uint32_t>(v));
      return true;
    case ValType::kF64:
      if (!ParseFloatWord(text, false, &v, error)) return false;
      *out = Value::F64Bits(v);
      return true;
    default:
      *error = "unsupported argument type " + ValTypeText(type);
      return false;
  }
}

std::string FormatValueText(const Value& value) {
  switch (value.type.kind()) {
    case ValType::kI32: return std::to_string(static_cast<int32_t>(value.i32()));
    case ValType::kI64: return std::to_string(static_cast<int64_t>(value.i64()));
    case ValType::kF32: {
      float f;
      uint32_t b = static_cast<uint32_t>(value.lo);
      std::memcpy(&f, &b, 4);
      return FormatFloat(f);
    }
    case ValType::kF64: {
      double d;
      std::memcpy(&d, &value.lo, 8);
      return FormatFloat(d);
    }
    case ValType::kV128: return U128Decimal(value.lo, value.hi);
    case ValType::kRef: {
      std::string word = RefTypeWord(value.type.heap_type());
      return value.is_null_ref() ? "<null " + word + ">" : "<" + word + ">";
    }
    default: return "<" + ValTypeText(value.type) + ">";
  }
}

}  // namespace cascade::cli
