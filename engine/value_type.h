// Value types, heap types and storage types of Wasm 3.0 (spec 2.3 "Types").
//
// Every type fits in 32 bits so that operand stacks, signatures and field lists
// are flat arrays of words:
//
//   ValType  = [ heap type : 24 | nullable : 1 | unused : 3 | kind : 4 ]
//              bit 31 ............. 8            7            3..0
//
// A HeapType is either a type index (typeidx, relative to one module, or a
// canonical id once canonicalized, see type_canon.h) or one of the abstract heap
// types, which occupy the top of the 24-bit range. Packed storage types (i8, i16)
// appear only in struct/array fields. `kBottom` is the type of a value popped from
// the polymorphic stack after `unreachable`; it matches every type.
#pragma once

#include <cstdint>
#include <string_view>

namespace cascade {

// Binary encodings of value types and abstract heap types (spec 5.3.1 - 5.3.5).
namespace typecode {
inline constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C, kV128 = 0x7B;
inline constexpr uint8_t kI8 = 0x78, kI16 = 0x77;
inline constexpr uint8_t kNoExn = 0x74, kNoFunc = 0x73, kNoExtern = 0x72, kNone = 0x71;
inline constexpr uint8_t kFunc = 0x70, kExtern = 0x6F, kAny = 0x6E, kEq = 0x6D, kI31 = 0x6C;
inline constexpr uint8_t kStruct = 0x6B, kArray = 0x6A, kExn = 0x69;
inline constexpr uint8_t kRefNull = 0x63, kRef = 0x64;
inline constexpr uint8_t kFuncType = 0x60, kStructType = 0x5F, kArrayType = 0x5E;
inline constexpr uint8_t kSub = 0x50, kSubFinal = 0x4F, kRec = 0x4E;
inline constexpr uint8_t kEmptyBlock = 0x40;
}  // namespace typecode

// A heap type (spec 2.3.3): a type index or an abstract heap type.
class HeapType {
 public:
  // Abstract heap types live at the top of the 24-bit index space.
  enum Abstract : uint32_t {
    kFunc = 0xFFFFF0, kNoFunc, kExtern, kNoExtern, kAny, kEq, kI31, kStruct, kArray,
    kNone, kExn, kNoExn, kBottomHeap,  // kBottomHeap: heap type of the unreachable bottom
  };
  static constexpr uint32_t kMaxIndex = 0xFFFFEF;  // largest representable typeidx

  constexpr HeapType() : bits_(kBottomHeap) {}
  constexpr HeapType(Abstract a) : bits_(a) {}
  static constexpr HeapType Index(uint32_t typeidx) { return HeapType(typeidx, 0); }
  static constexpr HeapType FromBits(uint32_t bits) { return HeapType(bits, 0); }

  constexpr bool is_index() const { return bits_ <= kMaxIndex; }
  constexpr bool is_abstract() const { return bits_ > kMaxIndex; }
  constexpr uint32_t index() const { return bits_; }
  constexpr Abstract abstract() const { return static_cast<Abstract>(bits_); }
  constexpr uint32_t bits() const { return bits_; }
  constexpr bool operator==(const HeapType&) const = default;

  // Decodes an abstract heap type from its one-byte code; returns false if
  // `code` is not one.
  static bool FromCode(uint8_t code, HeapType* out);
  // The one-byte binary code of an abstract heap type (typecode::kFunc, ...);
  // 0 for a type index or the bottom heap type.
  uint8_t code() const;
  // Parses the text-format name of an abstract heap type ("func", "nofunc",
  // ...); returns false if `text` is not one.
  static bool FromName(std::string_view text, HeapType* out);
  // The text-format name ("func", "nofunc", ...) of an abstract heap type.
  const char* name() const;

 private:
  constexpr HeapType(uint32_t bits, int) : bits_(bits) {}
  uint32_t bits_;
};

// A value type (spec 2.3.4) or a packed storage type (spec 2.3.8).
class ValType {
 public:
  enum Kind : uint8_t { kVoid = 0, kI32, kI64, kF32, kF64, kV128, kRef, kI8, kI16, kBottom };

  constexpr ValType() : bits_(kVoid) {}
  constexpr ValType(Kind k) : bits_(k) {}
  static constexpr ValType Ref(HeapType heap, bool nullable) {
    return ValType((heap.bits() << 8) | (nullable ? 0x10u : 0u) | kRef);
  }
  static constexpr ValType FromBits(uint32_t bits) { return ValType(bits); }

  constexpr Kind kind() const { return static_cast<Kind>(bits_ & 0xF); }
  constexpr bool is_ref() const { return kind() == kRef; }
  constexpr bool is_nullable() const { return (bits_ & 0x10) != 0; }
  constexpr bool is_packed() const { return kind() == kI8 || kind() == kI16; }
  constexpr bool is_numeric() const { return kind() >= kI32 && kind() <= kF64; }
  constexpr bool is_bottom() const { return kind() == kBottom; }
  constexpr HeapType heap_type() const { return HeapType::FromBits(bits_ >> 8); }
  constexpr uint32_t bits() const { return bits_; }
  constexpr ValType as_nullable(bool nullable) const {
    return Ref(heap_type(), nullable);
  }
  // Unpacks a storage type: i8 and i16 become i32 (spec 2.3.8 unpack).
  constexpr ValType unpacked() const { return is_packed() ? ValType(kI32) : *this; }
  // Whether a default value exists (numbers, vectors, nullable references).
  constexpr bool is_defaultable() const { return !is_ref() || is_nullable(); }
  // Size in bytes of a value of this storage type in memory (i8 = 1, ..., v128 = 16).
  constexpr uint32_t byte_size() const {
    switch (kind()) {
      case kI8: return 1;
      case kI16: return 2;
      case kI32: case kF32: return 4;
      case kV128: return 16;
      default: return 8;
    }
  }
  constexpr bool operator==(const ValType&) const = default;

 private:
  constexpr explicit ValType(uint32_t bits) : bits_(bits) {}
  uint32_t bits_;
};

inline constexpr ValType kWasmVoid = ValType(ValType::kVoid);
inline constexpr ValType kWasmI32 = ValType(ValType::kI32);
inline constexpr ValType kWasmI64 = ValType(ValType::kI64);
inline constexpr ValType kWasmF32 = ValType(ValType::kF32);
inline constexpr ValType kWasmF64 = ValType(ValType::kF64);
inline constexpr ValType kWasmV128 = ValType(ValType::kV128);
inline constexpr ValType kWasmI8 = ValType(ValType::kI8);
inline constexpr ValType kWasmI16 = ValType(ValType::kI16);
inline constexpr ValType kWasmBottom = ValType(ValType::kBottom);
inline constexpr ValType kWasmFuncRef = ValType::Ref(HeapType::kFunc, true);
inline constexpr ValType kWasmExternRef = ValType::Ref(HeapType::kExtern, true);
inline constexpr ValType kWasmAnyRef = ValType::Ref(HeapType::kAny, true);
inline constexpr ValType kWasmEqRef = ValType::Ref(HeapType::kEq, true);
inline constexpr ValType kWasmI31Ref = ValType::Ref(HeapType::kI31, true);
inline constexpr ValType kWasmStructRef = ValType::Ref(HeapType::kStruct, true);
inline constexpr ValType kWasmArrayRef = ValType::Ref(HeapType::kArray, true);
inline constexpr ValType kWasmExnRef = ValType::Ref(HeapType::kExn, true);
inline constexpr ValType kWasmNullRef = ValType::Ref(HeapType::kNone, true);

}  // namespace cascade
