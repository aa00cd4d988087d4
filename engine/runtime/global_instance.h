// Global instances (spec 4.2.9): a typed, possibly mutable cell holding one value
// as slots (value.h encoding; v128 uses both words, low first).
//
// Invariant: `value[1]` is 0 unless the type is v128.
#pragma once

#include <cstdint>

#include "engine/value_type.h"

namespace cascade {

struct GlobalInstance {
  uint64_t value[2] = {0, 0};  // first: hot for global.get/set
  ValType type;                // canonicalized: heap-type indices are canonical ids
  bool mut = false;
};

}  // namespace cascade
