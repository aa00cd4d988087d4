// The command line of `cascade run` (wasmtime's `run` conventions): what each
// flag means, parsed into one RunOptions value before anything is loaded.
//
//   cascade run [OPTIONS] <WASM> [ARGS]...
//
// Invariants: options are only recognized before <WASM> (everything after it,
// flags included, belongs to the guest, as with clap's trailing_var_arg in
// wasmtime); `--` ends the options; every flag accepts both `--flag VALUE` and
// `--flag=VALUE`; a value that does not parse is a usage error, reported before
// any file is opened.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cascade::cli {

enum class Compiler { kInterp, kJit, kTiered };
enum class Profile { kNone, kPerfMap };

struct RunOptions {
  std::string module_path;               // <WASM>: .wasm or .wat, "-" = stdin
  std::vector<std::string> module_args;  // after <WASM>: argv[1..] or --invoke args
  std::optional<std::string> argv0;      // --argv0 (default: <WASM>'s base name)
  std::optional<std::string> invoke;     // --invoke FUNC
  // --dir HOST[::GUEST] (GUEST defaults to HOST), in command-line order.
  std::vector<std::pair<std::string, std::string>> dirs;
  // --env NAME[=VAL]: no value means "inherit NAME from the host environment".
  std::vector<std::pair<std::string, std::optional<std::string>>> envs;
  // --preload NAME=FILE, instantiated in order before the main module.
  std::vector<std::pair<std::string, std::string>> preloads;
  std::optional<uint64_t> max_memory_bytes;  // --max-memory / -W max-memory-size
  std::optional<uint64_t> max_stack_bytes;   // --max-stack / -W max-wasm-stack
  std::optional<uint64_t> fuel;              // --fuel / -W fuel
  std::optional<std::chrono::nanoseconds> timeout;  // --timeout / -W timeout
  // --compiler=interp|jit|tiered / -C compiler=. Without it (compiler_given
  // false) `cascade run` picks tiered where the baseline JIT exists (jit
  // with -C lazy-compilation=n), else interp.
  Compiler compiler = Compiler::kInterp;
  bool compiler_given = false;
  uint32_t tier_up_calls = 0;                // -C tier-up-calls=N (0: the JIT's default)
  bool lazy_compilation = true;     // -C lazy-compilation=y|n: JIT on first call, or all at start
  bool parallel_compilation = true;  // -C parallel-compilation=y|n: eager JIT on every core
  // -C cache=y|n: the JIT's compilation cache on disk (jit/code_cache_file.h),
  // in $CASCADE_CACHE_DIR, $XDG_CACHE_HOME/cascade or ~/.cache/cascade; on by
  // default, as wasmtime's CLI cache.
  bool cache = true;
  Profile profile = Profile::kNone;  // --profile=perfmap
  bool help = false;                         // -h / --help before <WASM>
};

// Parses `args` (the words after `run`). `-h`/`--help` before <WASM> sets
// `help` and stops parsing (true, nothing else required). On a usage error returns false with
// `*error` set to clap-style text without the "error: " prefix (e.g.
// "invalid value 'x' for '--fuel <N>': invalid digit found in string").
bool ParseRunOptions(const std::vector<std::string_view>& args, RunOptions* options,
                     std::string* error);

// "10s", "500ms", "2m", "1h", "100us", "50ns", or a bare integer of seconds
// (wasmtime's humantime convention). Returns false on anything else, including
// overflow past ~292 years.
bool ParseDuration(std::string_view text, std::chrono::nanoseconds* out);

// A byte count: decimal or 0x-hex, optionally followed by K/KiB, M/MiB, G/GiB
// (powers of 1024). Returns false on overflow or junk.
bool ParseByteSize(std::string_view text, uint64_t* out);

}  // namespace cascade::cli
