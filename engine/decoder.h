// Binary decoder: bytes -> Module (spec 5 "Binary Format").
//
// DecodeModule checks well-formedness only (what the spec calls "malformed"):
// section order and sizes, LEB128 encodings, UTF-8 names, counts, opcodes of
// constant expressions and function bodies are *not* type-checked here (that is
// ValidateModule, validator.h). Code bodies are not decoded instruction by
// instruction here either; FunctionDecoder reads them during validation.
//
// Memory is bounded by the input: a count is checked against the bytes left
// before anything is reserved, so a 20-byte file that claims 4 billion
// functions fails with "unexpected end" without allocating.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/error.h"
#include "engine/module.h"

namespace cascade {

// Decodes `bytes` (moved into module->bytes) into `*module`. Returns true on
// success; otherwise fills `*error` with the spec's wording ("unexpected end",
// "magic header not detected", "unknown binary version", "malformed section id",
// "section size mismatch", "integer too large", "length out of bounds",
// "too many locals", "function and code section have inconsistent lengths",
// "data count and data section have inconsistent lengths", "malformed UTF-8
// encoding", ...) and the byte offset.
bool DecodeModule(std::vector<uint8_t> bytes, Module* module, Error* error);

}  // namespace cascade
