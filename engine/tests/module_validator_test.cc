// Unit tests for ValidateModule's module-level rules (spec 3.4): subtype
// declarations, type references, limits of tables and memories (memory64,
// table64, shared, custom page sizes), tags, globals, exports, start, element and
// data segments. Function bodies are covered by function_validator_test.cc.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/tests/module_builder.h"
#include "engine/validator.h"

using namespace cascade;
using cascade::test::ModuleBuilder;

namespace {

// Decodes (with every optional proposal, so custom page sizes decode) and
// validates; returns "" when valid, else the error message.
std::string Check(const ModuleBuilder& b) {
  Module m;
  Error e;
  if (!DecodeModule(b.Build(), &m, &e, Features::All())) return "malformed: " + e.message;
  if (!ValidateModule(m, &e)) return e.message;
  return "";
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

TEST_CASE("a simple valid module") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({kWasmI32}, {kWasmI32});
  uint32_t f = b.AddFunction(t, {0x20, 0x00, 0x0B});
  b.AddExport("id", ExternKind::kFunc, f);
  b.AddMemory(1, 2);
  b.AddTable(kWasmFuncRef, 1);
  b.AddActiveElem(ModuleBuilder::I32Const(0), {f});
  b.AddActiveData(ModuleBuilder::I32Const(0), {1, 2});
  b.AddGlobal(kWasmI32, true, ModuleBuilder::I32Const(7));
  CHECK(Check(b) == "");
}

TEST_CASE("subtype declarations") {
  {
    // Supertype is final (the default without `sub`).
    ModuleBuilder b;
    b.AddRawType({0x5F, 0x00});
    b.AddRawType({0x50, 0x01, 0x00, 0x5F, 0x00});
    CHECK(StartsWith(Check(b), "sub type"));
  }
  {
    // Open supertype: valid, also with width subtyping.
    ModuleBuilder b;
    b.AddRawType({0x50, 0x00, 0x5F, 0x01, 0x7F, 0x00});
    b.AddRawType({0x50, 0x01, 0x00, 0x5F, 0x02, 0x7F, 0x00, 0x7E, 0x01});
    CHECK(Check(b) == "");
  }
  {
    // Kind mismatch: struct declared as subtype of an array.
    ModuleBuilder b;
    b.AddRawType({0x50, 0x00, 0x5E, 0x7F, 0x00});
    b.AddRawType({0x50, 0x01, 0x00, 0x5F, 0x00});
    CHECK(StartsWith(Check(b), "sub type"));
  }
  {
    // Field type mismatch.
    ModuleBuilder b;
    b.AddRawType({0x50, 0x00, 0x5F, 0x01, 0x7F, 0x00});
    b.AddRawType({0x50, 0x01, 0x00, 0x5F, 0x01, 0x7E, 0x00});
    CHECK(StartsWith(Check(b), "sub type"));
  }
  {
    // Supertype index out of range, and a forward supertype in a rec group.
    ModuleBuilder b;
    b.AddRawType({0x50, 0x01, 0x05, 0x5F, 0x00});
    CHECK(StartsWith(Check(b), "unknown type"));
    ModuleBuilder b2;
    b2.AddRawType({0x4E, 0x02, 0x50, 0x01, 0x01, 0x5F, 0x00, 0x50, 0x00, 0x5F, 0x00}, 2);
    CHECK(StartsWith(Check(b2), "sub type"));
  }
  {
    // Recursive subtyping within one rec group is fine.
    // rec { $0 = (sub (struct (field (ref null $0))))
    //       $1 = (sub $0 (struct (field (ref null $1)))) }
    ModuleBuilder b;
    b.AddRawType({0x4E, 0x02, 0x50, 0x00, 0x5F, 0x01, 0x63, 0x00, 0x00,
                  0x50, 0x01, 0x00, 0x5F, 0x01, 0x63, 0x01, 0x00},
                 2);
    CHECK(Check(b) == "");
  }
}

TEST_CASE("type references must be in range") {
  ModuleBuilder b;
  b.AddRawType({0x60, 0x01, 0x64, 0x07, 0x00});  // (func (param (ref 7)))
  CHECK(StartsWith(Check(b), "unknown type"));
  // Forward reference to a later rec group.
  ModuleBuilder b2;
  b2.AddRawType({0x60, 0x01, 0x64, 0x01, 0x00});
  b2.AddRawType({0x60, 0x00, 0x00});
  CHECK(StartsWith(Check(b2), "unknown type"));
  // A function whose type is a struct.
  ModuleBuilder b3;
  uint32_t s = b3.AddRawType({0x5F, 0x00});
  b3.AddFunction(s, {0x0B});
  CHECK(StartsWith(Check(b3), "unknown type"));
  ModuleBuilder b4;
  b4.ImportFunc("m", "f", 3);
  CHECK(StartsWith(Check(b4), "unknown type"));
}

TEST_CASE("memory limits") {
  auto check_mem = [](uint64_t min, std::optional<uint64_t> max, bool shared = false,
                      bool is64 = false, std::optional<uint32_t> page = std::nullopt) {
    ModuleBuilder b;
    b.AddMemory(min, max, shared, is64, page);
    return Check(b);
  };
  CHECK(check_mem(0, 65536) == "");
  CHECK(check_mem(65537, std::nullopt) == "memory size must be at most 65536 pages (4GiB)");
  CHECK(check_mem(0, 65537) == "memory size must be at most 65536 pages (4GiB)");
  CHECK(check_mem(2, 1) == "size minimum must not be greater than maximum");
  CHECK(check_mem(1, std::nullopt, /*shared=*/true) == "shared memory must have maximum");
  CHECK(check_mem(1, 2, /*shared=*/true) == "");
  // memory64: up to 2^48 pages of 64 KiB.
  CHECK(check_mem(uint64_t{1} << 48, std::nullopt, false, true) == "");
  CHECK(StartsWith(check_mem((uint64_t{1} << 48) + 1, std::nullopt, false, true), "memory size"));
  // Custom page sizes: 1 byte or 64 KiB only; with 1-byte pages a memory32 may
  // have 2^32-1 pages, a memory64 2^64-1.
  CHECK(check_mem(0, 0xFFFFFFFFu, false, false, 0) == "");
  CHECK(StartsWith(check_mem(0, uint64_t{1} << 32, false, false, 0), "memory size"));
  CHECK(check_mem(0, ~uint64_t{0}, false, true, 0) == "");
  CHECK(check_mem(0, 1, false, false, 16) == "");
  CHECK(check_mem(0, 1, false, false, 12) == "invalid custom page size");
  // Imports are checked too.
  ModuleBuilder b;
  b.ImportMemory("m", "mem", 70000);
  CHECK(StartsWith(Check(b), "memory size"));
}

TEST_CASE("table limits and initializers") {
  {
    ModuleBuilder b;
    b.AddTable(kWasmFuncRef, 2, 1);
    CHECK(Check(b) == "size minimum must not be greater than maximum");
  }
  {
    ModuleBuilder b;
    b.AddTable(kWasmFuncRef, uint64_t{1} << 32);
    CHECK(StartsWith(Check(b), "table size"));
  }
  {
    ModuleBuilder b;
    b.AddTable(kWasmFuncRef, uint64_t{1} << 32, std::nullopt, /*is64=*/true);
    CHECK(Check(b) == "");
  }
  {
    // Non-nullable element type needs an initializer.
    ModuleBuilder b;
    b.AddTable(ValType::Ref(HeapType::kFunc, false), 1);
    CHECK(StartsWith(Check(b), "type mismatch"));
  }
}

TEST_CASE("tags") {
  ModuleBuilder b;
  uint32_t ok = b.AddFuncType({kWasmI32}, {});
  uint32_t bad = b.AddFuncType({}, {kWasmI32});
  b.AddTag(ok);
  CHECK(Check(b) == "");
  b.AddTag(bad);
  CHECK(Check(b) == "non-empty tag result type");
  ModuleBuilder b2;
  b2.AddTag(4);
  CHECK(StartsWith(Check(b2), "unknown type"));
}

TEST_CASE("exports") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  uint32_t f = b.AddFunction(t, {0x0B});
  b.AddExport("a", ExternKind::kFunc, f);
  b.AddExport("b", ExternKind::kFunc, f);
  CHECK(Check(b) == "");
  b.AddExport("a", ExternKind::kFunc, f);
  CHECK(Check(b) == "duplicate export name");
  auto one = [](ExternKind k) {
    ModuleBuilder b;
    b.AddExport("x", k, 0);
    return Check(b);
  };
  CHECK(StartsWith(one(ExternKind::kFunc), "unknown function"));
  CHECK(StartsWith(one(ExternKind::kTable), "unknown table"));
  CHECK(StartsWith(one(ExternKind::kMemory), "unknown memory"));
  CHECK(StartsWith(one(ExternKind::kGlobal), "unknown global"));
  CHECK(StartsWith(one(ExternKind::kTag), "unknown tag"));
}

TEST_CASE("start function") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({kWasmI32}, {});
  uint32_t f = b.AddFunction(t, {0x0B});
  b.SetStart(f);
  CHECK(StartsWith(Check(b), "start function"));
  ModuleBuilder b2;
  b2.SetStart(3);
  CHECK(StartsWith(Check(b2), "unknown function"));
  ModuleBuilder b3;
  uint32_t t3 = b3.AddFuncType({}, {});
  b3.SetStart(b3.AddFunction(t3, {0x0B}));
  CHECK(Check(b3) == "");
}

TEST_CASE("element segments") {
  {
    // Active segment without a table.
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    uint32_t f = b.AddFunction(t, {0x0B});
    b.AddActiveElem(ModuleBuilder::I32Const(0), {f});
    CHECK(StartsWith(Check(b), "unknown table"));
  }
  {
    // Unknown function index.
    ModuleBuilder b;
    b.AddTable(kWasmFuncRef, 1);
    b.AddActiveElem(ModuleBuilder::I32Const(0), {5});
    CHECK(StartsWith(Check(b), "unknown function"));
  }
  {
    // funcref segment into an externref table.
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    uint32_t f = b.AddFunction(t, {0x0B});
    b.AddTable(kWasmExternRef, 1);
    b.AddActiveElem(ModuleBuilder::I32Const(0), {f});
    CHECK(StartsWith(Check(b), "type mismatch"));
  }
  {
    // table64 offsets are i64.
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    uint32_t f = b.AddFunction(t, {0x0B});
    b.AddTable(kWasmFuncRef, 1, std::nullopt, /*is64=*/true);
    b.AddActiveElem(ModuleBuilder::I64Const(0), {f});
    CHECK(Check(b) == "");
    ModuleBuilder b2;
    uint32_t t2 = b2.AddFuncType({}, {});
    uint32_t f2 = b2.AddFunction(t2, {0x0B});
    b2.AddTable(kWasmFuncRef, 1, std::nullopt, /*is64=*/true);
    b2.AddActiveElem(ModuleBuilder::I32Const(0), {f2});
    CHECK(StartsWith(Check(b2), "type mismatch"));
  }
  {
    // Passive expression segment of externref with ref.null extern.
    ModuleBuilder b;
    b.AddRawElem({0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B});
    CHECK(Check(b) == "");
  }
}

TEST_CASE("data segments") {
  {
    ModuleBuilder b;
    b.AddActiveData(ModuleBuilder::I32Const(0), {1});
    CHECK(StartsWith(Check(b), "unknown memory"));
  }
  {
    ModuleBuilder b;
    b.AddMemory(1, std::nullopt, false, /*is64=*/true);
    b.AddActiveData(ModuleBuilder::I64Const(0), {1});
    CHECK(Check(b) == "");
  }
  {
    ModuleBuilder b;
    b.AddMemory(1);
    b.AddActiveData(ModuleBuilder::I64Const(0), {1});
    CHECK(StartsWith(Check(b), "type mismatch"));
  }
}

TEST_CASE("globals") {
  {
    ModuleBuilder b;
    b.AddGlobal(kWasmI32, false, ModuleBuilder::I64Const(0));
    CHECK(StartsWith(Check(b), "type mismatch"));
  }
  {
    // A global may read an earlier immutable global.
    ModuleBuilder b;
    uint32_t g = b.AddGlobal(kWasmI32, false, ModuleBuilder::I32Const(1));
    b.AddGlobal(kWasmI32, false, ModuleBuilder::GlobalGet(g));
    CHECK(Check(b) == "");
  }
  {
    // ...but not itself or a later one.
    ModuleBuilder b;
    b.AddGlobal(kWasmI32, false, ModuleBuilder::GlobalGet(0));
    CHECK(StartsWith(Check(b), "unknown global"));
  }
}

TEST_CASE("type canonical ids are set") {
  ModuleBuilder b;
  uint32_t t0 = b.AddFuncType({kWasmI32}, {});
  uint32_t t1 = b.AddFuncType({kWasmI32}, {});
  Module m;
  Error e;
  REQUIRE(DecodeModule(b.Build(), &m, &e));
  REQUIRE(ValidateModule(m, &e));
  CHECK(m.types[t0].canonical_id == m.types[t1].canonical_id);
}

TEST_CASE("large modules: parallel body validation reports the first failing function") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  std::vector<uint8_t> body(100, 0x01);  // 100 nops
  body.push_back(0x0B);
  std::vector<uint8_t> bad = body;
  bad[50] = 0x1A;  // drop on an empty stack
  constexpr uint32_t kFuncs = 12000;  // ~1.2 MB of code
  for (uint32_t i = 0; i < kFuncs; ++i) {
    b.AddFunction(t, (i == 7000 || i == 11000) ? bad : body);
  }
  Module m;
  Error e;
  REQUIRE(DecodeModule(b.Build(), &m, &e));
  CHECK_FALSE(ValidateModule(m, &e));
  const ByteRange r = m.funcs[7000].body;
  CHECK(e.offset >= r.offset);
  CHECK(e.offset < r.end());
  // And a valid large module passes.
  ModuleBuilder ok;
  uint32_t t2 = ok.AddFuncType({}, {});
  for (uint32_t i = 0; i < kFuncs; ++i) ok.AddFunction(t2, body);
  Module m2;
  REQUIRE(DecodeModule(ok.Build(), &m2, &e));
  CHECK(ValidateModule(m2, &e));
}
