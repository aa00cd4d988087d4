// jit_diff: differential test of the two execution tiers (issue 6, acceptance
// 2). Runs every module given (random valid modules from binaryen's
// `wasm-opt -ttf`, see diff_ttf.sh) once on the interpreter and once with the
// JIT, calling each exported function in export order with zero arguments,
// and compares everything observable: results (NaNs compare equal to NaNs),
// trap messages, the calls made to imported functions with their arguments,
// and the bytes of memory 0 after each call.
//
//   jit_diff FILE.wasm...   -> one line per mismatch, then
//                              "modules=N calls=N mismatches=N jit_functions=N interp_functions=N"
// Exit status: 0 when both tiers agree on everything, 1 otherwise, 2 on bad input.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/store.h"
#include "engine/validator.h"
#include "jit/jit.h"

using namespace cascade;

namespace {

struct Observation {
  std::vector<std::string> events;  // per call: results or trap, host calls, memory hash
  uint32_t jit_functions = 0, interp_functions = 0;
};

uint64_t Hash(const uint8_t* p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

std::string ValueText(const Value& v) {
  char buf[64];
  switch (v.type.kind()) {
    case ValType::kF32: {
      float f;
      uint32_t b = static_cast<uint32_t>(v.lo);
      std::memcpy(&f, &b, 4);
      if (std::isnan(f)) return "f32:nan";
      break;
    }
    case ValType::kF64: {
      double d;
      std::memcpy(&d, &v.lo, 8);
      if (std::isnan(d)) return "f64:nan";
      break;
    }
    default: break;
  }
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v.lo));
  return buf;
}

bool Run(const std::shared_ptr<Module>& m, bool jit, Observation* out) {
  Store store;
  if (jit) jit::EnableJit(store);
  Linker linker;
  std::vector<std::string>* log = &out->events;
  for (const Import& imp : m->imports) {
    if (imp.kind != ExternKind::kFunc) continue;
    uint32_t canon = m->types[m->funcs[imp.index].type_index].canonical_id;
    std::string name = std::string(imp.module) + "." + std::string(imp.name);
    FuncInstance* f = store.NewHostFunc(
        canon, [log, name](HostContext& ctx, const uint64_t* args, uint64_t* results, Trap*) {
          std::string e = "  host " + name;
          for (uint32_t i = 0; i < ctx.func->param_slots; ++i) e += " " + std::to_string(args[i]);
          log->push_back(e);
          for (uint32_t i = 0; i < ctx.func->result_slots; ++i) results[i] = 0;
          return true;
        });
    linker.Define(imp.module, imp.name, Extern::Func(f));
  }
  InstantiateError ierr;
  Instance* inst = Instantiate(store, linker, m, &ierr);
  if (!inst) {
    log->push_back("instantiate: " + ierr.trap.message);
    return true;
  }
  for (const Export& e : m->exports) {
    if (e.kind != ExternKind::kFunc) continue;
    FuncInstance* f = inst->funcs[e.index];
    std::vector<Value> args;
    for (ValType t : f->type->params()) args.push_back(Value{t, 0, 0});
    std::vector<Value> results;
    Trap trap;
    std::string line = "call " + std::string(e.name) + ":";
    if (Invoke(store, f, args, &results, &trap)) {
      for (const Value& v : results) line += " " + ValueText(v);
    } else {
      line += " trap " + trap.message;
    }
    if (!inst->memories.empty()) {
      MemoryInstance* mem = inst->memories[0];
      line += " mem " + std::to_string(Hash(mem->base, mem->size_bytes));
    }
    log->push_back(line);
  }
  if (jit) {
    jit::JitStats s = jit::GetStats(store);
    out->jit_functions = s.compiled;
    out->interp_functions = s.unsupported;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: jit_diff FILE.wasm...\n");
    return 2;
  }
  uint64_t modules = 0, calls = 0, mismatches = 0, jit_funcs = 0, interp_funcs = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    auto m = std::make_shared<Module>();
    Error err;
    if (!DecodeModule(std::move(bytes), m.get(), &err) || !ValidateModule(*m, &err)) {
      std::fprintf(stderr, "%s: invalid: %s\n", argv[i], err.message.c_str());
      return 2;
    }
    Observation a, b;
    Run(m, false, &a);
    Run(m, true, &b);
    ++modules;
    jit_funcs += b.jit_functions;
    interp_funcs += b.interp_functions;
    size_t n = std::max(a.events.size(), b.events.size());
    for (size_t k = 0; k < n; ++k) {
      const std::string& x = k < a.events.size() ? a.events[k] : "<none>";
      const std::string& y = k < b.events.size() ? b.events[k] : "<none>";
      if (x.starts_with("call")) ++calls;
      if (x != y) {
        ++mismatches;
        std::printf("%s: MISMATCH at event %zu\n  interp: %s\n  jit:    %s\n", argv[i], k,
                    x.c_str(), y.c_str());
        break;  // later events follow from this one
      }
    }
  }
  std::printf("modules=%llu calls=%llu mismatches=%llu jit_functions=%llu interp_functions=%llu\n",
              static_cast<unsigned long long>(modules), static_cast<unsigned long long>(calls),
              static_cast<unsigned long long>(mismatches), static_cast<unsigned long long>(jit_funcs),
              static_cast<unsigned long long>(interp_funcs));
  return mismatches == 0 ? 0 : 1;
}
