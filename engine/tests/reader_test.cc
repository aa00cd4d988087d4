// Unit tests for Reader: LEB128 limits and UTF-8 names (spec 5.2).
#include <doctest/doctest.h>

#include <vector>

#include "engine/reader.h"

using cascade::Reader;

namespace {
Reader Make(const std::vector<uint8_t>& b) { return Reader(b.data(), b.data(), b.data() + b.size()); }
}  // namespace

TEST_CASE("u32 decodes one- and five-byte encodings") {
  std::vector<uint8_t> b = {0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  Reader r = Make(b);
  CHECK(r.u32() == 5);
  CHECK(r.u32() == 0xFFFFFFFFu);
  CHECK(r.ok());
}

TEST_CASE("u32 rejects unused bits and overlong encodings") {
  std::vector<uint8_t> too_large = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
  Reader r = Make(too_large);
  r.u32();
  CHECK_FALSE(r.ok());
  CHECK(r.error().message == "integer too large");
  CHECK(r.error().offset == 4);

  std::vector<uint8_t> too_long = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r2 = Make(too_long);
  r2.u32();
  CHECK(r2.error().message == "integer representation too long");
}

TEST_CASE("s32 and s64 sign handling") {
  std::vector<uint8_t> b = {0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x80, 0x80, 0x80, 0x80, 0x78};
  Reader r = Make(b);
  CHECK(r.s32() == -1);
  CHECK(r.s32() == INT32_MAX);
  CHECK(r.s32() == INT32_MIN);
  CHECK(r.ok());
}

TEST_CASE("truncated input is unexpected end") {
  std::vector<uint8_t> b = {0x80, 0x80};
  Reader r = Make(b);
  r.u32();
  CHECK(r.error().message == "unexpected end");
}

TEST_CASE("names must be UTF-8") {
  std::vector<uint8_t> good = {3, 'a', 'b', 'c'};
  Reader r = Make(good);
  CHECK(r.name() == "abc");
  std::vector<uint8_t> bad = {2, 0xC0, 0x80};  // overlong NUL
  Reader r2 = Make(bad);
  r2.name();
  CHECK(r2.error().message == "malformed UTF-8 encoding");
}
