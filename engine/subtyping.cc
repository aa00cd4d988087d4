// Subtyping of value types and heap types (spec 3.3.x "Matching", Wasm 3.0):
//
//          any                func        extern        exn
//           |                /    \          |            |
//           eq            $func   ...     noextern      noexn
//        /  |   \           \    /
//     i31 struct array      nofunc
//           |      |
//        $struct $array
//            \     /
//             none
//
// Concrete types are compared by SubType::canonical_id (set by type
// canonicalization, type_canon.h): equal ids are the same type; otherwise the
// declared supertype chain of the subtype is walked, comparing canonical ids.
// The bottom heap type (unreachable code) matches everything.
#include "engine/validator.h"

namespace cascade {
namespace {

// Whether abstract `sub` <: abstract `super`.
bool AbstractSubtype(HeapType::Abstract sub, HeapType::Abstract super) {
  if (sub == super) return true;
  switch (super) {
    case HeapType::kAny:
      return sub == HeapType::kEq || sub == HeapType::kI31 || sub == HeapType::kStruct ||
             sub == HeapType::kArray || sub == HeapType::kNone;
    case HeapType::kEq:
      return sub == HeapType::kI31 || sub == HeapType::kStruct || sub == HeapType::kArray ||
             sub == HeapType::kNone;
    case HeapType::kI31:
    case HeapType::kStruct:
    case HeapType::kArray:
      return sub == HeapType::kNone;
    case HeapType::kFunc:
      return sub == HeapType::kNoFunc;
    case HeapType::kExtern:
      return sub == HeapType::kNoExtern;
    case HeapType::kExn:
      return sub == HeapType::kNoExn;
    default:
      return false;
  }
}

}  // namespace

bool IsHeapSubtype(const Module& module, HeapType sub, HeapType super) {
  if (sub == super) return true;
  if (sub == HeapType(HeapType::kBottomHeap)) return true;
  if (super == HeapType(HeapType::kBottomHeap)) return false;
  if (sub.is_abstract() && super.is_abstract())
    return AbstractSubtype(sub.abstract(), super.abstract());
  if (sub.is_index() && super.is_abstract()) {
    if (sub.index() >= module.types.size()) return false;
    switch (module.types[sub.index()].kind) {
      case CompositeKind::kFunc:
        return super.abstract() == HeapType::kFunc;
      case CompositeKind::kStruct:
        return super.abstract() == HeapType::kStruct || super.abstract() == HeapType::kEq ||
               super.abstract() == HeapType::kAny;
      case CompositeKind::kArray:
        return super.abstract() == HeapType::kArray || super.abstract() == HeapType::kEq ||
               super.abstract() == HeapType::kAny;
    }
    return false;
  }
  if (sub.is_abstract()) {  // super is a concrete type: only its bottom matches
    if (super.index() >= module.types.size()) return false;
    CompositeKind k = module.types[super.index()].kind;
    return k == CompositeKind::kFunc ? sub.abstract() == HeapType::kNoFunc
                                     : sub.abstract() == HeapType::kNone;
  }
  // Both concrete.
  if (sub.index() >= module.types.size() || super.index() >= module.types.size()) return false;
  uint32_t want = module.types[super.index()].canonical_id;
  uint32_t t = sub.index();
  // Declared supertypes precede their subtypes, so the walk terminates; the
  // bound guards against malformed input.
  for (size_t steps = 0; steps <= module.types.size(); ++steps) {
    const SubType& st = module.types[t];
    if (st.canonical_id == want) return true;
    if (st.supertype == SubType::kNoSupertype || st.supertype >= module.types.size())
      return false;
    t = st.supertype;
  }
  return false;
}

bool IsSubtype(const Module& module, ValType sub, ValType super) {
  if (sub == super || sub.is_bottom()) return true;
  if (!sub.is_ref() || !super.is_ref()) return false;
  if (sub.is_nullable() && !super.is_nullable()) return false;
  return IsHeapSubtype(module, sub.heap_type(), super.heap_type());
}

}  // namespace cascade
