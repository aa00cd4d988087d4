// Reading the instructions of an already validated function body one at a
// time without decoding their types (spec 5.4 "Instructions"): for passes
// that only look for a few opcodes, such as the baseline JIT's look-ahead over
// a loop body (which locals it reads).
//
// Invariant: the bytes have passed validation (FunctionDecoder with full
// validation, or a compilation cache vouching for them), so nothing is checked
// beyond not reading past the reader's end: malformed bytes give kInvalid or
// garbage indices, never a read out of bounds.
#pragma once

#include <cstdint>

#include "engine/opcodes.h"
#include "engine/reader.h"

namespace cascade {

struct ScannedInstruction {
  Opcode op = Opcode::kInvalid;  // kInvalid: an unassigned encoding (the scan should stop)
  uint32_t index = 0;            // the first immediate of kLocal/kLabel/kGlobal/kFunc/... kinds
};

// Reads one instruction at `r` (its opcode, with any prefix, and all of its
// immediates) and leaves `r` at the next one.
ScannedInstruction ScanInstruction(Reader& r);

}  // namespace cascade
