// Out-of-line Module accessors (module.h).
//
// Invariant: NameSection maps are sorted by index (name_section.cc ensures it),
// so lookups are binary searches.
#include <algorithm>

#include "engine/module.h"

namespace cascade {

std::string_view Module::function_name(uint32_t funcidx) const {
  const auto& v = names.functions;
  auto it = std::lower_bound(v.begin(), v.end(), funcidx,
                             [](const NameAssoc& a, uint32_t idx) { return a.index < idx; });
  if (it == v.end() || it->index != funcidx) return {};
  return it->name;
}

}  // namespace cascade
