// TableInstance::Grow (spec 4.5.3.x "Growing tables").
#include "engine/runtime/table_instance.h"

namespace cascade {

int64_t TableInstance::Grow(uint64_t delta, uint64_t init) {
  uint64_t old = elements.size();
  if (delta > max_elements - old) return -1;
  elements.resize(old + delta, init);
  return static_cast<int64_t>(old);
}

}  // namespace cascade
