// The compilation cache on disk (code_cache_file.h): code saved by one module
// object is installed, relocated, into another object of the same module, and
// runs exactly as compiled code does (helper calls, trap messages, br_table
// jump tables, backtraces); files that do not match are ignored whole.
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "jit/code_cache_file.h"
#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $ten $twenty)
  (func $ten (result i32) (i32.const 10))
  (func $twenty (result i32) (i32.const 20))
  (func (export "pick") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get 0)))
      (return (i32.const 100)))
      (return (call_indirect (result i32) (i32.const 0))))
      (return (call_indirect (result i32) (i32.const 1))))
    (i32.const -1))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "grow") (result i32) (drop (memory.grow (i32.const 1))) (memory.size))
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  (func (export "oob") (param i32) (result i32) (i32.load (local.get 0))))
)";

struct Run {
  std::shared_ptr<Module> module = cascade::test::CompileWat(kModule);
  Store store;
  Instance* instance = nullptr;
  Run() {
    EnableJit(store);
    Linker linker;
    InstantiateError err;
    instance = Instantiate(store, linker, module, &err);
    REQUIRE_MESSAGE(instance != nullptr, err.trap.message);
  }
  bool Call(const char* name, std::vector<Value> args, int32_t* result, Trap* trap) {
    std::vector<Value> results;
    bool ok = Invoke(store, instance->GetExport(name).func(), args, &results, trap);
    if (ok) *result = static_cast<int32_t>(results.at(0).lo);
    return ok;
  }
  int32_t Get(const char* name, std::vector<Value> args = {}) {
    int32_t r = 0;
    Trap trap;
    REQUIRE_MESSAGE(Call(name, args, &r, &trap), trap.message);
    return r;
  }
  // Every export's results, and the traps of div and oob.
  void Exercise() {
    CHECK(Get("pick", {Value::I32(0)}) == 100);
    CHECK(Get("pick", {Value::I32(1)}) == 10);
    CHECK(Get("pick", {Value::I32(2)}) == 20);
    CHECK(Get("pick", {Value::I32(7)}) == -1);
    CHECK(Get("div", {Value::I32(-9), Value::I32(2)}) == -4);
    CHECK(Get("grow") == 2);
    CHECK(Get("sum", {Value::I32(100)}) == 5050);
    int32_t r;
    Trap trap;
    CHECK_FALSE(Call("div", {Value::I32(1), Value::I32(0)}, &r, &trap));
    CHECK(trap.message == kTrapDivByZero);
    trap = Trap{};
    CHECK_FALSE(Call("oob", {Value::I32(-4)}, &r, &trap));
    CHECK(trap.message == kTrapMemoryOutOfBounds);
    REQUIRE(trap.backtrace.size() == 1);
    CHECK(trap.backtrace[0].funcidx == 6);
    CHECK(trap.backtrace[0].code_offset != 0);
    CHECK(GetStats(store).unsupported == 0);
  }
};

std::string TempDir() {
  char path[] = "/tmp/cascade-jit-cache-XXXXXX";
  REQUIRE(mkdtemp(path) != nullptr);
  return path;
}

std::vector<uint8_t> ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}
void WriteAll(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Each test's start: a fresh cache directory, the module's first run, and the
// path of its cache file there.
struct Cached {
  std::string dir = TempDir(), why;
  Run first;
  ContentHash hash = HashModuleBytes({first.module->bytes.data(), first.module->bytes.size()});
  std::string path = CacheFilePath(dir, hash);
};

TEST_CASE_FIXTURE(Cached, "jit: code saved to a cache file runs in another module object") {
  dir += "/nested";  // SaveModuleCode creates it
  path = CacheFilePath(dir, hash);
  CHECK(path.find(EngineId()) != std::string::npos);
  first.Exercise();
  uint32_t compiled = GetStats(first.store).compiled;
  CHECK(compiled == 7);
  REQUIRE_MESSAGE(SaveModuleCode(*first.module, hash, path, &why), why);
  struct stat st;
  REQUIRE(stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  Run second;  // a new Module object from the same bytes
  REQUIRE_MESSAGE(LoadModuleCode(*second.module, hash, path, &why), why);
  second.Exercise();
  CHECK(GetStats(second.store).compiled == compiled);
  CHECK(GetStats(second.store).from_file == compiled);
  // Nothing was compiled in `second`, so saving writes nothing new.
  std::vector<uint8_t> before = ReadAll(path);
  REQUIRE(SaveModuleCode(*second.module, hash, path, &why));
  CHECK(ReadAll(path) == before);
}

TEST_CASE_FIXTURE(Cached, "jit: a cache file keeps the functions a later run did not call") {
  CHECK(first.Get("sum", {Value::I32(10)}) == 55);
  REQUIRE(SaveModuleCode(*first.module, hash, path, &why));
  Run second;
  REQUIRE(LoadModuleCode(*second.module, hash, path, &why));
  CHECK(second.Get("div", {Value::I32(8), Value::I32(2)}) == 4);  // compiled: the file grows
  REQUIRE(SaveModuleCode(*second.module, hash, path, &why));
  Run third;
  REQUIRE(LoadModuleCode(*third.module, hash, path, &why));
  CHECK(third.Get("sum", {Value::I32(10)}) == 55);
  CHECK(third.Get("div", {Value::I32(8), Value::I32(2)}) == 4);
  CHECK(GetStats(third.store).from_file == 2);
}

TEST_CASE_FIXTURE(Cached, "jit: damaged or foreign cache files are ignored") {
  first.Exercise();
  REQUIRE(SaveModuleCode(*first.module, hash, path, &why));
  std::vector<uint8_t> good = ReadAll(path);
  REQUIRE(good.size() > 200);

  Run r;
  CHECK_FALSE(LoadModuleCode(*r.module, hash, dir + "/missing.cjit", &why));
  ContentHash other = hash;
  other.lo ^= 1;
  CHECK_FALSE(LoadModuleCode(*r.module, other, path, &why));  // another module's hash
  CHECK(why.find("another") != std::string::npos);
  // Every truncation is rejected; so is every flipped byte outside the code
  // blob, and a flipped byte inside it makes that function compile instead of
  // being installed (each function's code has its own hash).
  uint64_t code_offset;
  std::memcpy(&code_offset, good.data() + 40, 8);  // Header::code_offset
  REQUIRE(code_offset > 0);
  REQUIRE(code_offset < good.size());
  size_t recompiled = 0, code_flips = 0;
  for (size_t i = 0; i < good.size(); i += 7) {
    CAPTURE(i);
    if (i >= code_offset && i < good.size() - 8) ++code_flips;
    std::vector<uint8_t> bad = good;
    bad[i] ^= 0x5A;
    WriteAll(path, bad);
    if (i < code_offset || i >= good.size() - 8) {
      CHECK_FALSE(LoadModuleCode(*r.module, hash, path, &why));
    } else {
      Run fresh;
      REQUIRE(LoadModuleCode(*fresh.module, hash, path, &why));
      fresh.Exercise();
      // The damaged function was compiled (unless the byte was padding
      // between two functions).
      uint32_t from_file = GetStats(fresh.store).from_file;
      CHECK(from_file >= 6);
      if (from_file == 6) ++recompiled;
    }
    WriteAll(path, std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(i)));
    CHECK_FALSE(LoadModuleCode(*r.module, hash, path, &why));
  }
  CHECK(code_flips > 100);
  CHECK(recompiled > code_flips * 3 / 4);
  // Nothing was attached: the module compiles as usual.
  r.Exercise();
  CHECK(GetStats(r.store).from_file == 0);
  WriteAll(path, good);
  Run s;
  CHECK(LoadModuleCode(*s.module, hash, path, &why));
  s.Exercise();
  CHECK(GetStats(s.store).from_file == 7);
  // Installed code runs from the first file's mapping: a second is refused.
  CHECK_FALSE(LoadModuleCode(*s.module, hash, path, &why));
  CHECK(why.find("already") != std::string::npos);
  CHECK(s.Get("sum", {Value::I32(10)}) == 55);
}

TEST_CASE_FIXTURE(Cached, "jit: a cache directory is kept in bounds") {
  std::string name = path.substr(path.rfind('/') + 1);
  std::string other_build = dir + "/" + name.substr(0, name.find('-')) + "-0123456789abcdef.cjit";
  // Three other modules' files of 1000 bytes, written at t = 100, 200, 300 s.
  std::vector<std::string> others;
  for (int i = 0; i < 3; ++i) {
    others.push_back(dir + "/" + std::string(32, static_cast<char>('a' + i)) + "-x.cjit");
    WriteAll(others.back(), std::vector<uint8_t>(1000, 1));
    struct timeval t[2] = {{100 * (i + 1), 0}, {100 * (i + 1), 0}};
    REQUIRE(utimes(others.back().c_str(), t) == 0);
  }
  WriteAll(other_build, std::vector<uint8_t>(10, 1));
  WriteAll(dir + "/unrelated.txt", std::vector<uint8_t>(5000, 1));
  first.Exercise();
  REQUIRE(SaveModuleCode(*first.module, hash, path, &why));  // trims with the 1 GiB limit
  struct stat st;
  CHECK(stat(other_build.c_str(), &st) == 0);  // another engine build's file stays while in bounds
  for (const std::string& o : others) CHECK(stat(o.c_str(), &st) == 0);
  // Loading marks a file used: its modification time becomes now.
  struct timeval old_time[2] = {{50, 0}, {50, 0}};
  REQUIRE(utimes(path.c_str(), old_time) == 0);
  Run second;
  REQUIRE(LoadModuleCode(*second.module, hash, path, &why));
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK(st.st_mtime > 300);
  REQUIRE(utimes(other_build.c_str(), old_time) == 0);
  TrimCacheDir(dir, path, 2000);  // room for two of the others: the two oldest go
  CHECK(stat(other_build.c_str(), &st) != 0);
  CHECK(stat(others[0].c_str(), &st) != 0);
  CHECK(stat(others[1].c_str(), &st) == 0);
  CHECK(stat(others[2].c_str(), &st) == 0);
  CHECK(stat(path.c_str(), &st) == 0);  // never the file just written
  CHECK(stat((dir + "/unrelated.txt").c_str(), &st) == 0);  // only .cjit files count
}

TEST_CASE("jit: a run whose only compilations failed writes no cache file") {
  // A v128 local is not compiled (the function runs in the interpreter), and
  // failures are not saved, so a file would hold nothing new.
  auto module = cascade::test::CompileWat(R"((module
    (func (export "simd") (result i32) (local v128)
      (i32.const 7))))");
  Store store;
  EnableJit(store);
  Linker linker;
  InstantiateError err;
  Instance* inst = Instantiate(store, linker, module, &err);
  REQUIRE_MESSAGE(inst != nullptr, err.trap.message);
  std::vector<Value> results;
  Trap trap;
  REQUIRE_MESSAGE(Invoke(store, inst->GetExport("simd").func(), {}, &results, &trap),
                  trap.message);
  CHECK(results.at(0).lo == 7);
  CHECK(GetStats(store).unsupported == 1);
  std::string dir = TempDir(), why;
  ContentHash hash = HashModuleBytes({module->bytes.data(), module->bytes.size()});
  std::string path = CacheFilePath(dir, hash);
  REQUIRE_MESSAGE(SaveModuleCode(*module, hash, path, &why), why);
  struct stat st;
  CHECK(stat(path.c_str(), &st) != 0);
}

}  // namespace
}  // namespace cascade::jit::test
