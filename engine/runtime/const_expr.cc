// Evaluation of constant expressions (spec 3.3.x / 4.4.x "Constant
// expressions") during instantiation: a direct walk over the validated bytes
// with a tiny value stack. Validation already guaranteed well-typedness, so the
// walk only has to compute.
//
// Supported: i32/i64/f32/f64/v128.const, ref.null, ref.func, global.get and the
// extended-const arithmetic i32/i64.add/sub/mul. GC allocations (struct.new,
// array.new*, ref.i31, any/extern conversions) report failure until the GC
// issue gives them a representation.
#include <cstring>

#include "engine/reader.h"
#include "engine/runtime/linker.h"

namespace cascade {

bool EvalConstExpr(const Module& module, const Instance& instance, ByteRange expr,
                   uint64_t out[2], std::string* message) {
  struct Slot { uint64_t lo, hi; };
  Slot stack[64];
  int sp = 0;
  const uint8_t* base = module.bytes.data();
  Reader r(base, base + expr.offset, base + expr.end());
  auto push = [&](uint64_t lo, uint64_t hi = 0) -> bool {
    if (sp >= 64) return false;
    stack[sp++] = {lo, hi};
    return true;
  };
  while (r.ok() && !r.at_end()) {
    uint8_t op = r.u8();
    switch (op) {
      case 0x0B:  // end
        if (sp != 1) {
          *message = "constant expression: stack height";
          return false;
        }
        out[0] = stack[0].lo;
        out[1] = stack[0].hi;
        return true;
      case 0x41: push(static_cast<uint32_t>(r.s32())); break;
      case 0x42: push(static_cast<uint64_t>(r.s64())); break;
      case 0x43: push(r.fixed_u32()); break;
      case 0x44: push(r.fixed_u64()); break;
      case 0xD0: r.s33(); push(0); break;  // ref.null ht
      case 0xD2: {                         // ref.func
        uint32_t idx = r.u32();
        if (idx >= instance.funcs.size()) {
          *message = "constant expression: unknown function";
          return false;
        }
        push(reinterpret_cast<uintptr_t>(instance.funcs[idx]));
        break;
      }
      case 0x23: {  // global.get
        uint32_t idx = r.u32();
        if (idx >= instance.globals.size()) {
          *message = "constant expression: unknown global";
          return false;
        }
        const GlobalInstance* g = instance.globals[idx];
        push(g->value[0], g->value[1]);
        break;
      }
      case 0x6A: case 0x6B: case 0x6C: case 0x7C: case 0x7D: case 0x7E: {
        if (sp < 2) {
          *message = "constant expression: stack underflow";
          return false;
        }
        uint64_t b = stack[--sp].lo, a = stack[sp - 1].lo, v;
        switch (op) {
          case 0x6A: v = static_cast<uint32_t>(a + b); break;
          case 0x6B: v = static_cast<uint32_t>(a - b); break;
          case 0x6C: v = static_cast<uint32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b)); break;
          case 0x7C: v = a + b; break;
          case 0x7D: v = a - b; break;
          default: v = a * b; break;
        }
        stack[sp - 1] = {v, 0};
        break;
      }
      case 0xFD: {  // v128.const
        uint32_t sub = r.u32();
        if (sub != 12) {
          *message = "constant expression: unsupported SIMD instruction";
          return false;
        }
        uint64_t lo = r.fixed_u64();
        uint64_t hi = r.fixed_u64();
        push(lo, hi);
        break;
      }
      default:
        *message = "constant expression: unsupported instruction (GC objects not yet supported)";
        return false;
    }
    if (sp == 64) {
      *message = "constant expression: too deep";
      return false;
    }
  }
  *message = r.ok() ? "constant expression: missing end" : r.error().message;
  return false;
}

}  // namespace cascade
