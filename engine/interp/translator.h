// Translation of a validated function body into the interpreter's slot-addressed
// code (code.h, dispatch.h), through the shared FunctionDecoder with validation
// compiled away (spec 3.3 gives the instruction semantics the code implements).
//
// Invariants: the input function was validated (ValidateModule); translation
// never fails on valid input and costs one linear pass over the body. Every
// instruction the interpreter cannot run yet (SIMD, GC objects) becomes a
// NotImplemented op that traps with "not implemented: <op>" when reached.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/interp/code.h"
#include "engine/interp/code_arena.h"
#include "engine/module.h"

namespace cascade::interp {

// Translates defined function `funcidx` of the validated `module`. With
// `mem0_guarded`, memory-0 accesses use the unchecked handlers (the memory has
// an 8 GiB guard reservation, memory32 only); otherwise every access is
// checked. Thread-safe. Never returns null.
InterpCodePtr TranslateFunction(const Module& module, uint32_t funcidx, bool mem0_guarded);
// The same, with the code block allocated in `arena` (it lives, and dies, with
// the arena).
InterpCode* TranslateFunction(const Module& module, uint32_t funcidx, bool mem0_guarded,
                              CodeArena& arena);

}  // namespace cascade::interp
