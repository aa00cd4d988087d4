// TypeCanonicalizer: the process-wide store of canonical types (type_canon.h).
//
// Storage: canonical entries live in fixed-size chunks that are allocated once
// and never moved or freed, indexed by a fixed table of chunk pointers that
// are only read and written atomically (std::atomic_ref).
// Readers therefore need no lock: whoever holds an id got it from
// Canonicalize(), whose mutex release happens-before that read. Rec groups are
// found by the XXH3 hash of their canonical form (a word sequence, see
// GroupForm) and confirmed by comparing the forms.
#include "engine/type_canon.h"

#include <sys/mman.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define CASCADE_HAVE_LSAN 1
#endif
#endif
#if !defined(CASCADE_HAVE_LSAN) && defined(__SANITIZE_ADDRESS__)
#define CASCADE_HAVE_LSAN 1
#endif
#if CASCADE_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif
#include <xxhash.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace cascade {

struct TypeCanonicalizer::Impl {
  static constexpr uint32_t kChunkBits = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr uint32_t kMaxChunks = (HeapType::kMaxIndex + 1) >> kChunkBits;

  struct Group {
    uint32_t base;
    std::vector<uint32_t> form;
  };

  std::mutex mu;
  // The chunk table (32 KiB of pointers, used through std::atomic_ref) is
  // mapped fresh: its zero pages are faulted in one at a time as chunks are
  // first used. Value-initializing it on the heap faulted in all 8 at every
  // process start (~80 us in `cascade run` on the CI machines, issue 5).
  CanonicalType** chunks = NewChunkTable();

  static CanonicalType** NewChunkTable() {
    void* p = mmap(nullptr, kMaxChunks * sizeof(CanonicalType*), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) p = std::calloc(kMaxChunks, sizeof(CanonicalType*));
    if (p == nullptr) std::abort();
#if CASCADE_HAVE_LSAN
    // LeakSanitizer does not scan anonymous mappings: the chunks (and what
    // their entries own) are reachable only from here.
    __lsan_register_root_region(p, kMaxChunks * sizeof(CanonicalType*));
#endif
    return static_cast<CanonicalType**>(p);
  }
  std::atomic<uint32_t> count{0};
  std::unordered_multimap<uint64_t, Group> groups;  // hash -> group

  CanonicalType& At(uint32_t id) const {
    return std::atomic_ref<CanonicalType*>(chunks[id >> kChunkBits])
        .load(std::memory_order_acquire)[id & (kChunkSize - 1)];
  }
  // Appends an entry (under `mu`); returns its id or kNoSupertype when full.
  uint32_t Append() {
    const uint32_t id = count.load(std::memory_order_relaxed);
    if (id >= HeapType::kMaxIndex) return CanonicalType::kNoSupertype;
    const uint32_t chunk = id >> kChunkBits;
    std::atomic_ref<CanonicalType*> slot(chunks[chunk]);
    CanonicalType* entries = slot.load(std::memory_order_relaxed);
    if (entries == nullptr) {
      // Raw storage, each entry constructed when appended: a fresh chunk is
      // 192 KiB, and touching it all up front cost every process ~0.2 ms of
      // page faults at start-up (`cascade run`, issue 5).
      entries = static_cast<CanonicalType*>(::operator new(sizeof(CanonicalType) * kChunkSize));
      slot.store(entries, std::memory_order_release);
    }
    new (&entries[id & (kChunkSize - 1)]) CanonicalType();
    count.store(id + 1, std::memory_order_release);
    return id;
  }
};

namespace {

// Tags of heap-type references in a group's canonical form.
constexpr uint32_t kRefRelative = 1u << 8;  // index relative to the group start
constexpr uint32_t kRefCanonical = 2u << 8;  // canonical id of an earlier type

// Builds the canonical form of rec group [start, start + size) of `m`. Returns
// false and sets `*bad` if a type refers past the end of the group or to a
// supertype that is not an earlier type.
bool GroupForm(const Module& m, uint32_t start, uint32_t size, std::vector<uint32_t>* form,
               uint32_t* bad) {
  const uint32_t end = start + size;
  form->clear();
  form->push_back(size);
  bool ok = true;
  uint32_t current = start;
  auto ref = [&](uint32_t idx) {
    if (idx >= start && idx < end) {
      form->push_back(kRefRelative);
      form->push_back(idx - start);
    } else if (idx < start) {
      form->push_back(kRefCanonical);
      form->push_back(m.types[idx].canonical_id);
    } else {
      ok = false;
      *bad = current;
    }
  };
  auto val = [&](ValType t) {
    if (t.is_ref() && t.heap_type().is_index()) {
      form->push_back((t.bits() & 0xFF) | 0x80000000u);
      ref(t.heap_type().index());
    } else {
      form->push_back(t.bits());
    }
  };
  for (uint32_t i = start; i < end && ok; ++i) {
    current = i;
    const SubType& t = m.types[i];
    form->push_back(static_cast<uint32_t>(t.kind) | (t.is_final ? 4u : 0u));
    if (t.supertype == SubType::kNoSupertype) {
      form->push_back(0);
    } else {
      if (t.supertype >= i) {
        *bad = i;
        return false;
      }
      ref(t.supertype);
    }
    switch (t.kind) {
      case CompositeKind::kFunc:
        form->push_back(t.param_count);
        form->push_back(t.result_count);
        for (uint32_t k = 0; k < t.param_count + t.result_count; ++k) {
          val(m.valtype_pool[t.pool_offset + k]);
        }
        break;
      case CompositeKind::kStruct:
      case CompositeKind::kArray:
        form->push_back(t.field_count);
        for (uint32_t k = 0; k < t.field_count; ++k) {
          const FieldType& f = m.field_pool[t.pool_offset + k];
          val(f.type);
          form->push_back(f.mut ? 1 : 0);
        }
        break;
    }
  }
  return ok;
}

}  // namespace

TypeCanonicalizer& TypeCanonicalizer::Global() {
  static TypeCanonicalizer* instance = new TypeCanonicalizer();
  return *instance;
}

TypeCanonicalizer::TypeCanonicalizer() : impl_(new Impl()) {}

uint32_t TypeCanonicalizer::size() const {
  return impl()->count.load(std::memory_order_acquire);
}

const CanonicalType& TypeCanonicalizer::Get(uint32_t id) const { return impl()->At(id); }

bool TypeCanonicalizer::Canonicalize(Module& module, uint32_t* bad_type) {
  Impl& s = *impl();
  std::vector<uint32_t> form;
  uint32_t bad = 0;
  std::lock_guard<std::mutex> lock(s.mu);
  const uint32_t n = static_cast<uint32_t>(module.types.size());
  for (uint32_t start = 0; start < n;) {
    const uint32_t size = module.types[start].rec_group_size;
    if (size == 0 || start + size > n) {
      *bad_type = start;
      return false;
    }
    if (!GroupForm(module, start, size, &form, &bad)) {
      *bad_type = bad;
      return false;
    }
    const uint64_t hash = XXH3_64bits(form.data(), form.size() * sizeof(uint32_t));
    uint32_t base = CanonicalType::kNoSupertype;
    auto [lo, hi] = s.groups.equal_range(hash);
    for (auto it = lo; it != hi; ++it) {
      if (it->second.form == form) {
        base = it->second.base;
        break;
      }
    }
    if (base == CanonicalType::kNoSupertype) {
      // New group: append its types with references rewritten to canonical ids.
      base = s.count.load(std::memory_order_relaxed);
      if (static_cast<uint64_t>(base) + size >= HeapType::kMaxIndex) {
        *bad_type = start;
        return false;
      }
      auto canon = [&](uint32_t idx) {
        return idx >= start ? base + (idx - start) : module.types[idx].canonical_id;
      };
      auto canon_val = [&](ValType t) {
        if (t.is_ref() && t.heap_type().is_index()) {
          return ValType::Ref(HeapType::Index(canon(t.heap_type().index())), t.is_nullable());
        }
        return t;
      };
      for (uint32_t i = 0; i < size; ++i) {
        const SubType& t = module.types[start + i];
        const uint32_t id = s.Append();
        CanonicalType& c = s.At(id);
        c.kind = t.kind;
        c.is_final = t.is_final;
        c.group_base = base;
        c.group_size = size;
        c.param_count = t.param_count;
        c.result_count = t.result_count;
        c.field_count = t.field_count;
        if (t.supertype != SubType::kNoSupertype) {
          c.supertype = canon(t.supertype);
          c.depth = s.At(c.supertype).depth + 1;  // supertype is earlier: already set
        }
        if (t.kind == CompositeKind::kFunc) {
          const uint32_t k = t.param_count + t.result_count;
          ValType* types = new ValType[k ? k : 1];
          for (uint32_t j = 0; j < k; ++j) types[j] = canon_val(module.valtype_pool[t.pool_offset + j]);
          c.types = types;
        } else {
          FieldType* fields = new FieldType[t.field_count ? t.field_count : 1];
          for (uint32_t j = 0; j < t.field_count; ++j) {
            fields[j] = module.field_pool[t.pool_offset + j];
            fields[j].type = canon_val(fields[j].type);
          }
          c.fields = fields;
        }
      }
      s.groups.emplace(hash, Impl::Group{base, form});
    }
    for (uint32_t i = 0; i < size; ++i) module.types[start + i].canonical_id = base + i;
    start += size;
  }
  return true;
}

bool TypeCanonicalizer::IsSubtypeId(uint32_t sub, uint32_t super) const {
  if (sub == super) return true;
  const Impl& s = *impl();
  const CanonicalType* t = &s.At(sub);
  const uint32_t target_depth = s.At(super).depth;
  if (t->depth <= target_depth) return false;
  while (t->depth > target_depth + 1) t = &s.At(t->supertype);
  return t->supertype == super;
}

bool TypeCanonicalizer::IsHeapSubtype(HeapType sub, HeapType super) const {
  if (sub == super) return true;
  if (sub.is_abstract() && sub.abstract() == HeapType::kBottomHeap) return true;
  if (super.is_index()) {
    if (sub.is_index()) return IsSubtypeId(sub.index(), super.index());
    const CompositeKind k = Get(super.index()).kind;
    switch (sub.abstract()) {
      case HeapType::kNone: return k != CompositeKind::kFunc;
      case HeapType::kNoFunc: return k == CompositeKind::kFunc;
      default: return false;
    }
  }
  // `super` is abstract.
  if (sub.is_index()) {
    const CompositeKind k = Get(sub.index()).kind;
    switch (super.abstract()) {
      case HeapType::kFunc: return k == CompositeKind::kFunc;
      case HeapType::kAny:
      case HeapType::kEq: return k != CompositeKind::kFunc;
      case HeapType::kStruct: return k == CompositeKind::kStruct;
      case HeapType::kArray: return k == CompositeKind::kArray;
      default: return false;
    }
  }
  const HeapType::Abstract a = sub.abstract();
  switch (super.abstract()) {
    case HeapType::kAny:
      return a == HeapType::kEq || a == HeapType::kI31 || a == HeapType::kStruct ||
             a == HeapType::kArray || a == HeapType::kNone;
    case HeapType::kEq:
      return a == HeapType::kI31 || a == HeapType::kStruct || a == HeapType::kArray ||
             a == HeapType::kNone;
    case HeapType::kI31:
    case HeapType::kStruct:
    case HeapType::kArray: return a == HeapType::kNone;
    case HeapType::kFunc: return a == HeapType::kNoFunc;
    case HeapType::kExtern: return a == HeapType::kNoExtern;
    case HeapType::kExn: return a == HeapType::kNoExn;
    default: return false;
  }
}

bool TypeCanonicalizer::IsValSubtype(ValType sub, ValType super) const {
  if (sub == super || sub.is_bottom()) return true;
  if (!sub.is_ref() || !super.is_ref()) return false;
  if (sub.is_nullable() && !super.is_nullable()) return false;
  return IsHeapSubtype(sub.heap_type(), super.heap_type());
}

namespace {
bool FieldMatches(const TypeCanonicalizer& tc, const FieldType& sub, const FieldType& super) {
  if (sub.mut != super.mut) return false;
  if (sub.type.is_packed() || super.type.is_packed()) return sub.type == super.type;
  if (!tc.IsValSubtype(sub.type, super.type)) return false;
  return !sub.mut || tc.IsValSubtype(super.type, sub.type);
}
}  // namespace

bool TypeCanonicalizer::CompositeMatches(uint32_t sub_id, uint32_t super_id) const {
  const CanonicalType& sub = Get(sub_id);
  const CanonicalType& super = Get(super_id);
  if (sub.kind != super.kind) return false;
  switch (sub.kind) {
    case CompositeKind::kFunc: {
      if (sub.param_count != super.param_count || sub.result_count != super.result_count) {
        return false;
      }
      for (uint32_t i = 0; i < sub.param_count; ++i) {
        if (!IsValSubtype(super.types[i], sub.types[i])) return false;
      }
      for (uint32_t i = sub.param_count; i < sub.param_count + sub.result_count; ++i) {
        if (!IsValSubtype(sub.types[i], super.types[i])) return false;
      }
      return true;
    }
    case CompositeKind::kStruct:
    case CompositeKind::kArray: {
      if (sub.field_count < super.field_count) return false;
      for (uint32_t i = 0; i < super.field_count; ++i) {
        if (!FieldMatches(*this, sub.fields[i], super.fields[i])) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace cascade
