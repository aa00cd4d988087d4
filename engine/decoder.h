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
#include "engine/features.h"
#include "engine/module.h"

namespace cascade {

// Decodes `bytes` (a vector or a file mapping, moved into module->bytes) into `*module`. Returns true on
// success; otherwise fills `*error` with the spec's wording ("unexpected end",
// "magic header not detected", "unknown binary version", "malformed section id",
// "section size mismatch", "integer too large", "length out of bounds",
// "too many locals", "function and code section have inconsistent lengths",
// "data count and data section have inconsistent lengths", "malformed UTF-8
// encoding", ...) and the byte offset.
// `features` enables optional proposals (features.h); they are recorded in
// Module::features for the validator.
bool DecodeModule(ModuleBytes bytes, Module* module, Error* error,
                  const Features& features = Features());

// Decodes the payload of the custom section "name" (after its name, spec 7.4
// appendix "Name Section") of `module` into `*names`: module, function, local,
// type, field and tag names. Returns false when the subsection structure is
// malformed; `*names` then holds whatever decoded before the problem (engines
// ignore a malformed name section, so DecodeModule never fails because of it).
bool DecodeNameSection(const Module& module, ByteRange payload, NameSection* names);

}  // namespace cascade
