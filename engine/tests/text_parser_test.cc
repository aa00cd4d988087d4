// Unit tests for the WAT parser/encoder and the WAST script parser (spec 6):
// abbreviations, folded instructions, labels, symbolic indices, error wording and
// positions, and a round trip against wabt's wat2wasm for small MVP modules.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/text/wast_script.h"
#include "engine/text/wat_parser.h"

using namespace cascade::text;
using Bytes = std::vector<uint8_t>;

namespace {

// Drops custom sections (the name section) so encodings compare by content.
Bytes StripCustom(const Bytes& b) {
  Bytes out(b.begin(), b.begin() + std::min<size_t>(8, b.size()));
  size_t i = 8;
  while (i < b.size()) {
    size_t start = i++;
    uint32_t n = 0;
    for (int shift = 0; i < b.size(); shift += 7) {
      uint8_t x = b[i++];
      n |= uint32_t(x & 0x7F) << shift;
      if (!(x & 0x80)) break;
    }
    if (b[start] != 0) out.insert(out.end(), b.begin() + static_cast<long>(start), b.begin() + static_cast<long>(i + n));
    i += n;
  }
  return out;
}

Bytes WatWithNames(std::string_view src) {
  Bytes bytes;
  TextError err;
  bool ok = ParseWat(src, &bytes, &err);
  INFO(err.ToString());
  CHECK(ok);
  return bytes;
}

Bytes Wat(std::string_view src) { return StripCustom(WatWithNames(src)); }

TextError WatError(std::string_view src) {
  Bytes bytes;
  TextError err;
  CHECK_FALSE(ParseWat(src, &bytes, &err));
  return err;
}

// The bytes after the 8-byte preamble.

// Runs wabt's wat2wasm (MVP features) if it is installed; empty if not.
Bytes Wat2Wasm(const std::string& src) {
  if (std::system("command -v wat2wasm >/dev/null 2>&1") != 0) return {};
  std::string in = "/tmp/cascade_text_test.wat", out = "/tmp/cascade_text_test.wasm";
  std::ofstream(in) << src;
  std::string cmd = "wat2wasm --disable-bulk-memory --disable-reference-types -o " + out + " " + in;
  if (std::system(cmd.c_str()) != 0) {
    FAIL("wat2wasm rejected the module");
    return {};
  }
  std::ifstream f(out, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_CASE("wat: empty module and bare fields") {
  Bytes b = Wat("(module)");
  CHECK(b == Bytes{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00});
  CHECK(Wat("(func)") == Wat("(module (func))"));
  CHECK(Wat("(module $m (func))") == Wat("(module (func))"));
}

TEST_CASE("wat: inline type uses append implicit types in order") {
  Bytes b = Wat(R"((module
    (type $v (func))
    (func (param i32) (result i32) local.get 0)
    (func (type $v))
    (func (param i32) (result i32) local.get 0)))");
  // types: [] -> [], [i32] -> [i32] (implicit, shared by both functions)
  Bytes expect = {0x01, 0x09, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7F, 0x01, 0x7F,
                  0x03, 0x04, 0x03, 0x01, 0x00, 0x01};
  CHECK(Bytes(b.begin() + 8, b.begin() + 8 + static_cast<long>(expect.size())) == expect);
  CHECK(WatError("(type $t (func)) (func (type $t) (param i32))").message == "inline function type");
}

TEST_CASE("wat: folded instructions, labels and symbolic indices") {
  Bytes folded = Wat(R"((func $f (param $x i32) (result i32)
      (block $out (result i32)
        (br_if $out (local.get $x) (i32.eqz (local.get $x)))
        (drop) (i32.const 7))))");
  Bytes plain = Wat(R"((func (param i32) (result i32)
      block (result i32)
        local.get 0 local.get 0 i32.eqz br_if 0
        drop i32.const 7
      end))");
  CHECK(folded == plain);
  Bytes if_folded = Wat("(func (param i32) (if (local.get 0) (then (nop)) (else (unreachable))))");
  Bytes if_plain = Wat("(func (param i32) local.get 0 if $l nop else $l unreachable end $l)");
  CHECK(if_folded == if_plain);
  CHECK(WatError("(func block $a end $b)").message.find("mismatching label") == 0);
  CHECK(WatError("(func br $nowhere)").message == "unknown label $nowhere");
  CHECK(WatError("(func call $g)").message == "unknown function $g");
  CHECK(WatError("(func (local $x i32) (local $x i64))").message.find("duplicate local") == 0);
  CHECK(WatError("(func $f) (func $f)").message.find("duplicate func") == 0);
}

TEST_CASE("wat: errors carry line:column and the spec's wording") {
  TextError e = WatError("(module\n  (func\n    (i32.const 0x1_0000_0000)))");
  CHECK(e.line == 3);
  CHECK(e.column == 16);
  CHECK(e.message == "constant out of range");
  CHECK(WatError("(func (i32.add2))").message == "unknown operator i32.add2");
  CHECK(WatError("(func (f32.const))").message.find("unexpected token") == 0);
  CHECK(WatError("(func) (import \"a\" \"b\" (func))").message == "import after function");
  CHECK(WatError("(memory 1) (func (i32.load align=3 (i32.const 0)))").message ==
        "alignment must be a power of two");
  CHECK(WatError("(start 0) (start 0) (func)").message == "multiple start sections");
}

TEST_CASE("wat: plain blocks nest without native recursion; folded depth is limited") {
  std::string plain = "(func";
  for (int i = 0; i < 100000; ++i) plain += " block";
  for (int i = 0; i < 100000; ++i) plain += " end";
  plain += ")";
  Bytes b = Wat(plain);
  CHECK(b.size() > 200000);
  std::string folded = "(func";
  for (int i = 0; i < 2000; ++i) folded += " (block";
  for (int i = 0; i < 2000; ++i) folded += ")";
  folded += ")";
  CHECK(WatError(folded).message == "nesting too deep");
  CHECK(WatError("(func block nop)").message.find("unexpected token") == 0);
  CHECK(WatError("(func nop end)").message.find("unexpected token") == 0);
  CHECK(WatError("(func block else end)").message.find("unexpected token") == 0);
}

TEST_CASE("wat: data strings, memarg, v128 lanes and float bit patterns") {
  Bytes b = Wat(R"((memory 1) (data (i32.const 8) "a\00\ff" "\u{41}")
    (func (result f32) (drop (i32.load8_u offset=4 align=1 (i32.const 0))) (f32.const -nan:0x7)))");
  Bytes data_tail = {0x0B, 0x0B, 0x0A, 0x01, 0x00, 0x41, 0x08, 0x0B, 0x04, 'a', 0x00, 0xFF, 'A'};
  CHECK(Bytes(b.end() - static_cast<long>(data_tail.size()), b.end()) == data_tail);
  Bytes nan = {0x43, 0x07, 0x00, 0x80, 0xFF};
  CHECK(std::search(b.begin(), b.end(), nan.begin(), nan.end()) != b.end());
  Bytes v = Wat("(func (result v128) (v128.const i16x8 -1 0 1 2 3 4 5 0xffff))");
  Bytes lanes = {0xFD, 0x0C, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00};
  CHECK(std::search(v.begin(), v.end(), lanes.begin(), lanes.end()) != v.end());
  CHECK(WatError("(func (v128.const i32x4 1 2 3) drop)").message == "wrong number of lane literals");
}

TEST_CASE("wat: the name section records module, function, local and field ids") {
  Bytes b = WatWithNames("(module $m (func $f (param $x i32) (local $y i64)) (type $t (struct (field $a i32))))");
  cascade::Module m;
  cascade::Error err;
  REQUIRE(cascade::DecodeModule(b, &m, &err));
  CHECK(m.names.module_name == "m");
  CHECK(m.function_name(0) == "f");
  REQUIRE(m.names.locals.size() == 2);
  CHECK(m.names.locals[1].name == "y");
  REQUIRE(m.names.fields.size() == 1);
  CHECK(m.names.fields[0].name == "a");
}

TEST_CASE("wat: GC types, rec groups and struct field names") {
  Bytes b = Wat(R"((module
    (rec (type $a (sub (struct (field $x (mut i32)) (field $y i64))))
         (type $b (sub final $a (struct (field (mut i32)) (field i64) (field (ref null $b))))))
    (type $arr (array (mut i8)))
    (func (param (ref $a)) (result i64) (struct.get $a $y (local.get 0)))))");
  cascade::Module m;
  cascade::Error err;
  REQUIRE(cascade::DecodeModule(b, &m, &err));
  REQUIRE(m.types.size() == 4);
  CHECK(m.types[0].rec_group_size == 2);
  CHECK_FALSE(m.types[0].is_final);
  CHECK(m.types[1].supertype == 0);
  CHECK(m.types[2].kind == cascade::CompositeKind::kArray);
  Bytes get = {0xFB, 0x02, 0x00, 0x01};  // struct.get 0 1
  CHECK(std::search(b.begin(), b.end(), get.begin(), get.end()) != b.end());
}

TEST_CASE("wat: round trip against wat2wasm for MVP modules") {
  const char* kModules[] = {
      R"((module (func $add (export "add") (param i32 i32) (result i32)
           local.get 0 local.get 1 i32.add)))",
      R"((module (import "env" "f" (func $f (param i32)))
           (memory (export "mem") 1 2) (global $g (mut i32) (i32.const -5))
           (func (export "run") (param i32) (local i64 i64 f32)
             (call $f (global.get $g))
             (loop $l (br_if $l (i32.eqz (local.get 0))))
             (block $b (br_table $b 0 (local.get 0)))
             (i64.store offset=8 (i32.const 0) (i64.const 0x7fff_ffff_ffff))
             (f64.const 0x1.8p-3) drop (f32.const -inf) drop)
           (func $init) (start $init)))",
      R"((module (type $t (func (result i32)))
           (table 2 funcref) (elem (i32.const 0) $a $b)
           (func $a (type $t) i32.const 1) (func $b (type $t) i32.const 2)
           (func (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
           (memory 1) (data (i32.const 0) "hello\n")))",
  };
  for (const char* src : kModules) {
    Bytes ref = Wat2Wasm(src);
    if (ref.empty()) {
      MESSAGE("wat2wasm not available; skipped");
      return;
    }
    CHECK(Wat(src) == ref);
  }
}

TEST_CASE("wast: commands, modules and results") {
  const char* kScript = R"WAST(
    (module $M (func (export "f") (param i32) (result i32) (local.get 0)))
    (register "m" $M)
    (assert_return (invoke $M "f" (i32.const 42)) (i32.const 42))
    (assert_return (invoke "g") (f32.const nan:canonical) (either (i32.const 1) (i32.const 2)))
    (assert_return (invoke "h") (v128.const f32x4 nan:arithmetic 1.0 2 3) (ref.null) (ref.func) (ref.extern 3))
    (assert_trap (invoke "t") "unreachable")
    (assert_malformed (module quote "(func (i32.const))") "unexpected token")
    (assert_invalid (module (func (result i32))) "type mismatch")
    (module binary "\00asm" "\01\00\00\00")
    (module definition $D (func))
    (module instance $I $D)
    (thread $T (shared (module $M)) (assert_return (get $M "x") (i64.const -1)))
    (wait $T)
  )WAST";
  WastScript s;
  TextError err;
  REQUIRE_MESSAGE(ParseWast(kScript, &s, &err), err.ToString());
  REQUIRE(s.commands.size() == 13);
  using K = WastCommand::Kind;
  CHECK(s.commands[0].kind == K::kModule);
  CHECK(s.commands[0].module.name == "M");
  CHECK(s.commands[0].line == 2);
  CHECK(s.commands[1].register_as == "m");
  CHECK(s.commands[2].action.args[0].bits[0] == 42);
  CHECK(s.commands[3].results[0].kind == WastResult::Kind::kNanCanonical);
  CHECK(s.commands[3].results[1].kind == WastResult::Kind::kEither);
  CHECK(s.commands[4].results[0].kind == WastResult::Kind::kV128Lanes);
  CHECK(s.commands[4].results[1].kind == WastResult::Kind::kRefNullAny);
  CHECK(s.commands[4].results[2].kind == WastResult::Kind::kRefFunc);
  CHECK(s.commands[4].results[3].value.ref == 3);
  CHECK(s.commands[6].module.form == WastModule::Form::kQuote);
  CHECK(s.commands[7].module.form == WastModule::Form::kText);
  CHECK_FALSE(s.commands[7].module.bytes.empty());
  CHECK(s.commands[8].module.bytes.size() == 8);
  CHECK(s.commands[9].module.is_definition);
  CHECK(s.commands[10].kind == K::kModuleInstance);
  CHECK(s.commands[11].commands.size() == 1);
  CHECK(s.commands[12].thread == "T");
}
