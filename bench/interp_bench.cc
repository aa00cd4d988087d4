// interp_bench: runs one export of a .wasm module on Cascade's interpreter and
// prints the wall time; with --translate-all, measures the translation cost of
// every function against decode + validate (issue 4, acceptance 3).
//
//   interp_bench FILE.wasm EXPORT [i32 args...]
//     -> "result=<i64> time_ms=<wall ms of the call> cpu_ms=<process CPU ms of the call>"
//   interp_bench --translate-all FILE.wasm         -> decode+validate vs translate ms
//   --compiler=jit first: the same on the baseline JIT (jit/), where
//   --translate-all compiles every function to machine code (compile_cpu_ms).
//
// Invariant: imports are satisfied by the spectest host module only; the
// benchmark programs (bench/programs/*.c) import nothing.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "engine/decoder.h"
#include "engine/function_decoder.h"
#include "engine/interp/translator.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/store.h"
#include "engine/validator.h"
#if CASCADE_JIT
#include "jit/baseline_compiler.h"
#include "jit/code_memory.h"
#include "jit/jit.h"
#endif

using namespace cascade;

namespace {

double NowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}
// CPU time of the whole process (all threads): robust to a loaded machine.
double CpuMs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

bool ReadFile(const char* path, std::vector<uint8_t>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), {});
  return true;
}

// Reads, decodes and validates `path`; sets *decode_validate_ms to the CPU
// time of decode+validate (the read excluded). Prints why and returns nullptr
// on failure.
std::shared_ptr<Module> LoadModule(const char* path, double* decode_validate_ms = nullptr) {
  std::vector<uint8_t> bytes;
  if (!ReadFile(path, &bytes)) return std::fprintf(stderr, "cannot read %s\n", path), nullptr;
  auto m = std::make_shared<Module>();
  Error err;
  double t0 = CpuMs();
  if (!DecodeModule(std::move(bytes), m.get(), &err) || !ValidateModule(*m, &err))
    return std::fprintf(stderr, "invalid: %s\n", err.message.c_str()), nullptr;
  if (decode_validate_ms) *decode_validate_ms = CpuMs() - t0;
  return m;
}

int TranslateAll(const char* path) {
  double decode_validate_ms = 0;
  std::shared_ptr<Module> m = LoadModule(path, &decode_validate_ms);
  if (!m) return 1;
  // The floor of any translator on the shared decoder: one pass over every
  // body with validation compiled away and hooks that do nothing.
  double t0 = CpuMs();
  {
    BaseInterface none;
    FunctionDecoder<NoValidation, BaseInterface> d(*m, none);
    for (uint32_t i = m->num_imported_funcs; i < m->funcs.size(); ++i) d.DecodeFunction(i);
  }
  double decode_only_ms = CpuMs() - t0;
  // As `cascade run` does: every function's code in the module's arena.
  interp::CodeArena arena;
  double t1 = CpuMs();
  size_t units = 0;
  for (uint32_t i = m->num_imported_funcs; i < m->funcs.size(); ++i)
    units += interp::TranslateFunction(*m, i, true, arena)->code_units;
  double t2 = CpuMs();
  std::printf("functions=%zu decode+validate_cpu_ms=%.1f decode_only_cpu_ms=%.1f "
              "translate_cpu_ms=%.1f ratio=%.3f code_bytes=%zu\n",
              m->funcs.size() - m->num_imported_funcs, decode_validate_ms, decode_only_ms,
              t2 - t1, (t2 - t1) / decode_validate_ms, units * 4);
  return 0;
}

#if CASCADE_JIT
// Baseline-JIT compile of every defined function (instance-free, the code is
// installed but never run); functions it cannot compile are counted.
int CompileAll(const char* path) {
  double decode_validate_ms = 0;
  std::shared_ptr<Module> m = LoadModule(path, &decode_validate_ms);
  if (!m) return 1;
  double t1 = CpuMs();
  jit::CodeMemory memory;
  size_t code_bytes = 0, failed = 0;
  for (uint32_t i = m->num_imported_funcs; i < m->funcs.size(); ++i) {
    jit::CompileEnv env;
    jit::CompiledCode code;
    std::string why;
    if (jit::CompileFunction(*m, i, env, memory, &code, &why)) code_bytes += code.size;
    else ++failed;
  }
  double t2 = CpuMs();
  std::printf("functions=%zu decode+validate_cpu_ms=%.1f compile_cpu_ms=%.1f ratio=%.3f "
              "code_bytes=%zu not_compiled=%zu\n",
              m->funcs.size() - m->num_imported_funcs, decode_validate_ms, t2 - t1,
              (t2 - t1) / decode_validate_ms, code_bytes, failed);
  return 0;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--compiler=jit") == 0) {
#if CASCADE_JIT
    jit::EnableJitByDefault(true);
    if (argc >= 4 && std::strcmp(argv[2], "--translate-all") == 0) return CompileAll(argv[3]);
    --argc;
    ++argv;
#else
    std::fprintf(stderr, "interp_bench: built without the JIT (jit/)\n");
    return 2;
#endif
  } else if (argc >= 2 && std::strcmp(argv[1], "--compiler=interp") == 0) {
    --argc;
    ++argv;
  }
  if (argc >= 3 && std::strcmp(argv[1], "--translate-all") == 0) return TranslateAll(argv[2]);
  if (argc < 3) {
    std::fprintf(stderr, "usage: interp_bench FILE.wasm EXPORT [i32 args...]\n"
                         "       interp_bench --translate-all FILE.wasm\n");
    return 2;
  }
  std::shared_ptr<Module> m = LoadModule(argv[1]);
  if (!m) return 1;
  Store store;
  Linker linker;
  DefineSpectest(store, linker);
  InstantiateError ierr;
  Instance* inst = Instantiate(store, linker, m, &ierr);
  if (!inst) return std::fprintf(stderr, "instantiate: %s\n", ierr.trap.message.c_str()), 1;
  Extern e = inst->GetExport(argv[2]);
  if (!e.object || e.kind != ExternKind::kFunc)
    return std::fprintf(stderr, "no function export %s\n", argv[2]), 1;
  std::vector<Value> args;
  for (int i = 3; i < argc; ++i) args.push_back(Value::I32(static_cast<uint32_t>(std::atoll(argv[i]))));
  std::vector<Value> results;
  Trap trap;
  double t0 = NowMs(), c0 = CpuMs();
  bool ok = Invoke(store, e.func(), args, &results, &trap);
  double t1 = NowMs(), c1 = CpuMs();
  if (!ok) return std::fprintf(stderr, "trap: %s\n", trap.message.c_str()), 1;
  std::printf("result=%lld time_ms=%.1f cpu_ms=%.1f\n",
              results.empty() ? 0LL : static_cast<long long>(results[0].lo), t1 - t0, c1 - c0);
  return 0;
}
