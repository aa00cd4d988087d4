// `cascade wast [OPTIONS] <FILE>...`: runs spec-test scripts (.wast) with the
// spec harness library (spec-tests/wast_runner.h) and prints, per file, the
// passed/failed/skipped counts and each failure as `FILE:LINE: COMMAND: REASON`.
//
// Exit status: 0 when no case failed, 1 otherwise, 2 on a usage error.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "spec-tests/wast_runner.h"
#include "tools/cascade/cli.h"
#if CASCADE_JIT
#include "jit/jit.h"
#endif

namespace cascade::cli {

int WastCommand(const std::vector<std::string_view>& args) {
  std::vector<std::string> files;
  bool quiet = false;
  // The baseline JIT runs the scripts unless another tier is asked for (it
  // passes exactly what the interpreter passes: CTest spec.suite_jit).
  bool tier_chosen = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") {
      for (++i; i < args.size(); ++i) files.emplace_back(args[i]);
      break;
    }
    if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (a == "--compiler=interp") {
      tier_chosen = true;
#if CASCADE_JIT
    } else if (a == "--compiler=jit") {
      // Every store the scripts create runs wasm through the baseline JIT.
      jit::EnableJitByDefault(true);
      tier_chosen = true;
    } else if (a == "--compiler=tiered") {
      // Interpreted first, each function compiled once hot (jit/jit.h).
      jit::EnableTieringByDefault(true);
      tier_chosen = true;
#endif
    } else if (a.starts_with("--compiler=")) {
      return UsageError("wast", "unknown compiler '" + std::string(a.substr(11)) +
#if CASCADE_JIT
                                    "' (available: interp, jit, tiered)");
#else
                                    "' (available: interp)");
#endif
    } else if (a.starts_with("-") && a != "-") {
      return UsageError("wast", "unexpected argument '" + std::string(a) + "' found");
    } else {
      files.emplace_back(a);
    }
  }
  if (files.empty()) return UsageError("wast", "missing <FILE>");
#if CASCADE_JIT
  if (!tier_chosen) jit::EnableJitByDefault(true);  // a no-op without a JIT backend
#else
  (void)tier_chosen;
#endif
  uint64_t passed = 0, failed = 0, skipped = 0;
  for (const std::string& path : files) {
    spec::FileResult r = spec::RunWastFile(path);
    if (!quiet) {
      for (const spec::CaseResult& c : r.cases) {
        if (c.outcome != spec::Outcome::kFailed) continue;
        std::fprintf(stderr, "%s:%u: %s: %s\n", path.c_str(), c.line, c.command.c_str(),
                     c.detail.c_str());
      }
    }
    std::printf("%s: %u passed, %u failed, %u skipped\n", path.c_str(), r.passed, r.failed,
                r.skipped);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
  }
  if (files.size() > 1) {
    std::printf("total: %llu passed, %llu failed, %llu skipped\n",
                static_cast<unsigned long long>(passed), static_cast<unsigned long long>(failed),
                static_cast<unsigned long long>(skipped));
  }
  return failed == 0 ? kExitOk : kExitRejected;
}

}  // namespace cascade::cli
