// ScanInstruction (instruction_scan.h).
#include "engine/instruction_scan.h"

namespace cascade {
namespace {

// A value type (spec 5.3.3): one byte, or 0x63/0x64 and a heap type.
void SkipValueType(Reader& r) {
  const uint8_t b = r.u8();
  if (b == 0x63 || b == 0x64) r.s33();
}

// A block type (spec 5.4.1): 0x40, a value type, or an s33 type index.
void SkipBlockType(Reader& r) {
  const uint8_t b = r.peek_u8();
  if (b == 0x40) {
    r.u8();
  } else if ((b & 0xC0) == 0x40) {  // a one-byte negative s33: a value type code
    SkipValueType(r);
  } else {
    r.s33();
  }
}

}  // namespace

ScannedInstruction ScanInstruction(Reader& r) {
  ScannedInstruction in;
  const uint8_t b = r.u8();
  if (b == kPrefixGC || b == kPrefixMisc || b == kPrefixSimd || b == kPrefixAtomic) {
    in.op = LookupOpcode(b, r.u32());
  } else {
    in.op = LookupOpcode(0, b);
  }
  if (!r.ok() || in.op == Opcode::kInvalid) return {};
  switch (GetOpcodeInfo(in.op).imm) {
    case ImmKind::kNone:
      break;
    case ImmKind::kBlockType:
      SkipBlockType(r);
      break;
    case ImmKind::kLabel: case ImmKind::kFunc: case ImmKind::kType: case ImmKind::kLocal:
    case ImmKind::kGlobal: case ImmKind::kTable: case ImmKind::kMemory: case ImmKind::kTag:
    case ImmKind::kData: case ImmKind::kElem:
      in.index = r.u32();
      break;
    case ImmKind::kBrTable: {
      const uint32_t n = r.u32();
      for (uint32_t i = 0; i <= n && r.ok(); ++i) r.u32();
      break;
    }
    case ImmKind::kCallIndirect: case ImmKind::kTypeField: case ImmKind::kTypeData:
    case ImmKind::kTypeElem: case ImmKind::kTypeType: case ImmKind::kTypeU32:
    case ImmKind::kMemoryInit: case ImmKind::kTableInit: case ImmKind::kMemoryCopy:
    case ImmKind::kTableCopy:
      in.index = r.u32();
      r.u32();
      break;
    case ImmKind::kMemarg: case ImmKind::kMemargLane: {
      const uint32_t flags = r.u32();
      if (flags & 0x40) r.u32();  // memidx (multi-memory)
      r.u64();                    // offset
      if (GetOpcodeInfo(in.op).imm == ImmKind::kMemargLane) r.u8();
      break;
    }
    case ImmKind::kI32: r.s32(); break;
    case ImmKind::kI64: r.s64(); break;
    case ImmKind::kF32: r.skip(4); break;
    case ImmKind::kF64: r.skip(8); break;
    case ImmKind::kV128: case ImmKind::kShuffle: r.skip(16); break;
    case ImmKind::kLane: case ImmKind::kZeroByte: r.u8(); break;
    case ImmKind::kHeapType: r.s33(); break;
    case ImmKind::kBrOnCast:
      r.u8();
      in.index = r.u32();
      r.s33();
      r.s33();
      break;
    case ImmKind::kTryTable: {
      SkipBlockType(r);
      const uint32_t n = r.u32();
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        if (r.u8() <= 1) r.u32();  // catch / catch_ref: the tag
        r.u32();                   // the label
      }
      break;
    }
    case ImmKind::kSelectT: {
      const uint32_t n = r.u32();
      for (uint32_t i = 0; i < n && r.ok(); ++i) SkipValueType(r);
      break;
    }
  }
  if (!r.ok()) return {};
  return in;
}

}  // namespace cascade
