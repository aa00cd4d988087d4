// hello_cpp: the smallest C++ host. Compiles a module (text format here;
// binaries work the same), gives it a host function from a lambda, calls an
// export through a typed view, and prints what the module wrote to memory.
#include <cascade/cascade.hh>

#include <cstdio>
#include <string>

namespace api = cascade::api;

static const char* kModule = R"((module
  (import "host" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello from wasm!")
  (func (export "greet") (param $times i32) (result i32)
    (local $i i32)
    (block $done (loop $again
      (br_if $done (i32.ge_u (local.get $i) (local.get $times)))
      (call $print (i32.const 16) (i32.const 16))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $again)))
    (i32.mul (local.get $times) (i32.const 16))))
)";

int main() {
  api::Engine engine;
  auto module = api::Module::Compile(engine, std::string_view(kModule));
  if (!module) return std::fprintf(stderr, "compile: %s\n", module.error().message().c_str()), 1;

  api::Linker linker(engine);
  int printed = 0;
  linker.FuncWrap("host", "print", [&printed](api::Caller& caller, int32_t ptr, int32_t len) {
    auto memory = caller.GetMemory("memory");
    if (!memory) return;
    const char* text = reinterpret_cast<const char*>(memory->data(caller.store()) + ptr);
    std::printf("%.*s\n", static_cast<int>(len), text);
    ++printed;
  });

  api::Store store(engine);
  auto instance = linker.Instantiate(store, *module);
  if (!instance) return std::fprintf(stderr, "instantiate: %s\n", instance.error().message().c_str()), 1;
  auto greet = instance->GetFunc(store, "greet")->typed<int32_t(int32_t)>(store);
  if (!greet) return std::fprintf(stderr, "greet: %s\n", greet.error().message().c_str()), 1;
  auto bytes = (*greet)(store, 2);
  if (!bytes) return std::fprintf(stderr, "trap: %s\n", bytes.error().ToString().c_str()), 1;
  std::printf("greet(2) printed %d lines, returned %d\n", printed, *bytes);
  return printed == 2 && *bytes == 32 ? 0 : 1;
}
