// Interpreter: translated code is shared per module (code_cache.h): instances
// of one module, in one store or in several (also on several threads), run the
// same InterpCode, translated once; guarded and unguarded memory 0 get their
// own variant only when the module has a memory that can be guarded.
#include <thread>

#include "engine/interp/code_cache.h"
#include "engine/tests/interp_test_util.h"

namespace cascade::test {
namespace {

constexpr char kModule[] = R"((module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func $sum (export "sum") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.store (i32.const 16) (local.get 1))
    (i32.load (i32.const 16)))
  (func (export "calls") (result i32) (global.get $g))
))";

Instance* Make(Store& store, const std::shared_ptr<Module>& m) {
  Linker linker;
  InstantiateError ierr;
  Instance* inst = Instantiate(store, linker, m, &ierr);
  REQUIRE_MESSAGE(inst != nullptr, ierr.trap.message);
  return inst;
}

uint64_t Call(Store& store, Instance* inst, const char* name, std::vector<Value> args) {
  return CallExport(store, inst, name, std::move(args));
}

TEST_CASE("interp: instances in one store and across stores share translated code") {
  auto m = CompileWat(kModule);
  Store s1, s2;
  Instance* a = Make(s1, m);
  Instance* b = Make(s1, m);
  Instance* c = Make(s2, m);
  FuncInstance* fa = a->GetExport("sum").func();
  FuncInstance* fb = b->GetExport("sum").func();
  FuncInstance* fc = c->GetExport("sum").func();
  CHECK(fa != fb);
  CHECK(fa->code == nullptr);  // lazily translated
  CHECK(Call(s1, a, "sum", {Value::I32(10)}) == 55);
  REQUIRE(fa->code != nullptr);
  CHECK(Call(s1, b, "sum", {Value::I32(100)}) == 5050);
  CHECK(Call(s2, c, "sum", {Value::I32(4)}) == 10);
  CHECK(fb->code == fa->code);
  CHECK(fc->code == fa->code);
  // State stays per instance even though the code is shared.
  CHECK(Call(s1, a, "calls", {}) == 1);
  CHECK(Call(s1, b, "calls", {}) == 1);
  CHECK(Call(s1, a, "sum", {Value::I32(1)}) == 1);
  CHECK(Call(s1, a, "calls", {}) == 2);
  CHECK(Call(s1, b, "calls", {}) == 1);
  CHECK(Call(s2, c, "calls", {}) == 1);
}

TEST_CASE("interp: the code cache keeps one variant per memory-0 guard state only where it matters") {
  auto m = CompileWat(kModule);
  uint32_t sum = 0;
  const interp::InterpCode* guarded = interp::GetCode(*m, sum, true);
  const interp::InterpCode* checked = interp::GetCode(*m, sum, false);
  CHECK(guarded != checked);
  CHECK(interp::GetCode(*m, sum, true) == guarded);
  CHECK(interp::GetCode(*m, sum, false) == checked);

  auto no_memory = CompileWat(R"((module (func (export "f") (result i32) (i32.const 7))))");
  CHECK(interp::GetCode(*no_memory, 0, true) == interp::GetCode(*no_memory, 0, false));
}

TEST_CASE("interp: stores on several threads translate a shared module safely") {
  auto m = CompileWat(kModule);
  constexpr int kThreads = 4;
  std::vector<uint64_t> results(kThreads);
  std::vector<const void*> codes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store store;
      Linker linker;
      InstantiateError ierr;
      Instance* inst = Instantiate(store, linker, m, &ierr);
      if (inst == nullptr) return;
      std::vector<Value> args{Value::I32(1000 + t)}, out;
      Trap trap;
      FuncInstance* f = inst->GetExport("sum").func();
      if (Invoke(store, f, args, &out, &trap)) results[t] = out[0].lo;
      codes[t] = f->code;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    uint64_t n = 1000 + t;
    CHECK(results[t] == n * (n + 1) / 2);
    CHECK(codes[t] != nullptr);
    CHECK(codes[t] == codes[0]);
  }
}

}  // namespace
}  // namespace cascade::test
