// Helpers called from JIT code (see runtime_helpers.h). The generic numeric
// helper is generated from the interpreter's op table (engine/interp/ops.def),
// so both tiers share one statement of each instruction's semantics.
#include "jit/runtime_helpers.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "engine/interp/numeric.h"
#include "engine/opcodes.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/table_instance.h"
#include "engine/runtime/trap.h"
#include "engine/type_canon.h"

namespace cascade::jit {
namespace {

// Slot codecs and IEEE helpers named as in ops.def, shared with the interpreter.
using namespace ::cascade::interp;  // NOLINT(google-build-using-namespace)

// Trapping float -> int (spec 4.3.3 trunc): NaN is an invalid conversion, an
// out-of-range value an integer overflow (the interpreter's TRUNC_HANDLER).
template <typename I, typename F>
uint64_t Trunc(JitContext* ctx, F f) {
  if (f != f) {
    ctx->trap_message = kTrapInvalidConversion;
    return 0;
  }
  if (!TruncInRange<I>(f)) {
    ctx->trap_message = kTrapIntOverflow;
    return 0;
  }
  I v = static_cast<I>(f);
  if constexpr (sizeof(I) == 4) return static_cast<uint32_t>(v);
  return static_cast<uint64_t>(v);
}

}  // namespace

uint64_t HelperNumeric(JitContext* ctx, uint32_t opcode, uint64_t x, uint64_t y) {
  switch (static_cast<Opcode>(opcode)) {
#define IUN(Name, get, put, expr) \
  case Opcode::k##Name: {         \
    auto a = Get##get(x);         \
    (void)y;                      \
    return Put##put(expr);        \
  }
#define IBIN(Name, get, put, expr) \
  case Opcode::k##Name: {          \
    auto a = Get##get(x);          \
    auto b = Get##get(y);          \
    return Put##put(expr);         \
  }
#define IBINI(Name, get, put, expr) IBIN(Name, get, put, expr)
#include "engine/interp/ops.def"
#undef IUN
#undef IBIN
#undef IBINI
    case Opcode::kI32TruncF32S: return Trunc<int32_t>(ctx, GetF32(x));
    case Opcode::kI32TruncF64S: return Trunc<int32_t>(ctx, GetF64(x));
    case Opcode::kI32TruncF32U: return Trunc<uint32_t>(ctx, GetF32(x));
    case Opcode::kI32TruncF64U: return Trunc<uint32_t>(ctx, GetF64(x));
    case Opcode::kI64TruncF32S: return Trunc<int64_t>(ctx, GetF32(x));
    case Opcode::kI64TruncF64S: return Trunc<int64_t>(ctx, GetF64(x));
    case Opcode::kI64TruncF32U: return Trunc<uint64_t>(ctx, GetF32(x));
    case Opcode::kI64TruncF64U: return Trunc<uint64_t>(ctx, GetF64(x));
    default:
      ctx->trap_message = "not implemented in the JIT";
      return 0;
  }
}

FuncInstance* HelperResolveIndirect(JitContext* ctx, Instance* instance, uint32_t tableidx,
                                    uint32_t typeidx, uint64_t index) {
  TableInstance* table = instance->tables[tableidx];
  uint64_t i = table->limits.is64 ? index : static_cast<uint32_t>(index);
  if (i >= table->elements.size()) {
    ctx->trap_message = kTrapUndefinedElement;
    return nullptr;
  }
  auto* f = reinterpret_cast<FuncInstance*>(table->elements[i]);
  if (!f) {
    std::snprintf(ctx->trap_text, sizeof ctx->trap_text, "%s %llu", kTrapUninitializedElement,
                  static_cast<unsigned long long>(i));
    ctx->trap_message = ctx->trap_text;
    return nullptr;
  }
  uint32_t expected = instance->types[typeidx];
  if (f->canonical_type_id != expected &&
      !TypeCanonicalizer::Global().IsSubtypeId(f->canonical_type_id, expected)) {
    ctx->trap_message = kTrapIndirectCallTypeMismatch;
    return nullptr;
  }
  return f;
}

void HelperTrapFrame(JitContext* ctx, const Instance* instance, uint32_t funcidx,
                     uint32_t offset) {
  if (ctx->trap_filled) {
    ctx->trap->backtrace.push_back({instance, funcidx, offset});
  } else if (ctx->num_frames < JitContext::kMaxFrames) {
    ctx->frames[ctx->num_frames++] = {instance, funcidx, offset};
  }
}

uint64_t HelperMemorySize(Instance* instance) { return instance->memories[0]->pages(); }

uint64_t HelperMemoryGrow(Instance* instance, uint64_t delta) {
  return static_cast<uint32_t>(instance->memories[0]->Grow(static_cast<uint32_t>(delta)));
}

void HelperMemoryFill(JitContext* ctx, Instance* instance, uint64_t dst, uint64_t value,
                      uint64_t n) {
  MemoryInstance* m = instance->memories[0];
  uint64_t d = static_cast<uint32_t>(dst), len = static_cast<uint32_t>(n);
  if (d + len > m->size_bytes) {
    ctx->trap_message = kTrapMemoryOutOfBounds;
    return;
  }
  std::memset(m->base + d, static_cast<int>(value & 0xFF), len);
}

void HelperMemoryCopy(JitContext* ctx, Instance* instance, uint64_t dst, uint64_t src,
                      uint64_t n) {
  MemoryInstance* m = instance->memories[0];
  uint64_t d = static_cast<uint32_t>(dst), s = static_cast<uint32_t>(src),
           len = static_cast<uint32_t>(n);
  if (d + len > m->size_bytes || s + len > m->size_bytes) {
    ctx->trap_message = kTrapMemoryOutOfBounds;
    return;
  }
  std::memmove(m->base + d, m->base + s, len);
}

}  // namespace cascade::jit
