// Validation of function bodies and constant expressions (spec 3.3 "Instructions",
// 3.4 "Modules": functions, constant expressions): FunctionDecoder<FullValidation,
// Validator>, plus the non-template helpers every FunctionDecoder instantiation
// shares (type names for messages, value/heap type readers, lane counts).
//
// Invariant: the Validator interface is empty; everything is checked by the
// decoder itself, so the interpreter translator and the JIT (NoValidation) see
// exactly the same typing.
#include <memory>
#include <string>

#include "engine/function_decoder.h"
#include "engine/type_text.h"
#include "engine/validator.h"

namespace cascade {
namespace decoder_detail {

std::string TypeName(ValType t) {
  return t.kind() == ValType::kVoid ? std::string() : ValTypeText(t);
}

std::string TypeList(const ValType* types, size_t n) {
  // Messages stay short whatever the stack holds: at most the last
  // kMaxListed types (the top of a stack) are named.
  constexpr size_t kMaxListed = 16;
  std::string s = "[";
  size_t first = 0;
  if (n > kMaxListed) {
    first = n - kMaxListed;
    s += "... (" + std::to_string(first) + " more)";
  }
  for (size_t i = first; i < n; ++i) {
    if (i != 0) s += ' ';
    s += TypeName(types[i]);
  }
  s += ']';
  return s;
}

bool ReadHeapType(Reader& r, const Module& m, HeapType* out) {
  uint32_t at = r.offset();
  int64_t v = r.s33();
  if (!r.ok()) return false;
  if (v >= 0) {
    if (static_cast<uint64_t>(v) >= m.types.size()) {
      r.Fail(at, "unknown type " + std::to_string(v));
      return false;
    }
    *out = HeapType::Index(static_cast<uint32_t>(v));
    return true;
  }
  if (v < -64 || !HeapType::FromCode(static_cast<uint8_t>(v & 0x7F), out)) {
    r.Fail(at, "malformed heap type");
    return false;
  }
  return true;
}

ValType ReadValType(Reader& r, const Module& m) {
  uint32_t at = r.offset();
  uint8_t b = r.u8();
  if (!r.ok()) return kWasmVoid;
  switch (b) {
    case typecode::kI32: return kWasmI32;
    case typecode::kI64: return kWasmI64;
    case typecode::kF32: return kWasmF32;
    case typecode::kF64: return kWasmF64;
    case typecode::kV128: return kWasmV128;
    case typecode::kRef:
    case typecode::kRefNull: {
      HeapType h;
      if (!ReadHeapType(r, m, &h)) return kWasmVoid;
      return ValType::Ref(h, b == typecode::kRefNull);
    }
    default: {
      HeapType h;
      if (HeapType::FromCode(b, &h)) return ValType::Ref(h, true);
      r.Fail(at, "malformed value type");
      return kWasmVoid;
    }
  }
}

uint32_t LaneCount(Opcode op) {
  std::string_view name = GetOpcodeInfo(op).name;
  if (name.starts_with("i8x16")) return 16;
  if (name.starts_with("i16x8")) return 8;
  if (name.starts_with("i32x4") || name.starts_with("f32x4")) return 4;
  return 2;
}

bool IsConstantOpcode(Opcode op) {
  switch (op) {
    case Opcode::kEnd:
    case Opcode::kI32Const:
    case Opcode::kI64Const:
    case Opcode::kF32Const:
    case Opcode::kF64Const:
    case Opcode::kV128Const:
    case Opcode::kI32Add:
    case Opcode::kI32Sub:
    case Opcode::kI32Mul:
    case Opcode::kI64Add:
    case Opcode::kI64Sub:
    case Opcode::kI64Mul:
    case Opcode::kGlobalGet:
    case Opcode::kRefNull:
    case Opcode::kRefFunc:
    case Opcode::kRefI31:
    case Opcode::kStructNew:
    case Opcode::kStructNewDefault:
    case Opcode::kArrayNew:
    case Opcode::kArrayNewDefault:
    case Opcode::kArrayNewFixed:
    case Opcode::kAnyConvertExtern:
    case Opcode::kExternConvertAny:
      return true;
    default:
      return false;
  }
}

const std::array<Opcode, 256> kConstExprOneByteOpcodes = [] {
  std::array<Opcode, 256> map = kOneByteOpcodes;
  for (Opcode& op : map)
    if (op != Opcode::kInvalid && !IsConstantOpcode(op)) op = Opcode::kInvalid;
  return map;
}();

}  // namespace decoder_detail

namespace {

// The validator needs no hooks: all typing lives in the decoder.
struct Validator : BaseInterface {};

using ValidatingDecoder = FunctionDecoder<FullValidation, Validator>;

// Validating a module calls ValidateFunction once per body; reusing one decoder
// per thread (per module) keeps its stacks allocated across bodies.
ValidatingDecoder& DecoderFor(const Module& module) {
  static thread_local Validator validator;
  static thread_local const Module* cached_module = nullptr;
  static thread_local std::unique_ptr<ValidatingDecoder> decoder;
  if (!decoder || cached_module != &module) {
    decoder = std::make_unique<ValidatingDecoder>(module, validator);
    cached_module = &module;
  }
  return *decoder;
}

}  // namespace

bool ValidateFunction(const Module& module, uint32_t funcidx, Error* error) {
  ValidatingDecoder& d = DecoderFor(module);
  if (d.DecodeFunction(funcidx)) return true;
  if (error) *error = d.error();
  return false;
}

bool ValidateConstExpr(const Module& module, ByteRange expr, ValType expected,
                       uint32_t num_visible_globals, Error* error) {
  Validator v;
  ValidatingDecoder d(module, v);
  if (d.DecodeConstExpr(expr, expected, num_visible_globals)) return true;
  if (error) *error = d.error();
  return false;
}

}  // namespace cascade
