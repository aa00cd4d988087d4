// Table instances (spec 4.2.7): a growable vector of reference slots (value.h
// encoding: FuncInstance* for funcref, host word for externref, 0 = null).
//
// Invariants: elements.size() <= max_elements; elem_type's heap-type indices are
// canonical ids. The element storage may move on Grow, so hot paths reload
// elements.data() after anything that can grow a table (calls, table.grow).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/module.h"

namespace cascade {

struct TableInstance {
  std::vector<uint64_t> elements;
  ValType elem_type;       // canonicalized reference type
  Limits limits;           // the table type; limits.min is the initial size
  uint64_t max_elements = 0;  // effective maximum: declared max and store limit

  uint64_t size() const { return elements.size(); }
  // An index or length operand read from a 64-bit value slot: i64 for
  // table64, else the i32 in the slot's low bits.
  uint64_t Operand(uint64_t slot) const {
    return limits.is64 ? slot : static_cast<uint32_t>(slot);
  }

  // table.grow (spec 4.4.6): appends `delta` copies of `init`. Returns the old
  // size, or -1 when the new size would exceed max_elements.
  int64_t Grow(uint64_t delta, uint64_t init);
};

}  // namespace cascade
