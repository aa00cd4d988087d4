// Validation (spec 3 "Validation"): module-level checks plus type-checking of every
// function body and constant expression through FunctionDecoder<FullValidation,
// Validator> (function_decoder.h).
#pragma once

#include <cstdint>

#include "engine/error.h"
#include "engine/module.h"

namespace cascade {

// Validates a decoded module: canonicalizes its types (type_canon.h, setting
// SubType::canonical_id) and checks subtype declarations, imports, tables,
// memories, globals, tags, exports, start, element and data segments, every
// constant expression and every function body. Returns true when valid;
// otherwise `*error` has the spec's message ("type mismatch", "unknown function",
// "duplicate export name", ...) and the byte offset of the offending construct.
// Function bodies of modules with more than 1 MiB of code are validated on up to
// `max_threads` threads (0: as many as the machine has cores; 1: only the
// calling thread); the reported error is always the lowest failing funcidx's.
bool ValidateModule(Module& module, Error* error, unsigned max_threads = 0);

// ValidateModule without type-checking the function bodies (their local
// declarations are still checked): for a module whose bodies an earlier run
// of this engine validated, as a JIT cache file for its exact bytes shows
// (jit/code_cache_file.h). Everything else, including type canonicalization,
// is done as ValidateModule does it.
bool ValidateModuleExceptBodies(Module& module, Error* error);

// Type-checks the body of defined function `funcidx` (spec 3.4.x "Functions").
// Requires the module's types to be canonicalized and its declarations valid
// (ValidateModule does this in order).
bool ValidateFunction(const Module& module, uint32_t funcidx, Error* error);

// Type-checks a constant expression (spec 3.3.x "Constant Expressions") at
// `expr` (including its final `end`) producing one value of `expected` type.
// Only globals with index < `num_visible_globals` may be referenced, and they
// must be immutable (imported or, in Wasm 3.0, any earlier immutable global).
bool ValidateConstExpr(const Module& module, ByteRange expr, ValType expected,
                       uint32_t num_visible_globals, Error* error);

// Whether value type `sub` matches `super` in `module` (spec 3.3.x "Matching"):
// numeric types by equality, references by nullability and heap-type subtyping
// (abstract hierarchy plus declared supertypes through canonical ids).
bool IsSubtype(const Module& module, ValType sub, ValType super);
bool IsHeapSubtype(const Module& module, HeapType sub, HeapType super);

}  // namespace cascade
