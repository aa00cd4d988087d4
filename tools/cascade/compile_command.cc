// `cascade compile [--disasm] [-C cache=y|n] <FILE>`: compiles every defined
// function of a module with the baseline JIT (jit/), stores the code in the
// compilation cache (jit/code_cache_file.h, as `cascade run` finds it, so
// even the first run starts warm; `-C cache=n`: not stored) and reports how
// many compiled and how many are left to the interpreter; with --disasm,
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
#include "jit/code_cache_file.h"
#include "jit/jit.h"
#endif

namespace cascade::cli {

int CompileCommand(const std::vector<std::string_view>& args) {
  std::string path;
  bool disasm = false, cache = true;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--disasm") {
      disasm = true;
    } else if ((a == "-C" && i + 1 < args.size()) || a.starts_with("-C")) {
      std::string_view v = a == "-C" ? args[++i] : a.substr(2);
      if (v == "cache=n" || v == "cache=no" || v == "cache=false") cache = false;
      else if (v == "cache" || v == "cache=y" || v == "cache=yes" || v == "cache=true") cache = true;
      else return UsageError("compile", "invalid value '" + std::string(v) + "' for '-C' (supported: cache=y|n)");
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
  if (disasm) {
    std::ostringstream text;
#if CASCADE_JIT_DISASM
    jit::Disassemble(module, text);
#else
    jit::ListAssembly(module, text);
#endif
    std::string listing = text.str();
    std::fwrite(listing.data(), 1, listing.size(), stdout);
  }
  uint32_t failed = 0;
  uint32_t compiled = jit::CompileModule(module, /*threads=*/0, &failed);
  // stdio, not <iostream>: its static initializer would run at every start
  // of the CLI, `cascade run` included (issue 5's start-up budget).
  std::printf("%s: %u of %u functions compiled, %u left to the interpreter\n", path.c_str(),
              compiled, compiled + failed, failed);
  std::string dir = cache ? jit::DefaultCacheDir() : "";
  if (!dir.empty()) {
    jit::ContentHash hash = jit::HashModuleBytes({module.bytes.data(), module.bytes.size()});
    std::string file = jit::CacheFilePath(dir, hash), why;
    if (!jit::SaveModuleCode(module, hash, file, &why)) {
      std::fprintf(stderr, "error: cannot write the compilation cache: %s\n", why.c_str());
      return kExitRejected;
    }
    std::printf("cached in %s\n", file.c_str());
  }
  return kExitOk;
#else
  std::fprintf(stderr, "error: this build has no JIT (jit/)\n");
  return kExitUsage;
#endif
}

}  // namespace cascade::cli
