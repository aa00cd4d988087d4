// The decoded module: the one in-memory representation that the validator, the
// interpreter translator, the JIT and the runtime all read (spec 2.5 "Modules").
//
// Invariants:
//  * `bytes` owns the module's binary; nothing is copied out of it. Code bodies,
//    constant expressions, data segment payloads, names and custom sections are
//    (offset, size) ranges into `bytes` (see ByteRange).
//  * Index spaces are flat vectors with imports first, as in the spec: funcs[0..
//    num_imported_funcs) are imports, and likewise for tables, memories, globals
//    and tags.
//  * Variable-length lists (function signatures, struct fields) live in shared
//    pools (`valtype_pool`, `field_pool`) so each SubType is a fixed-size record.
//  * After DecodeModule succeeds the module is well-formed (spec 5, "binary
//    format"); after ValidateModule succeeds it is valid (spec 3).
//  * `interp_cache` and `jit_cache` are derived state (the interpreter's
//    translated code and the JIT's machine code, shared by every instance in
//    every store): made lazily, freed with the Module, not copied with it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "engine/features.h"
#include "engine/value_type.h"

namespace cascade {

// A range of bytes inside Module::bytes.
struct ByteRange {
  uint32_t offset = 0;
  uint32_t size = 0;
  uint32_t end() const { return offset + size; }
};

// Limits of a memory or table (spec 2.3.10), with the memory64/table64 address
// type, the threads `shared` flag and the custom-page-sizes log2 page size.
struct Limits {
  uint64_t min = 0;
  uint64_t max = 0;
  bool has_max = false;
  bool shared = false;
  bool is64 = false;             // address type i64 (memory64 / table64)
  uint8_t page_size_log2 = 16;   // memories only: 16 (64 KiB) unless custom
};

// A storage type with its mutability: the field of a struct or the element of an
// array (spec 2.3.8).
struct FieldType {
  ValType type;  // may be packed (i8/i16)
  bool mut = false;
};

enum class CompositeKind : uint8_t { kFunc, kStruct, kArray };

// A subtype (spec 2.3.9) of a module's type section: one entry of the type index
// space. Func params/results live in Module::valtype_pool, struct fields in
// Module::field_pool.
struct SubType {
  static constexpr uint32_t kNoSupertype = 0xFFFFFFFF;
  CompositeKind kind = CompositeKind::kFunc;
  bool is_final = true;
  uint32_t supertype = kNoSupertype;  // typeidx of the declared supertype
  uint32_t rec_group_start = 0;       // typeidx of the first type of its rec group
  uint32_t rec_group_size = 1;
  // kFunc: params at valtype_pool[pool_offset .. +param_count), then results.
  // kStruct: fields at field_pool[pool_offset .. +field_count).
  // kArray: the element type at field_pool[pool_offset].
  uint32_t pool_offset = 0;
  uint32_t param_count = 0;   // kFunc
  uint32_t result_count = 0;  // kFunc
  uint32_t field_count = 0;   // kStruct (1 for kArray)
  uint32_t canonical_id = 0;  // set by canonicalization (type_canon.h)
};

enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3, kTag = 4 };

struct Import {
  std::string_view module;
  std::string_view name;
  ExternKind kind;
  uint32_t index;  // index in the respective index space (imports come first)
};

struct Export {
  std::string_view name;
  ExternKind kind;
  uint32_t index;
};

struct Function {
  uint32_t type_index = 0;    // typeidx of a func type
  bool imported = false;
  bool declared = false;      // referenced outside function bodies (ref.func allowed)
  // Defined functions only (set by the decoder, which reads the local
  // declarations because "too many locals" is a decoding error):
  ByteRange body;             // the instructions after the locals, ending in `end`
  uint32_t locals_offset = 0; // first entry in Module::local_decls
  uint32_t local_decl_count = 0;
  uint32_t num_locals = 0;    // declared locals, params excluded
};

// One run of locals of the same type, as encoded (spec 5.5.13 "locals").
struct LocalDecl {
  uint32_t count;
  ValType type;
};

struct Table {
  ValType elem_type;  // a reference type
  Limits limits;
  bool imported = false;
  bool has_init = false;  // table with an explicit initializer expression (0x40 0x00 form)
  ByteRange init;         // constant expression including its `end` opcode
};

struct Memory {
  Limits limits;
  bool imported = false;
};

struct Global {
  ValType type;
  bool mut = false;
  bool imported = false;
  ByteRange init;  // constant expression including its `end` opcode
};

struct Tag {
  uint32_t type_index = 0;  // a func type with no results
  bool imported = false;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

// An element segment (spec 2.5.7). Items are either function indices (the legacy
// `elemkind` encodings 0-3) or constant expressions (encodings 4-7).
struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  ValType elem_type = kWasmFuncRef;
  uint32_t table_index = 0;
  ByteRange offset;             // active only: constant expression
  bool uses_exprs = false;      // items are expressions, not funcidx
  uint32_t items_offset = 0;    // into Module::elem_func_indices or elem_exprs
  uint32_t item_count = 0;
};

// A data segment (spec 2.5.8).
struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t memory_index = 0;
  ByteRange offset;  // active only: constant expression
  ByteRange payload;
};

struct CustomSection {
  std::string_view name;
  ByteRange payload;
};

// Entries of the name section (custom section "name", spec 7.4 appendix):
// function, local, type and field names, kept for diagnostics.
struct NameAssoc {
  uint32_t index;
  std::string_view name;
};
struct IndirectNameAssoc {  // e.g. local names: (funcidx, localidx) -> name
  uint32_t outer;
  uint32_t inner;
  std::string_view name;
};
struct NameSection {
  std::string_view module_name;
  std::vector<NameAssoc> functions;       // sorted by funcidx
  std::vector<IndirectNameAssoc> locals;  // sorted by (funcidx, localidx)
  std::vector<NameAssoc> types;
  std::vector<IndirectNameAssoc> fields;
  std::vector<NameAssoc> tags;
};

// Section ids (spec 5.5.2).
enum class SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5,
  kGlobal = 6, kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11,
  kDataCount = 12, kTag = 13,
};

struct SectionInfo {
  SectionId id;
  ByteRange range;  // payload of the section
};

// A slot for per-module state of an execution tier, made lazily by the tier
// (thread-safe: the first Install wins) and destroyed with the module. Copies
// of a module start with an empty slot.
struct TierCache {
  virtual ~TierCache() = default;
};
class TierCacheSlot {
 public:
  TierCacheSlot() = default;
  TierCacheSlot(const TierCacheSlot&) {}
  TierCacheSlot& operator=(const TierCacheSlot&) { return *this; }
  ~TierCacheSlot() { delete p_.load(std::memory_order_acquire); }
  TierCache* get() const { return p_.load(std::memory_order_acquire); }
  // Installs `c` unless the slot is already set; returns the installed cache.
  TierCache* Install(std::unique_ptr<TierCache> c) const {
    TierCache* expected = nullptr;
    if (p_.compare_exchange_strong(expected, c.get(), std::memory_order_acq_rel)) return c.release();
    return expected;
  }

 private:
  mutable std::atomic<TierCache*> p_{nullptr};
};

// The bytes of a module binary (what Module::bytes holds): an owned vector, or
// a read-only private mapping of a file. Mapping a big module costs a fraction
// of reading it (no zeroed pages to fill, no copy: the page cache's pages are
// mapped); `cascade run` maps files from 1 MiB up.
//
// Invariants: data() points at size() bytes that never change while this
// object lives. A mapped file must not be truncated while it is mapped (the
// kernel would fault the next access to a lost page, as for any mapped file).
// Copying a mapping copies its bytes into a vector.
class ModuleBytes {
 public:
  ModuleBytes() = default;
  ModuleBytes(std::vector<uint8_t> v) : vector_(std::move(v)) {}  // NOLINT: implicit on purpose
  ModuleBytes(const ModuleBytes& o) : vector_(o.begin(), o.end()) {}
  ModuleBytes(ModuleBytes&& o) noexcept { *this = std::move(o); }
  ModuleBytes& operator=(const ModuleBytes& o);
  ModuleBytes& operator=(ModuleBytes&& o) noexcept;
  ~ModuleBytes();

  // Maps the first `size` bytes of the open file `fd` read-only and private,
  // populated (its pages come from the page cache). Returns false with errno
  // set (the mmap failure) and leaves *out unchanged. `size` > 0, in bytes.
  static bool MapFile(int fd, size_t size, ModuleBytes* out);

  const uint8_t* data() const { return mapped_ ? mapped_ : vector_.data(); }
  size_t size() const { return mapped_ ? mapped_size_ : vector_.size(); }
  bool empty() const { return size() == 0; }
  bool mapped() const { return mapped_ != nullptr; }
  uint8_t operator[](size_t i) const { return data()[i]; }
  const uint8_t* begin() const { return data(); }
  const uint8_t* end() const { return data() + size(); }
  // The owned vector, to append to (tests building expressions in place).
  // Only for vector-backed bytes; copies a mapping into a vector first.
  std::vector<uint8_t>& vector();

 private:
  void Unmap();

  std::vector<uint8_t> vector_;
  const uint8_t* mapped_ = nullptr;
  size_t mapped_size_ = 0;
};

struct Module {
  ModuleBytes bytes;  // the binary; everything else points into it
  Features features;           // optional proposals this module was decoded with

  std::vector<SubType> types;
  std::vector<ValType> valtype_pool;
  std::vector<FieldType> field_pool;

  std::vector<Import> imports;
  std::vector<Function> funcs;
  std::vector<LocalDecl> local_decls;
  std::vector<Table> tables;
  std::vector<Memory> memories;
  std::vector<Global> globals;
  std::vector<Tag> tags;
  std::vector<Export> exports;
  std::vector<ElemSegment> elems;
  std::vector<uint32_t> elem_func_indices;  // pool for ElemSegment items (funcidx)
  std::vector<ByteRange> elem_exprs;        // pool for ElemSegment items (expressions)
  std::vector<DataSegment> datas;
  std::vector<CustomSection> customs;
  std::vector<SectionInfo> sections;  // every section in order, for `inspect`
  NameSection names;

  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  uint32_t num_imported_tags = 0;

  static constexpr uint32_t kNoStart = 0xFFFFFFFF;
  uint32_t start_func = kNoStart;
  bool has_data_count = false;
  uint32_t data_count = 0;

  // The interpreter's translated code of this module (engine/interp).
  TierCacheSlot interp_cache;
  // The baseline JIT's machine code of this module (jit/), shared by every
  // instance in every store and freed with the module.
  TierCacheSlot jit_cache;

  // --- accessors ---------------------------------------------------------
  std::span<const uint8_t> span(ByteRange r) const {
    return {bytes.data() + r.offset, r.size};
  }
  const SubType& type(uint32_t typeidx) const { return types[typeidx]; }
  std::span<const ValType> params(const SubType& t) const {
    return {valtype_pool.data() + t.pool_offset, t.param_count};
  }
  std::span<const ValType> results(const SubType& t) const {
    return {valtype_pool.data() + t.pool_offset + t.param_count, t.result_count};
  }
  std::span<const FieldType> fields(const SubType& t) const {
    return {field_pool.data() + t.pool_offset, t.field_count};
  }
  std::span<const LocalDecl> locals(const Function& f) const {
    return {local_decls.data() + f.locals_offset, f.local_decl_count};
  }
  // The function name from the name section, or an empty view.
  std::string_view function_name(uint32_t funcidx) const;
};

}  // namespace cascade
