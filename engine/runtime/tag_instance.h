// Tag instances (spec 4.2.11) and exception objects (spec 4.2.12,
// exception-handling proposal).
//
// Invariants: a tag's identity is its address (two imports of one tag are the
// same TagInstance); `payload` of an Exception holds exactly the tag type's
// param slots. Exceptions are owned by the Store and live as long as it.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/type_canon.h"

namespace cascade {

struct TagInstance {
  uint32_t canonical_type_id = 0;  // a func type with no results
  const CanonicalType* type = nullptr;
  uint32_t param_slots = 0;
};

struct Exception {
  TagInstance* tag = nullptr;
  std::vector<uint64_t> payload;  // slots of the tag's params
};

}  // namespace cascade
