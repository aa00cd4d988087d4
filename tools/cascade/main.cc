// Entry point of the `cascade` CLI: parses the global flags and dispatches to a
// subcommand (cli.h). Subcommands live one per file (validate_command.cc,
// inspect_command.cc, help_command.cc).
//
// Invariants: nothing is printed to stdout on a usage error; every exit status
// is one of kExitOk, kExitRejected, kExitUsage, except `cascade run`'s, which
// passes on the guest's exit status (run_command.cc).
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "tools/cascade/cli.h"

#ifndef CASCADE_VERSION
#define CASCADE_VERSION "0.0.0"
#endif

namespace cascade::cli {
namespace {

struct CommandEntry {
  std::string_view name;
  int (*run)(const std::vector<std::string_view>&);
};

constexpr CommandEntry kCommands[] = {
    {"run", RunCommand},
    {"validate", ValidateCommand},
    {"inspect", InspectCommand},
    {"wast", WastCommand},
    {"compile", CompileCommand},
    {"help", HelpCommand},
};

}  // namespace
}  // namespace cascade::cli

int main(int argc, char** argv) {
  using namespace cascade::cli;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  std::string_view first = args[0];
  if (first == "--help" || first == "-h") {
    PrintUsage(stdout);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    std::printf("cascade %s\n", CASCADE_VERSION);
    return kExitOk;
  }
  if (first.starts_with("-")) {
    return UsageError("", "unexpected argument '" + std::string(first) + "' found");
  }
  for (const CommandEntry& command : kCommands) {
    if (command.name == first) {
      std::vector<std::string_view> rest(args.begin() + 1, args.end());
      // `cascade CMD --help` prints the subcommand's help. `run` finds it
      // itself: the words after its <WASM> belong to the guest.
      for (std::string_view a : rest) {
        if (command.name == "run") break;
        if (a == "--") break;
        if (a == "--help" || a == "-h") {
          PrintCommandHelp(command.name, stdout);
          return kExitOk;
        }
      }
      return command.run(rest);
    }
  }
  if (first == "compile") {
    return UsageError("", "subcommand '" + std::string(first) +
                              "' is not implemented yet in this version of cascade");
  }
  return UsageError("", "unrecognized subcommand '" + std::string(first) + "'");
}
