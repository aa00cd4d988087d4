// Tables generated from opcodes.def: per-opcode info, the binary (prefix, code)
// -> Opcode maps and the text-name lookup. Everything but the name index is
// built at compile time; the name index is a sorted array built on first use.
#include "engine/opcodes.h"

#include <algorithm>
#include <array>
#include <vector>

namespace cascade {
namespace {

constexpr uint8_t SigLetter(char c) {
  switch (c) {
    case 'i': return ValType::kI32;
    case 'l': return ValType::kI64;
    case 'f': return ValType::kF32;
    case 'd': return ValType::kF64;
    case 's': return ValType::kV128;
    case 'a': return kSigAddr;
    default: return 0xFF;  // rejected by the static_assert below
  }
}

constexpr bool SigValid(const char* s) {
  if (s[0] == 'x' && s[1] == 0) return true;
  int results = 0, params = 0, i = 0;
  for (; s[i] != '_'; ++i) {
    if (s[i] == 0) return false;
    if (s[i] != 'v' && SigLetter(s[i]) == 0xFF) return false;
    if (s[i] != 'v') ++results;
  }
  for (++i; s[i] != 0; ++i) {
    if (SigLetter(s[i]) == 0xFF) return false;
    ++params;
  }
  return results <= 2 && params <= 4;
}

#define CASCADE_OPCODE(Name, prefix, code, text, Imm, sig, align) \
  static_assert(SigValid(#sig), "bad signature of " text);
#include "engine/opcodes.def"
#undef CASCADE_OPCODE

constexpr bool IsSigX(const char* s) { return s[0] == 'x' && s[1] == 0; }

template <size_t N>
constexpr std::array<Opcode, N> BuildMap(uint8_t want_prefix) {
  std::array<Opcode, N> map{};
  for (auto& e : map) e = Opcode::kInvalid;
  uint32_t ordinal = 0;
#define CASCADE_OPCODE(Name, prefix, code, text, Imm, sig, align) \
  if ((prefix) == want_prefix) map[code] = static_cast<Opcode>(ordinal); \
  ++ordinal;
#include "engine/opcodes.def"
#undef CASCADE_OPCODE
  return map;
}

}  // namespace

const OpcodeInfo kOpcodeInfo[kOpcodeCount] = {
#define CASCADE_OPCODE(Name, prefix, code, text, Imm, sig, align) \
  {text, code, prefix, ImmKind::k##Imm, align, !IsSigX(#sig), ParseOpSignature(#sig)},
#include "engine/opcodes.def"
#undef CASCADE_OPCODE
};

constexpr std::array<Opcode, 256> kOneByteOpcodes = BuildMap<256>(0);
constexpr std::array<Opcode, kMaxGCSubopcode> kGCOpcodes = BuildMap<kMaxGCSubopcode>(kPrefixGC);
constexpr std::array<Opcode, kMaxMiscSubopcode> kMiscOpcodes =
    BuildMap<kMaxMiscSubopcode>(kPrefixMisc);
constexpr std::array<Opcode, kMaxSimdSubopcode> kSimdOpcodes =
    BuildMap<kMaxSimdSubopcode>(kPrefixSimd);
constexpr std::array<Opcode, kMaxAtomicSubopcode> kAtomicOpcodes =
    BuildMap<kMaxAtomicSubopcode>(kPrefixAtomic);

Opcode LookupOpcode(uint8_t prefix, uint32_t code) {
  switch (prefix) {
    case 0: return code < 256 ? kOneByteOpcodes[code] : Opcode::kInvalid;
    case kPrefixGC: return code < kMaxGCSubopcode ? kGCOpcodes[code] : Opcode::kInvalid;
    case kPrefixMisc: return code < kMaxMiscSubopcode ? kMiscOpcodes[code] : Opcode::kInvalid;
    case kPrefixSimd: return code < kMaxSimdSubopcode ? kSimdOpcodes[code] : Opcode::kInvalid;
    case kPrefixAtomic:
      return code < kMaxAtomicSubopcode ? kAtomicOpcodes[code] : Opcode::kInvalid;
    default: return Opcode::kInvalid;
  }
}

namespace {
struct NameEntry {
  std::string_view name;
  Opcode op;
};

// Sorted by name; among equal names, the entry first in opcodes.def first.
const std::vector<NameEntry>& NameIndex() {
  static const std::vector<NameEntry> index = [] {
    std::vector<NameEntry> v;
    v.reserve(kOpcodeCount);
    for (uint32_t i = 0; i < kOpcodeCount; ++i) v.push_back({kOpcodeInfo[i].name, Opcode(i)});
    std::stable_sort(v.begin(), v.end(),
                     [](const NameEntry& a, const NameEntry& b) { return a.name < b.name; });
    return v;
  }();
  return index;
}
}  // namespace

std::optional<Opcode> LookupOpcodeByName(std::string_view name) {
  const auto& index = NameIndex();
  auto it = std::lower_bound(index.begin(), index.end(), name,
                             [](const NameEntry& e, std::string_view n) { return e.name < n; });
  if (it == index.end() || it->name != name) return std::nullopt;
  return it->op;
}

}  // namespace cascade
