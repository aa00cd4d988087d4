// `cascade help [COMMAND]`, `cascade --help`, and the usage-error format shared
// by all subcommands (modelled on wasmtime's clap output).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "tools/cascade/cli.h"

namespace cascade::cli {
namespace {

struct CommandHelp {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;    // after "cascade "
  std::string_view details;  // arguments and options, may be empty
};

constexpr CommandHelp kHelp[] = {
    {"run", "Runs a WebAssembly module",
     "run [OPTIONS] <WASM> [ARGS]...",
     "Arguments:\n"
     "  <WASM>     The module to run (.wasm, or text .wat); '-' reads stdin\n"
     "  [ARGS]...  Arguments for the guest (argv[1..]), or for --invoke's function\n"
     "\n"
     "Options:\n"
     "      --dir <HOST_DIR[::GUEST_DIR]>  Grant access to a host directory, seen by the\n"
     "                                     guest as GUEST_DIR (default: HOST_DIR)\n"
     "      --env <NAME[=VAL]>             Pass an environment variable to the guest;\n"
     "                                     without =VAL, inherit NAME from the host\n"
     "      --invoke <FUNCTION>            Call this export instead of `_start`; ARGS are\n"
     "                                     parsed by its parameter types, results printed\n"
     "                                     one per line\n"
     "      --preload <NAME=MODULE_PATH>   Instantiate another module first and make its\n"
     "                                     exports importable under module name NAME\n"
     "      --argv0 <ARGV0>                The guest's argv[0] (default: <WASM>'s file name)\n"
     "      --max-memory <BYTES>           Limit each linear memory (e.g. 65536, 64MiB)\n"
     "      --max-stack <BYTES>            Limit the wasm value stack\n"
     "      --fuel <N>                     Trap after executing about N instructions\n"
     "      --timeout <DURATION>           Trap after this wall time (10s, 500ms, 2m)\n"
     "      --compiler <COMPILER>          Execution tier: tiered (default: interpreted\n"
     "                                     until called tier-up-calls times or a loop is\n"
     "                                     hot, then compiled), jit (each function\n"
     "                                     compiled on first call) or interp\n"
     "  -W <KEY=VAL[,KEY=VAL]>             wasmtime spellings: fuel=N, timeout=D,\n"
     "                                     max-memory-size=B, max-wasm-stack=B\n"
     "      --profile <STRATEGY>           perfmap: write /tmp/perf-PID.map naming JIT\n"
     "                                     code for `perf report`\n"
     "  -C compiler=<COMPILER>             Same as --compiler\n"
     "  -C lazy-compilation=<y|n>          JIT each function on first call (y, default)\n"
     "                                     or the whole module before running (n)\n"
     "  -C parallel-compilation=<y|n>      With lazy-compilation=n, compile on every\n"
     "                                     core (y, default) or on one thread (n)\n"
     "  -C cache=<y|n>                     Keep JIT code in a compilation cache\n"
     "                                     ($CASCADE_CACHE_DIR, else ~/.cache/cascade)\n"
     "                                     for later runs of the same module (y, default)\n"
     "  -C tier-up-calls=<N>               With --compiler=tiered, compile a function at\n"
     "                                     its Nth call (default 100)\n"
     "  -h, --help                         Print help\n"
     "\n"
     "Options must come before <WASM>; everything after it goes to the guest. `--`\n"
     "ends the options. Without --invoke, runs the export \"\" or `_start` (after\n"
     "`_initialize` if exported); a module with neither runs nothing.\n"
     "\n"
     "Exit status: the guest's proc_exit code (0 when `_start` returns); 134 when the\n"
     "guest traps (the message and wasm backtrace go to stderr); 1 when a module\n"
     "fails to load, validate or link; 2 on a usage error.\n"},
    {"validate", "Validates WebAssembly modules",
     "validate [OPTIONS] <FILE>...",
     "Arguments:\n"
     "  <FILE>...  Modules (.wasm, or text .wat) to decode and validate; '-' reads stdin\n"
     "\n"
     "Options:\n"
     "  -v, --verbose  Print `FILE: valid` for each valid module\n"
     "  -h, --help     Print help\n"
     "\n"
     "Exits with 0 when every module is valid, 1 otherwise; each error is printed as\n"
     "`FILE: error: MESSAGE (at offset 0x..)` on stderr.\n"},
    {"inspect", "Prints the sections and contents of a WebAssembly module",
     "inspect [OPTIONS] <FILE>",
     "Arguments:\n"
     "  <FILE>  A module (.wasm, or text .wat); '-' reads stdin\n"
     "\n"
     "Options:\n"
     "      --no-validate  Only decode the module, do not validate it\n"
     "  -h, --help         Print help\n"
     "\n"
     "Prints the section table, types (with rec groups and supertypes), imports,\n"
     "functions (with names from the name section), tables, memories, globals, tags,\n"
     "exports, the start function, element and data segments and custom sections.\n"},
    {"wast", "Runs WebAssembly spec-test scripts (.wast)",
     "wast [OPTIONS] <FILE>...",
     "Arguments:\n"
     "  <FILE>...  Spec-test scripts in the WAST format\n"
     "\n"
     "Options:\n"
     "      --compiler=<C>     Execution tier: jit (the default where the baseline\n"
     "                         JIT exists, else interp), interp or tiered\n"
     "  -q, --quiet            Only print the per-file counts, not each failure\n"
     "  -h, --help             Print help\n"
     "\n"
     "Prints `FILE: N passed, N failed, N skipped` per script and each failure as\n"
     "`FILE:LINE: COMMAND: REASON` on stderr. Exits with 0 when nothing failed.\n"},
    {"compile", "Compiles a module with the baseline JIT and reports the result",
     "compile [OPTIONS] <FILE>",
     "Arguments:\n"
     "  <FILE>  The WebAssembly module (.wasm or .wat)\n"
     "\n"
     "Options:\n"
     "      --disasm        Print each function's machine code\n"
     "  -C cache=<y|n>      Store the code in the compilation cache, where\n"
     "                      `cascade run` finds it (y, default)\n"
     "  -h, --help          Print help\n"
     "\n"
     "Prints how many functions compiled and how many run in the interpreter\n"
     "(with --disasm, the reason for each one), and where the code was cached.\n"},
    {"help", "Prints this message or the help of the given subcommand", "help [COMMAND]", ""},
};

const CommandHelp* FindHelp(std::string_view name) {
  for (const CommandHelp& h : kHelp) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

}  // namespace

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "Cascade WebAssembly engine\n"
               "\n"
               "Usage: cascade <COMMAND> [OPTIONS]\n"
               "\n"
               "Commands:\n");
  for (const CommandHelp& h : kHelp) {
    std::fprintf(out, "  %-9.*s %.*s\n", static_cast<int>(h.name.size()), h.name.data(),
                 static_cast<int>(h.summary.size()), h.summary.data());
  }
  std::fprintf(out,
               "\n"
               "Options:\n"
               "  -h, --help     Print help\n"
               "  -V, --version  Print version\n");
}

bool PrintCommandHelp(std::string_view name, std::FILE* out) {
  const CommandHelp* h = FindHelp(name);
  if (h == nullptr) return false;
  std::fprintf(out, "%.*s\n\nUsage: cascade %.*s\n", static_cast<int>(h->summary.size()),
               h->summary.data(), static_cast<int>(h->usage.size()), h->usage.data());
  if (!h->details.empty()) {
    std::fprintf(out, "\n%.*s", static_cast<int>(h->details.size()), h->details.data());
  }
  return true;
}

int UsageError(std::string_view command, const std::string& message) {
  std::fprintf(stderr, "error: %s\n\n", message.c_str());
  const CommandHelp* h = command.empty() ? nullptr : FindHelp(command);
  if (h != nullptr) {
    std::fprintf(stderr, "Usage: cascade %.*s\n\nFor more information, try '--help'.\n",
                 static_cast<int>(h->usage.size()), h->usage.data());
  } else {
    std::fprintf(stderr, "Usage: cascade <COMMAND> [OPTIONS]\n\n"
                         "For more information, try '--help'.\n");
  }
  return kExitUsage;
}

int HelpCommand(const std::vector<std::string_view>& args) {
  if (args.empty()) {
    PrintUsage(stdout);
    return kExitOk;
  }
  if (args.size() > 1) {
    return UsageError("help", "unexpected argument '" + std::string(args[1]) + "' found");
  }
  if (!PrintCommandHelp(args[0], stdout)) {
    return UsageError("help", "unrecognized subcommand '" + std::string(args[0]) + "'");
  }
  return kExitOk;
}

}  // namespace cascade::cli
