// The spec-test harness: runs the commands of .wast scripts (text/wast_script.h)
// against the engine and counts results per file.
//
// Decode/validate commands are checked here:
//   assert_invalid         passes when it decodes and validation fails with a
//                          message containing the expected one
//   assert_malformed       passes when text parsing (quote/text) or decoding
//                          (binary) fails with a message containing the expected one
// Commands that instantiate or execute (module, module instance, register,
// invoke, get, assert_return, assert_trap, assert_exhaustion, assert_exception,
// assert_unlinkable, assert_uninstantiable) run through the runtime in
// wast_executor.h, one Store per script. `thread` runs its body on an OS thread
// and `wait` joins it (wast_executor.h).
//
// Invariants: each command yields exactly one outcome; a case is identified by
// "path:line" (line of the command's opening paren), which is what the
// expected-failure manifest lists.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cascade::spec {

enum class Outcome : uint8_t { kPassed, kFailed, kSkipped };

struct CaseResult {
  uint32_t line = 0;
  std::string command;  // "module", "assert_invalid", ...
  Outcome outcome = Outcome::kSkipped;
  std::string detail;   // failure reason or skip reason
};

struct FileResult {
  std::string path;
  bool parse_error = false;  // the script itself did not parse (one failed case)
  std::vector<CaseResult> cases;
  uint32_t passed = 0, failed = 0, skipped = 0;
};

// Reads and runs one script. Never throws; unreadable or unparsable scripts give
// one failed case at line 0 / the error line.
FileResult RunWastFile(const std::string& path);

// Runs already-loaded script text (`path` is only used for reporting).
FileResult RunWastSource(const std::string& path, const std::string& source);

}  // namespace cascade::spec
