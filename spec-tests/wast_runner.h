// The spec-test harness: runs the commands of .wast scripts (text/wast_script.h)
// against the engine and counts results per file.
//
// Implemented today: everything that needs only DecodeModule + ValidateModule:
//   module                 passes when the module decodes and validates
//   assert_invalid         passes when it decodes and validation fails with a
//                          message containing the expected one
//   assert_malformed       passes when text parsing (quote/text) or decoding
//                          (binary) fails with a message containing the expected one
// Every command that needs instantiation or execution (register, invoke, get,
// assert_return, assert_trap, assert_exhaustion, assert_exception,
// assert_unlinkable, assert_uninstantiable, module instance, thread, wait) is
// counted as *skipped* with the reason "not implemented" -- never silently.
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
