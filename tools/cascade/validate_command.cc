// `cascade validate FILE...`: decodes and validates each module (spec 5 and 3).
//
// Output: nothing on success (or `FILE: valid` with --verbose); for each
// rejected module one line `FILE: error: MESSAGE (at offset 0x..)` on stderr.
// Exit 0 when every module is valid, 1 when any is not, 2 on a usage error.
// Files are processed one at a time and each Module is freed before the next,
// so memory is bounded by the largest input.
#include <cstdio>
#include <string>

#include "tools/cascade/cli.h"

namespace cascade::cli {

int ValidateCommand(const std::vector<std::string_view>& args) {
  std::vector<std::string_view> files;
  bool verbose = false;
  bool options_done = false;
  for (std::string_view a : args) {
    if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && (a == "-v" || a == "--verbose")) {
      verbose = true;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      return UsageError("validate", "unexpected argument '" + std::string(a) + "' found");
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    return UsageError("validate", "the following required arguments were not provided: <FILE>...");
  }
  int status = kExitOk;
  for (std::string_view file : files) {
    Module module;
    LoadError error;
    if (LoadModule(file, /*validate=*/true, &module, &error) != LoadResult::kOk) {
      PrintLoadError(file, error);
      status = kExitRejected;
      continue;
    }
    if (verbose) std::printf("%.*s: valid\n", static_cast<int>(file.size()), file.data());
  }
  return status;
}

}  // namespace cascade::cli
