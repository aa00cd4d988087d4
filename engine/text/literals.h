// Numeric literals of the text format (spec 6.3.1 "Integers", 6.3.2 "Floating-
// Point"): unsigned/signed integers with underscores and hex, and floats with
// decimal or hex mantissas, `inf`, `nan` and `nan:0x` payloads.
//
// Invariants: parsing is exact. Floats round to nearest-even directly to the
// target width (f32 via strtof, never through double), and a finite literal that
// rounds to infinity is out of range, as the spec requires.
#pragma once

#include <cstdint>
#include <string_view>

namespace cascade::text {

enum class LiteralStatus : uint8_t {
  kOk,
  kMalformed,   // not a literal of this kind at all (the caller says "unexpected token")
  kOutOfRange,  // well-formed but not representable ("constant out of range")
};

// An unsigned integer `uN` (decimal or 0x-hex, underscores between digits), no
// sign. `max` is the largest allowed value.
LiteralStatus ParseUnsigned(std::string_view text, uint64_t max, uint64_t* out);

// An integer `iN` for N = `bits` (8, 16, 32 or 64): unsigned up to 2^N-1, or
// signed with `+`/`-` in [-2^(N-1), 2^(N-1)-1]. `*out` gets the two's complement
// bit pattern truncated to N bits (zero-extended).
LiteralStatus ParseInteger(std::string_view text, int bits, uint64_t* out);

// Floats `f32`/`f64`: `*out` gets the IEEE 754 bit pattern.
LiteralStatus ParseF32(std::string_view text, uint32_t* out);
LiteralStatus ParseF64(std::string_view text, uint64_t* out);

// The lane shape of a `v128.const` (spec 6.5.10): `i8x16`, `i16x8`, `i32x4`,
// `i64x2`, `f32x4`, `f64x2`. Returns false for anything else.
struct V128Shape {
  int lanes = 0;
  int bits = 0;
  bool is_float = false;
};
bool ParseV128Shape(std::string_view text, V128Shape* out);

}  // namespace cascade::text
