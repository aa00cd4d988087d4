// Unit tests for TypeCanonicalizer: iso-recursive equivalence of rec groups across
// modules, group shape sensitivity, recursive types, subtype queries on canonical
// ids, composite matching, and concurrent use.
#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "engine/decoder.h"
#include "engine/tests/module_builder.h"
#include "engine/type_canon.h"

using namespace cascade;
using cascade::test::ModuleBuilder;

namespace {

// Decodes a module made of raw type-section entries and canonicalizes it.
Module Canon(const std::vector<std::pair<std::vector<uint8_t>, uint32_t>>& entries) {
  ModuleBuilder b;
  for (const auto& [bytes, n] : entries) b.AddRawType(bytes, n);
  Module m;
  Error e;
  REQUIRE(DecodeModule(b.Build(), &m, &e));
  uint32_t bad = 0;
  REQUIRE(TypeCanonicalizer::Global().Canonicalize(m, &bad));
  return m;
}

// (struct (field (ref null N)))
std::vector<uint8_t> StructRef(uint8_t n) { return {0x5F, 0x01, 0x63, n, 0x00}; }
const std::vector<uint8_t> kEmptyFunc = {0x60, 0x00, 0x00};
const std::vector<uint8_t> kEmptyStruct = {0x5F, 0x00};

}  // namespace

TEST_CASE("same rec group in two modules gets the same canonical ids") {
  // rec { (struct (field (ref null 1))) (struct (field (ref null 0))) }
  // Type indices are absolute, so the group's bytes depend on where it starts.
  auto group = [](uint8_t s) {
    return std::vector<uint8_t>{0x4E, 0x02, 0x5F, 0x01, 0x63, uint8_t(s + 1), 0x00,
                                0x5F, 0x01, 0x63, s, 0x00};
  };
  Module a = Canon({{group(0), 2}});
  Module b = Canon({{kEmptyFunc, 1}, {group(1), 2}});  // shifted by one type
  CHECK(a.types[0].canonical_id == b.types[1].canonical_id);
  CHECK(a.types[1].canonical_id == b.types[2].canonical_id);
  CHECK(a.types[0].canonical_id != a.types[1].canonical_id);
  const CanonicalType& c = TypeCanonicalizer::Global().Get(a.types[0].canonical_id);
  CHECK(c.kind == CompositeKind::kStruct);
  CHECK(c.group_size == 2);
  // The field refers to the canonical id of the group's second type.
  CHECK(c.field_types()[0].type ==
        ValType::Ref(HeapType::Index(a.types[1].canonical_id), true));
}

TEST_CASE("rec group shape matters") {
  // Two singleton groups vs. one group of the same two (non-recursive) types.
  Module singles = Canon({{kEmptyFunc, 1}, {kEmptyStruct, 1}});
  Module grouped = Canon({{{0x4E, 0x02, 0x60, 0x00, 0x00, 0x5F, 0x00}, 2}});
  CHECK(singles.types[0].canonical_id != grouped.types[0].canonical_id);
  CHECK(singles.types[1].canonical_id != grouped.types[1].canonical_id);
  // Order within a group matters too.
  Module swapped = Canon({{{0x4E, 0x02, 0x5F, 0x00, 0x60, 0x00, 0x00}, 2}});
  CHECK(swapped.types[0].canonical_id != grouped.types[1].canonical_id);
  // A singleton group written with `rec` is the same as without.
  Module rec1 = Canon({{{0x4E, 0x01, 0x60, 0x00, 0x00}, 1}});
  CHECK(rec1.types[0].canonical_id == singles.types[0].canonical_id);
}

TEST_CASE("recursive types and references to earlier groups") {
  // (type $list (struct (field (ref null $list))))
  Module a = Canon({{StructRef(0), 1}});
  Module b = Canon({{kEmptyFunc, 1}, {StructRef(1), 1}});
  CHECK(a.types[0].canonical_id == b.types[1].canonical_id);
  // A struct pointing at an *earlier* type is not the self-recursive one.
  Module c = Canon({{kEmptyStruct, 1}, {StructRef(0), 1}});
  CHECK(c.types[1].canonical_id != a.types[0].canonical_id);
  // ...but it equals the same construction elsewhere: references to earlier
  // types compare by canonical id.
  Module d = Canon({{kEmptyFunc, 1}, {kEmptyStruct, 1}, {StructRef(1), 1}});
  CHECK(d.types[2].canonical_id == c.types[1].canonical_id);
  // Different earlier target: different type.
  Module e = Canon({{kEmptyStruct, 1}, {kEmptyFunc, 1}, {StructRef(1), 1}});
  CHECK(e.types[2].canonical_id != c.types[1].canonical_id);
}

TEST_CASE("finality, supertypes and mutability are part of the identity") {
  Module plain = Canon({{kEmptyStruct, 1}});
  Module open = Canon({{{0x50, 0x00, 0x5F, 0x00}, 1}});
  Module final_explicit = Canon({{{0x4F, 0x00, 0x5F, 0x00}, 1}});
  CHECK(plain.types[0].canonical_id != open.types[0].canonical_id);
  CHECK(plain.types[0].canonical_id == final_explicit.types[0].canonical_id);
  Module imm = Canon({{{0x5E, 0x7F, 0x00}, 1}});
  Module mut = Canon({{{0x5E, 0x7F, 0x01}, 1}});
  CHECK(imm.types[0].canonical_id != mut.types[0].canonical_id);
  // Same struct with or without a declared supertype.
  Module with_super = Canon({{{0x50, 0x00, 0x5F, 0x00}, 1}, {{0x50, 0x01, 0x00, 0x5F, 0x00}, 1}});
  CHECK(with_super.types[1].canonical_id != open.types[0].canonical_id);
  CHECK(with_super.types[0].canonical_id == open.types[0].canonical_id);
}

TEST_CASE("subtype queries on canonical ids") {
  TypeCanonicalizer& tc = TypeCanonicalizer::Global();
  // $a = (sub (struct)), $b = (sub $a (struct i32)), $c = (sub $b (struct i32 i64))
  Module m = Canon({{{0x50, 0x00, 0x5F, 0x00}, 1},
                    {{0x50, 0x01, 0x00, 0x5F, 0x01, 0x7F, 0x00}, 1},
                    {{0x50, 0x01, 0x01, 0x5F, 0x02, 0x7F, 0x00, 0x7E, 0x00}, 1}});
  const uint32_t a = m.types[0].canonical_id, b = m.types[1].canonical_id,
                 c = m.types[2].canonical_id;
  CHECK(tc.IsSubtypeId(c, a));
  CHECK(tc.IsSubtypeId(c, b));
  CHECK(tc.IsSubtypeId(b, a));
  CHECK(tc.IsSubtypeId(a, a));
  CHECK_FALSE(tc.IsSubtypeId(a, b));
  CHECK_FALSE(tc.IsSubtypeId(b, c));
  CHECK(tc.Get(c).depth == 2);
  // Width subtyping.
  CHECK(tc.CompositeMatches(c, b));
  CHECK(tc.CompositeMatches(b, a));
  CHECK_FALSE(tc.CompositeMatches(a, b));
  // Abstract heap types.
  CHECK(tc.IsHeapSubtype(HeapType::Index(a), HeapType::kStruct));
  CHECK(tc.IsHeapSubtype(HeapType::Index(a), HeapType::kEq));
  CHECK(tc.IsHeapSubtype(HeapType::Index(a), HeapType::kAny));
  CHECK_FALSE(tc.IsHeapSubtype(HeapType::Index(a), HeapType::kArray));
  CHECK_FALSE(tc.IsHeapSubtype(HeapType::Index(a), HeapType::kFunc));
  CHECK(tc.IsHeapSubtype(HeapType::kNone, HeapType::Index(a)));
  CHECK_FALSE(tc.IsHeapSubtype(HeapType::kNoFunc, HeapType::Index(a)));
  CHECK(tc.IsHeapSubtype(HeapType::kI31, HeapType::kEq));
  CHECK_FALSE(tc.IsHeapSubtype(HeapType::kExtern, HeapType::kAny));
  CHECK(tc.IsValSubtype(ValType::Ref(HeapType::Index(c), false),
                        ValType::Ref(HeapType::Index(a), true)));
  CHECK_FALSE(tc.IsValSubtype(ValType::Ref(HeapType::Index(c), true),
                              ValType::Ref(HeapType::Index(a), false)));
  CHECK_FALSE(tc.IsValSubtype(kWasmI32, kWasmI64));
}

TEST_CASE("composite matching: functions and mutable fields") {
  TypeCanonicalizer& tc = TypeCanonicalizer::Global();
  // $0 = (sub (struct)), $1 = (sub $0 (struct)),
  // $2 = (func (param (ref $0)) (result (ref $1))), $3 = (func (param (ref $1)) (result (ref $0)))
  Module m = Canon({{{0x50, 0x00, 0x5F, 0x00}, 1},
                    {{0x50, 0x01, 0x00, 0x5F, 0x00}, 1},
                    {{0x60, 0x01, 0x64, 0x00, 0x01, 0x64, 0x01}, 1},
                    {{0x60, 0x01, 0x64, 0x01, 0x01, 0x64, 0x00}, 1},
                    {{0x5E, 0x64, 0x00, 0x01}, 1},    // (array (mut (ref $0)))
                    {{0x5E, 0x64, 0x01, 0x01}, 1},    // (array (mut (ref $1)))
                    {{0x5E, 0x64, 0x00, 0x00}, 1},    // (array (ref $0))
                    {{0x5E, 0x64, 0x01, 0x00}, 1}});  // (array (ref $1))
  auto id = [&](int i) { return m.types[i].canonical_id; };
  // Contravariant params, covariant results.
  CHECK(tc.CompositeMatches(id(2), id(3)));
  CHECK_FALSE(tc.CompositeMatches(id(3), id(2)));
  // Mutable fields are invariant; immutable ones covariant.
  CHECK_FALSE(tc.CompositeMatches(id(5), id(4)));
  CHECK(tc.CompositeMatches(id(7), id(6)));
  CHECK_FALSE(tc.CompositeMatches(id(6), id(7)));
  CHECK_FALSE(tc.CompositeMatches(id(2), id(0)));  // kinds differ
}

TEST_CASE("references past the rec group are rejected") {
  ModuleBuilder b;
  b.AddRawType(StructRef(1));  // refers to type 1, in a later group
  b.AddRawType(kEmptyStruct);
  Module m;
  Error e;
  REQUIRE(DecodeModule(b.Build(), &m, &e));
  uint32_t bad = 99;
  CHECK_FALSE(TypeCanonicalizer::Global().Canonicalize(m, &bad));
  CHECK(bad == 0);
}

TEST_CASE("concurrent canonicalization agrees") {
  std::vector<uint8_t> group = {0x4E, 0x03, 0x5F, 0x01, 0x63, 0x02, 0x01, 0x5E, 0x63, 0x00, 0x00,
                                0x60, 0x01, 0x63, 0x01, 0x00};
  ModuleBuilder b;
  b.AddRawType(group, 3);
  const std::vector<uint8_t> bytes = b.Build();
  constexpr int kThreads = 4;
  std::vector<uint32_t> ids(kThreads * 3);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int iter = 0; iter < 50; ++iter) {
        Module m;
        Error e;
        if (!DecodeModule(bytes, &m, &e)) return;
        uint32_t bad;
        if (!TypeCanonicalizer::Global().Canonicalize(m, &bad)) return;
        for (int i = 0; i < 3; ++i) ids[t * 3 + i] = m.types[i].canonical_id;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < kThreads; ++t) {
    for (int i = 0; i < 3; ++i) CHECK(ids[t * 3 + i] == ids[i]);
  }
  CHECK(ids[0] != ids[1]);
}
