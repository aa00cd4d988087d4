// PerfMap: writes /tmp/perf-PID.map (see perf_map.h).
#include "jit/perf_map.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "jit/code_memory.h"

namespace cascade::jit {
namespace {

std::mutex mu;
std::FILE* file = nullptr;
std::atomic<bool> enabled{false};

}  // namespace

bool EnablePerfMap(std::string* error) {
  std::lock_guard<std::mutex> lock(mu);
  if (file != nullptr) return true;
  std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
  file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    *error = "failed to create " + path + ": " + std::strerror(errno);
    return false;
  }
  // perf consults the map only for anonymous executable memory.
  CodeMemory::UseAnonymousMappings(true);
  enabled.store(true, std::memory_order_release);
  return true;
}

bool PerfMapEnabled() { return enabled.load(std::memory_order_acquire); }

void PerfMapRecord(const void* start, size_t size, const Module& module, uint32_t funcidx) {
  if (!PerfMapEnabled()) return;
  std::string_view name = module.function_name(funcidx);
  std::lock_guard<std::mutex> lock(mu);
  if (name.empty()) {
    std::fprintf(file, "%zx %zx wasm-function[%u]\n", reinterpret_cast<size_t>(start), size,
                 funcidx);
  } else {
    // perf splits on the first two spaces only: the rest of the line is the
    // name, which must not contain a line break (names are arbitrary UTF-8).
    std::string clean(name);
    for (char& c : clean) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    std::fprintf(file, "%zx %zx %s\n", reinterpret_cast<size_t>(start), size, clean.c_str());
  }
  std::fflush(file);
}

}  // namespace cascade::jit
