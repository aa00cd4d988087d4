// Unit tests for the text-format lexer and numeric literals (spec 6.3).
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "engine/text/lexer.h"
#include "engine/text/literals.h"

using namespace cascade::text;

namespace {

std::vector<Token> LexOk(std::string_view src) {
  std::vector<Token> toks;
  LexError err;
  bool ok = Lex(src, &toks, &err);
  INFO(err.message);
  CHECK(ok);
  return toks;
}

std::string LexFail(std::string_view src) {
  std::vector<Token> toks;
  LexError err;
  CHECK_FALSE(Lex(src, &toks, &err));
  return err.message;
}

uint32_t F32(std::string_view s) {
  uint32_t bits = 0;
  CHECK(ParseF32(s, &bits) == LiteralStatus::kOk);
  return bits;
}

uint64_t F64(std::string_view s) {
  uint64_t bits = 0;
  CHECK(ParseF64(s, &bits) == LiteralStatus::kOk);
  return bits;
}

}  // namespace

TEST_CASE("lexer: token kinds, positions and comments") {
  auto t = LexOk("(module ;; line\n  (; block (; nested ;) ;) $f \"s\" 12 -0x1p3 i32.add {)");
  REQUIRE(t.size() == 10);  // with the final kEof
  CHECK(t[0].kind == TokenKind::kLParen);
  CHECK(t[1].kind == TokenKind::kKeyword);
  CHECK(t[1].text == "module");
  CHECK(t[2].kind == TokenKind::kId);
  CHECK(t[2].str == "f");
  CHECK(t[2].line == 2);
  CHECK(t[2].column == 28);
  CHECK(t[3].kind == TokenKind::kString);
  CHECK(t[4].kind == TokenKind::kNumber);
  CHECK(t[5].kind == TokenKind::kNumber);
  CHECK(t[6].kind == TokenKind::kKeyword);
  CHECK(t[7].kind == TokenKind::kReserved);
  CHECK(t[8].kind == TokenKind::kRParen);
}

TEST_CASE("lexer: string escapes") {
  auto t = LexOk(R"("a\n\t\\\'\"\41\u{48}\u{1F600}")");
  REQUIRE(t.size() == 2);
  CHECK(t[0].str == std::string("a\n\t\\'\"AH\xF0\x9F\x98\x80"));
  CHECK(LexFail(R"("\q")") == "illegal escape");
  CHECK(LexFail("\"abc") == "unclosed string");
  CHECK(LexFail("\"\x80\"") == "malformed UTF-8 encoding");
}

TEST_CASE("lexer: identifiers, quoted identifiers and reserved tokens") {
  auto t = LexOk(R"($x $"hello world" $l$l $"a"0 0$x "a""b")");
  REQUIRE(t.size() == 7);
  CHECK(t[0].str == "x");
  CHECK(t[1].kind == TokenKind::kId);
  CHECK(t[1].str == "hello world");
  CHECK(t[2].str == "l$l");
  CHECK(t[3].kind == TokenKind::kReserved);
  CHECK(t[4].kind != TokenKind::kId);  // number-like, rejected by the parser
  CHECK(t[5].kind == TokenKind::kReserved);
  CHECK(LexFail("$") == "empty identifier");
  CHECK(LexFail(R"($"")") == "empty identifier");
}

TEST_CASE("lexer: annotations are skipped") {
  auto t = LexOk("(@a x (y \"z)\") (@b)) (nop)");
  REQUIRE(t.size() == 4);
  CHECK(t[1].text == "nop");
  CHECK(LexFail("(@ x)") == "empty annotation id");
  CHECK(LexFail("(@x (") == "unclosed annotation");
  CHECK(LexFail("(; x") == "unclosed comment");
  CHECK(LexFail("\x01") == "illegal character");
}

TEST_CASE("literals: integers") {
  uint64_t v;
  CHECK(ParseInteger("0xFFFF_FFFF", 32, &v) == LiteralStatus::kOk);
  CHECK(v == 0xFFFFFFFFu);
  CHECK(ParseInteger("-0x8000_0000", 32, &v) == LiteralStatus::kOk);
  CHECK(v == 0x80000000u);
  CHECK(ParseInteger("-1", 64, &v) == LiteralStatus::kOk);
  CHECK(v == UINT64_MAX);
  CHECK(ParseInteger("4294967296", 32, &v) == LiteralStatus::kOutOfRange);
  CHECK(ParseInteger("+2147483648", 32, &v) == LiteralStatus::kOutOfRange);
  CHECK(ParseInteger("-2147483649", 32, &v) == LiteralStatus::kOutOfRange);
  CHECK(ParseInteger("18446744073709551616", 64, &v) == LiteralStatus::kOutOfRange);
  CHECK(ParseInteger("1__0", 32, &v) == LiteralStatus::kMalformed);
  CHECK(ParseInteger("_1", 32, &v) == LiteralStatus::kMalformed);
  CHECK(ParseInteger("1_", 32, &v) == LiteralStatus::kMalformed);
  CHECK(ParseInteger("0x", 32, &v) == LiteralStatus::kMalformed);
  CHECK(ParseInteger("255", 8, &v) == LiteralStatus::kOk);
  CHECK(ParseInteger("-128", 8, &v) == LiteralStatus::kOk);
  CHECK(v == 0x80);
  CHECK(ParseInteger("256", 8, &v) == LiteralStatus::kOutOfRange);
}

TEST_CASE("literals: floats, hex floats, inf and nan payloads") {
  CHECK(F32("1.5") == 0x3FC00000u);
  CHECK(F32("0x1.8p3") == 0x41400000u);  // 12.0
  CHECK(F32("-0x1p-149") == 0x80000001u);  // smallest denormal
  CHECK(F32("inf") == 0x7F800000u);
  CHECK(F32("-inf") == 0xFF800000u);
  CHECK(F32("nan") == 0x7FC00000u);
  CHECK(F32("-nan:0x1") == 0xFF800001u);
  CHECK(F32("nan:0x7f_ffff") == 0x7FFFFFFFu);
  CHECK(F32("1_000.000_1") == F32("1000.0001"));
  uint32_t bits;
  CHECK(ParseF32("1e", &bits) == LiteralStatus::kMalformed);
  CHECK(ParseF32("nan:0x0", &bits) == LiteralStatus::kOutOfRange);
  CHECK(ParseF32("nan:0x80_0000", &bits) == LiteralStatus::kOutOfRange);
  CHECK(ParseF32("0x1p128", &bits) == LiteralStatus::kOutOfRange);
  CHECK(ParseF32("1e39", &bits) == LiteralStatus::kOutOfRange);
  CHECK(ParseF32(".5", &bits) == LiteralStatus::kMalformed);
  // Correct rounding straight to f32 (no double rounding through f64):
  // 1 + 2^-24 + 2^-60 is just above the halfway point between two floats.
  CHECK(F32("0x1.000001000000001p0") == 0x3F800001u);
  CHECK(F32("0x1.000001p0") == 0x3F800000u);  // exact tie -> even
  CHECK(F32("0x1.fffffefffffffffffp127") == 0x7F7FFFFFu);
  CHECK(F64("0x1.fffffffffffffp1023") == 0x7FEFFFFFFFFFFFFFull);
  CHECK(F64("-0x0.0000000000001p-1022") == 0x8000000000000001ull);
  CHECK(F64("nan:0xf_ffff_ffff_ffff") == 0x7FFFFFFFFFFFFFFFull);
  CHECK(F64("1.7976931348623157e308") == 0x7FEFFFFFFFFFFFFFull);
  uint64_t b64;
  CHECK(ParseF64("1e309", &b64) == LiteralStatus::kOutOfRange);
}
