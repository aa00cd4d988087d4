// Text spelling of types (see type_text.h).
#include "engine/type_text.h"

namespace cascade {
namespace {

// Shorthands for nullable references to abstract heap types (spec 6.4.3).
const char* NullableShorthand(HeapType::Abstract a) {
  switch (a) {
    case HeapType::kFunc: return "funcref";
    case HeapType::kNoFunc: return "nullfuncref";
    case HeapType::kExtern: return "externref";
    case HeapType::kNoExtern: return "nullexternref";
    case HeapType::kAny: return "anyref";
    case HeapType::kEq: return "eqref";
    case HeapType::kI31: return "i31ref";
    case HeapType::kStruct: return "structref";
    case HeapType::kArray: return "arrayref";
    case HeapType::kNone: return "nullref";
    case HeapType::kExn: return "exnref";
    case HeapType::kNoExn: return "nullexnref";
    default: return nullptr;
  }
}

}  // namespace

std::string HeapTypeText(HeapType heap) {
  if (heap.is_abstract()) return heap.name();
  return std::to_string(heap.index());
}

std::string ValTypeText(ValType type) {
  switch (type.kind()) {
    case ValType::kVoid: return "void";
    case ValType::kI32: return "i32";
    case ValType::kI64: return "i64";
    case ValType::kF32: return "f32";
    case ValType::kF64: return "f64";
    case ValType::kV128: return "v128";
    case ValType::kI8: return "i8";
    case ValType::kI16: return "i16";
    case ValType::kBottom: return "bot";
    case ValType::kRef: {
      HeapType heap = type.heap_type();
      if (type.is_nullable() && heap.is_abstract()) {
        if (const char* s = NullableShorthand(heap.abstract())) return s;
      }
      return std::string(type.is_nullable() ? "(ref null " : "(ref ") + HeapTypeText(heap) + ")";
    }
  }
  return "?";
}

}  // namespace cascade
