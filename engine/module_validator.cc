// Module-level validation (spec 3.4 "Modules"): ValidateModule.
//
// Order (each step relies on the previous ones):
//   1. types: every type index in the type section is in range, supertypes are
//      earlier types; then rec groups are canonicalized (type_canon.h) and each
//      declared supertype is checked (not final, composite types match);
//   2. imports and function declarations reference func types; tags reference
//      func types without results;
//   3. tables, memories (limits, address types, page sizes, shared), globals
//      (constant initializers that may read earlier immutable globals);
//   4. exports (unique names, indices in range), the start function;
//   5. element and data segments (table/memory exist, offsets of the address
//      type, item expressions of the segment's type);
//   6. every function body (ValidateFunction, function_validator.cc), split
//      across threads for modules with more than 1 MiB of code.
//
// Invariant: on success every SubType::canonical_id is set and every index in
// the module's declarations is in range, which is what the function validator,
// the translator and the instantiator assume. Error offsets point at the start of
// the section holding the offending declaration (function bodies report the
// exact instruction).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "engine/type_canon.h"
#include "engine/validator.h"

namespace cascade {
namespace {

// Function bodies are validated in parallel above this much code.
constexpr uint64_t kParallelCodeBytes = 1 << 20;
constexpr uint32_t kMaxThreads = 8;

class ModuleValidator {
 public:
  ModuleValidator(Module& m, Error* error, unsigned max_threads, bool bodies = true)
      : m_(m), error_(error), max_threads_(max_threads), bodies_(bodies) {
    for (const SectionInfo& s : m.sections) {
      section_offset_[static_cast<uint8_t>(s.id)] = s.range.offset;
    }
  }

  bool Validate();

 private:
  [[gnu::noinline, gnu::cold]] bool Fail(SectionId section, std::string message) {
    if (error_) {
      error_->offset = section_offset_[static_cast<uint8_t>(section)];
      error_->message = std::move(message);
    }
    return false;
  }
  template <typename... Args>
  [[gnu::noinline, gnu::cold]] bool Failf(SectionId section, const char* fmt, Args... args) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return Fail(section, buf);
  }

  bool ValidValType(ValType t) const {
    return !t.is_ref() || !t.heap_type().is_index() || t.heap_type().index() < m_.types.size();
  }
  bool IsFuncType(uint32_t typeidx) const {
    return typeidx < m_.types.size() && m_.types[typeidx].kind == CompositeKind::kFunc;
  }
  static ValType AddrType(const Limits& l) { return l.is64 ? kWasmI64 : kWasmI32; }

  bool Types();
  bool Imports();
  bool Functions();
  bool TableType(const Table& t, SectionId section);
  bool MemoryType(const Memory& mem, SectionId section);
  bool TagType(const Tag& tag, SectionId section);
  bool Tables();
  bool Memories();
  bool Tags();
  bool Globals();
  bool Exports();
  bool Start();
  bool Elements();
  bool Datas();
  bool Code();
  bool ConstExpr(ByteRange expr, ValType expected, uint32_t visible_globals);

  Module& m_;
  Error* error_;
  unsigned max_threads_;  // 0: hardware concurrency
  bool bodies_ = true;    // false: function bodies are known valid (ValidateModuleExceptBodies)
  uint32_t section_offset_[14] = {};
};

bool ModuleValidator::ConstExpr(ByteRange expr, ValType expected, uint32_t visible_globals) {
  return ValidateConstExpr(m_, expr, expected, visible_globals, error_);
}

bool ModuleValidator::Types() {
  const uint32_t n = static_cast<uint32_t>(m_.types.size());
  for (uint32_t i = 0; i < n; ++i) {
    const SubType& t = m_.types[i];
    if (t.supertype != SubType::kNoSupertype) {
      if (t.supertype >= n) return Failf(SectionId::kType, "unknown type %u", t.supertype);
      if (t.supertype >= i) {
        return Failf(SectionId::kType, "sub type %u does not match super type %u", i,
                     t.supertype);
      }
    }
    if (t.kind == CompositeKind::kFunc) {
      for (ValType v : m_.params(t)) {
        if (!ValidValType(v)) return Failf(SectionId::kType, "unknown type %u", v.heap_type().index());
      }
      for (ValType v : m_.results(t)) {
        if (!ValidValType(v)) return Failf(SectionId::kType, "unknown type %u", v.heap_type().index());
      }
    } else {
      for (const FieldType& f : m_.fields(t)) {
        if (!ValidValType(f.type)) {
          return Failf(SectionId::kType, "unknown type %u", f.type.heap_type().index());
        }
      }
    }
  }
  TypeCanonicalizer& tc = TypeCanonicalizer::Global();
  uint32_t bad = 0;
  if (!tc.Canonicalize(m_, &bad)) {
    // Only a reference past the end of its own rec group gets here.
    return Failf(SectionId::kType, "unknown type: type %u refers to a later rec group", bad);
  }
  for (uint32_t i = 0; i < n; ++i) {
    const SubType& t = m_.types[i];
    if (t.supertype == SubType::kNoSupertype) continue;
    const SubType& super = m_.types[t.supertype];
    if (super.is_final || !tc.CompositeMatches(t.canonical_id, super.canonical_id)) {
      return Failf(SectionId::kType, "sub type %u does not match super type %u", i, t.supertype);
    }
  }
  return true;
}

bool ModuleValidator::TableType(const Table& t, SectionId section) {
  if (!ValidValType(t.elem_type)) {
    return Failf(section, "unknown type %u", t.elem_type.heap_type().index());
  }
  const Limits& l = t.limits;
  if (!l.is64) {
    if (l.min > 0xFFFFFFFFu || (l.has_max && l.max > 0xFFFFFFFFu)) {
      return Fail(section, "table size must be at most 2^32-1");
    }
  }
  if (l.has_max && l.min > l.max) {
    return Fail(section, "size minimum must not be greater than maximum");
  }
  return true;
}

bool ModuleValidator::MemoryType(const Memory& mem, SectionId section) {
  const Limits& l = mem.limits;
  if (l.page_size_log2 != 0 && l.page_size_log2 != 16) {
    return Fail(section, "invalid custom page size");
  }
  // At most 2^32 (memory32) or 2^64 (memory64) bytes, and a page count that
  // fits the address type: 65536 pages of 64 KiB, or 2^32-1 pages of 1 byte.
  const uint32_t addr_bits = l.is64 ? 64 : 32;
  const uint32_t page_bits = l.page_size_log2;
  const uint64_t addr_max = l.is64 ? ~uint64_t{0} : 0xFFFFFFFFu;
  const uint64_t max_pages =
      addr_bits - page_bits >= addr_bits ? addr_max : uint64_t{1} << (addr_bits - page_bits);
  if (l.min > max_pages || (l.has_max && l.max > max_pages)) {
    if (!l.is64 && page_bits == 16) {
      return Fail(section, "memory size must be at most 65536 pages (4GiB)");
    }
    return Failf(section, "memory size must be at most %llu pages",
                 static_cast<unsigned long long>(max_pages));
  }
  if (l.has_max && l.min > l.max) {
    return Fail(section, "size minimum must not be greater than maximum");
  }
  if (l.shared && !l.has_max) return Fail(section, "shared memory must have maximum");
  return true;
}

bool ModuleValidator::TagType(const Tag& tag, SectionId section) {
  if (!IsFuncType(tag.type_index)) return Failf(section, "unknown type %u", tag.type_index);
  if (m_.types[tag.type_index].result_count != 0) {
    return Fail(section, "non-empty tag result type");
  }
  return true;
}

bool ModuleValidator::Imports() {
  for (const Import& imp : m_.imports) {
    switch (imp.kind) {
      case ExternKind::kFunc: {
        const uint32_t t = m_.funcs[imp.index].type_index;
        if (!IsFuncType(t)) return Failf(SectionId::kImport, "unknown type %u", t);
        break;
      }
      case ExternKind::kTable:
        if (!TableType(m_.tables[imp.index], SectionId::kImport)) return false;
        break;
      case ExternKind::kMemory:
        if (!MemoryType(m_.memories[imp.index], SectionId::kImport)) return false;
        break;
      case ExternKind::kGlobal: {
        const ValType t = m_.globals[imp.index].type;
        if (!ValidValType(t)) {
          return Failf(SectionId::kImport, "unknown type %u", t.heap_type().index());
        }
        break;
      }
      case ExternKind::kTag:
        if (!TagType(m_.tags[imp.index], SectionId::kImport)) return false;
        break;
    }
  }
  return true;
}

bool ModuleValidator::Functions() {
  for (uint32_t i = m_.num_imported_funcs; i < m_.funcs.size(); ++i) {
    const uint32_t t = m_.funcs[i].type_index;
    if (!IsFuncType(t)) return Failf(SectionId::kFunction, "unknown type %u", t);
  }
  return true;
}

bool ModuleValidator::Tables() {
  for (uint32_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) {
    const Table& t = m_.tables[i];
    if (!TableType(t, SectionId::kTable)) return false;
    if (t.has_init) {
      if (!ConstExpr(t.init, t.elem_type, m_.num_imported_globals)) return false;
    } else if (!t.elem_type.is_nullable()) {
      return Fail(SectionId::kTable, "type mismatch: non-defaultable table needs an initializer");
    }
  }
  return true;
}

bool ModuleValidator::Memories() {
  for (uint32_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
    if (!MemoryType(m_.memories[i], SectionId::kMemory)) return false;
  }
  return true;
}

bool ModuleValidator::Tags() {
  for (uint32_t i = m_.num_imported_tags; i < m_.tags.size(); ++i) {
    if (!TagType(m_.tags[i], SectionId::kTag)) return false;
  }
  return true;
}

bool ModuleValidator::Globals() {
  for (uint32_t i = m_.num_imported_globals; i < m_.globals.size(); ++i) {
    const Global& g = m_.globals[i];
    if (!ValidValType(g.type)) {
      return Failf(SectionId::kGlobal, "unknown type %u", g.type.heap_type().index());
    }
    if (!ConstExpr(g.init, g.type, i)) return false;
  }
  return true;
}

bool ModuleValidator::Exports() {
  std::unordered_set<std::string_view> names;
  names.reserve(m_.exports.size());
  for (const Export& e : m_.exports) {
    if (!names.insert(e.name).second) return Fail(SectionId::kExport, "duplicate export name");
    switch (e.kind) {
      case ExternKind::kFunc:
        if (e.index >= m_.funcs.size()) return Failf(SectionId::kExport, "unknown function %u", e.index);
        break;
      case ExternKind::kTable:
        if (e.index >= m_.tables.size()) return Failf(SectionId::kExport, "unknown table %u", e.index);
        break;
      case ExternKind::kMemory:
        if (e.index >= m_.memories.size()) return Failf(SectionId::kExport, "unknown memory %u", e.index);
        break;
      case ExternKind::kGlobal:
        if (e.index >= m_.globals.size()) return Failf(SectionId::kExport, "unknown global %u", e.index);
        break;
      case ExternKind::kTag:
        if (e.index >= m_.tags.size()) return Failf(SectionId::kExport, "unknown tag %u", e.index);
        break;
    }
  }
  return true;
}

bool ModuleValidator::Start() {
  if (m_.start_func == Module::kNoStart) return true;
  if (m_.start_func >= m_.funcs.size()) {
    return Failf(SectionId::kStart, "unknown function %u", m_.start_func);
  }
  const SubType& t = m_.types[m_.funcs[m_.start_func].type_index];
  if (t.param_count != 0 || t.result_count != 0) {
    return Fail(SectionId::kStart, "start function must have type [] -> []");
  }
  return true;
}

bool ModuleValidator::Elements() {
  const uint32_t num_globals = static_cast<uint32_t>(m_.globals.size());
  for (const ElemSegment& seg : m_.elems) {
    if (!ValidValType(seg.elem_type)) {
      return Failf(SectionId::kElement, "unknown type %u", seg.elem_type.heap_type().index());
    }
    if (seg.mode == SegmentMode::kActive) {
      if (seg.table_index >= m_.tables.size()) {
        return Failf(SectionId::kElement, "unknown table %u", seg.table_index);
      }
      const Table& table = m_.tables[seg.table_index];
      if (!ConstExpr(seg.offset, AddrType(table.limits), num_globals)) return false;
      if (!IsSubtype(m_, seg.elem_type, table.elem_type)) {
        return Fail(SectionId::kElement, "type mismatch: element segment does not match table");
      }
    }
    if (seg.uses_exprs) {
      for (uint32_t i = 0; i < seg.item_count; ++i) {
        if (!ConstExpr(m_.elem_exprs[seg.items_offset + i], seg.elem_type, num_globals)) {
          return false;
        }
      }
    } else {
      for (uint32_t i = 0; i < seg.item_count; ++i) {
        const uint32_t f = m_.elem_func_indices[seg.items_offset + i];
        if (f >= m_.funcs.size()) return Failf(SectionId::kElement, "unknown function %u", f);
      }
    }
  }
  return true;
}

bool ModuleValidator::Datas() {
  const uint32_t num_globals = static_cast<uint32_t>(m_.globals.size());
  for (const DataSegment& d : m_.datas) {
    if (d.mode != SegmentMode::kActive) continue;
    if (d.memory_index >= m_.memories.size()) {
      return Failf(SectionId::kData, "unknown memory %u", d.memory_index);
    }
    if (!ConstExpr(d.offset, AddrType(m_.memories[d.memory_index].limits), num_globals)) {
      return false;
    }
  }
  return true;
}

// Function bodies. Large modules are validated by several threads, each taking a
// contiguous run of functions of about equal code size; the error reported is
// the one of the lowest failing funcidx, exactly as a sequential pass would.
bool ModuleValidator::Code() {
  const uint32_t first = m_.num_imported_funcs;
  const uint32_t end = static_cast<uint32_t>(m_.funcs.size());
  uint64_t code_bytes = 0;
  for (uint32_t i = first; i < end; ++i) {
    for (const LocalDecl& l : m_.locals(m_.funcs[i])) {
      if (!ValidValType(l.type)) {
        return Failf(SectionId::kCode, "unknown type %u", l.type.heap_type().index());
      }
    }
    code_bytes += m_.funcs[i].body.size;
  }
  if (!bodies_) return true;
  // hardware_concurrency() reads sysfs: only ask when threads could help (it
  // is on every `cascade run`'s start-up path otherwise).
  unsigned hw = code_bytes < kParallelCodeBytes ? 1 : std::thread::hardware_concurrency();
  if (max_threads_ != 0 && max_threads_ < hw) hw = max_threads_;
  const uint32_t threads =
      code_bytes < kParallelCodeBytes || hw < 2 ? 1 : std::min<uint32_t>(hw, kMaxThreads);
  if (threads == 1) {
    for (uint32_t i = first; i < end; ++i) {
      if (!ValidateFunction(m_, i, error_)) return false;
    }
    return true;
  }

  struct Chunk {
    uint32_t begin, end;
    uint32_t failed = UINT32_MAX;
    Error error;
  };
  std::vector<Chunk> chunks;
  const uint64_t per_chunk = code_bytes / threads + 1;
  uint64_t acc = 0;
  uint32_t begin = first;
  for (uint32_t i = first; i < end; ++i) {
    acc += m_.funcs[i].body.size;
    if (acc >= per_chunk && chunks.size() + 1 < threads) {
      chunks.push_back(Chunk{begin, i + 1, UINT32_MAX, Error{}});
      begin = i + 1;
      acc = 0;
    }
  }
  chunks.push_back(Chunk{begin, end, UINT32_MAX, Error{}});
  std::atomic<uint32_t> lowest_failure{UINT32_MAX};
  auto work = [&](Chunk* c) {
    for (uint32_t i = c->begin; i < c->end; ++i) {
      if (i > lowest_failure.load(std::memory_order_relaxed)) return;  // moot
      if (!ValidateFunction(m_, i, &c->error)) {
        c->failed = i;
        uint32_t cur = lowest_failure.load(std::memory_order_relaxed);
        while (i < cur && !lowest_failure.compare_exchange_weak(cur, i)) {
        }
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t k = 1; k < chunks.size(); ++k) pool.emplace_back(work, &chunks[k]);
  work(&chunks[0]);
  for (auto& t : pool) t.join();
  for (const Chunk& c : chunks) {
    if (c.failed != UINT32_MAX) {
      if (error_) *error_ = c.error;
      return false;
    }
  }
  return true;
}

bool ModuleValidator::Validate() {
  return Types() && Imports() && Functions() && Tables() && Memories() && Tags() &&
         Globals() && Exports() && Start() && Elements() && Datas() && Code();
}

}  // namespace

bool ValidateModule(Module& module, Error* error, unsigned max_threads) {
  ModuleValidator v(module, error, max_threads);
  return v.Validate();
}

bool ValidateModuleExceptBodies(Module& module, Error* error) {
  ModuleValidator v(module, error, 1, /*bodies=*/false);
  return v.Validate();
}

}  // namespace cascade
