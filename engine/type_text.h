// Value and heap types in the text format's spelling (spec 6.4 "Types"), for
// error messages, the CLI and disassembly: `i32`, `funcref`, `(ref 3)`,
// `(ref null any)`. One place, so every message names a type the same way.
//
// Invariant: printing never fails; a type index prints as its number.
#pragma once

#include <string>

#include "engine/value_type.h"

namespace cascade {

// The text name of an abstract heap type (`func`, `nofunc`, `exn`, ...), or the
// decimal type index of a concrete one.
std::string HeapTypeText(HeapType heap);

// `i32`, `i64`, `f32`, `f64`, `v128`, the packed `i8`/`i16`, the shorthand of a
// nullable abstract reference (`funcref`, `nullref`, ... spec 6.4.3), else
// `(ref null? HEAPTYPE)`. The validator's internal kinds print as `void` and
// `bot` (the bottom type of an unreachable stack).
std::string ValTypeText(ValType type);

}  // namespace cascade
