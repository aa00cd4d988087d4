// Decoding of the "name" custom section (spec 7.4 appendix "Name Section", plus
// the extended-name-section subsections for types, fields and tags).
//
//   namesec    = subsection*
//   subsection = id:u8 size:u32 payload
//     0 module name      name
//     1 function names   vec(funcidx name)
//     2 local names      vec(funcidx vec(localidx name))
//     4 type names       vec(typeidx name)
//    10 field names      vec(typeidx vec(fieldidx name))
//    11 tag names        vec(tagidx name)
//   (3 labels, 5 tables, 6 memories, 7 globals, 8 elems, 9 datas are skipped)
//
// Invariants: names are views into Module::bytes; each map is sorted by index
// on return (well-formed sections already are, so sorting is a cheap check);
// every read is bounded by its subsection. A malformed section never fails the
// module: the caller keeps the old (empty) NameSection when this returns false.
#include <algorithm>

#include "engine/decoder.h"
#include "engine/reader.h"

namespace cascade {
namespace {

bool ReadNameMap(Reader& r, std::vector<NameAssoc>* out) {
  const uint32_t n = r.u32();
  out->reserve(std::min(n, r.remaining()));
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    const uint32_t idx = r.u32();
    std::string_view name = r.name();
    if (r.ok()) out->push_back({idx, name});
  }
  if (!std::is_sorted(out->begin(), out->end(),
                      [](const NameAssoc& a, const NameAssoc& b) { return a.index < b.index; })) {
    std::stable_sort(out->begin(), out->end(),
                     [](const NameAssoc& a, const NameAssoc& b) { return a.index < b.index; });
  }
  return r.ok();
}

bool ReadIndirectNameMap(Reader& r, std::vector<IndirectNameAssoc>* out) {
  const uint32_t n = r.u32();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    const uint32_t outer = r.u32();
    const uint32_t m = r.u32();
    for (uint32_t j = 0; j < m && r.ok(); ++j) {
      const uint32_t inner = r.u32();
      std::string_view name = r.name();
      if (r.ok()) out->push_back({outer, inner, name});
    }
  }
  auto less = [](const IndirectNameAssoc& a, const IndirectNameAssoc& b) {
    return a.outer != b.outer ? a.outer < b.outer : a.inner < b.inner;
  };
  if (!std::is_sorted(out->begin(), out->end(), less)) {
    std::stable_sort(out->begin(), out->end(), less);
  }
  return r.ok();
}

}  // namespace

bool DecodeNameSection(const Module& module, ByteRange payload, NameSection* names) {
  const uint8_t* base = module.bytes.data();
  Reader r(base, base + payload.offset, base + payload.end());
  while (r.ok() && !r.at_end()) {
    const uint8_t id = r.u8();
    const uint32_t size = r.u32();
    if (!r.ok() || size > r.remaining()) return false;
    Reader sub(base, r.pc(), r.pc() + size);
    r.skip(size);
    bool ok = true;
    switch (id) {
      case 0:
        names->module_name = sub.name();
        ok = sub.ok();
        break;
      case 1: ok = ReadNameMap(sub, &names->functions); break;
      case 2: ok = ReadIndirectNameMap(sub, &names->locals); break;
      case 4: ok = ReadNameMap(sub, &names->types); break;
      case 10: ok = ReadIndirectNameMap(sub, &names->fields); break;
      case 11: ok = ReadNameMap(sub, &names->tags); break;
      default: continue;  // subsections we do not keep
    }
    if (!ok) return false;
  }
  return r.ok();
}

}  // namespace cascade
