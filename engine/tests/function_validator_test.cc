// Unit tests for the opcode table, FunctionDecoder and ValidateFunction /
// ValidateConstExpr (spec 3.3 "Instructions"): hand-assembled bodies of every
// instruction family, valid and invalid, checking the spec's error wording.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/function_decoder.h"
#include "engine/opcodes.h"
#include "engine/tests/module_builder.h"
#include "engine/validator.h"

using namespace cascade;
using cascade::test::ModuleBuilder;

namespace {

using Bytes = std::vector<uint8_t>;

// Decodes `b` and validates every defined function body. Returns "" when all are
// valid, else the first error's message. Canonical ids are set to the typeidx
// (every test type is distinct) unless the test set them.
std::string ValidateAll(const ModuleBuilder& b, Module* out = nullptr, Error* err = nullptr) {
  Module m;
  Error e;
  if (!DecodeModule(b.Build(), &m, &e)) return "MALFORMED " + e.message;
  for (uint32_t i = 0; i < m.types.size(); ++i) m.types[i].canonical_id = i;
  std::string result;
  for (uint32_t f = m.num_imported_funcs; f < m.funcs.size(); ++f) {
    if (!ValidateFunction(m, f, &e)) {
      result = e.message;
      if (err) *err = e;
      break;
    }
  }
  if (out) *out = std::move(m);
  return result;
}

// One function of type `params -> results` with `body` (including `end`).
std::string Body(std::vector<ValType> params, std::vector<ValType> results, Bytes body,
                 std::vector<std::pair<uint32_t, ValType>> locals = {}) {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType(std::move(params), std::move(results));
  b.AddFunction(t, std::move(body), std::move(locals));
  return ValidateAll(b);
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

// ------------------------------------------------------------------ opcodes
TEST_CASE("opcode table: binary and text lookups agree") {
  CHECK(kOpcodeCount > 560);
  for (uint32_t i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = kOpcodeInfo[i];
    CHECK(LookupOpcode(info.prefix, info.code) == static_cast<Opcode>(i));
    auto byname = LookupOpcodeByName(info.name);
    REQUIRE(byname.has_value());
    CHECK(std::string(OpcodeName(*byname)) == info.name);
    if (info.imm == ImmKind::kMemarg || info.imm == ImmKind::kMemargLane) {
      CHECK(info.has_sig);
      CHECK(info.sig.params[0] == kSigAddr);
    }
  }
  CHECK(LookupOpcodeByName("i32.add") == Opcode::kI32Add);
  CHECK(LookupOpcodeByName("ref.test") == Opcode::kRefTest);
  CHECK(LookupOpcodeByName("memory.atomic.wait32") == Opcode::kMemoryAtomicWait32);
  CHECK(LookupOpcodeByName("i32.atomic.rmw8.add_u") == Opcode::kI32AtomicRmw8AddU);
  CHECK_FALSE(LookupOpcodeByName("i32.bogus").has_value());
  CHECK(LookupOpcode(0xFD, 0x113) == Opcode::kI32x4RelaxedDotI8x16I7x16AddS);
  CHECK(LookupOpcode(0xFD, 0x9A) == Opcode::kInvalid);
  CHECK(LookupOpcode(0, 0x27) == Opcode::kInvalid);
  const OpcodeInfo& add = GetOpcodeInfo(Opcode::kI64Add);
  CHECK(add.sig.num_params == 2);
  CHECK(add.sig.results[0] == ValType::kI64);
  CHECK(GetOpcodeInfo(Opcode::kV128Load64Lane).align_log2 == 3);
  CHECK(GetOpcodeInfo(Opcode::kI64Add128).sig.num_results == 2);
}

TEST_CASE("opcode table: SIMD has all 236 core + 20 relaxed instructions") {
  int simd = 0;
  for (uint32_t i = 0; i < kOpcodeCount; ++i) simd += kOpcodeInfo[i].prefix == kPrefixSimd;
  CHECK(simd == 256);
}

// ------------------------------------------------------------- numeric ops
TEST_CASE("numeric instructions") {
  CHECK(Body({kWasmI32, kWasmI32}, {kWasmI32}, {0x20, 0, 0x20, 1, 0x6A, 0x0B}) == "");
  CHECK(StartsWith(Body({kWasmI32, kWasmI64}, {kWasmI32}, {0x20, 0, 0x20, 1, 0x6A, 0x0B}),
                   "type mismatch"));
  CHECK(Body({}, {kWasmI32}, {0x41, 0x80, 0x80, 0x04, 0x0B}) == "");  // multi-byte i32.const
  CHECK(StartsWith(Body({}, {kWasmI32}, {0x6A, 0x0B}), "type mismatch"));
  CHECK(StartsWith(Body({}, {}, {0x41, 0, 0x0B}), "type mismatch: block requires []"));
  CHECK(Body({}, {kWasmF64}, {0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B}) == "");
  CHECK(Body({}, {kWasmI32}, {0x43, 0, 0, 0, 0, 0xFC, 0x00, 0x0B}) == "");  // trunc_sat
  // wide arithmetic: two results
  CHECK(Body({}, {kWasmI64, kWasmI64},
             {0x42, 1, 0x42, 2, 0x42, 3, 0x42, 4, 0xFC, 19, 0x0B}) == "");
}

TEST_CASE("malformed bodies: illegal opcodes, missing end, trailing bytes") {
  CHECK(StartsWith(Body({}, {}, {0x27, 0x0B}), "illegal opcode"));
  CHECK(StartsWith(Body({}, {}, {0xFD, 0x9A, 0x01, 0x0B}), "illegal opcode"));
  CHECK(Body({}, {}, {0x01}) == "unexpected end of section or function");
  CHECK(Body({}, {}, {0x0B, 0x01}) == "END opcode expected");
  CHECK(Body({}, {kWasmI32}, {0x41}) == "unexpected end of section or function");
}

TEST_CASE("errors carry the offset of the offending instruction") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  b.AddFunction(t, {0x01, 0x01, 0x6A, 0x0B});
  Error e;
  Module m;
  CHECK(StartsWith(ValidateAll(b, &m, &e), "type mismatch"));
  CHECK(e.offset == m.funcs[0].body.offset + 2);
}

// ---------------------------------------------------------------- control
TEST_CASE("blocks, loops and if with block types") {
  // block (result i32) i32.const 1 end
  CHECK(Body({}, {kWasmI32}, {0x02, 0x7F, 0x41, 1, 0x0B, 0x0B}) == "");
  CHECK(StartsWith(Body({}, {kWasmI32}, {0x02, 0x7F, 0x0B, 0x0B}), "type mismatch"));
  // if without else must have matching params/results
  CHECK(StartsWith(Body({}, {kWasmI32}, {0x41, 1, 0x04, 0x7F, 0x41, 1, 0x0B, 0x0B}),
                   "type mismatch"));
  CHECK(Body({}, {kWasmI32}, {0x41, 1, 0x04, 0x7F, 0x41, 1, 0x05, 0x41, 2, 0x0B, 0x0B}) == "");
  // multi-value block type by typeidx: [i32] -> [i32 i32]
  ModuleBuilder b;
  uint32_t t0 = b.AddFuncType({}, {kWasmI32, kWasmI32});
  uint32_t bt = b.AddFuncType({kWasmI32}, {kWasmI32, kWasmI32});
  b.AddFunction(t0, {0x41, 7, 0x02, static_cast<uint8_t>(bt), 0x41, 8, 0x0B, 0x0B});
  CHECK(ValidateAll(b) == "");
  CHECK(StartsWith(Body({}, {}, {0x02, 0x33, 0x0B, 0x0B}), "unknown type"));
  // loop label carries the params
  CHECK(Body({}, {}, {0x03, 0x40, 0x0C, 0, 0x0B, 0x0B}) == "");
  CHECK(StartsWith(Body({}, {}, {0x0C, 1, 0x0B}), "unknown label"));
}

TEST_CASE("branches and the polymorphic stack") {
  // unreachable makes the stack polymorphic: i32.add pops bottoms
  CHECK(Body({}, {kWasmI32}, {0x00, 0x6A, 0x0B}) == "");
  // but concrete values still must match
  CHECK(StartsWith(Body({}, {kWasmI32}, {0x00, 0x42, 0, 0x6A, 0x0B}), "type mismatch"));
  // br_if keeps the label values
  CHECK(Body({}, {kWasmI32}, {0x02, 0x7F, 0x41, 1, 0x41, 0, 0x0D, 0, 0x0B, 0x0B}) == "");
  // br_table: all targets same arity
  CHECK(Body({}, {}, {0x02, 0x40, 0x41, 0, 0x0E, 1, 0, 1, 0x0B, 0x0B}) == "");
  CHECK(StartsWith(
      Body({}, {kWasmI32},
           {0x02, 0x40, 0x41, 0, 0x41, 0, 0x0E, 1, 0, 1, 0x0B, 0x41, 0, 0x0B}),
      "type mismatch"));
  CHECK(Body({}, {kWasmI32}, {0x41, 1, 0x0F, 0x0B}) == "");
  CHECK(StartsWith(Body({}, {kWasmI32}, {0x0F, 0x0B}), "type mismatch"));
  // a block inside dead code is type-checked normally
  CHECK(StartsWith(Body({}, {}, {0x00, 0x02, 0x40, 0x6A, 0x0B, 0x0B}), "type mismatch"));
}

TEST_CASE("select") {
  CHECK(Body({}, {kWasmI32}, {0x41, 1, 0x41, 2, 0x41, 0, 0x1B, 0x0B}) == "");
  CHECK(StartsWith(Body({}, {kWasmI32}, {0x41, 1, 0x42, 2, 0x41, 0, 0x1B, 0x0B}),
                   "type mismatch"));
  // untyped select on references is invalid; typed select is fine
  CHECK(StartsWith(Body({}, {}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0, 0x1B, 0x1A, 0x0B}),
                   "type mismatch"));
  CHECK(Body({}, {}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0, 0x1C, 1, 0x70, 0x1A, 0x0B}) == "");
  CHECK(Body({}, {}, {0x41, 0, 0x41, 0, 0x41, 0, 0x1C, 2, 0x7F, 0x7F, 0x1A, 0x0B}) ==
        "invalid result arity");
}

// -------------------------------------------------------------- variables
TEST_CASE("locals, including initialization of non-defaultable locals") {
  CHECK(Body({kWasmI32}, {kWasmI32}, {0x20, 0, 0x0B}) == "");
  CHECK(Body({kWasmI32}, {kWasmI32}, {0x20, 3, 0x0B}) == "unknown local 3");
  CHECK(Body({}, {kWasmI64}, {0x20, 0, 0x0B}, {{1, kWasmI64}}) == "");
  ValType nonnull_func = ValType::Ref(HeapType::kFunc, false);
  CHECK(Body({}, {}, {0x20, 0, 0x1A, 0x0B}, {{1, nonnull_func}}) == "uninitialized local");
  // local.set then local.get in the same block
  {
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    uint32_t f = b.AddFunction(t, {0xD2, 0, 0x21, 0, 0x20, 0, 0x1A, 0x0B}, {{1, nonnull_func}});
    b.AddRawElem({0x03, 0x00, 0x01, static_cast<uint8_t>(f)});  // elem declare func 0
    CHECK(ValidateAll(b) == "");
  }
  // initialization inside a block does not outlive the block
  {
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    uint32_t f = b.AddFunction(
        t, {0x02, 0x40, 0xD2, 0, 0x21, 0, 0x0B, 0x20, 0, 0x1A, 0x0B}, {{1, nonnull_func}});
    b.AddRawElem({0x03, 0x00, 0x01, static_cast<uint8_t>(f)});
    CHECK(ValidateAll(b) == "uninitialized local");
  }
}

TEST_CASE("globals") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  b.AddGlobal(kWasmI32, false, ModuleBuilder::I32Const(1));
  b.AddGlobal(kWasmI32, true, ModuleBuilder::I32Const(1));
  b.AddFunction(t, {0x23, 0, 0x24, 1, 0x0B});
  CHECK(ValidateAll(b) == "");
  ModuleBuilder b2;
  t = b2.AddFuncType({}, {});
  b2.AddGlobal(kWasmI32, false, ModuleBuilder::I32Const(1));
  b2.AddFunction(t, {0x41, 0, 0x24, 0, 0x0B});
  CHECK(ValidateAll(b2) == "immutable global");
  ModuleBuilder b3;
  t = b3.AddFuncType({}, {});
  b3.AddFunction(t, {0x23, 2, 0x1A, 0x0B});
  CHECK(ValidateAll(b3) == "unknown global 2");
}

// ----------------------------------------------------------------- memory
TEST_CASE("memory instructions") {
  auto with_memory = [](Bytes body, bool is64 = false, bool shared = false) {
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    b.AddMemory(1, shared ? std::optional<uint64_t>(1) : std::nullopt, shared, is64);
    b.AddFunction(t, std::move(body));
    return ValidateAll(b);
  };
  CHECK(with_memory({0x41, 0, 0x28, 2, 0, 0x1A, 0x0B}) == "");
  CHECK(with_memory({0x41, 0, 0x28, 3, 0, 0x1A, 0x0B}) ==
        "alignment must not be larger than natural");
  CHECK(with_memory({0x41, 0, 0x28, 0x80, 0x01, 0, 0x1A, 0x0B}) == "malformed memop flags");
  CHECK(Body({}, {}, {0x41, 0, 0x28, 2, 0, 0x1A, 0x0B}) == "unknown memory 0");
  // offset beyond 32 bits on a 32-bit memory
  CHECK(with_memory({0x41, 0, 0x28, 2, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A, 0x0B}) ==
        "offset out of range");
  // memory64: the address is i64
  CHECK(with_memory({0x42, 0, 0x28, 2, 0, 0x1A, 0x0B}, true) == "");
  CHECK(StartsWith(with_memory({0x41, 0, 0x28, 2, 0, 0x1A, 0x0B}, true), "type mismatch"));
  CHECK(with_memory({0x3F, 0, 0x1A, 0x0B}) == "");
  CHECK(with_memory({0x3F, 0, 0x50, 0x1A, 0x0B}, true) == "");  // memory.size is i64
  CHECK(with_memory({0x3F, 1, 0x1A, 0x0B}) == "unknown memory 1");
  CHECK(with_memory({0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 11, 0, 0x0B}) == "");  // memory.fill
  // memory.init / data.drop need a data count section
  CHECK(with_memory({0xFC, 9, 0, 0x0B}) == "unknown data segment 0");
  {
    ModuleBuilder b;
    uint32_t t = b.AddFuncType({}, {});
    b.AddMemory(1);
    b.AddFunction(t, {0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 8, 0, 0, 0xFC, 9, 0, 0x0B});
    b.AddPassiveData({1, 2, 3});
    CHECK(ValidateAll(b) == "data count section required");
    b.SetDataCount();
    CHECK(ValidateAll(b) == "");
  }
  // atomics: alignment must equal natural; valid on unshared memories too
  CHECK(with_memory({0x41, 0, 0xFE, 0x10, 2, 0, 0x1A, 0x0B}) == "");
  CHECK(with_memory({0x41, 0, 0xFE, 0x10, 1, 0, 0x1A, 0x0B}) ==
        "atomic alignment must be natural");
  CHECK(with_memory({0x41, 0, 0x41, 0, 0x42, 0, 0xFE, 0x01, 2, 0, 0x1A, 0x0B}, false, true) ==
        "");
  CHECK(with_memory({0xFE, 0x03, 0x00, 0x0B}) == "");  // atomic.fence
}

TEST_CASE("multi-memory and memarg memory index") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  b.AddMemory(1);
  b.AddMemory(1, std::nullopt, false, true);
  // i64.load with memidx flag (bit 6) on memory 1 (64-bit)
  b.AddFunction(t, {0x42, 0, 0x29, 0x43, 1, 0, 0x1A,
                    // memory.copy 0 <- 1: [i32 i64 i32]
                    0x41, 0, 0x42, 0, 0x41, 0, 0xFC, 10, 0, 1, 0x0B});
  CHECK(ValidateAll(b) == "");
}

// ------------------------------------------------------------------- SIMD
TEST_CASE("SIMD lanes and shuffles") {
  Bytes v128 = {0xFD, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  auto with = [&](Bytes tail) {
    Bytes body = v128;
    body.insert(body.end(), tail.begin(), tail.end());
    return Body({}, {}, body);
  };
  CHECK(with({0xFD, 0x15, 15, 0x1A, 0x0B}) == "");  // i8x16.extract_lane_s 15
  CHECK(with({0xFD, 0x15, 16, 0x1A, 0x0B}) == "invalid lane index");
  CHECK(with({0xFD, 0x21, 1, 0x1A, 0x0B}) == "");  // f64x2.extract_lane 1
  CHECK(with({0xFD, 0x21, 2, 0x1A, 0x0B}) == "invalid lane index");
  Bytes shuffle = v128;
  shuffle.insert(shuffle.end(), v128.begin(), v128.end());
  shuffle.insert(shuffle.end(), {0xFD, 13});
  for (int i = 0; i < 16; ++i) shuffle.push_back(static_cast<uint8_t>(i * 2));
  Bytes bad = shuffle;
  shuffle.insert(shuffle.end(), {0x1A, 0x0B});
  CHECK(Body({}, {}, shuffle) == "");
  bad[bad.size() - 1] = 32;
  bad.insert(bad.end(), {0x1A, 0x0B});
  CHECK(Body({}, {}, bad) == "invalid lane index");
  // relaxed madd: three v128 operands
  Bytes madd = v128;
  for (int i = 0; i < 2; ++i) madd.insert(madd.end(), v128.begin(), v128.end());
  madd.insert(madd.end(), {0xFD, 0x85, 0x02, 0x1A, 0x0B});
  CHECK(Body({}, {}, madd) == "");
  // lane loads need a memory and check the lane against the access width
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  b.AddMemory(1);
  Bytes body = {0x41, 0};
  body.insert(body.end(), v128.begin(), v128.end());
  body.insert(body.end(), {0xFD, 0x57, 3, 0, 1, 0x1A, 0x0B});  // v128.load64_lane lane 1
  b.AddFunction(t, body);
  CHECK(ValidateAll(b) == "");
}

// ------------------------------------------------------------------ calls
TEST_CASE("calls, indirect calls and tail calls") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({kWasmI32}, {kWasmI64});
  uint32_t v = b.AddFuncType({}, {});
  b.AddTable(kWasmFuncRef, 1);
  b.AddFunction(t, {0x20, 0, 0x10, 0, 0x0B});                         // call 0
  b.AddFunction(t, {0x20, 0, 0x41, 0, 0x11, 0, 0, 0x0B});             // call_indirect
  b.AddFunction(t, {0x20, 0, 0x12, 0, 0x0B});                         // return_call
  b.AddFunction(v, {0x41, 0, 0x10, 0, 0x1A, 0x0B});
  CHECK(ValidateAll(b) == "");
  CHECK(Body({}, {}, {0x10, 5, 0x0B}) == "unknown function 5");
  CHECK(Body({}, {}, {0x41, 0, 0x11, 0, 0, 0x0B}) == "unknown table 0");
  // return_call: callee results must match the caller's
  ModuleBuilder b2;
  t = b2.AddFuncType({}, {kWasmI32});
  v = b2.AddFuncType({}, {});
  b2.AddFunction(t, {0x41, 0, 0x0B});
  b2.AddFunction(v, {0x12, 0, 0x0B});
  CHECK(ValidateAll(b2) == "type mismatch");
}

// ------------------------------------------------------------- references
TEST_CASE("reference instructions") {
  CHECK(Body({}, {kWasmI32}, {0xD0, 0x70, 0xD1, 0x0B}) == "");
  CHECK(StartsWith(Body({}, {kWasmI32}, {0x41, 0, 0xD1, 0x0B}), "type mismatch"));
  // ref.func requires a declaration
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {});
  b.AddFunction(t, {0xD2, 0, 0x1A, 0x0B});
  CHECK(ValidateAll(b) == "undeclared function reference");
  b.AddRawElem({0x03, 0x00, 0x01, 0x00});
  CHECK(ValidateAll(b) == "");
  // ref.as_non_null / br_on_null / br_on_non_null
  ValType nn_func = ValType::Ref(HeapType::kFunc, false);
  CHECK(Body({kWasmFuncRef}, {nn_func}, {0x20, 0, 0xD4, 0x0B}) == "");
  CHECK(StartsWith(Body({kWasmFuncRef}, {nn_func}, {0x20, 0, 0x0B}), "type mismatch"));
  CHECK(Body({kWasmFuncRef}, {}, {0x02, 0x40, 0x20, 0, 0xD5, 0, 0x1A, 0x0B, 0x0B}) == "");
  CHECK(Body({kWasmFuncRef}, {nn_func}, {0x02, 0x64, 0x70, 0x20, 0, 0xD6, 0, 0x00, 0x0B, 0x0B}) ==
        "");
  CHECK(StartsWith(Body({kWasmFuncRef}, {}, {0x20, 0, 0xD6, 0, 0x0B}), "type mismatch"));
  // call_ref through a typed function reference
  ModuleBuilder b2;
  t = b2.AddFuncType({kWasmI32}, {kWasmI32});
  uint32_t caller = b2.AddFuncType({kWasmI32, ValType::Ref(HeapType::Index(t), true)},
                                   {kWasmI32});
  b2.AddFunction(caller, {0x20, 0, 0x20, 1, 0x14, static_cast<uint8_t>(t), 0x0B});
  CHECK(ValidateAll(b2) == "");
}

// --------------------------------------------------------------------- GC
namespace {
// (type (struct (field i32) (field (mut i8))))  and (type (array (mut i16)))
// and (type (array i32)), (type (sub (struct))) with subtype (sub 3 (struct i32)).
void AddGCTypes(ModuleBuilder& b) {
  b.AddRawType({0x5F, 2, 0x7F, 0x00, 0x78, 0x01});  // 0: struct {i32, mut i8}
  b.AddRawType({0x5E, 0x77, 0x01});                 // 1: array (mut i16)
  b.AddRawType({0x5E, 0x7F, 0x00});                 // 2: array i32 (immutable)
  b.AddRawType({0x50, 0x00, 0x5F, 0x00});           // 3: sub struct {}
  b.AddRawType({0x50, 0x01, 0x03, 0x5F, 0x01, 0x7F, 0x00});  // 4: sub 3 struct {i32}
}
std::string GC(Bytes body, std::vector<ValType> results = {}, std::vector<ValType> params = {}) {
  ModuleBuilder b;
  AddGCTypes(b);
  uint32_t t = b.AddFuncType(std::move(params), std::move(results));
  b.AddFunction(t, std::move(body));
  return ValidateAll(b);
}
ValType Ref(uint32_t typeidx, bool nullable = false) {
  return ValType::Ref(HeapType::Index(typeidx), nullable);
}
}  // namespace

TEST_CASE("GC structs") {
  CHECK(GC({0x41, 1, 0x41, 2, 0xFB, 0, 0, 0x0B}, {Ref(0)}) == "");
  CHECK(GC({0xFB, 1, 0, 0x0B}, {Ref(0)}) == "");
  // struct.get of a packed field needs _s/_u
  CHECK(GC({0xFB, 1, 0, 0xFB, 3, 0, 1, 0x0B}, {kWasmI32}) == "");
  CHECK(GC({0xFB, 1, 0, 0xFB, 2, 0, 1, 0x0B}, {kWasmI32}) == "type mismatch");
  CHECK(GC({0xFB, 1, 0, 0xFB, 3, 0, 0, 0x0B}, {kWasmI32}) == "type mismatch");
  // struct.set on an immutable field
  CHECK(GC({0xFB, 1, 0, 0x41, 0, 0xFB, 5, 0, 0, 0x0B}) == "immutable field");
  CHECK(GC({0xFB, 1, 0, 0x41, 0, 0xFB, 5, 0, 1, 0x0B}) == "");
  CHECK(GC({0xFB, 1, 0, 0xFB, 2, 0, 9, 0x0B}, {kWasmI32}) == "unknown field 9");
  CHECK(GC({0xFB, 1, 9, 0x1A, 0x0B}) == "unknown type 9");
  CHECK(GC({0xFB, 1, 1, 0x1A, 0x0B}) == "type mismatch");  // array type
  // subtyping: (ref 4) flows into (ref null 3)
  CHECK(GC({0x41, 0, 0xFB, 0, 4, 0x0B}, {Ref(3, true)}) == "");
  CHECK(StartsWith(GC({0xFB, 1, 3, 0x0B}, {Ref(4, true)}), "type mismatch"));
}

TEST_CASE("GC arrays") {
  CHECK(GC({0x41, 1, 0x41, 2, 0xFB, 6, 1, 0x0B}, {Ref(1)}) == "");
  CHECK(GC({0x41, 1, 0x41, 2, 0x41, 3, 0xFB, 8, 2, 3, 0x0B}, {Ref(2)}) == "");
  CHECK(StartsWith(GC({0x41, 1, 0xFB, 8, 2, 3, 0x0B}, {Ref(2)}), "type mismatch"));
  // array.get on packed needs _s/_u; array.set on immutable fails
  CHECK(GC({0x41, 1, 0xFB, 7, 1, 0x41, 0, 0xFB, 12, 1, 0x0B}, {kWasmI32}) == "");
  CHECK(GC({0x41, 1, 0xFB, 7, 1, 0x41, 0, 0xFB, 11, 1, 0x0B}, {kWasmI32}) == "type mismatch");
  CHECK(GC({0x41, 1, 0xFB, 7, 2, 0x41, 0, 0x41, 0, 0xFB, 14, 2, 0x0B}) == "immutable array");
  CHECK(GC({0x41, 1, 0xFB, 7, 2, 0xFB, 15, 0x0B}, {kWasmI32}) == "");  // array.len
  // array.copy needs a mutable destination and matching element types
  Bytes copy = {0x41, 1, 0xFB, 7, 1, 0x41, 0, 0x41, 1, 0xFB, 7, 2, 0x41, 0, 0x41, 0,
                0xFB, 17, 1, 2, 0x0B};
  CHECK(GC(copy) == "array types do not match");
  // array.new_data needs a numeric element type and a data count section
  CHECK(GC({0x41, 0, 0x41, 0, 0xFB, 9, 2, 0, 0x1A, 0x0B}) == "unknown data segment 0");
}

TEST_CASE("GC casts, i31 and extern conversion") {
  ValType anyref = kWasmAnyRef;
  CHECK(GC({0x20, 0, 0xFB, 20, 0, 0x0B}, {kWasmI32}, {anyref}) == "");     // ref.test
  CHECK(GC({0x20, 0, 0xFB, 22, 0, 0x0B}, {Ref(0)}, {anyref}) == "");       // ref.cast
  CHECK(GC({0x20, 0, 0xFB, 23, 0, 0x0B}, {Ref(0, true)}, {anyref}) == ""); // ref.cast null
  // ref.test across hierarchies (func vs any) is invalid
  CHECK(GC({0x20, 0, 0xFB, 20, 0x70, 0x0B}, {kWasmI32}, {anyref}) == "type mismatch");
  // br_on_cast: (block (result (ref 0)) local.get 0 br_on_cast 0 anyref (ref 0) drop ...)
  CHECK(GC({0x02, 0x64, 0x00, 0x20, 0, 0xFB, 24, 0x01, 0, 0x6E, 0x00, 0x1A, 0x00, 0x0B, 0x1A,
            0x0B},
           {}, {anyref}) == "");
  // br_on_cast_fail: the label gets the difference type (anyref), falls through (ref 0)
  CHECK(GC({0x02, 0x63, 0x6E, 0x20, 0, 0xFB, 25, 0x01, 0, 0x6E, 0x00, 0x1A, 0x00, 0x0B, 0x1A,
            0x0B},
           {}, {anyref}) == "");
  // ... and that difference type is not (ref 0)
  CHECK(GC({0x02, 0x64, 0x00, 0x20, 0, 0xFB, 25, 0x01, 0, 0x6E, 0x00, 0x1A, 0x00, 0x0B, 0x1A,
            0x0B},
           {}, {anyref}) == "type mismatch");
  // br_on_cast target must be a subtype of the source
  CHECK(GC({0x02, 0x63, 0x70, 0x20, 0, 0xFB, 24, 0x01, 0, 0x6E, 0x70, 0x00, 0x0B, 0x1A, 0x0B},
           {}, {anyref}) == "type mismatch");
  CHECK(GC({0x41, 5, 0xFB, 28, 0xFB, 29, 0x0B}, {kWasmI32}) == "");
  CHECK(GC({0x20, 0, 0xFB, 26, 0xFB, 27, 0x0B}, {kWasmExternRef}, {kWasmExternRef}) == "");
  CHECK(StartsWith(GC({0x20, 0, 0xFB, 27, 0x0B}, {kWasmExternRef}, {kWasmExternRef}),
                   "type mismatch"));
}

// ------------------------------------------------------------- exceptions
TEST_CASE("exception handling: throw, throw_ref, try_table") {
  ModuleBuilder b;
  uint32_t tag_type = b.AddFuncType({kWasmI32}, {});
  uint32_t t = b.AddFuncType({}, {kWasmI32});
  b.AddTag(tag_type);
  // block (result i32) try_table (catch 0 0) i32.const 1 throw 0 end unreachable end
  b.AddFunction(t, {0x02, 0x7F, 0x1F, 0x40, 1, 0x00, 0, 0, 0x41, 1, 0x08, 0, 0x0B, 0x00, 0x0B,
                    0x0B});
  CHECK(ValidateAll(b) == "");
  ModuleBuilder b2;
  tag_type = b2.AddFuncType({kWasmI32}, {});
  t = b2.AddFuncType({}, {});
  b2.AddTag(tag_type);
  // catch 0 to a label that takes nothing
  b2.AddFunction(t, {0x02, 0x40, 0x1F, 0x40, 1, 0x00, 0, 0, 0x0B, 0x0B, 0x0B});
  CHECK(ValidateAll(b2) == "type mismatch");
  CHECK(StartsWith(Body({}, {}, {0x08, 0, 0x0B}), "unknown tag 0"));
  // throw with the wrong operand reports the spec's detailed message
  ModuleBuilder b3;
  tag_type = b3.AddFuncType({kWasmI32}, {});
  t = b3.AddFuncType({}, {});
  b3.AddTag(tag_type);
  b3.AddFunction(t, {0x42, 5, 0x08, 0, 0x0B});
  CHECK(ValidateAll(b3) == "type mismatch: instruction requires [i32] but stack has [i64]");
  // catch_all_ref delivers (ref exn); throw_ref consumes exnref
  ValType nn_exn = ValType::Ref(HeapType::kExn, false);
  CHECK(Body({}, {}, {0x02, 0x64, 0x69, 0x1F, 0x40, 1, 0x03, 0, 0x0B, 0x00, 0x0B, 0x0A, 0x0B}) ==
        "");
  (void)nn_exn;
}

TEST_CASE("legacy exceptions: try, catch, rethrow, delegate") {
  ModuleBuilder b;
  uint32_t tag_type = b.AddFuncType({kWasmI32}, {});
  uint32_t t = b.AddFuncType({}, {kWasmI32});
  b.AddTag(tag_type);
  // try (result i32) i32.const 1 catch 0 (i32 on stack) catch_all rethrow 0 end
  b.AddFunction(t, {0x06, 0x7F, 0x41, 1, 0x07, 0, 0x19, 0x09, 0, 0x0B, 0x0B});
  CHECK(ValidateAll(b) == "");
  CHECK(Body({}, {}, {0x06, 0x40, 0x09, 0, 0x0B, 0x0B}) == "invalid rethrow label");
  CHECK(Body({}, {}, {0x06, 0x40, 0x18, 0, 0x0B}) == "");  // try ... delegate 0
}

// --------------------------------------------------- constant expressions
TEST_CASE("constant expressions") {
  ModuleBuilder b;
  b.AddGlobal(kWasmI32, false, ModuleBuilder::I32Const(1));
  b.AddGlobal(kWasmI32, true, ModuleBuilder::I32Const(2));
  Module m;
  Error e;
  REQUIRE(DecodeModule(b.Build(), &m, &e));
  auto expr = [&](Bytes code) {
    ByteRange r{static_cast<uint32_t>(m.bytes.size()), static_cast<uint32_t>(code.size())};
    m.bytes.vector().insert(m.bytes.vector().end(), code.begin(), code.end());
    return r;
  };
  CHECK(ValidateConstExpr(m, expr({0x41, 1, 0x41, 2, 0x6A, 0x0B}), kWasmI32, 2, &e));
  CHECK(ValidateConstExpr(m, expr({0x23, 0, 0x0B}), kWasmI32, 1, &e));
  CHECK_FALSE(ValidateConstExpr(m, expr({0x23, 1, 0x0B}), kWasmI32, 2, &e));
  CHECK(e.message == "constant expression required");
  CHECK_FALSE(ValidateConstExpr(m, expr({0x23, 1, 0x0B}), kWasmI32, 1, &e));
  CHECK(e.message == "unknown global 1");
  CHECK_FALSE(ValidateConstExpr(m, expr({0x41, 1, 0x41, 2, 0x6D, 0x0B}), kWasmI32, 2, &e));
  CHECK(e.message == "constant expression required");  // i32.mul is fine, i32.div_s is not
  CHECK(ValidateConstExpr(m, expr({0x41, 1, 0x41, 2, 0x6C, 0x0B}), kWasmI32, 2, &e));
  CHECK_FALSE(ValidateConstExpr(m, expr({0x42, 1, 0x0B}), kWasmI32, 2, &e));
  CHECK(StartsWith(e.message, "type mismatch"));
  CHECK_FALSE(ValidateConstExpr(m, expr({0x41, 1, 0x41, 1, 0x0B}), kWasmI32, 2, &e));
  CHECK(StartsWith(e.message, "type mismatch"));
  CHECK_FALSE(ValidateConstExpr(m, expr({0x01, 0x41, 1, 0x0B}), kWasmI32, 2, &e));
  CHECK(e.message == "constant expression required");
  CHECK(ValidateConstExpr(m, expr({0xD0, 0x70, 0x0B}), kWasmFuncRef, 2, &e));
  CHECK_FALSE(ValidateConstExpr(m, expr({0xFD, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                         0, 0xFD, 0x61, 0x0B}),
                                kWasmV128, 2, &e));
  CHECK(e.message == "constant expression required");
}

// ------------------------------------------------------------- interfaces
namespace {
// Counts the hooks it sees; checks that dead code is filtered.
struct CountingInterface : BaseInterface {
  int simple = 0, consts = 0, ends = 0, blocks = 0;
  template <typename... A> void OnSimpleOp(A&&...) { ++simple; }
  template <typename... A> void OnI32Const(A&&...) { ++consts; }
  template <typename... A> void OnEnd(A&&...) { ++ends; }
  template <typename... A> void OnBlock(A&&...) { ++blocks; }
};
}  // namespace

TEST_CASE("interfaces never see dead code") {
  ModuleBuilder b;
  uint32_t t = b.AddFuncType({}, {kWasmI32});
  // i32.const 1 ; block ; i32.const 2 ; drop ; end ; return ;
  // (dead:) block ; i32.const 3 ; i32.eqz ; drop ; end ; i32.const 4 ; i32.eqz ; end
  b.AddFunction(t, {0x41, 1, 0x02, 0x40, 0x41, 2, 0x1A, 0x0B, 0x0F, 0x02, 0x40, 0x41, 3, 0x45,
                    0x1A, 0x0B, 0x41, 4, 0x45, 0x0B});
  Module m;
  Error e;
  REQUIRE(DecodeModule(b.Build(), &m, &e));
  CountingInterface c;
  FunctionDecoder<NoValidation, CountingInterface> d(m, c);
  REQUIRE(d.DecodeFunction(0));
  CHECK(c.consts == 2);
  CHECK(c.simple == 0);
  CHECK(c.blocks == 1);
  CHECK(c.ends == 1);
  FunctionDecoder<FullValidation, CountingInterface> v(m, c);
  CHECK(v.DecodeFunction(0));
  CHECK(v.max_stack_height() == 2);
}
