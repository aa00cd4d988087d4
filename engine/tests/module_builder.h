// A tiny programmatic writer of binary modules for unit tests (spec 5 "Binary
// Format"). Tests build a module section by section instead of hand-writing hex:
//
//   ModuleBuilder b;
//   uint32_t t = b.AddFuncType({kWasmI32}, {kWasmI32});
//   uint32_t f = b.AddFunction(t, {0x20, 0x00, 0x0B});   // local.get 0; end
//   b.AddExport("id", ExternKind::kFunc, f);
//   std::vector<uint8_t> wasm = b.Build();
//
// Invariants: Build() emits the known sections in the spec's required order
// (type, import, function, table, memory, tag, global, export, start, element,
// data count, code, data), each with a correct LEB128 size, and omits empty
// ones. Custom and raw sections are emitted after them, in insertion order, so
// tests can also append deliberately malformed content. Nothing is validated:
// the builder writes whatever it is told.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/module.h"
#include "engine/value_type.h"

namespace cascade::test {

// A growable byte buffer with the binary format's primitive writers.
class ByteWriter {
 public:
  std::vector<uint8_t> bytes;

  ByteWriter& u8(uint8_t b) { bytes.push_back(b); return *this; }
  ByteWriter& raw(std::span<const uint8_t> b) {
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
  ByteWriter& raw(std::initializer_list<uint8_t> b) {
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
  ByteWriter& u32(uint32_t v) { return u64(v); }  // unsigned LEB128, minimal length
  ByteWriter& u64(uint64_t v);
  ByteWriter& s32(int32_t v) { return s64(v); }   // signed LEB128, minimal length
  ByteWriter& s64(int64_t v);
  ByteWriter& name(std::string_view s);           // u32 length + bytes
  // A value type: numeric code, funcref/externref... shorthands for nullable
  // abstract references, 0x63/0x64 + heap type (s33) otherwise.
  ByteWriter& valtype(ValType t);
  ByteWriter& heaptype(HeapType h);
  size_t size() const { return bytes.size(); }
};


class ModuleBuilder {
 public:
  // --- types ------------------------------------------------------------
  // Adds `(type (func params results))` as its own rec group; returns typeidx.
  uint32_t AddFuncType(std::vector<ValType> params, std::vector<ValType> results);
  // Adds a raw type-section entry (e.g. a whole `rec` group: 0x4E n subtypes...)
  // declaring `num_types` types; returns the typeidx of the first.
  uint32_t AddRawType(std::vector<uint8_t> entry, uint32_t num_types = 1);

  // --- imports (must precede definitions of the same kind) ---------------
  uint32_t ImportFunc(std::string_view module, std::string_view name, uint32_t typeidx);
  uint32_t ImportMemory(std::string_view module, std::string_view name, uint64_t min,
                        std::optional<uint64_t> max = std::nullopt, bool shared = false,
                        bool is64 = false);
  uint32_t ImportTable(std::string_view module, std::string_view name, ValType elem,
                       uint64_t min, std::optional<uint64_t> max = std::nullopt);
  uint32_t ImportGlobal(std::string_view module, std::string_view name, ValType type,
                        bool mut = false);
  uint32_t ImportTag(std::string_view module, std::string_view name, uint32_t typeidx);

  // --- definitions -------------------------------------------------------
  // `body` is the instruction sequence including the final `end` (0x0B);
  // `locals` are (count, type) runs. Returns the funcidx.
  uint32_t AddFunction(uint32_t typeidx, std::vector<uint8_t> body,
                       std::vector<std::pair<uint32_t, ValType>> locals = {});
  uint32_t AddTable(ValType elem, uint64_t min, std::optional<uint64_t> max = std::nullopt,
                    bool is64 = false);
  // Table with an initializer expression (the 0x40 0x00 form); `init` ends in 0x0B.
  uint32_t AddTableWithInit(ValType elem, uint64_t min, std::optional<uint64_t> max,
                            std::vector<uint8_t> init);
  uint32_t AddMemory(uint64_t min, std::optional<uint64_t> max = std::nullopt,
                     bool shared = false, bool is64 = false,
                     std::optional<uint32_t> page_size_log2 = std::nullopt);
  // `init` is a constant expression including its `end`.
  uint32_t AddGlobal(ValType type, bool mut, std::vector<uint8_t> init);
  uint32_t AddTag(uint32_t typeidx);
  void AddExport(std::string_view name, ExternKind kind, uint32_t index);
  void SetStart(uint32_t funcidx) { start_ = funcidx; }
  // Element segment in MVP form (flags 0): active on table 0, funcidx items.
  void AddActiveElem(std::vector<uint8_t> offset, std::vector<uint32_t> funcs);
  // Element segment written verbatim after the flags-free count (entry bytes
  // start with the flags u32).
  void AddRawElem(std::vector<uint8_t> entry);
  // Active data segment on memory 0 (flags 0).
  void AddActiveData(std::vector<uint8_t> offset, std::vector<uint8_t> payload);
  void AddPassiveData(std::vector<uint8_t> payload);
  // Emits a data count section with the number of data segments (or `count`).
  void SetDataCount(std::optional<uint32_t> count = std::nullopt) {
    data_count_ = true;
    data_count_value_ = count;
  }
  void AddCustom(std::string_view name, std::vector<uint8_t> payload);
  // Appends section `id` with `payload` verbatim after the regular sections.
  void AddRawSection(uint8_t id, std::vector<uint8_t> payload);

  std::vector<uint8_t> Build() const;

  // Constant-expression helpers: `i32.const v; end` etc.
  static std::vector<uint8_t> I32Const(int32_t v);
  static std::vector<uint8_t> I64Const(int64_t v);
  static std::vector<uint8_t> RefFunc(uint32_t funcidx);
  static std::vector<uint8_t> RefNull(HeapType h);
  static std::vector<uint8_t> GlobalGet(uint32_t globalidx);

  // Wraps `payload` as a section: id, u32 size, payload.
  static std::vector<uint8_t> Section(uint8_t id, std::span<const uint8_t> payload);
  // The 8-byte preamble "\0asm" 1 0 0 0.
  static std::vector<uint8_t> Header();

 private:
  struct Vec {  // a vector section body: count + concatenated entries
    uint32_t count = 0;
    ByteWriter w;
  };
  static void WriteLimits(ByteWriter& w, uint8_t extra_flags, uint64_t min,
                          std::optional<uint64_t> max, bool shared, bool is64);

  Vec types_, imports_, funcs_, tables_, memories_, tags_, globals_, exports_, elems_,
      codes_, datas_;
  uint32_t num_types_ = 0, num_funcs_ = 0, num_tables_ = 0, num_memories_ = 0,
           num_globals_ = 0, num_tags_ = 0;
  std::optional<uint32_t> start_;
  bool data_count_ = false;
  std::optional<uint32_t> data_count_value_;
  std::vector<std::vector<uint8_t>> trailing_;  // custom and raw sections
};

}  // namespace cascade::test
