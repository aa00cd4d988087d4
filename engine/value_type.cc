// Out-of-line parts of value_type.h: the binary codes and text names of the
// abstract heap types (spec 5.3.3 "Heap Types", 6.4.3).
//
// Invariant: FromCode, code(), FromName and name() agree with typecode:: and
// with the order of HeapType::Abstract.
#include "engine/value_type.h"

namespace cascade {

bool HeapType::FromCode(uint8_t code, HeapType* out) {
  switch (code) {
    case typecode::kNoExn: *out = HeapType(kNoExn); return true;
    case typecode::kNoFunc: *out = HeapType(kNoFunc); return true;
    case typecode::kNoExtern: *out = HeapType(kNoExtern); return true;
    case typecode::kNone: *out = HeapType(kNone); return true;
    case typecode::kFunc: *out = HeapType(kFunc); return true;
    case typecode::kExtern: *out = HeapType(kExtern); return true;
    case typecode::kAny: *out = HeapType(kAny); return true;
    case typecode::kEq: *out = HeapType(kEq); return true;
    case typecode::kI31: *out = HeapType(kI31); return true;
    case typecode::kStruct: *out = HeapType(kStruct); return true;
    case typecode::kArray: *out = HeapType(kArray); return true;
    case typecode::kExn: *out = HeapType(kExn); return true;
    default: return false;
  }
}

uint8_t HeapType::code() const {
  if (is_index()) return 0;
  switch (abstract()) {
    case kFunc: return typecode::kFunc;
    case kNoFunc: return typecode::kNoFunc;
    case kExtern: return typecode::kExtern;
    case kNoExtern: return typecode::kNoExtern;
    case kAny: return typecode::kAny;
    case kEq: return typecode::kEq;
    case kI31: return typecode::kI31;
    case kStruct: return typecode::kStruct;
    case kArray: return typecode::kArray;
    case kNone: return typecode::kNone;
    case kExn: return typecode::kExn;
    case kNoExn: return typecode::kNoExn;
    case kBottomHeap: return 0;
  }
  return 0;
}

bool HeapType::FromName(std::string_view text, HeapType* out) {
  for (uint32_t a = kFunc; a < kBottomHeap; ++a) {
    const HeapType h(static_cast<Abstract>(a));
    if (text == h.name()) {
      *out = h;
      return true;
    }
  }
  return false;
}

const char* HeapType::name() const {
  if (is_index()) return "<typeidx>";
  switch (abstract()) {
    case kFunc: return "func";
    case kNoFunc: return "nofunc";
    case kExtern: return "extern";
    case kNoExtern: return "noextern";
    case kAny: return "any";
    case kEq: return "eq";
    case kI31: return "i31";
    case kStruct: return "struct";
    case kArray: return "array";
    case kNone: return "none";
    case kExn: return "exn";
    case kNoExn: return "noexn";
    case kBottomHeap: return "bot";
  }
  return "?";
}

}  // namespace cascade
