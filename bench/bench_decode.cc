// bench_decode: decode and decode+validate throughput on one thread, in MB/s
// of module bytes (1 MB = 10^6 bytes) per second of the thread's CPU time (so
// that other load on the machine disturbs the numbers less than wall time).
//
// Usage: bench_decode [--benchmark_* flags] [FILE.wasm ...]
// Without files it measures the modules listed in $CASCADE_BENCH_MODULES
// (colon-separated), else the build's examples/hello.wasm. Each iteration
// decodes a fresh copy of the bytes (DecodeModule takes ownership); the copy
// and the Module's destruction are excluded from the timing.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/validator.h"

#ifndef CASCADE_BENCH_DEFAULT_MODULE
#define CASCADE_BENCH_DEFAULT_MODULE ""
#endif

namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void BenchModule(benchmark::State& state, const std::vector<uint8_t>* bytes, bool validate) {
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<uint8_t> copy = *bytes;
    auto module = std::make_unique<cascade::Module>();
    state.ResumeTiming();
    cascade::Error error;
    bool ok = cascade::DecodeModule(std::move(copy), module.get(), &error);
    if (ok && validate) ok = cascade::ValidateModule(*module, &error, /*max_threads=*/1);
    if (!ok) {
      state.SkipWithError(("module rejected: " + error.message).c_str());
      break;
    }
    benchmark::DoNotOptimize(module.get());
    state.PauseTiming();
    module.reset();
    state.ResumeTiming();
  }
  double mb = static_cast<double>(bytes->size()) / 1e6;
  // Shown as "MB=412/s": megabytes of module per second.
  state.counters["MB"] = benchmark::Counter(mb, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["size_MB"] = mb;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::vector<std::string> files(argv + 1, argv + argc);  // flags were consumed above
  if (files.empty()) {
    std::string list = std::getenv("CASCADE_BENCH_MODULES") ? std::getenv("CASCADE_BENCH_MODULES") : "";
    for (size_t start = 0; start < list.size();) {
      size_t colon = list.find(':', start);
      if (colon == std::string::npos) colon = list.size();
      if (colon > start) files.push_back(list.substr(start, colon - start));
      start = colon + 1;
    }
  }
  if (files.empty() && *CASCADE_BENCH_DEFAULT_MODULE) files.push_back(CASCADE_BENCH_DEFAULT_MODULE);
  if (files.empty()) {
    std::fprintf(stderr, "bench_decode: no module given (pass FILE.wasm or set CASCADE_BENCH_MODULES)\n");
    return 2;
  }
  // Registered benchmarks keep pointers into `inputs`: it is never resized after.
  std::vector<std::vector<uint8_t>> inputs;
  inputs.reserve(files.size());
  for (const std::string& f : files) {
    inputs.push_back(ReadFile(f));
    if (inputs.back().empty()) {
      std::fprintf(stderr, "bench_decode: cannot read %s\n", f.c_str());
      return 1;
    }
    const std::vector<uint8_t>* bytes = &inputs.back();
    benchmark::RegisterBenchmark(("decode/" + BaseName(f)).c_str(), BenchModule, bytes, false)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("decode_validate/" + BaseName(f)).c_str(), BenchModule, bytes, true)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
