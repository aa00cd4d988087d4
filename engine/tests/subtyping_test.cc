// Unit tests for IsSubtype / IsHeapSubtype (spec 3.3.x "Matching"): the abstract
// hierarchies, concrete types through canonical ids and declared supertypes,
// nullability and the bottom type of unreachable code.
#include <doctest/doctest.h>

#include "engine/module.h"
#include "engine/validator.h"

using namespace cascade;

namespace {

// types: 0 func, 1 struct (no super), 2 struct <: 1, 3 array, 4 struct <: 2,
// 5 struct structurally equal to 1 (same canonical id).
Module MakeModule() {
  Module m;
  m.types.resize(6);
  m.types[0].kind = CompositeKind::kFunc;
  m.types[1].kind = CompositeKind::kStruct;
  m.types[2].kind = CompositeKind::kStruct;
  m.types[2].supertype = 1;
  m.types[3].kind = CompositeKind::kArray;
  m.types[4].kind = CompositeKind::kStruct;
  m.types[4].supertype = 2;
  m.types[5].kind = CompositeKind::kStruct;
  for (uint32_t i = 0; i < 6; ++i) m.types[i].canonical_id = i;
  m.types[5].canonical_id = 1;
  return m;
}

HeapType H(HeapType::Abstract a) { return HeapType(a); }
HeapType I(uint32_t i) { return HeapType::Index(i); }

}  // namespace

TEST_CASE("abstract heap type hierarchies") {
  Module m = MakeModule();
  CHECK(IsHeapSubtype(m, H(HeapType::kEq), H(HeapType::kAny)));
  CHECK(IsHeapSubtype(m, H(HeapType::kI31), H(HeapType::kEq)));
  CHECK(IsHeapSubtype(m, H(HeapType::kStruct), H(HeapType::kAny)));
  CHECK(IsHeapSubtype(m, H(HeapType::kNone), H(HeapType::kArray)));
  CHECK(IsHeapSubtype(m, H(HeapType::kNoFunc), H(HeapType::kFunc)));
  CHECK(IsHeapSubtype(m, H(HeapType::kNoExtern), H(HeapType::kExtern)));
  CHECK(IsHeapSubtype(m, H(HeapType::kNoExn), H(HeapType::kExn)));
  CHECK_FALSE(IsHeapSubtype(m, H(HeapType::kAny), H(HeapType::kEq)));
  CHECK_FALSE(IsHeapSubtype(m, H(HeapType::kFunc), H(HeapType::kAny)));
  CHECK_FALSE(IsHeapSubtype(m, H(HeapType::kExtern), H(HeapType::kAny)));
  CHECK_FALSE(IsHeapSubtype(m, H(HeapType::kNone), H(HeapType::kFunc)));
  CHECK_FALSE(IsHeapSubtype(m, H(HeapType::kI31), H(HeapType::kStruct)));
  CHECK_FALSE(IsHeapSubtype(m, H(HeapType::kExn), H(HeapType::kAny)));
  CHECK(IsHeapSubtype(m, H(HeapType::kBottomHeap), H(HeapType::kNoExn)));
}

TEST_CASE("concrete types against abstract ones") {
  Module m = MakeModule();
  CHECK(IsHeapSubtype(m, I(0), H(HeapType::kFunc)));
  CHECK_FALSE(IsHeapSubtype(m, I(0), H(HeapType::kAny)));
  CHECK(IsHeapSubtype(m, I(1), H(HeapType::kStruct)));
  CHECK(IsHeapSubtype(m, I(1), H(HeapType::kEq)));
  CHECK(IsHeapSubtype(m, I(1), H(HeapType::kAny)));
  CHECK_FALSE(IsHeapSubtype(m, I(1), H(HeapType::kArray)));
  CHECK(IsHeapSubtype(m, I(3), H(HeapType::kArray)));
  CHECK(IsHeapSubtype(m, H(HeapType::kNone), I(1)));
  CHECK(IsHeapSubtype(m, H(HeapType::kNoFunc), I(0)));
  CHECK_FALSE(IsHeapSubtype(m, H(HeapType::kNoFunc), I(1)));
  CHECK_FALSE(IsHeapSubtype(m, H(HeapType::kStruct), I(1)));
}

TEST_CASE("concrete types: declared supertypes and canonical ids") {
  Module m = MakeModule();
  CHECK(IsHeapSubtype(m, I(2), I(1)));
  CHECK(IsHeapSubtype(m, I(4), I(1)));  // transitively
  CHECK_FALSE(IsHeapSubtype(m, I(1), I(2)));
  CHECK(IsHeapSubtype(m, I(5), I(1)));  // same canonical id
  CHECK(IsHeapSubtype(m, I(1), I(5)));
  CHECK(IsHeapSubtype(m, I(4), I(5)));  // chain reaches a type equal to 5
  CHECK_FALSE(IsHeapSubtype(m, I(3), I(1)));
}

TEST_CASE("value types: numbers by equality, references by nullability and heap type") {
  Module m = MakeModule();
  CHECK(IsSubtype(m, kWasmI32, kWasmI32));
  CHECK_FALSE(IsSubtype(m, kWasmI32, kWasmI64));
  CHECK_FALSE(IsSubtype(m, kWasmV128, kWasmI64));
  CHECK(IsSubtype(m, kWasmBottom, kWasmF64));
  CHECK(IsSubtype(m, kWasmBottom, kWasmFuncRef));
  ValType nn_struct2 = ValType::Ref(I(2), false);
  ValType null_struct1 = ValType::Ref(I(1), true);
  CHECK(IsSubtype(m, nn_struct2, null_struct1));
  CHECK_FALSE(IsSubtype(m, null_struct1, ValType::Ref(I(1), false)));
  CHECK(IsSubtype(m, kWasmNullRef, null_struct1));
  CHECK(IsSubtype(m, kWasmNullRef, kWasmAnyRef));
  CHECK_FALSE(IsSubtype(m, kWasmFuncRef, kWasmAnyRef));
  CHECK_FALSE(IsSubtype(m, kWasmI32, kWasmFuncRef));
  CHECK(IsSubtype(m, ValType::Ref(I(0), false), kWasmFuncRef));
  CHECK(IsSubtype(m, ValType::Ref(HeapType::kBottomHeap, false), ValType::Ref(I(3), false)));
}
