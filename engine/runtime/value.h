// Runtime values at the host boundary, and how references are represented in
// the untyped 64-bit slots that wasm frames, globals and tables hold.
//
// Slot encoding (every value is one uint64_t slot; v128 takes two, low half first):
//   i32        zero-extended to 64 bits          f32  bit pattern, zero-extended
//   i64        as is                             f64  bit pattern
//   funcref    FuncInstance* (null = 0)          exnref  Exception* (null = 0)
//   externref  an opaque host word (null = 0); the spec harness's `ref.extern N`
//              is BoxHostRef(N), which is never 0
//
// Invariant: a reference slot is 0 iff the reference is null.
//
// `Value` (type + two words) exists only where the host passes values in or gets
// them out (Invoke arguments and results, global get/set from the embedder).
#pragma once

#include <cstdint>
#include <cstring>

#include "engine/value_type.h"

namespace cascade {

struct Value {
  ValType type = kWasmI32;
  uint64_t lo = 0;  // the value's slot (low 64 bits of a v128)
  uint64_t hi = 0;  // v128 only: high 64 bits

  static Value I32(uint32_t v) { return {kWasmI32, v, 0}; }
  static Value I64(uint64_t v) { return {kWasmI64, v, 0}; }
  static Value F32Bits(uint32_t bits) { return {kWasmF32, bits, 0}; }
  static Value F64Bits(uint64_t bits) { return {kWasmF64, bits, 0}; }
  static Value F32(float f) { uint32_t b; std::memcpy(&b, &f, 4); return F32Bits(b); }
  static Value F64(double d) { uint64_t b; std::memcpy(&b, &d, 8); return F64Bits(b); }
  static Value V128(uint64_t lo, uint64_t hi) { return {kWasmV128, lo, hi}; }
  static Value Ref(ValType type, uint64_t word) { return {type, word, 0}; }

  uint32_t i32() const { return static_cast<uint32_t>(lo); }
  uint64_t i64() const { return lo; }
  bool is_null_ref() const { return lo == 0; }
};

// `slot` in the slot encoding of `type`: i32 and f32 zero-extended (what a
// host may hand in with stray upper bits), everything else as it is. Machine
// code indexes memory with an i32 register as it is (jit/macro_assembler.h),
// so values entering wasm from the host go through this.
inline constexpr uint64_t CanonicalSlot(ValType type, uint64_t slot) {
  return type.kind() == ValType::kI32 || type.kind() == ValType::kF32 ? slot & 0xFFFFFFFFu : slot;
}

// Number of 64-bit slots a value of `type` takes (2 for v128, else 1).
inline constexpr uint32_t SlotCount(ValType type) {
  return type.kind() == ValType::kV128 ? 2 : 1;
}

// Host references (externref values made by the embedder, e.g. the spec
// harness's `ref.extern N`): N is stored shifted with a tag bit so that the word
// is never 0 (null) and never looks like an aligned pointer.
inline constexpr uint64_t BoxHostRef(uint64_t n) { return (n << 2) | 2; }
inline constexpr bool IsHostRef(uint64_t word) { return (word & 3) == 2; }
inline constexpr uint64_t UnboxHostRef(uint64_t word) { return word >> 2; }

}  // namespace cascade
