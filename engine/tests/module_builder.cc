// ModuleBuilder: writes binary modules for unit tests (see module_builder.h).
#include "engine/tests/module_builder.h"

#include "engine/text/binary_writer.h"

namespace cascade::test {

ByteWriter& ByteWriter::u64(uint64_t v) {
  text::AppendUleb128(bytes, v);
  return *this;
}

ByteWriter& ByteWriter::s64(int64_t v) {
  text::AppendSleb128(bytes, v);
  return *this;
}

ByteWriter& ByteWriter::name(std::string_view s) {
  u32(static_cast<uint32_t>(s.size()));
  bytes.insert(bytes.end(), s.begin(), s.end());
  return *this;
}

ByteWriter& ByteWriter::heaptype(HeapType h) {
  if (h.is_abstract()) return u8(h.code());
  return s64(h.index());
}

ByteWriter& ByteWriter::valtype(ValType t) {
  switch (t.kind()) {
    case ValType::kI32: return u8(typecode::kI32);
    case ValType::kI64: return u8(typecode::kI64);
    case ValType::kF32: return u8(typecode::kF32);
    case ValType::kF64: return u8(typecode::kF64);
    case ValType::kV128: return u8(typecode::kV128);
    case ValType::kI8: return u8(typecode::kI8);
    case ValType::kI16: return u8(typecode::kI16);
    case ValType::kRef:
      if (t.is_nullable() && t.heap_type().is_abstract()) return heaptype(t.heap_type());
      u8(t.is_nullable() ? typecode::kRefNull : typecode::kRef);
      return heaptype(t.heap_type());
    default: return u8(0x00);
  }
}

uint32_t ModuleBuilder::AddFuncType(std::vector<ValType> params, std::vector<ValType> results) {
  ByteWriter& w = types_.w;
  w.u8(typecode::kFuncType).u32(static_cast<uint32_t>(params.size()));
  for (ValType t : params) w.valtype(t);
  w.u32(static_cast<uint32_t>(results.size()));
  for (ValType t : results) w.valtype(t);
  ++types_.count;
  return num_types_++;
}

uint32_t ModuleBuilder::AddRawType(std::vector<uint8_t> entry, uint32_t num_types) {
  types_.w.raw(entry);
  ++types_.count;
  const uint32_t first = num_types_;
  num_types_ += num_types;
  return first;
}

uint32_t ModuleBuilder::ImportFunc(std::string_view module, std::string_view name,
                                   uint32_t typeidx) {
  imports_.w.name(module).name(name).u8(0x00).u32(typeidx);
  ++imports_.count;
  return num_funcs_++;
}

void ModuleBuilder::WriteLimits(ByteWriter& w, uint8_t extra_flags, uint64_t min,
                                std::optional<uint64_t> max, bool shared, bool is64) {
  uint8_t flags = extra_flags;
  if (max) flags |= 0x01;
  if (shared) flags |= 0x02;
  if (is64) flags |= 0x04;
  w.u8(flags).u64(min);
  if (max) w.u64(*max);
}

uint32_t ModuleBuilder::ImportMemory(std::string_view module, std::string_view name,
                                     uint64_t min, std::optional<uint64_t> max, bool shared,
                                     bool is64) {
  imports_.w.name(module).name(name).u8(0x02);
  WriteLimits(imports_.w, 0, min, max, shared, is64);
  ++imports_.count;
  return num_memories_++;
}

uint32_t ModuleBuilder::ImportTable(std::string_view module, std::string_view name,
                                    ValType elem, uint64_t min, std::optional<uint64_t> max) {
  imports_.w.name(module).name(name).u8(0x01).valtype(elem);
  WriteLimits(imports_.w, 0, min, max, false, false);
  ++imports_.count;
  return num_tables_++;
}

uint32_t ModuleBuilder::ImportGlobal(std::string_view module, std::string_view name,
                                     ValType type, bool mut) {
  imports_.w.name(module).name(name).u8(0x03).valtype(type).u8(mut ? 1 : 0);
  ++imports_.count;
  return num_globals_++;
}

uint32_t ModuleBuilder::ImportTag(std::string_view module, std::string_view name,
                                  uint32_t typeidx) {
  imports_.w.name(module).name(name).u8(0x04).u8(0x00).u32(typeidx);
  ++imports_.count;
  return num_tags_++;
}

uint32_t ModuleBuilder::AddFunction(uint32_t typeidx, std::vector<uint8_t> body,
                                    std::vector<std::pair<uint32_t, ValType>> locals) {
  funcs_.w.u32(typeidx);
  ++funcs_.count;
  ByteWriter entry;
  entry.u32(static_cast<uint32_t>(locals.size()));
  for (auto& [n, t] : locals) entry.u32(n).valtype(t);
  entry.raw(body);
  codes_.w.u32(static_cast<uint32_t>(entry.size())).raw(entry.bytes);
  ++codes_.count;
  return num_funcs_++;
}

uint32_t ModuleBuilder::AddTable(ValType elem, uint64_t min, std::optional<uint64_t> max,
                                 bool is64) {
  tables_.w.valtype(elem);
  WriteLimits(tables_.w, 0, min, max, false, is64);
  ++tables_.count;
  return num_tables_++;
}

uint32_t ModuleBuilder::AddTableWithInit(ValType elem, uint64_t min,
                                         std::optional<uint64_t> max,
                                         std::vector<uint8_t> init) {
  tables_.w.u8(0x40).u8(0x00).valtype(elem);
  WriteLimits(tables_.w, 0, min, max, false, false);
  tables_.w.raw(init);
  ++tables_.count;
  return num_tables_++;
}

uint32_t ModuleBuilder::AddMemory(uint64_t min, std::optional<uint64_t> max, bool shared,
                                  bool is64, std::optional<uint32_t> page_size_log2) {
  WriteLimits(memories_.w, page_size_log2 ? 0x08 : 0x00, min, max, shared, is64);
  if (page_size_log2) memories_.w.u32(*page_size_log2);
  ++memories_.count;
  return num_memories_++;
}

uint32_t ModuleBuilder::AddGlobal(ValType type, bool mut, std::vector<uint8_t> init) {
  globals_.w.valtype(type).u8(mut ? 1 : 0).raw(init);
  ++globals_.count;
  return num_globals_++;
}

uint32_t ModuleBuilder::AddTag(uint32_t typeidx) {
  tags_.w.u8(0x00).u32(typeidx);
  ++tags_.count;
  return num_tags_++;
}

void ModuleBuilder::AddExport(std::string_view name, ExternKind kind, uint32_t index) {
  exports_.w.name(name).u8(static_cast<uint8_t>(kind)).u32(index);
  ++exports_.count;
}

void ModuleBuilder::AddActiveElem(std::vector<uint8_t> offset, std::vector<uint32_t> funcs) {
  elems_.w.u32(0).raw(offset).u32(static_cast<uint32_t>(funcs.size()));
  for (uint32_t f : funcs) elems_.w.u32(f);
  ++elems_.count;
}

void ModuleBuilder::AddRawElem(std::vector<uint8_t> entry) {
  elems_.w.raw(entry);
  ++elems_.count;
}

void ModuleBuilder::AddActiveData(std::vector<uint8_t> offset, std::vector<uint8_t> payload) {
  datas_.w.u32(0).raw(offset).u32(static_cast<uint32_t>(payload.size())).raw(payload);
  ++datas_.count;
}

void ModuleBuilder::AddPassiveData(std::vector<uint8_t> payload) {
  datas_.w.u32(1).u32(static_cast<uint32_t>(payload.size())).raw(payload);
  ++datas_.count;
}

void ModuleBuilder::AddCustom(std::string_view name, std::vector<uint8_t> payload) {
  ByteWriter w;
  w.name(name).raw(payload);
  trailing_.push_back(Section(0, w.bytes));
}

void ModuleBuilder::AddRawSection(uint8_t id, std::vector<uint8_t> payload) {
  trailing_.push_back(Section(id, payload));
}

std::vector<uint8_t> ModuleBuilder::Section(uint8_t id, std::span<const uint8_t> payload) {
  ByteWriter w;
  w.u8(id).u32(static_cast<uint32_t>(payload.size())).raw(payload);
  return std::move(w.bytes);
}

std::vector<uint8_t> ModuleBuilder::Header() {
  return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
}

std::vector<uint8_t> ModuleBuilder::Build() const {
  ByteWriter out;
  out.raw(Header());
  auto emit = [&](uint8_t id, const Vec& v) {
    if (v.count == 0) return;
    ByteWriter body;
    body.u32(v.count).raw(v.w.bytes);
    out.raw(Section(id, body.bytes));
  };
  emit(1, types_);
  emit(2, imports_);
  emit(3, funcs_);
  emit(4, tables_);
  emit(5, memories_);
  emit(13, tags_);
  emit(6, globals_);
  emit(7, exports_);
  if (start_) {
    ByteWriter body;
    body.u32(*start_);
    out.raw(Section(8, body.bytes));
  }
  emit(9, elems_);
  if (data_count_) {
    ByteWriter body;
    body.u32(data_count_value_ ? *data_count_value_ : datas_.count);
    out.raw(Section(12, body.bytes));
  }
  emit(10, codes_);
  emit(11, datas_);
  for (const auto& s : trailing_) out.raw(s);
  return std::move(out.bytes);
}

std::vector<uint8_t> ModuleBuilder::I32Const(int32_t v) {
  ByteWriter w;
  w.u8(0x41).s32(v).u8(0x0B);
  return std::move(w.bytes);
}

std::vector<uint8_t> ModuleBuilder::I64Const(int64_t v) {
  ByteWriter w;
  w.u8(0x42).s64(v).u8(0x0B);
  return std::move(w.bytes);
}

std::vector<uint8_t> ModuleBuilder::RefFunc(uint32_t funcidx) {
  ByteWriter w;
  w.u8(0xD2).u32(funcidx).u8(0x0B);
  return std::move(w.bytes);
}

std::vector<uint8_t> ModuleBuilder::RefNull(HeapType h) {
  ByteWriter w;
  w.u8(0xD0).heaptype(h).u8(0x0B);
  return std::move(w.bytes);
}

std::vector<uint8_t> ModuleBuilder::GlobalGet(uint32_t globalidx) {
  ByteWriter w;
  w.u8(0x23).u32(globalidx).u8(0x0B);
  return std::move(w.bytes);
}

}  // namespace cascade::test
