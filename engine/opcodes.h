// Opcodes of every Wasm 3.0 instruction, generated from opcodes.def: the dense
// `Opcode` enumeration, per-opcode static information (text name, binary encoding,
// immediate kind, fixed signature, natural alignment) and the two lookups the
// decoder and the text format need: binary (prefix, code) -> Opcode and text
// name -> Opcode.
//
// Invariants: Opcode values are dense, in opcodes.def order, so tables indexed by
// Opcode are plain arrays of kOpcodeCount entries; the binary lookup tables map
// every unassigned encoding to Opcode::kInvalid.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/value_type.h"

namespace cascade {

enum class Opcode : uint16_t {
#define CASCADE_OPCODE(Name, prefix, code, text, Imm, sig, align) k##Name,
#include "engine/opcodes.def"
#undef CASCADE_OPCODE
  kInvalid,
};

inline constexpr uint32_t kOpcodeCount = static_cast<uint32_t>(Opcode::kInvalid);

// Prefix bytes (spec 5.4).
inline constexpr uint8_t kPrefixGC = 0xFB, kPrefixMisc = 0xFC, kPrefixSimd = 0xFD,
                         kPrefixAtomic = 0xFE;

// Immediate kinds and their binary layout (spec 5.4 "Instructions"). All indices
// are u32 LEB128 unless noted.
enum class ImmKind : uint8_t {
  kNone,
  kBlockType,     // blocktype: 0x40 | valtype | s33 typeidx (block, loop, if, try)
  kLabel,         // labelidx (br, br_if, br_on_null, br_on_non_null, rethrow, delegate)
  kBrTable,       // vec(labelidx) labelidx
  kFunc,          // funcidx (call, return_call, ref.func)
  kCallIndirect,  // typeidx tableidx
  kType,          // typeidx (call_ref, struct.new, array.new, array.get, ...)
  kLocal,         // localidx
  kGlobal,        // globalidx
  kTable,         // tableidx
  kMemarg,        // u32 align-flags [memidx if bit 6 of flags] offset (u64 for memory64)
  kMemory,        // memidx (memory.size, memory.grow, memory.fill)
  kI32,           // s32
  kI64,           // s64
  kF32,           // 4 bytes IEEE 754 little endian
  kF64,           // 8 bytes
  kV128,          // 16 bytes
  kShuffle,       // 16 lane-index bytes, each < 32
  kLane,          // one lane-index byte
  kMemargLane,    // memarg, then a lane-index byte
  kHeapType,      // heaptype as s33 (ref.null, ref.test, ref.cast)
  kTypeField,     // typeidx fieldidx (struct.get*, struct.set)
  kTypeData,      // typeidx dataidx (array.new_data, array.init_data)
  kTypeElem,      // typeidx elemidx (array.new_elem, array.init_elem)
  kTypeType,      // typeidx typeidx (array.copy: destination, source)
  kTypeU32,       // typeidx u32 (array.new_fixed)
  kBrOnCast,      // flags-byte labelidx heaptype heaptype (bit 0/1: 1st/2nd nullable)
  kTryTable,      // blocktype vec(catch) with catch = 0x00 tag label | 0x01 tag label
                  //                                 | 0x02 label | 0x03 label
  kTag,           // tagidx (throw, catch)
  kData,          // dataidx (data.drop)
  kMemoryInit,    // dataidx memidx
  kElem,          // elemidx (elem.drop)
  kTableInit,     // elemidx tableidx
  kMemoryCopy,    // memidx memidx (destination, source)
  kTableCopy,     // tableidx tableidx (destination, source)
  kSelectT,       // vec(valtype)
  kZeroByte,      // one byte that must be 0x00 (atomic.fence)
};

// The fixed operand/result types of a "simple" instruction (sig column of
// opcodes.def). Types are ValType::Kind values; kSigAddr stands for the address
// type of the accessed memory (i32, or i64 for memory64), always the first param.
inline constexpr uint8_t kSigAddr = 0xF;
struct OpSignature {
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  uint8_t params[4] = {};
  uint8_t results[2] = {};
};

// Parses a `sig` column of opcodes.def ("i_ii", "v_al", "x", ...) at compile
// time; "x" yields an empty signature.
constexpr OpSignature ParseOpSignature(const char* s) {
  OpSignature sig;
  if (s[0] == 'x' && s[1] == 0) return sig;
  auto letter = [](char c) -> uint8_t {
    switch (c) {
      case 'i': return ValType::kI32;
      case 'l': return ValType::kI64;
      case 'f': return ValType::kF32;
      case 'd': return ValType::kF64;
      case 's': return ValType::kV128;
      case 'a': return kSigAddr;
      default: return 0xFF;
    }
  };
  int i = 0;
  for (; s[i] != '_'; ++i) {
    if (s[i] == 'v') continue;
    sig.results[sig.num_results++] = letter(s[i]);
  }
  for (++i; s[i] != 0; ++i) sig.params[sig.num_params++] = letter(s[i]);
  return sig;
}

struct OpcodeInfo {
  const char* name;     // text-format mnemonic
  uint16_t code;        // opcode byte or subopcode
  uint8_t prefix;       // 0 or 0xFB..0xFE
  ImmKind imm;
  uint8_t align_log2;   // natural alignment of memory accesses
  bool has_sig;         // typed by `sig` alone (sig column not `x`)
  OpSignature sig;
};

extern const OpcodeInfo kOpcodeInfo[kOpcodeCount];

inline const OpcodeInfo& GetOpcodeInfo(Opcode op) {
  return kOpcodeInfo[static_cast<uint32_t>(op)];
}
inline const char* OpcodeName(Opcode op) {
  return op == Opcode::kInvalid ? "<invalid>" : GetOpcodeInfo(op).name;
}

// Binary lookup tables: one-byte opcodes, and the subopcodes of each prefix.
// Entries for unassigned encodings (and for the prefix bytes themselves in
// kOneByteOpcodes) are Opcode::kInvalid.
inline constexpr uint32_t kMaxGCSubopcode = 0x1F, kMaxMiscSubopcode = 0x20,
                          kMaxSimdSubopcode = 0x114, kMaxAtomicSubopcode = 0x50;
extern const std::array<Opcode, 256> kOneByteOpcodes;
extern const std::array<Opcode, kMaxGCSubopcode> kGCOpcodes;
extern const std::array<Opcode, kMaxMiscSubopcode> kMiscOpcodes;
extern const std::array<Opcode, kMaxSimdSubopcode> kSimdOpcodes;
extern const std::array<Opcode, kMaxAtomicSubopcode> kAtomicOpcodes;

// The opcode with binary encoding (prefix, code); prefix 0 for one-byte opcodes.
// Returns Opcode::kInvalid for unassigned encodings.
Opcode LookupOpcode(uint8_t prefix, uint32_t code);

// The opcode whose text-format mnemonic is `name` ("i32.add", "v128.load8_lane",
// "memory.atomic.wait32", ...), or nullopt. "ref.test"/"ref.cast" yield the
// non-nullable variants and "select" the untyped one; the text parser picks the
// other variant from the operands.
std::optional<Opcode> LookupOpcodeByName(std::string_view name);

// The ValType of a signature letter (kSigAddr yields `addr`).
inline ValType SigType(uint8_t kind, ValType addr) {
  return kind == kSigAddr ? addr : ValType(static_cast<ValType::Kind>(kind));
}

}  // namespace cascade
