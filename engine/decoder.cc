// The binary module decoder (spec 5 "Binary Format"): bytes -> Module.
//
// Shape:
//
//   preamble  sections*                    one Reader over the whole file
//             ├─ id:u8 size:u32 payload    size checked against the bytes left
//             └─ payload decoded in place; afterwards the reader must sit exactly
//                at the end of the payload ("section size mismatch")
//
// Invariants:
//  * Like the spec's reference decoder, reads inside a section are bounded by the
//    end of the file, not by the section: a malformed entry that runs past its
//    section reports what it finds there ("integer too large", ...) or, when it
//    ends early, "section size mismatch". This is what the spec suite expects.
//  * Every count is checked before anything is reserved: reservations are capped
//    by the bytes left (each item needs at least one byte), and loops stop at the
//    first error (the Reader is sticky and stops at the end), so a tiny file that
//    claims billions of entries fails fast without allocating.
//  * Code bodies, constant expressions, data payloads and names are ByteRanges
//    or string_views into Module::bytes; nothing is copied.
//  * Errors reading past the end inside a section say "unexpected end of section
//    or function" (the spec interpreter's wording; "unexpected end" is a prefix).
#include "engine/decoder.h"

#include <cstdio>
#include <string>

#include "engine/opcodes.h"
#include "engine/reader.h"

namespace cascade {
namespace {

constexpr char kEndOfSection[] = "unexpected end of section or function";

// Implementation limit on the declared locals of one function (spec 7.2 allows
// limits; the spec's own bound is 2^32-1). Same as V8 and wasmparser: beyond
// it, later stages would need frames of gigabytes for a few bytes of input.
constexpr uint64_t kMaxLocals = 50000;

// Position of each non-custom section in the required order (spec 5.5.2), by id.
constexpr uint8_t kSectionRank[14] = {
    0,   // custom: anywhere
    1,   // type
    2,   // import
    3,   // function
    4,   // table
    5,   // memory
    7,   // global
    8,   // export
    9,   // start
    10,  // element
    12,  // code
    13,  // data
    11,  // data count
    6,   // tag
};

class ModuleDecoder {
 public:
  explicit ModuleDecoder(Module* m)
      : m_(m),
        base_(m->bytes.data()),
        r_(base_, base_, base_ + m->bytes.size()) {}

  bool Decode(Error* error);

 private:
  // --- primitive helpers -------------------------------------------------
  [[gnu::noinline, gnu::cold]] void Fail(uint32_t offset, const char* msg) {
    r_.Fail(offset, msg);
  }
  // Caps a reservation by the bytes left: every item takes at least one byte.
  uint32_t Capped(uint32_t count) const {
    const uint32_t left = r_.remaining();
    return count < left ? count : left;
  }
  std::string_view Name();
  ValType ValueType();
  ValType RefType();
  HeapType ReadHeapType();
  ValType StorageType();
  bool Mutability();
  Limits ReadLimits(bool memory);
  ByteRange ConstExpr();
  void SkipInstruction(Opcode op, uint32_t op_offset);
  void SkipBlockType();
  void MarkDeclared(uint32_t funcidx) {
    if (funcidx < m_->funcs.size()) m_->funcs[funcidx].declared = true;
  }

  // --- sections ------------------------------------------------------------
  void TypeSection();
  void SubTypeEntry(uint32_t group_start, uint32_t group_size);
  void CompositeType(SubType* t);
  void ImportSection();
  void FunctionSection();
  void TableSection();
  void TableType(Table* t, bool allow_init);
  void MemorySection();
  void TagSection();
  void GlobalSection();
  void ExportSection();
  void StartSection();
  void ElementSection();
  void DataCountSection();
  void CodeSection();
  void DataSection();
  void CustomSection(uint32_t payload_offset, uint32_t payload_end);
  [[gnu::noinline, gnu::cold]] bool MalformedBody(uint32_t body_offset, uint32_t entry_start,
                                                  uint32_t entry_end);

  Module* m_;
  const uint8_t* base_;
  Reader r_;
  uint32_t num_defined_funcs_ = 0;
  bool seen_function_section_ = false;
  bool seen_code_section_ = false;
  uint32_t code_count_ = 0;         // entries in the code section
  uint32_t code_count_offset_ = 0;  // offset of that count
};

// --- primitives ---------------------------------------------------------------

std::string_view ModuleDecoder::Name() {
  const uint8_t* start = r_.pc();
  const uint32_t at = r_.offset();
  const uint32_t len = r_.u32();
  if (!r_.ok()) return {};
  if (len > r_.remaining()) {
    Fail(at, "length out of bounds");
    return {};
  }
  // Re-read length + bytes with Reader::name(), which checks UTF-8.
  Reader sub(base_, start, r_.pc() + len);
  std::string_view s = sub.name();
  if (!sub.ok()) {
    r_.Fail(sub.error().offset, sub.error().message);
    return {};
  }
  r_.skip(len);
  return s;
}

HeapType ModuleDecoder::ReadHeapType() {
  const uint32_t at = r_.offset();
  int64_t v;
  const uint8_t b = r_.peek_u8();
  if (b < 0x80 && !r_.at_end()) {
    r_.u8();
    v = (b & 0x40) ? static_cast<int64_t>(b) - 0x80 : b;
  } else {
    v = r_.s33();
    if (!r_.ok()) return HeapType();
  }
  if (v >= 0) {
    if (v > HeapType::kMaxIndex) {
      // Not representable, and necessarily beyond the type section's end.
      Fail(at, "unknown type");
      return HeapType();
    }
    return HeapType::Index(static_cast<uint32_t>(v));
  }
  HeapType h;
  if (v < -0x40 || !HeapType::FromCode(static_cast<uint8_t>(v & 0x7F), &h)) {
    Fail(at, "malformed heap type");
    return HeapType();
  }
  return h;
}

ValType ModuleDecoder::RefType() {
  const uint32_t at = r_.offset();
  const uint8_t b = r_.u8();
  if (!r_.ok()) return kWasmVoid;
  if (b == typecode::kRefNull || b == typecode::kRef) {
    HeapType h = ReadHeapType();
    return ValType::Ref(h, b == typecode::kRefNull);
  }
  HeapType h;
  if (HeapType::FromCode(b, &h)) return ValType::Ref(h, true);
  Fail(at, (b & 0x80) ? "integer representation too long" : "malformed reference type");
  return kWasmVoid;
}

ValType ModuleDecoder::ValueType() {
  switch (r_.peek_u8()) {
    case typecode::kI32: r_.u8(); return kWasmI32;
    case typecode::kI64: r_.u8(); return kWasmI64;
    case typecode::kF32: r_.u8(); return kWasmF32;
    case typecode::kF64: r_.u8(); return kWasmF64;
    case typecode::kV128: r_.u8(); return kWasmV128;
    default: return RefType();
  }
}

ValType ModuleDecoder::StorageType() {
  switch (r_.peek_u8()) {
    case typecode::kI8: r_.u8(); return kWasmI8;
    case typecode::kI16: r_.u8(); return kWasmI16;
    default: return ValueType();
  }
}

bool ModuleDecoder::Mutability() {
  const uint32_t at = r_.offset();
  const uint8_t b = r_.u8();
  if (b > 1) Fail(at, "malformed mutability");
  return b == 1;
}

// limits (spec 5.3.7 / 5.3.8): flags byte, min, [max], [log2 page size].
// Bits: 0 has max, 1 shared (memories), 2 64-bit address, 3 custom page size
// (memories). Bounds are read as u64; validation checks the address type's range.
Limits ModuleDecoder::ReadLimits(bool memory) {
  Limits l;
  const uint32_t at = r_.offset();
  const uint8_t flags = r_.u8();
  if (!r_.ok()) return l;
  const uint8_t allowed =
      memory ? (m_->features.custom_page_sizes ? 0x0F : 0x07) : 0x05;
  if (flags & ~allowed) {
    Fail(at, "malformed limits flags");
    return l;
  }
  l.has_max = flags & 0x01;
  l.shared = flags & 0x02;
  l.is64 = flags & 0x04;
  l.min = r_.u64();
  if (l.has_max) l.max = r_.u64();
  if (flags & 0x08) {
    const uint32_t page_at = r_.offset();
    const uint32_t log2 = r_.u32();
    if (r_.ok() && log2 > 64) {
      Fail(page_at, "invalid custom page size");
      return l;
    }
    l.page_size_log2 = static_cast<uint8_t>(log2);
  }
  return l;
}

void ModuleDecoder::SkipBlockType() {
  const uint8_t b = r_.peek_u8();
  if (b == typecode::kEmptyBlock) {
    r_.u8();
  } else if (b < 0x80 && (b & 0x40)) {
    ValueType();  // a value type (one byte, or 0x63/0x64 + heap type)
  } else {
    r_.s33();     // a type index
  }
}

// Skips the immediates of `op` (already consumed). Used for constant
// expressions only; function bodies are read by FunctionDecoder.
void ModuleDecoder::SkipInstruction(Opcode op, uint32_t op_offset) {
  (void)op_offset;
  switch (GetOpcodeInfo(op).imm) {
    case ImmKind::kNone: break;
    case ImmKind::kBlockType: SkipBlockType(); break;
    case ImmKind::kLabel:
    case ImmKind::kType:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable:
    case ImmKind::kMemory:
    case ImmKind::kTag:
    case ImmKind::kData:
    case ImmKind::kElem:
      r_.u32();
      break;
    case ImmKind::kFunc: {
      const uint32_t f = r_.u32();
      if (op == Opcode::kRefFunc && r_.ok()) MarkDeclared(f);
      break;
    }
    case ImmKind::kBrTable: {
      const uint32_t n = r_.u32();
      for (uint32_t i = 0; i <= n && r_.ok(); ++i) r_.u32();
      break;
    }
    case ImmKind::kCallIndirect:
    case ImmKind::kTypeField:
    case ImmKind::kTypeData:
    case ImmKind::kTypeElem:
    case ImmKind::kTypeType:
    case ImmKind::kTypeU32:
    case ImmKind::kMemoryInit:
    case ImmKind::kTableInit:
    case ImmKind::kMemoryCopy:
    case ImmKind::kTableCopy:
      r_.u32();
      r_.u32();
      break;
    case ImmKind::kMemarg:
    case ImmKind::kMemargLane: {
      const uint32_t flags = r_.u32();
      if (flags & 0x40) r_.u32();
      r_.u64();
      if (GetOpcodeInfo(op).imm == ImmKind::kMemargLane) r_.u8();
      break;
    }
    case ImmKind::kI32: r_.s32(); break;
    case ImmKind::kI64: r_.s64(); break;
    case ImmKind::kF32: r_.skip(4); break;
    case ImmKind::kF64: r_.skip(8); break;
    case ImmKind::kV128:
    case ImmKind::kShuffle: r_.skip(16); break;
    case ImmKind::kLane:
    case ImmKind::kZeroByte: r_.u8(); break;
    case ImmKind::kHeapType: ReadHeapType(); break;
    case ImmKind::kBrOnCast:
      r_.u8();
      r_.u32();
      ReadHeapType();
      ReadHeapType();
      break;
    case ImmKind::kTryTable: {
      SkipBlockType();
      const uint32_t n = r_.u32();
      for (uint32_t i = 0; i < n && r_.ok(); ++i) {
        const uint8_t kind = r_.u8();
        if (kind <= 1) r_.u32();
        r_.u32();
      }
      break;
    }
    case ImmKind::kSelectT: {
      const uint32_t n = r_.u32();
      for (uint32_t i = 0; i < n && r_.ok(); ++i) ValueType();
      break;
    }
  }
}

// A constant expression: instructions up to the `end` that closes it. The
// instructions are not type-checked here (ValidateConstExpr does that), but
// every opcode must exist ("illegal opcode"). ref.func marks its function as
// declared (spec C.ref).
ByteRange ModuleDecoder::ConstExpr() {
  const uint32_t start = r_.offset();
  uint32_t depth = 0;
  while (r_.ok()) {
    const uint32_t at = r_.offset();
    const uint8_t b = r_.u8();
    if (!r_.ok()) break;
    if (b == 0x0B) {  // end
      if (depth == 0) return {start, r_.offset() - start};
      --depth;
      continue;
    }
    if (b == 0x05 && depth == 0) {  // `else` outside any block: the spec wants `end`
      r_.Fail(at, "END opcode expected");
      break;
    }
    Opcode op;
    if (b >= kPrefixGC && b <= kPrefixAtomic) {
      const uint32_t sub = r_.u32();
      if (!r_.ok()) break;
      op = LookupOpcode(b, sub);
      if (op == Opcode::kInvalid) {
        char msg[48];
        std::snprintf(msg, sizeof msg, "illegal opcode %02x %02x", b, sub);
        r_.Fail(at, msg);
        break;
      }
    } else {
      op = LookupOpcode(0, b);
      if (op == Opcode::kInvalid) {
        char msg[32];
        std::snprintf(msg, sizeof msg, "illegal opcode %02x", b);
        r_.Fail(at, msg);
        break;
      }
    }
    const ImmKind imm = GetOpcodeInfo(op).imm;
    if (imm == ImmKind::kBlockType || imm == ImmKind::kTryTable) ++depth;
    SkipInstruction(op, at);
  }
  return {start, 0};
}

// --- sections -------------------------------------------------------------------

void ModuleDecoder::CompositeType(SubType* t) {
  const uint32_t at = r_.offset();
  const uint8_t form = r_.u8();
  if (!r_.ok()) return;
  switch (form) {
    case typecode::kFuncType: {
      t->kind = CompositeKind::kFunc;
      t->pool_offset = static_cast<uint32_t>(m_->valtype_pool.size());
      const uint32_t np = r_.u32();
      for (uint32_t i = 0; i < np && r_.ok(); ++i) m_->valtype_pool.push_back(ValueType());
      const uint32_t nr = r_.u32();
      for (uint32_t i = 0; i < nr && r_.ok(); ++i) m_->valtype_pool.push_back(ValueType());
      t->param_count = np;
      t->result_count = nr;
      break;
    }
    case typecode::kStructType: {
      t->kind = CompositeKind::kStruct;
      t->pool_offset = static_cast<uint32_t>(m_->field_pool.size());
      const uint32_t n = r_.u32();
      for (uint32_t i = 0; i < n && r_.ok(); ++i) {
        FieldType f;
        f.type = StorageType();
        f.mut = Mutability();
        m_->field_pool.push_back(f);
      }
      t->field_count = n;
      break;
    }
    case typecode::kArrayType: {
      t->kind = CompositeKind::kArray;
      t->pool_offset = static_cast<uint32_t>(m_->field_pool.size());
      FieldType f;
      f.type = StorageType();
      f.mut = Mutability();
      m_->field_pool.push_back(f);
      t->field_count = 1;
      break;
    }
    default:
      // The form is an s7 in the spec: a continuation bit means an overlong LEB.
      Fail(at, (form & 0x80) ? "integer representation too long" : "malformed composite type");
  }
}

void ModuleDecoder::SubTypeEntry(uint32_t group_start, uint32_t group_size) {
  SubType t;
  t.rec_group_start = group_start;
  t.rec_group_size = group_size;
  const uint8_t b = r_.peek_u8();
  if (b == typecode::kSub || b == typecode::kSubFinal) {
    r_.u8();
    t.is_final = b == typecode::kSubFinal;
    const uint32_t at = r_.offset();
    const uint32_t n = r_.u32();
    if (n > 1) {
      Fail(at, "multiple supertypes");
      return;
    }
    if (n == 1) t.supertype = r_.u32();
  }
  CompositeType(&t);
  m_->types.push_back(t);
}

void ModuleDecoder::TypeSection() {
  const uint32_t count = r_.u32();
  m_->types.reserve(Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    if (r_.peek_u8() == typecode::kRec) {
      r_.u8();
      const uint32_t n = r_.u32();
      const uint32_t start = static_cast<uint32_t>(m_->types.size());
      if (static_cast<uint64_t>(start) + n > HeapType::kMaxIndex) {
        Fail(r_.offset(), "too many types");
        return;
      }
      for (uint32_t j = 0; j < n && r_.ok(); ++j) SubTypeEntry(start, n);
    } else {
      if (m_->types.size() >= HeapType::kMaxIndex) {
        Fail(r_.offset(), "too many types");
        return;
      }
      SubTypeEntry(static_cast<uint32_t>(m_->types.size()), 1);
    }
  }
}

// tabletype, or in the table section also `0x40 0x00 tabletype expr` (a table
// with an initializer expression).
void ModuleDecoder::TableType(Table* t, bool allow_init) {
  const uint32_t at = r_.offset();
  if (allow_init && r_.peek_u8() == 0x40) {
    r_.u8();
    if (r_.u8() != 0x00 && r_.ok()) {
      Fail(at, "malformed table type");
      return;
    }
    t->has_init = true;
  }
  t->elem_type = RefType();
  t->limits = ReadLimits(false);
  if (t->has_init) t->init = ConstExpr();
}

void ModuleDecoder::ImportSection() {
  const uint32_t count = r_.u32();
  m_->imports.reserve(Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    Import imp;
    imp.module = Name();
    imp.name = Name();
    const uint32_t at = r_.offset();
    const uint8_t kind = r_.u8();
    if (!r_.ok()) return;
    switch (kind) {
      case 0x00: {
        Function f;
        f.type_index = r_.u32();
        f.imported = true;
        imp.kind = ExternKind::kFunc;
        imp.index = static_cast<uint32_t>(m_->funcs.size());
        m_->funcs.push_back(f);
        ++m_->num_imported_funcs;
        break;
      }
      case 0x01: {
        Table t;
        TableType(&t, /*allow_init=*/false);
        t.imported = true;
        imp.kind = ExternKind::kTable;
        imp.index = static_cast<uint32_t>(m_->tables.size());
        m_->tables.push_back(t);
        ++m_->num_imported_tables;
        break;
      }
      case 0x02: {
        Memory mem;
        mem.limits = ReadLimits(true);
        mem.imported = true;
        imp.kind = ExternKind::kMemory;
        imp.index = static_cast<uint32_t>(m_->memories.size());
        m_->memories.push_back(mem);
        ++m_->num_imported_memories;
        break;
      }
      case 0x03: {
        Global g;
        g.type = ValueType();
        g.mut = Mutability();
        g.imported = true;
        imp.kind = ExternKind::kGlobal;
        imp.index = static_cast<uint32_t>(m_->globals.size());
        m_->globals.push_back(g);
        ++m_->num_imported_globals;
        break;
      }
      case 0x04: {
        const uint32_t attr_at = r_.offset();
        if (r_.u8() != 0x00 && r_.ok()) {
          Fail(attr_at, "malformed tag attribute");
          return;
        }
        Tag tag;
        tag.type_index = r_.u32();
        tag.imported = true;
        imp.kind = ExternKind::kTag;
        imp.index = static_cast<uint32_t>(m_->tags.size());
        m_->tags.push_back(tag);
        ++m_->num_imported_tags;
        break;
      }
      default:
        Fail(at, "malformed import kind");
        return;
    }
    m_->imports.push_back(imp);
  }
}

void ModuleDecoder::FunctionSection() {
  const uint32_t count = r_.u32();
  m_->funcs.reserve(m_->funcs.size() + Capped(count));
  uint32_t n = 0;
  for (; n < count && r_.ok(); ++n) {
    Function f;
    f.type_index = r_.u32();
    m_->funcs.push_back(f);
  }
  num_defined_funcs_ = count;
  seen_function_section_ = true;
}

void ModuleDecoder::TableSection() {
  const uint32_t count = r_.u32();
  m_->tables.reserve(m_->tables.size() + Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    Table t;
    TableType(&t, /*allow_init=*/true);
    m_->tables.push_back(t);
  }
}

void ModuleDecoder::MemorySection() {
  const uint32_t count = r_.u32();
  m_->memories.reserve(m_->memories.size() + Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    Memory mem;
    mem.limits = ReadLimits(true);
    m_->memories.push_back(mem);
  }
}

void ModuleDecoder::TagSection() {
  const uint32_t count = r_.u32();
  m_->tags.reserve(m_->tags.size() + Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    const uint32_t at = r_.offset();
    if (r_.u8() != 0x00 && r_.ok()) {
      Fail(at, "malformed tag attribute");
      return;
    }
    Tag tag;
    tag.type_index = r_.u32();
    m_->tags.push_back(tag);
  }
}

void ModuleDecoder::GlobalSection() {
  const uint32_t count = r_.u32();
  m_->globals.reserve(m_->globals.size() + Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    Global g;
    g.type = ValueType();
    g.mut = Mutability();
    g.init = ConstExpr();
    m_->globals.push_back(g);
  }
}

void ModuleDecoder::ExportSection() {
  const uint32_t count = r_.u32();
  m_->exports.reserve(Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    Export e;
    e.name = Name();
    const uint32_t at = r_.offset();
    const uint8_t kind = r_.u8();
    if (!r_.ok()) return;
    if (kind > 4) {
      Fail(at, "malformed export kind");
      return;
    }
    e.kind = static_cast<ExternKind>(kind);
    e.index = r_.u32();
    if (e.kind == ExternKind::kFunc) MarkDeclared(e.index);
    m_->exports.push_back(e);
  }
}

void ModuleDecoder::StartSection() { m_->start_func = r_.u32(); }

// The 8 element segment encodings (spec 5.5.12), selected by the flags u32:
//   bit 0: passive or declarative (bit 1 then picks declarative); else active
//   bit 1: active with an explicit table index (and an elemkind/reftype)
//   bit 2: items are expressions (with a reftype) instead of funcidx (elemkind)
void ModuleDecoder::ElementSection() {
  const uint32_t count = r_.u32();
  m_->elems.reserve(Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    const uint32_t at = r_.offset();
    const uint32_t flags = r_.u32();
    if (!r_.ok()) return;
    if (flags > 7) {
      Fail(at, "malformed elements segment kind");
      return;
    }
    ElemSegment seg;
    const bool exprs = flags & 0x04;
    seg.uses_exprs = exprs;
    if (flags & 0x01) {
      seg.mode = (flags & 0x02) ? SegmentMode::kDeclarative : SegmentMode::kPassive;
    } else {
      seg.mode = SegmentMode::kActive;
      if (flags & 0x02) seg.table_index = r_.u32();
      seg.offset = ConstExpr();
    }
    if (flags & 0x03) {
      if (exprs) {
        seg.elem_type = RefType();
      } else {
        const uint32_t kind_at = r_.offset();
        if (r_.u8() != 0x00 && r_.ok()) {
          Fail(kind_at, "malformed element kind");
          return;
        }
        seg.elem_type = ValType::Ref(HeapType::kFunc, false);
      }
    } else {
      seg.elem_type = exprs ? kWasmFuncRef : ValType::Ref(HeapType::kFunc, false);
    }
    const uint32_t n = r_.u32();
    seg.item_count = n;
    if (exprs) {
      seg.items_offset = static_cast<uint32_t>(m_->elem_exprs.size());
      m_->elem_exprs.reserve(m_->elem_exprs.size() + Capped(n));
      for (uint32_t j = 0; j < n && r_.ok(); ++j) m_->elem_exprs.push_back(ConstExpr());
    } else {
      seg.items_offset = static_cast<uint32_t>(m_->elem_func_indices.size());
      m_->elem_func_indices.reserve(m_->elem_func_indices.size() + Capped(n));
      for (uint32_t j = 0; j < n && r_.ok(); ++j) {
        const uint32_t f = r_.u32();
        MarkDeclared(f);
        m_->elem_func_indices.push_back(f);
      }
    }
    m_->elems.push_back(seg);
  }
}

void ModuleDecoder::DataCountSection() {
  m_->data_count = r_.u32();
  m_->has_data_count = true;
}

void ModuleDecoder::CodeSection() {
  const uint32_t at = r_.offset();
  const uint32_t count = r_.u32();
  if (!r_.ok()) return;
  seen_code_section_ = true;
  code_count_ = count;
  code_count_offset_ = at;
  // A count that differs from the function section's is reported after the
  // last section (section-order errors take precedence, as in the spec); the
  // extra entries are still read so that framing errors surface first.
  const uint32_t first = m_->num_imported_funcs;
  Function scratch;
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    const uint32_t size_at = r_.offset();
    const uint32_t size = r_.u32();
    if (!r_.ok()) return;
    if (size > r_.remaining()) {
      Fail(size_at, "length out of bounds");
      return;
    }
    const uint32_t entry_start = r_.offset();
    const uint32_t entry_end = entry_start + size;
    Function& f = i < num_defined_funcs_ ? m_->funcs[first + i] : scratch;
    const uint32_t locals_at = r_.offset();
    const uint32_t ndecls = r_.u32();
    f.locals_offset = static_cast<uint32_t>(m_->local_decls.size());
    uint64_t total = 0;
    if (ndecls == 1 || ndecls == 0) {
      // Common case: no reservation bookkeeping.
    } else {
      m_->local_decls.reserve(m_->local_decls.size() + Capped(ndecls));
    }
    for (uint32_t j = 0; j < ndecls && r_.ok(); ++j) {
      const uint32_t n = r_.u32();
      const ValType t = ValueType();
      total += n;
      m_->local_decls.push_back({n, t});
    }
    if (!r_.ok()) return;
    if (total > kMaxLocals) {
      Fail(locals_at, "too many locals");
      return;
    }
    f.local_decl_count = ndecls;
    f.num_locals = static_cast<uint32_t>(total);
    if (r_.offset() > entry_end) {
      Fail(entry_start, "section size mismatch");
      return;
    }
    f.body = {r_.offset(), entry_end - r_.offset()};
    if (f.body.size == 0 || base_[entry_end - 1] != 0x0B) [[unlikely]] {
      if (MalformedBody(f.body.offset, entry_start, entry_end)) return;
    }
    r_.skip(f.body.size);
  }
}

// A body that does not end in `end` is malformed. Bodies are not decoded here
// (FunctionDecoder reports problems inside a body), but the spec's decoder reads
// a body's instructions without stopping at its declared size, so some of its
// errors lie past the body: a bad immediate after it ("integer too large"), or an
// `end` found only after it ("section size mismatch"). To report those, the
// instructions are skipped from the start of the body up to the end of the
// file. Returns true if such an error was reported.
bool ModuleDecoder::MalformedBody(uint32_t body_offset, uint32_t entry_start, uint32_t entry_end) {
  Reader saved = r_;
  r_ = Reader(base_, base_ + body_offset, base_ + m_->bytes.size());
  ConstExpr();
  const Reader scan = r_;
  r_ = saved;
  if (!scan.ok()) {
    if (scan.error().offset < entry_end || scan.error().message == "unexpected end") return false;
    r_.Fail(scan.error().offset, scan.error().message);
    return true;
  }
  if (scan.offset() <= entry_end) return false;
  Fail(entry_start, "section size mismatch");
  return true;
}

void ModuleDecoder::DataSection() {
  const uint32_t count = r_.u32();
  m_->datas.reserve(Capped(count));
  for (uint32_t i = 0; i < count && r_.ok(); ++i) {
    const uint32_t at = r_.offset();
    const uint32_t flags = r_.u32();
    if (!r_.ok()) return;
    DataSegment d;
    switch (flags) {
      case 0:
        d.mode = SegmentMode::kActive;
        d.offset = ConstExpr();
        break;
      case 1:
        d.mode = SegmentMode::kPassive;
        break;
      case 2:
        d.mode = SegmentMode::kActive;
        d.memory_index = r_.u32();
        d.offset = ConstExpr();
        break;
      default:
        Fail(at, "malformed data segment kind");
        return;
    }
    const uint32_t len = r_.u32();
    if (!r_.ok()) return;
    if (len > r_.remaining()) {
      Fail(r_.offset() + r_.remaining(), kEndOfSection);
      return;
    }
    d.payload = {r_.offset(), len};
    r_.skip(len);
    m_->datas.push_back(d);
  }
}

void ModuleDecoder::CustomSection(uint32_t payload_offset, uint32_t payload_end) {
  // The name must lie inside the section; the rest is opaque.
  Reader sub(base_, base_ + payload_offset, base_ + payload_end);
  std::string_view name = sub.name();
  if (!sub.ok()) {
    if (sub.error().message == "unexpected end") {
      Fail(payload_end, kEndOfSection);
    } else {
      r_.Fail(sub.error().offset, sub.error().message);
    }
    return;
  }
  const uint32_t name_end = static_cast<uint32_t>(sub.pc() - base_);
  m_->customs.push_back({name, {name_end, payload_end - name_end}});
  r_.skip(payload_end - r_.offset());
}

bool ModuleDecoder::Decode(Error* error) {
  // Preamble (spec 5.5.16): magic "\0asm" and version 1.
  const uint32_t magic = r_.fixed_u32();
  if (r_.ok() && magic != 0x6D736100u) Fail(0, "magic header not detected");
  const uint32_t version = r_.fixed_u32();
  if (r_.ok() && version != 1) Fail(4, "unknown binary version");

  uint8_t last_rank = 0;
  while (r_.ok() && !r_.at_end()) {
    const uint32_t section_at = r_.offset();
    const uint8_t id = r_.u8();
    if (id > 13) {
      Fail(section_at, "malformed section id");
      break;
    }
    const uint32_t size_at = r_.offset();
    const uint32_t size = r_.u32();
    if (!r_.ok()) break;
    if (size > r_.remaining()) {
      Fail(size_at, "length out of bounds");
      break;
    }
    const uint32_t payload = r_.offset();
    const uint32_t payload_end = payload + size;
    m_->sections.push_back({static_cast<SectionId>(id), {payload, size}});
    if (id != 0) {
      const uint8_t rank = kSectionRank[id];
      if (rank <= last_rank) {
        Fail(section_at, "unexpected content after last section");
        break;
      }
      last_rank = rank;
    }
    switch (static_cast<SectionId>(id)) {
      case SectionId::kCustom: CustomSection(payload, payload_end); break;
      case SectionId::kType: TypeSection(); break;
      case SectionId::kImport: ImportSection(); break;
      case SectionId::kFunction: FunctionSection(); break;
      case SectionId::kTable: TableSection(); break;
      case SectionId::kMemory: MemorySection(); break;
      case SectionId::kGlobal: GlobalSection(); break;
      case SectionId::kExport: ExportSection(); break;
      case SectionId::kStart: StartSection(); break;
      case SectionId::kElement: ElementSection(); break;
      case SectionId::kCode: CodeSection(); break;
      case SectionId::kData: DataSection(); break;
      case SectionId::kDataCount: DataCountSection(); break;
      case SectionId::kTag: TagSection(); break;
    }
    if (r_.ok() && r_.offset() != payload_end) Fail(payload, "section size mismatch");
  }

  if (r_.ok() && code_count_ != num_defined_funcs_) {
    Fail(seen_code_section_ ? code_count_offset_ : r_.offset(),
         "function and code section have inconsistent lengths");
  }
  if (r_.ok() && m_->has_data_count && m_->data_count != m_->datas.size()) {
    Fail(r_.offset(), "data count and data section have inconsistent lengths");
  }
  (void)seen_function_section_;

  if (!r_.ok()) {
    *error = r_.error();
    if (error->message == "unexpected end" && error->offset > 8) error->message = kEndOfSection;
    return false;
  }

  // The name section is best effort: a malformed one is ignored.
  for (const auto& c : m_->customs) {
    if (c.name == "name") {
      NameSection names;
      if (DecodeNameSection(*m_, c.payload, &names)) m_->names = std::move(names);
      break;
    }
  }
  return true;
}

}  // namespace

bool DecodeModule(ModuleBytes bytes, Module* module, Error* error,
                  const Features& features) {
  *module = Module();
  module->features = features;
  if (bytes.size() > 0xFFFFFFFFu) {
    *error = Error{0, "module too large"};
    return false;
  }
  module->bytes = std::move(bytes);
  ModuleDecoder decoder(module);
  return decoder.Decode(error);
}

}  // namespace cascade
