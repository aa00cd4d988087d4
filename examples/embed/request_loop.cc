// request_loop: an edge-server style host. Every request gets a fresh instance
// from one InstancePre (imports resolved and memory image built once), runs one
// export on the request bytes, and drops the instance. Checks every response,
// that each instance starts fresh (its call counter is 1), and that RSS stays
// flat: it compares RSS after a warm-up with RSS at the end.
//
//   request_loop [N]     N requests (default 100000); exit 0 when all is well
#include <cascade/cascade.hh>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace api = cascade::api;

static const char* kHandler = R"((module
  (import "env" "tick" (func $tick))
  (memory (export "memory") 1)
  (data (i32.const 1024) "Hello, ")
  (global $calls (mut i32) (i32.const 0))
  ;; handle(len): the request is memory[0, len); writes "Hello, " + upper(request)
  ;; + "!" at 2048 and returns its length.
  (func (export "handle") (param $len i32) (result i32)
    (local $i i32) (local $c i32)
    (call $tick)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (memory.copy (i32.const 2048) (i32.const 1024) (i32.const 7))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $c (i32.load8_u (local.get $i)))
      (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
        (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
      (i32.store8 (i32.add (i32.const 2055) (local.get $i)) (local.get $c))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i32.store8 (i32.add (i32.const 2055) (local.get $len)) (i32.const 33))
    (i32.add (local.get $len) (i32.const 8)))
  (func (export "calls") (result i32) (global.get $calls)))
)";

// Resident set size in KiB (/proc/self/statm), 0 if unavailable.
static long RssKib() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages = 0, resident = 0;
  int n = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return n == 2 ? resident * 4 : 0;
}

int main(int argc, char** argv) {
  long requests = argc > 1 ? std::atol(argv[1]) : 100000;
  api::Engine engine;
  auto module = api::Module::Compile(engine, std::string_view(kHandler));
  if (!module) return std::fprintf(stderr, "compile: %s\n", module.error().message().c_str()), 1;
  api::Linker linker(engine);
  long ticks = 0;
  linker.FuncWrap("env", "tick", [&ticks]() { ++ticks; });
  auto pre = linker.InstantiatePre(*module);
  if (!pre) return std::fprintf(stderr, "pre: %s\n", pre.error().message().c_str()), 1;

  api::Store store(engine);  // one store per worker; instances come and go
  long warm_rss = 0;
  const long warmup = requests < 1000 ? requests / 2 : 1000;
  for (long r = 0; r < requests; ++r) {
    if (r == warmup) warm_rss = RssKib();
    auto inst = pre->Instantiate(store);
    if (!inst) return std::fprintf(stderr, "request %ld: %s\n", r, inst.error().message().c_str()), 1;
    api::Memory memory = *inst->GetMemory(store, "memory");
    std::string request = "user" + std::to_string(r);
    std::memcpy(memory.data(store), request.data(), request.size());
    auto handle = inst->GetFunc(store, "handle")->typed<int32_t(int32_t)>(store);
    auto calls = inst->GetFunc(store, "calls")->typed<int32_t()>(store);
    if (!handle || !calls) return std::fprintf(stderr, "exports missing\n"), 1;
    auto len = (*handle)(store, static_cast<int32_t>(request.size()));
    if (!len) return std::fprintf(stderr, "request %ld trapped: %s\n", r, len.error().ToString().c_str()), 1;
    std::string response(reinterpret_cast<const char*>(memory.data(store) + 2048), *len);
    std::string expected = "Hello, USER" + std::to_string(r) + "!";
    auto n = (*calls)(store);
    if (response != expected || !n || *n != 1) {
      return std::fprintf(stderr, "request %ld: got '%s' (calls %d), want '%s'\n", r,
                          response.c_str(), n ? *n : -1, expected.c_str()), 1;
    }
    if (!store.Drop(*inst)) return std::fprintf(stderr, "request %ld: drop failed\n", r), 1;
  }
  long end_rss = RssKib();
  std::printf("%ld requests, %ld host calls, %u live instances; RSS after warm-up %ld KiB, at end %ld KiB\n",
              requests, ticks, store.instance_count(), warm_rss, end_rss);
  if (ticks != requests || store.instance_count() != 0) return 1;
  // Flat: growth after warm-up within 16 MiB (allocator/sanitizer slack; a
  // leaked slot per request would be ~100 KiB each).
  if (warm_rss > 0 && end_rss - warm_rss > 16 * 1024) {
    std::fprintf(stderr, "RSS grew by %ld KiB\n", end_rss - warm_rss);
    return 1;
  }
  return 0;
}
