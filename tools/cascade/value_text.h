// Wasm values as command-line text for `cascade run --invoke`: parsing the
// arguments by the export's parameter types, printing its results the way
// wasmtime does.
//
// Invariants: parsing is exact (the whole word must be consumed; integers out
// of range are errors, never wrapped silently beyond the type's unsigned
// range); printing is deterministic and round-trips floats (shortest digits).
#pragma once

#include <string>
#include <string_view>

#include "engine/runtime/value.h"

namespace cascade::cli {

// Parses `text` as a value of `type` into `*out`:
//   i32  decimal in [-2^31, 2^32) or 0x-hex up to 0xffffffff (also -0x...)
//   i64  decimal in [-2^63, 2^64) or 0x-hex up to 64 bits
//   f32, f64  decimal or hex floats, `inf`, `-inf`, `infinity`, `nan`, and the
//             text format's `nan:0xPAYLOAD` (each case-insensitive)
// Other types (v128, references) cannot be given on the command line. Returns
// false with `*error` set ("invalid digit", "unsupported argument type v128").
bool ParseValueText(ValType type, std::string_view text, Value* out, std::string* error);

// Prints a result like wasmtime's `--invoke`: i32/i64 as signed decimal, f32/f64
// as Rust's Display does (shortest round-trip digits, no exponent: `1`, `0.1`,
// `-0`, `inf`, `-inf`, `NaN`), v128 as an unsigned 128-bit decimal, references
// as `<funcref>` / `<null funcref>` (`externref`, `anyref`, ... likewise).
std::string FormatValueText(const Value& value);

}  // namespace cascade::cli
