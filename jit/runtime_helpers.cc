// Helpers called from JIT code (see runtime_helpers.h). The generic numeric
// helper is generated from the interpreter's op table (engine/interp/ops.def),
// so both tiers share one statement of each instruction's semantics.
#include "jit/runtime_helpers.h"

#include "jit/table_helpers.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "engine/interp/numeric.h"
#include "engine/opcodes.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/atomic_ops.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/store.h"
#include "engine/runtime/tag_instance.h"
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
  uint64_t i = table->Operand(index);
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

uint64_t HelperMemorySize(Instance* instance, uint32_t memidx) {
  return instance->memories[memidx]->pages();
}

uint64_t HelperMemoryGrow(Instance* instance, uint32_t memidx, uint64_t delta) {
  return instance->memories[memidx]->GrowOp(delta);
}
void HelperMemoryFill(JitContext* ctx, Instance* instance, uint32_t memidx, uint64_t dst,
                      uint64_t value, uint64_t n) {
  if (!instance->memories[memidx]->FillOp(dst, value, n)) ctx->trap_message = kTrapMemoryOutOfBounds;
}
void HelperMemoryCopy(JitContext* ctx, Instance* instance, uint64_t memidxs, uint64_t dst,
                      uint64_t src, uint64_t n) {
  if (!MemoryInstance::CopyOp(*instance->memories[static_cast<uint32_t>(memidxs)], dst,
                              *instance->memories[static_cast<uint32_t>(memidxs >> 32)], src, n)) {
    ctx->trap_message = kTrapMemoryOutOfBounds;
  }
}

void HelperAtomic(JitContext* ctx, Instance* instance, uint32_t opcode, uint32_t memidx,
                  uint64_t offset, uint64_t* slots) {
  const char* trap = AtomicInstruction(instance->memories[memidx], static_cast<Opcode>(opcode),
                                       offset, slots);
  if (trap) ctx->trap_message = trap;
}

void HelperWideArithmetic(JitContext*, Instance*, uint32_t opcode, uint32_t, uint64_t,
                          uint64_t* slots) {
  using namespace interp;  // the semantics both tiers share (numeric.h)
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kI64Add128:
      return SetWide(slots, Wide(slots[0], slots[1]) + Wide(slots[2], slots[3]));
    case Opcode::kI64Sub128:
      return SetWide(slots, Wide(slots[0], slots[1]) - Wide(slots[2], slots[3]));
    case Opcode::kI64MulWideS:
      return SetWide(slots, MulWideS(slots[0], slots[1]));
    default:  // i64.mul_wide_u
      return SetWide(slots, MulWideU(slots[0], slots[1]));
  }
}

void HelperThrow(JitContext* ctx, Instance* instance, uint32_t tagidx, const uint64_t* args) {
  ctx->exception = ctx->store->NewException(instance->tags[tagidx], args);
}

Exception* HelperCatch(JitContext* ctx, uint64_t* dest, uint64_t with_payload,
                       uint64_t with_ref) {
  Exception* ex = ctx->exception;
  if (with_payload) {
    for (uint64_t v : ex->payload) *dest++ = v;
  }
  if (with_ref) *dest = reinterpret_cast<uint64_t>(ex);
  ctx->exception = nullptr;
  ctx->num_frames = 0;
  return ex;
}

uint64_t HelperInterrupt(JitContext* ctx) {
  const char* trap = ctx->store->interrupt.OnExhausted();
  if (!trap) return 1;
  ctx->trap_message = trap;
  return 0;
}

void HelperAtomicFence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

const void* const kJitHelpers[] = {
    reinterpret_cast<const void*>(&HelperNumeric),
    reinterpret_cast<const void*>(&HelperCallSlow),
    reinterpret_cast<const void*>(&HelperResolveIndirect),
    reinterpret_cast<const void*>(&HelperTrapFrame),
    reinterpret_cast<const void*>(&HelperMemorySize),
    reinterpret_cast<const void*>(&HelperMemoryGrow),
    reinterpret_cast<const void*>(&HelperMemoryFill),
    reinterpret_cast<const void*>(&HelperMemoryCopy),
    reinterpret_cast<const void*>(&HelperAtomic),
    reinterpret_cast<const void*>(&HelperWideArithmetic),
    reinterpret_cast<const void*>(&HelperThrow),
    reinterpret_cast<const void*>(&HelperCatch),
    reinterpret_cast<const void*>(&HelperInterrupt),
    reinterpret_cast<const void*>(&HelperAtomicFence),
    reinterpret_cast<const void*>(&HelperTableOp),
    nullptr,
};
const char* const kJitTrapMessages[] = {
    kTrapUnreachable, kTrapDivByZero, kTrapIntOverflow, kTrapMemoryOutOfBounds,
    kTrapNullReference, kTrapNullFunctionReference, kTrapNullExceptionReference,
    kTrapStackExhausted, nullptr,
};

int HelperIndex(const void* fn) {
  for (int i = 0; kJitHelpers[i] != nullptr; ++i) {
    if (kJitHelpers[i] == fn) return i;
  }
  return -1;
}
int TrapMessageIndex(const char* message) {
  for (int i = 0; kJitTrapMessages[i] != nullptr; ++i) {
    if (kJitTrapMessages[i] == message) return i;
  }
  return -1;
}

}  // namespace cascade::jit
