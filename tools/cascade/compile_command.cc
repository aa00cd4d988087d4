// `cascade compile [--disasm] <FILE>`: compiles every defined function of a
// module with the baseline JIT (jit/) and reports how many compiled, how many
// are left to the interpreter (and why) and the code size; with --disasm,
// prints each function's machine code (Zydis when the CLI links it, otherwise
// AsmJit's listing of what it emitted; static builds cannot link Zydis).
//
// Exit status: 0 when the module loads (unsupported functions are not an
// error: they run in the interpreter), 1 when it fails to load, 2 on a usage
// error or in a build without the JIT.
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/cascade/cli.h"
#if CASCADE_JIT
#include "jit/jit.h"
#endif

namespace cascade::cli {

int CompileCommand(const std::vector<std::string_view>& args) {
  std::string path;
  bool disasm = false;
  for (std::string_view a : args) {
    if (a == "--disasm") {
      disasm = true;
    } else if (a.starts_with("-") && a != "-") {
      return UsageError("compile", "unexpected argument '" + std::string(a) + "' found");
    } else if (path.empty()) {
      path = a;
    } else {
      return UsageError("compile", "unexpected argument '" + std::string(a) + "' found");
    }
  }
  if (path.empty()) return UsageError("compile", "missing <FILE>");
#if CASCADE_JIT
  Module module;
  LoadError error;
  if (LoadModule(path, /*validate=*/true, &module, &error) != LoadResult::kOk) {
    PrintLoadError(path, error);
    return kExitRejected;
  }
  std::ostringstream text;
#if CASCADE_JIT_DISASM
  uint32_t failed = jit::Disassemble(module, text);
#else
  uint32_t failed = jit::ListAssembly(module, text);
#endif
  if (disasm) {
    std::string listing = text.str();
    std::fwrite(listing.data(), 1, listing.size(), stdout);
  }
  uint32_t total = static_cast<uint32_t>(module.funcs.size() - module.num_imported_funcs);
  // stdio, not <iostream>: its static initializer would run at every start
  // of the CLI, `cascade run` included (issue 5's start-up budget).
  std::printf("%s: %u of %u functions compiled, %u left to the interpreter\n", path.c_str(),
              total - failed, total, failed);
  return kExitOk;
#else
  std::fprintf(stderr, "error: this build has no JIT (jit/)\n");
  return kExitUsage;
#endif
}

}  // namespace cascade::cli
