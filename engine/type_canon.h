// Process-wide canonicalization of defined types (spec 3.1.x "Rec groups", 4.x
// "Type equivalence"): every rec group of every module is mapped to canonical ids
// so that two types are equivalent iff their canonical ids are equal, and
// `call_indirect`, `ref.test`, `ref.cast` and import matching compare ids in O(1).
//
//   module A types:  rec{ $a0 $a1 } $a2         canonical store (append-only)
//                       │    │     │             ┌──────────────────────────┐
//                       ▼    ▼     ▼             │ id 7: group 7..8, type 0 │
//   canonical ids:      7    8     9   <───────  │ id 8: group 7..8, type 1 │
//   module B (same rec group shape) ──> 7, 8     │ id 9: group 9..9, type 0 │
//                                                └──────────────────────────┘
//
// Equivalence is iso-recursive: a rec group is hashed (XXH3) over a canonical
// form in which references to types of the same group are group-relative and
// references to earlier types are their canonical ids; on a hash hit the forms
// are compared word by word. Equal groups share canonical ids; a type's id is its
// group's base id plus its index in the group.
//
// Invariants:
//  * The store is append-only and entries never move (chunked storage), so a
//    CanonicalType pointer or id obtained from Canonicalize() stays valid for the
//    life of the process and may be read without locks. Canonicalize() itself is
//    serialized by a mutex.
//  * In a CanonicalType, every heap-type index is a canonical id (never a module
//    typeidx), and a supertype is always an earlier canonical id or a member of
//    the same group.
//  * Canonical ids are < HeapType::kMaxIndex, so they fit in a ValType.
#pragma once

#include <cstdint>
#include <span>

#include "engine/module.h"
#include "engine/value_type.h"

namespace cascade {

// What later stages need to know about one canonical type. Heap-type indices in
// `types` / `fields` are canonical ids.
struct CanonicalType {
  static constexpr uint32_t kNoSupertype = 0xFFFFFFFF;
  CompositeKind kind = CompositeKind::kFunc;
  bool is_final = true;
  uint32_t supertype = kNoSupertype;  // canonical id
  uint32_t depth = 0;                 // number of supertypes above this type
  uint32_t group_base = 0;            // canonical id of its group's first type
  uint32_t group_size = 1;
  uint32_t param_count = 0;           // kFunc
  uint32_t result_count = 0;          // kFunc
  uint32_t field_count = 0;           // kStruct; 1 for kArray
  const ValType* types = nullptr;     // kFunc: params then results
  const FieldType* fields = nullptr;  // kStruct / kArray

  std::span<const ValType> params() const { return {types, param_count}; }
  std::span<const ValType> results() const { return {types + param_count, result_count}; }
  std::span<const FieldType> field_types() const { return {fields, field_count}; }
};

class TypeCanonicalizer {
 public:
  // The process-wide instance.
  static TypeCanonicalizer& Global();

  // Canonicalizes every rec group of `module` in order and sets
  // SubType::canonical_id of every type. Returns false (leaving ids of later
  // groups unset) and sets `*bad_type` to the offending typeidx when a type
  // refers to a type index at or beyond the end of its own rec group (spec:
  // "unknown type"), or when a supertype index is out of range.
  bool Canonicalize(Module& module, uint32_t* bad_type);

  // The entry for canonical id `id` (which must come from Canonicalize).
  const CanonicalType& Get(uint32_t id) const;

  // Whether canonical type `sub` is `super` or declares it as a (transitive)
  // supertype (spec 3.3.x "Defined type matching"). O(depth difference).
  bool IsSubtypeId(uint32_t sub, uint32_t super) const;

  // Heap-type and value-type matching over canonicalized types (heap-type
  // indices are canonical ids): the abstract hierarchy (none <: i31, struct,
  // array <: eq <: any; nofunc <: func types <: func; noextern <: extern;
  // noexn <: exn) plus declared supertypes.
  bool IsHeapSubtype(HeapType sub, HeapType super) const;
  bool IsValSubtype(ValType sub, ValType super) const;

  // Whether the composite type of canonical `sub` matches that of `super`
  // (spec 3.3.x "Composite type matching"): same kind; func params
  // contravariant and results covariant; structs by width and depth (immutable
  // fields covariant, mutable fields invariant); arrays likewise.
  bool CompositeMatches(uint32_t sub, uint32_t super) const;

  // Number of canonical ids handed out so far (for tests and statistics).
  uint32_t size() const;

 private:
  TypeCanonicalizer();
  struct Impl;
  Impl* impl() { return impl_; }
  const Impl* impl() const { return impl_; }
  Impl* impl_;  // owned, never freed (process lifetime)
};

}  // namespace cascade
