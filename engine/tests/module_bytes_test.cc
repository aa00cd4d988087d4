// ModuleBytes (module.h): a module decoded from a file mapping is the same as
// one decoded from a vector; moving keeps the mapping, copying makes a vector,
// and vector() turns a mapping into owned bytes.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/tests/module_builder.h"

using namespace cascade;
using cascade::test::ModuleBuilder;

namespace {

// Writes `bytes` to a fresh temporary file and returns it open for reading.
int TempFileWith(const std::vector<uint8_t>& bytes) {
  char path[] = "/tmp/cascade-module-bytes-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  unlink(path);
  REQUIRE(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  return fd;
}

TEST_CASE("ModuleBytes: a mapped file decodes like the vector it holds") {
  ModuleBuilder b;
  b.AddGlobal(kWasmI32, false, ModuleBuilder::I32Const(7));
  std::vector<uint8_t> wasm = b.Build();
  int fd = TempFileWith(wasm);
  ModuleBytes mapped;
  REQUIRE(ModuleBytes::MapFile(fd, wasm.size(), &mapped));
  close(fd);  // the mapping outlives the descriptor
  CHECK(mapped.mapped());
  REQUIRE(mapped.size() == wasm.size());
  CHECK(std::vector<uint8_t>(mapped.begin(), mapped.end()) == wasm);

  ModuleBytes copy = mapped;  // a copy owns its bytes
  CHECK_FALSE(copy.mapped());
  CHECK(std::vector<uint8_t>(copy.begin(), copy.end()) == wasm);

  Module m;
  Error e;
  REQUIRE(DecodeModule(std::move(mapped), &m, &e));
  CHECK(m.bytes.mapped());  // moved in, not copied
  CHECK(mapped.empty());
  CHECK(m.globals.size() == 1);
  m.bytes.vector().push_back(0);  // owned from here on
  CHECK_FALSE(m.bytes.mapped());
  CHECK(m.bytes.size() == wasm.size() + 1);
  CHECK(m.bytes[0] == 0x00);
  CHECK(m.bytes[1] == 0x61);
}

TEST_CASE("ModuleBytes: mapping a closed descriptor fails and leaves the bytes alone") {
  ModuleBytes bytes(std::vector<uint8_t>{1, 2, 3});
  CHECK_FALSE(ModuleBytes::MapFile(-1, 4096, &bytes));
  CHECK(bytes.size() == 3);
  CHECK_FALSE(bytes.mapped());
}

}  // namespace
