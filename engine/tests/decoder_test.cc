// Unit tests for DecodeModule (spec 5 "Binary Format"): preamble, section framing
// and order, every section's entries, the 8 element segment encodings, limits
// flags, locals, name section, and malformed inputs with the spec's messages and
// byte offsets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/tests/module_builder.h"

using namespace cascade;
using cascade::test::ByteWriter;
using cascade::test::ModuleBuilder;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes Header() { return ModuleBuilder::Header(); }

struct Result {
  bool ok;
  Error error;
  Module module;
};

Result Decode(Bytes bytes, const Features& features = Features()) {
  Result r;
  r.ok = DecodeModule(std::move(bytes), &r.module, &r.error, features);
  return r;
}

// Decodes and expects failure with `message` (exact) at `offset`.
void ExpectError(Bytes bytes, const std::string& message, uint64_t offset,
                 const Features& features = Features()) {
  Result r = Decode(std::move(bytes), features);
  CHECK_FALSE(r.ok);
  CHECK(r.error.message == message);
  CHECK(r.error.offset == offset);
}

}  // namespace

TEST_CASE("preamble: magic and version") {
  ExpectError({}, "unexpected end", 0);
  ExpectError({0x00, 0x61, 0x73}, "unexpected end", 0);
  ExpectError({0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00}, "magic header not detected", 0);
  ExpectError({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00}, "unknown binary version", 4);
  ExpectError({0x00, 0x61, 0x73, 0x6D, 0x01, 0x00}, "unexpected end", 4);
  Result r = Decode(Header());
  CHECK(r.ok);
  CHECK(r.module.funcs.empty());
}

TEST_CASE("section framing errors") {
  // Unknown section id.
  ExpectError(Cat({Header(), {0x0E, 0x01, 0x00}}), "malformed section id", 8);
  ExpectError(Cat({Header(), {0x80, 0x01, 0x00}}), "malformed section id", 8);
  // Section size beyond the end of the file.
  ExpectError(Cat({Header(), {0x01, 0x07, 0x02, 0x60, 0x00, 0x00}}), "length out of bounds", 9);
  // Type section declares 1 type but contains 2.
  ExpectError(Cat({Header(), {0x01, 0x07, 0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00}}),
              "section size mismatch", 10);
  // Memory section claims one memory, holds none: end of file inside a section.
  ExpectError(Cat({Header(), {0x05, 0x01, 0x01}}), "unexpected end of section or function", 11);
  // Oversized LEB128 for a section size.
  ExpectError(Cat({Header(), {0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}}),
              "integer representation too long", 13);
}

TEST_CASE("section order") {
  // Function section after code section.
  ExpectError(Cat({Header(), {0x01, 0x04, 0x01, 0x60, 0x00, 0x00}, {0x0A, 0x01, 0x00},
                   {0x03, 0x01, 0x00}}),
              "unexpected content after last section", 17);
  // Duplicate global section.
  ExpectError(Cat({Header(), {0x06, 0x01, 0x00}, {0x06, 0x01, 0x00}}),
              "unexpected content after last section", 11);
  // Tag (13) goes between memory (5) and global (6); data count (12) between
  // element (9) and code (10). Custom sections may go anywhere.
  Result r = Decode(Cat({Header(), {0x00, 0x02, 0x01, 'a'}, {0x05, 0x01, 0x00},
                         {0x0D, 0x01, 0x00}, {0x06, 0x01, 0x00}, {0x00, 0x02, 0x01, 'b'},
                         {0x09, 0x01, 0x00}, {0x0C, 0x01, 0x00}, {0x0A, 0x01, 0x00}}));
  CHECK(r.ok);
  CHECK(r.module.customs.size() == 2);
  CHECK(r.module.sections.size() == 8);
  ExpectError(Cat({Header(), {0x06, 0x01, 0x00}, {0x0D, 0x01, 0x00}}),
              "unexpected content after last section", 11);
}

TEST_CASE("huge counts with few bytes fail fast without allocating") {
  // 4 billion functions in a 14-byte section.
  ExpectError(Cat({Header(), {0x03, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}}),
              "unexpected end of section or function", 15);
  ExpectError(Cat({Header(), {0x01, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}}),
              "unexpected end of section or function", 15);
  ExpectError(Cat({Header(), {0x0B, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}}),
              "unexpected end of section or function", 15);
  // A code section whose count disagrees with the function section.
  ExpectError(Cat({Header(), {0x0A, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}}),
              "unexpected end of section or function", 15);
}

TEST_CASE("function and code section counts") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  b.AddFunction(t, {0x0B});
  Bytes ok = b.Build();
  CHECK(Decode(ok).ok);
  // Function section only.
  ExpectError(Cat({Header(), {0x01, 0x04, 0x01, 0x60, 0x00, 0x00}, {0x03, 0x02, 0x01, 0x00}}),
              "function and code section have inconsistent lengths", 18);  // end of module
  // Code section only.
  ExpectError(Cat({Header(), {0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B}}),
              "function and code section have inconsistent lengths", 10);
}

TEST_CASE("code entries: locals and bodies as byte ranges") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({kWasmI32}, {kWasmI32});
  b.AddFunction(t, {0x20, 0x00, 0x0B}, {{2, kWasmI64}, {3, kWasmF32}});
  b.AddFunction(t, {0x20, 0x00, 0x0B});
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  REQUIRE(r.module.funcs.size() == 2);
  const Function& f = r.module.funcs[0];
  CHECK(f.num_locals == 5);
  CHECK(f.local_decl_count == 2);
  CHECK(r.module.locals(f)[1].count == 3);
  CHECK(r.module.locals(f)[1].type == kWasmF32);
  CHECK(f.body.size == 3);
  CHECK(r.module.bytes[f.body.offset] == 0x20);
  CHECK(r.module.bytes[f.body.end() - 1] == 0x0B);
  CHECK(r.module.funcs[1].num_locals == 0);
}

TEST_CASE("too many locals") {
  // 0xFFFFFFFF i32 + 2 i64 locals.
  Bytes m = Cat({Header(), {0x01, 0x04, 0x01, 0x60, 0x00, 0x00}, {0x03, 0x02, 0x01, 0x00},
                 {0x0A, 0x0C, 0x01, 0x0A, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E,
                  0x0B}});
  ExpectError(m, "too many locals", 22);  // the local declarations
  // Exactly 2^32 - 1 locals is within the spec's bound but beyond the
  // implementation limit of 50000 declared locals.
  Bytes m2 = Cat({Header(), {0x01, 0x04, 0x01, 0x60, 0x00, 0x00}, {0x03, 0x02, 0x01, 0x00},
                  {0x0A, 0x0A, 0x01, 0x08, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x0B}});
  ExpectError(m2, "too many locals", 22);
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  b.AddFunction(t, {0x0B}, {{25000, kWasmI32}, {25000, kWasmI64}});
  Result r = Decode(b.Build());
  CHECK(r.ok);
  CHECK(r.module.funcs[0].num_locals == 50000);
  ModuleBuilder b2;
  uint32_t t2 = b2.AddFuncType({}, {});
  b2.AddFunction(t2, {0x0B}, {{25000, kWasmI32}, {25001, kWasmI64}});
  CHECK_FALSE(Decode(b2.Build()).ok);
}

TEST_CASE("names: UTF-8 and lengths") {
  // Import with an invalid UTF-8 module name.
  ExpectError(Cat({Header(), {0x02, 0x07, 0x01, 0x01, 0xFF, 0x00, 0x00, 0x00, 0x00}}),
              "malformed UTF-8 encoding", 12);  // the name's bytes
  // Export name longer than the rest of the file.
  ExpectError(Cat({Header(), {0x07, 0x03, 0x01, 0x0A, 'a'}}), "length out of bounds", 11);
  // Malformed import kind.
  ExpectError(Cat({Header(), {0x02, 0x04, 0x01, 0x00, 0x00, 0x05}}), "malformed import kind", 13);
}

TEST_CASE("custom sections") {
  ModuleBuilder b;
  b.AddCustom("hello", {1, 2, 3});
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  REQUIRE(r.module.customs.size() == 1);
  CHECK(r.module.customs[0].name == "hello");
  CHECK(r.module.customs[0].payload.size == 3);
  // Empty custom section: the name is missing.
  ExpectError(Cat({Header(), {0x00, 0x00}}), "unexpected end of section or function", 10);
  // Name longer than the section.
  ExpectError(Cat({Header(), {0x00, 0x01, 0x05, 'a', 'b', 'c', 'd', 'e'}}),
              "unexpected end of section or function", 11);  // end of the section
}

TEST_CASE("types: rec groups, subtypes, struct and array") {
  ModuleBuilder b;
  // rec { (type $0 (sub (struct (field (mut i8)) (field (ref null $1)))))
  //       (type $1 (sub final $0 (struct ...))) }
  b.AddRawType({0x4E, 0x02,
                0x50, 0x00, 0x5F, 0x02, 0x78, 0x01, 0x63, 0x01, 0x00,
                0x4F, 0x01, 0x00, 0x5F, 0x02, 0x78, 0x01, 0x63, 0x01, 0x00},
               2);
  // (type $2 (array (mut i16)))
  b.AddRawType({0x5E, 0x77, 0x01});
  // (type $3 (func (param (ref $2) anyref) (result (ref null func))))
  b.AddRawType({0x60, 0x02, 0x64, 0x02, 0x6E, 0x01, 0x63, 0x70});
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  const Module& m = r.module;
  REQUIRE(m.types.size() == 4);
  CHECK(m.types[0].rec_group_start == 0);
  CHECK(m.types[0].rec_group_size == 2);
  CHECK(m.types[1].rec_group_start == 0);
  CHECK_FALSE(m.types[0].is_final);
  CHECK(m.types[1].is_final);
  CHECK(m.types[1].supertype == 0);
  CHECK(m.types[0].supertype == SubType::kNoSupertype);
  CHECK(m.types[0].kind == CompositeKind::kStruct);
  auto f0 = m.fields(m.types[0]);
  REQUIRE(f0.size() == 2);
  CHECK(f0[0].type == kWasmI8);
  CHECK(f0[0].mut);
  CHECK(f0[1].type == ValType::Ref(HeapType::Index(1), true));
  CHECK_FALSE(f0[1].mut);
  CHECK(m.types[2].kind == CompositeKind::kArray);
  CHECK(m.types[2].rec_group_start == 2);
  CHECK(m.fields(m.types[2])[0].type == kWasmI16);
  CHECK(m.types[3].kind == CompositeKind::kFunc);
  auto p = m.params(m.types[3]);
  REQUIRE(p.size() == 2);
  CHECK(p[0] == ValType::Ref(HeapType::Index(2), false));
  CHECK(p[1] == kWasmAnyRef);
  CHECK(m.results(m.types[3])[0] == kWasmFuncRef);
}

TEST_CASE("types: malformed") {
  // Bad mutability in an array type (core/gc/binary-gc.wast).
  ExpectError(Cat({Header(), {0x01, 0x04, 0x01, 0x5E, 0x78, 0x02}}), "malformed mutability", 13);
  // Composite type form encoded as a 2-byte LEB.
  ExpectError(Cat({Header(), {0x01, 0x05, 0x01, 0xE0, 0x7F, 0x00, 0x00}}),
              "integer representation too long", 11);
  // Unknown value type.
  ExpectError(Cat({Header(), {0x01, 0x05, 0x01, 0x60, 0x01, 0x40, 0x00}}),
              "malformed reference type", 13);
  // Unknown abstract heap type after 0x63.
  ExpectError(Cat({Header(), {0x01, 0x06, 0x01, 0x60, 0x01, 0x63, 0x50, 0x00}}),
              "malformed heap type", 14);
}

TEST_CASE("limits: memory64, table64, shared, custom page sizes") {
  ModuleBuilder b;
  b.AddTable(kWasmFuncRef, 1, 10, /*is64=*/true);
  b.AddMemory(1, 2, /*shared=*/true);
  b.AddMemory(3, std::nullopt, false, /*is64=*/true);
  b.AddMemory(0, 100, false, false, /*page_size_log2=*/0);
  // Custom page sizes are an opt-in proposal: without it flag bit 3 is malformed.
  Result core = Decode(b.Build());
  CHECK_FALSE(core.ok);
  CHECK(core.error.message == "malformed limits flags");
  Result r = Decode(b.Build(), Features::All());
  REQUIRE(r.ok);
  const Module& m = r.module;
  CHECK(m.tables[0].limits.is64);
  CHECK(m.tables[0].limits.max == 10);
  CHECK(m.memories[0].limits.shared);
  CHECK(m.memories[0].limits.has_max);
  CHECK(m.memories[1].limits.is64);
  CHECK(m.memories[1].limits.min == 3);
  CHECK_FALSE(m.memories[1].limits.has_max);
  CHECK(m.memories[2].limits.page_size_log2 == 0);
  CHECK(m.memories[0].limits.page_size_log2 == 16);
  // Table flags may not use the shared or page-size bits.
  ExpectError(Cat({Header(), {0x04, 0x03, 0x01, 0x70, 0x08}}), "malformed limits flags", 12);
  ExpectError(Cat({Header(), {0x05, 0x02, 0x01, 0x10}}), "malformed limits flags", 11);
  // Page size 2^65.
  ExpectError(Cat({Header(), {0x05, 0x04, 0x01, 0x08, 0x00, 0x41}}), "invalid custom page size",
              13, Features::All());
  // Memory limits are u64 in the binary: an 11-byte LEB is too long.
  ExpectError(Cat({Header(), {0x05, 0x0D, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                              0x80, 0x80, 0x80, 0x00}}),
              "integer representation too long", 21);
}

TEST_CASE("tables with initializer expressions") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  uint32_t f = b.AddFunction(t, {0x0B});
  b.AddTableWithInit(ValType::Ref(HeapType::kFunc, false), 1, std::nullopt,
                     ModuleBuilder::RefFunc(f));
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  CHECK(r.module.tables[0].has_init);
  CHECK(r.module.tables[0].init.size == 3);
  CHECK(r.module.funcs[0].declared);
}

TEST_CASE("globals, exports, start, tags, imports") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  uint32_t ti = b.AddFuncType({kWasmI32}, {});
  b.ImportFunc("env", "f", t);
  b.ImportGlobal("env", "g", kWasmI64, true);
  b.ImportTag("env", "e", ti);
  b.ImportMemory("env", "m", 1, 2, true);
  b.ImportTable("env", "t", kWasmExternRef, 0);
  uint32_t f = b.AddFunction(t, {0x0B});
  uint32_t g = b.AddGlobal(kWasmI32, false, ModuleBuilder::I32Const(-5));
  b.AddGlobal(kWasmFuncRef, false, ModuleBuilder::RefFunc(f));
  b.AddTag(ti);
  b.AddExport("run", ExternKind::kFunc, f);
  b.AddExport("g", ExternKind::kGlobal, g);
  b.SetStart(f);
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  const Module& m = r.module;
  CHECK(m.imports.size() == 5);
  CHECK(m.imports[0].module == "env");
  CHECK(m.imports[2].kind == ExternKind::kTag);
  CHECK(m.num_imported_funcs == 1);
  CHECK(m.num_imported_globals == 1);
  CHECK(m.num_imported_tags == 1);
  CHECK(m.num_imported_memories == 1);
  CHECK(m.num_imported_tables == 1);
  CHECK(m.funcs.size() == 2);
  CHECK(m.funcs[0].imported);
  CHECK(m.globals.size() == 3);
  CHECK(m.globals[0].mut);
  CHECK(m.globals[1].init.size == 3);  // i32.const -5; end
  CHECK(m.tags.size() == 2);
  CHECK(m.tags[1].type_index == ti);
  CHECK(m.exports[0].name == "run");
  CHECK(m.start_func == f);
  CHECK(m.funcs[f].declared);     // exported and ref.func'ed
  CHECK_FALSE(m.funcs[0].declared);
  ExpectError(Cat({Header(), {0x06, 0x04, 0x01, 0x7F, 0x02, 0x0B}}), "malformed mutability", 12);
  // Global initializer without `end`.
  ExpectError(Cat({Header(), {0x06, 0x05, 0x01, 0x7F, 0x00, 0x41, 0x00}}),
              "unexpected end of section or function", 15);
  // Unknown opcode in a constant expression.
  ExpectError(Cat({Header(), {0x06, 0x05, 0x01, 0x7F, 0x00, 0xF3, 0x0B}}), "illegal opcode f3",
              13);
}

TEST_CASE("all 8 element segment encodings") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  for (int i = 0; i < 4; ++i) b.AddFunction(t, {0x0B});
  b.AddTable(kWasmFuncRef, 10);
  // 0: active table 0, offset, vec(funcidx)
  b.AddRawElem({0x00, 0x41, 0x00, 0x0B, 0x01, 0x00});
  // 1: passive, elemkind, vec(funcidx)
  b.AddRawElem({0x01, 0x00, 0x01, 0x01});
  // 2: active table x, offset, elemkind, vec(funcidx)
  b.AddRawElem({0x02, 0x00, 0x41, 0x01, 0x0B, 0x00, 0x02, 0x00, 0x01});
  // 3: declarative, elemkind, vec(funcidx)
  b.AddRawElem({0x03, 0x00, 0x01, 0x02});
  // 4: active table 0, offset, vec(expr)
  b.AddRawElem({0x04, 0x41, 0x02, 0x0B, 0x02, 0xD2, 0x03, 0x0B, 0xD0, 0x70, 0x0B});
  // 5: passive, reftype, vec(expr)
  b.AddRawElem({0x05, 0x70, 0x01, 0xD0, 0x70, 0x0B});
  // 6: active table x, offset, reftype, vec(expr)
  b.AddRawElem({0x06, 0x00, 0x41, 0x05, 0x0B, 0x64, 0x70, 0x01, 0xD2, 0x00, 0x0B});
  // 7: declarative, reftype, vec(expr)
  b.AddRawElem({0x07, 0x63, 0x70, 0x00});
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  const Module& m = r.module;
  REQUIRE(m.elems.size() == 8);
  const SegmentMode kModes[8] = {SegmentMode::kActive, SegmentMode::kPassive,
                                 SegmentMode::kActive, SegmentMode::kDeclarative,
                                 SegmentMode::kActive, SegmentMode::kPassive,
                                 SegmentMode::kActive, SegmentMode::kDeclarative};
  const uint32_t kCounts[8] = {1, 1, 2, 1, 2, 1, 1, 0};
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(m.elems[i].mode == kModes[i]);
    CHECK(m.elems[i].uses_exprs == (i >= 4));
    CHECK(m.elems[i].item_count == kCounts[i]);
  }
  CHECK(m.elems[0].elem_type == ValType::Ref(HeapType::kFunc, false));
  CHECK(m.elems[4].elem_type == kWasmFuncRef);
  CHECK(m.elems[6].elem_type == ValType::Ref(HeapType::kFunc, false));
  CHECK(m.elem_func_indices[m.elems[2].items_offset + 1] == 1);
  CHECK(m.elems[2].offset.size == 3);
  CHECK(m.elem_exprs.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(m.funcs[i].declared);
  // Flags 8 and a bad elemkind.
  ExpectError(Cat({Header(), {0x09, 0x02, 0x01, 0x08}}), "malformed elements segment kind", 11);
  ExpectError(Cat({Header(), {0x09, 0x04, 0x01, 0x01, 0x01, 0x00}}), "malformed element kind",
              12);
  // Reference type expected (flags 5 with i32).
  ExpectError(Cat({Header(), {0x09, 0x04, 0x01, 0x05, 0x7F, 0x00}}), "malformed reference type",
              12);
}

TEST_CASE("data segments and data count") {
  ModuleBuilder b;
  b.AddMemory(1);
  b.AddActiveData(ModuleBuilder::I32Const(8), {'h', 'i'});
  b.AddPassiveData({1, 2, 3});
  b.AddRawSection(0x00, {0x00});  // placeholder to keep a custom section (empty name)
  b.SetDataCount();
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  const Module& m = r.module;
  CHECK(m.has_data_count);
  CHECK(m.data_count == 2);
  REQUIRE(m.datas.size() == 2);
  CHECK(m.datas[0].mode == SegmentMode::kActive);
  CHECK(m.datas[0].payload.size == 2);
  CHECK(m.bytes[m.datas[0].payload.offset] == 'h');
  CHECK(m.datas[1].mode == SegmentMode::kPassive);
  // Explicit memory index (flags 2).
  Result r2 = Decode(Cat({Header(), {0x0B, 0x07, 0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00}}));
  REQUIRE(r2.ok);
  CHECK(r2.module.datas[0].memory_index == 1);
  // Count mismatch, missing data section.
  ExpectError(Cat({Header(), {0x0C, 0x01, 0x01}}),
              "data count and data section have inconsistent lengths", 11);
  ExpectError(Cat({Header(), {0x0C, 0x01, 0x03}, {0x0B, 0x05, 0x02, 0x01, 0x00, 0x01, 0x00}}),
              "data count and data section have inconsistent lengths", 18);
  // Payload longer than the file.
  ExpectError(Cat({Header(), {0x0B, 0x05, 0x01, 0x01, 0x07, 'a', 'b'}}),
              "unexpected end of section or function", 15);
  ExpectError(Cat({Header(), {0x0B, 0x02, 0x01, 0x03}}), "malformed data segment kind", 11);
}

TEST_CASE("name section") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  b.AddFunction(t, {0x0B});
  b.AddFunction(t, {0x0B});
  ByteWriter names;
  // module name
  ByteWriter sub0;
  sub0.name("mod");
  names.u8(0).u32(static_cast<uint32_t>(sub0.size())).raw(sub0.bytes);
  // function names (out of order on purpose: sorted on decode)
  ByteWriter sub1;
  sub1.u32(2).u32(1).name("second").u32(0).name("first");
  names.u8(1).u32(static_cast<uint32_t>(sub1.size())).raw(sub1.bytes);
  // local names
  ByteWriter sub2;
  sub2.u32(1).u32(0).u32(1).u32(0).name("x");
  names.u8(2).u32(static_cast<uint32_t>(sub2.size())).raw(sub2.bytes);
  // type names, field names, tag names
  ByteWriter sub4;
  sub4.u32(1).u32(0).name("sig");
  names.u8(4).u32(static_cast<uint32_t>(sub4.size())).raw(sub4.bytes);
  ByteWriter sub10;
  sub10.u32(1).u32(0).u32(2).u32(0).name("fx").u32(1).name("fy");
  names.u8(10).u32(static_cast<uint32_t>(sub10.size())).raw(sub10.bytes);
  ByteWriter sub11;
  sub11.u32(1).u32(3).name("boom");
  names.u8(11).u32(static_cast<uint32_t>(sub11.size())).raw(sub11.bytes);
  // an unknown subsection is skipped
  names.u8(42).u32(2).raw({0xFF, 0xFF});
  b.AddCustom("name", names.bytes);
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  REQUIRE(r.module.names.types.size() == 1);
  CHECK(r.module.names.types[0].name == "sig");
  REQUIRE(r.module.names.fields.size() == 2);
  CHECK(r.module.names.fields[1].inner == 1);
  CHECK(r.module.names.fields[1].name == "fy");
  REQUIRE(r.module.names.tags.size() == 1);
  CHECK(r.module.names.tags[0].index == 3);
  CHECK(r.module.names.module_name == "mod");
  CHECK(r.module.function_name(0) == "first");
  CHECK(r.module.function_name(1) == "second");
  CHECK(r.module.function_name(2).empty());
  REQUIRE(r.module.names.locals.size() == 1);
  CHECK(r.module.names.locals[0].name == "x");

  // A malformed name section does not fail the module.
  ModuleBuilder bad;
  bad.AddCustom("name", {0x01, 0x09, 0x01, 0x00, 0x05, 'a'});
  Result r2 = Decode(bad.Build());
  CHECK(r2.ok);
  CHECK(r2.module.names.functions.empty());
}

TEST_CASE("module builder round trip through the decoder") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({kWasmI32, kWasmI32}, {kWasmI32});
  uint32_t f = b.AddFunction(t, {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B});
  b.AddMemory(1, 1);
  b.AddExport("add", ExternKind::kFunc, f);
  b.AddActiveElem(ModuleBuilder::I32Const(0), {f});
  b.AddTable(kWasmFuncRef, 1, 1);
  Result r = Decode(b.Build());
  REQUIRE(r.ok);
  CHECK(r.module.types.size() == 1);
  CHECK(r.module.params(r.module.types[0]).size() == 2);
  CHECK(r.module.exports[0].name == "add");
  CHECK(r.module.elems.size() == 1);
}

TEST_CASE("bodies that overrun their declared size report what lies past them") {
  const Bytes prefix = Cat({Header(), {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                            {0x03, 0x02, 0x01, 0x00}, {0x05, 0x03, 0x01, 0x00, 0x01}});
  // Entry of 15 bytes whose i32.load offset LEB runs 11 bytes, past the entry.
  ExpectError(Cat({prefix, {0x0A, 0x11, 0x01, 0x0F, 0x01, 0x01, 0x7F, 0x41, 0x00, 0x28, 0x02,
                            0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
                            0x1A, 0x0B}}),
              "integer representation too long", 43);
  // Missing `end`: the spec's decoder takes the data section's id 0x0B as `end`.
  const Bytes no_mem = Cat({Header(), {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                            {0x03, 0x02, 0x01, 0x00}});
  ExpectError(Cat({no_mem, {0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x01, 0x1A},
                   {0x0B, 0x03, 0x01, 0x01, 0x00}}),
              "section size mismatch", 22);
  // Problems inside the body are left to the function validator.
  Result r = Decode(Cat({no_mem, {0x0A, 0x05, 0x01, 0x03, 0x00, 0x0B, 0x01}}));
  CHECK(r.ok);
  Result r2 = Decode(Cat({no_mem, {0x0A, 0x04, 0x01, 0x02, 0x00, 0x01}}));
  CHECK(r2.ok);
}
