// Parsing the command line of `cascade run` into RunOptions (run_options.h).
//
// Invariant: parsing only looks at the words; it opens no file and reads no
// environment variable (--env NAME is resolved when the guest is set up).
#include "tools/cascade/run_options.h"

#include <cctype>
#include <charconv>
#include <limits>

namespace cascade::cli {
namespace {

// A flag that takes a value: its long name and the placeholder clap prints.
struct ValueFlag {
  std::string_view name;
  std::string_view placeholder;
};

constexpr ValueFlag kValueFlags[] = {
    {"--dir", "<HOST_DIR[::GUEST_DIR]>"},
    {"--env", "<NAME[=VAL]>"},
    {"--invoke", "<FUNCTION>"},
    {"--preload", "<NAME=MODULE_PATH>"},
    {"--argv0", "<ARGV0>"},
    {"--max-memory", "<BYTES>"},
    {"--max-stack", "<BYTES>"},
    {"--fuel", "<N>"},
    {"--timeout", "<DURATION>"},
    {"--compiler", "<COMPILER>"},
    {"--profile", "<STRATEGY>"},
    {"-W", "<KEY=VAL[,KEY=VAL]>"},
    {"-C", "<KEY=VAL[,KEY=VAL]>"},
};

const ValueFlag* FindValueFlag(std::string_view name) {
  for (const ValueFlag& f : kValueFlags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string InvalidValue(const ValueFlag& flag, std::string_view value, std::string_view why) {
  return "invalid value '" + std::string(value) + "' for '" + std::string(flag.name) + " " +
         std::string(flag.placeholder) + "': " + std::string(why);
}

bool ParseU64(std::string_view text, uint64_t* out) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseCompiler(std::string_view value, Compiler* out) {
  if (value == "interp" || value == "interpreter") {
    *out = Compiler::kInterp;
  } else if (value == "jit" || value == "baseline") {
    *out = Compiler::kJit;
  } else if (value == "tiered") {
    *out = Compiler::kTiered;
  } else {
    return false;
  }
  return true;
}

// A wasmtime boolean: y, yes, true or n, no, false (an empty value, from a
// bare `-C KEY`, means yes).
bool ParseBool(std::string_view value, bool* out) {
  if (value.empty() || value == "y" || value == "yes" || value == "true") {
    *out = true;
  } else if (value == "n" || value == "no" || value == "false") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

// One `-W`/`-C` item KEY=VAL (wasmtime's `-W fuel=N`, `-W timeout=10s`,
// `-W max-memory-size=N`, `-W max-wasm-stack=N`, `-C compiler=...`).
bool ApplyKeyValue(const ValueFlag& flag, std::string_view item, RunOptions* o,
                   std::string* error) {
  size_t eq = item.find('=');
  std::string_view key = item.substr(0, eq);
  std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
  bool boolean_key = flag.name == "-C" && (key == "lazy-compilation" ||
                                           key == "parallel-compilation" || key == "cache");
  if (eq == std::string_view::npos && !boolean_key) {
    *error = InvalidValue(flag, item, "expected KEY=VAL");
    return false;
  }
  bool ok = true;
  if (flag.name == "-W") {
    if (key == "fuel") {
      uint64_t n;
      ok = ParseU64(value, &n);
      if (ok) o->fuel = n;
    } else if (key == "timeout") {
      std::chrono::nanoseconds d;
      ok = ParseDuration(value, &d);
      if (ok) o->timeout = d;
    } else if (key == "max-memory-size") {
      uint64_t n;
      ok = ParseByteSize(value, &n);
      if (ok) o->max_memory_bytes = n;
    } else if (key == "max-wasm-stack") {
      uint64_t n;
      ok = ParseByteSize(value, &n);
      if (ok) o->max_stack_bytes = n;
    } else {
      *error = InvalidValue(flag, item,
                            "unknown key '" + std::string(key) +
                                "' (supported: fuel, timeout, max-memory-size, max-wasm-stack)");
      return false;
    }
  } else {  // -C
    if (key == "compiler") {
      ok = ParseCompiler(value, &o->compiler);
      o->compiler_given = true;
    } else if (key == "lazy-compilation") {
      ok = ParseBool(value, &o->lazy_compilation);
    } else if (key == "parallel-compilation") {
      ok = ParseBool(value, &o->parallel_compilation);
    } else if (key == "cache") {
      ok = ParseBool(value, &o->cache);
    } else if (key == "tier-up-calls") {
      uint64_t n;
      ok = ParseU64(value, &n) && n >= 1 && n <= (uint64_t{1} << 30);
      if (ok) o->tier_up_calls = static_cast<uint32_t>(n);
    } else {
      *error = InvalidValue(flag, item,
                            "unknown key '" + std::string(key) +
                                "' (supported: cache, compiler, lazy-compilation, "
                                "parallel-compilation, tier-up-calls)");
      return false;
    }
  }
  if (!ok) *error = InvalidValue(flag, item, "invalid value for '" + std::string(key) + "'");
  return ok;
}

bool ApplyValueFlag(const ValueFlag& flag, std::string_view value, RunOptions* o,
                    std::string* error) {
  std::string_view name = flag.name;
  if (name == "--dir") {
    if (value.empty()) {
      *error = InvalidValue(flag, value, "a directory is required");
      return false;
    }
    size_t sep = value.find("::");
    if (sep == std::string_view::npos) {
      o->dirs.emplace_back(std::string(value), std::string(value));
    } else {
      std::string_view host = value.substr(0, sep);
      std::string_view guest = value.substr(sep + 2);
      if (host.empty() || guest.empty() || guest.find("::") != std::string_view::npos) {
        *error = InvalidValue(flag, value, "expected HOST_DIR or HOST_DIR::GUEST_DIR");
        return false;
      }
      o->dirs.emplace_back(std::string(host), std::string(guest));
    }
  } else if (name == "--env") {
    size_t eq = value.find('=');
    if (value.empty() || eq == 0) {
      *error = InvalidValue(flag, value, "expected NAME or NAME=VAL");
      return false;
    }
    if (eq == std::string_view::npos) {
      o->envs.emplace_back(std::string(value), std::nullopt);
    } else {
      o->envs.emplace_back(std::string(value.substr(0, eq)), std::string(value.substr(eq + 1)));
    }
  } else if (name == "--invoke") {
    o->invoke = std::string(value);
  } else if (name == "--preload") {
    size_t eq = value.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == value.size()) {
      *error = InvalidValue(flag, value, "must contain exactly one equals character ('=')");
      return false;
    }
    o->preloads.emplace_back(std::string(value.substr(0, eq)), std::string(value.substr(eq + 1)));
  } else if (name == "--argv0") {
    o->argv0 = std::string(value);
  } else if (name == "--max-memory" || name == "--max-stack") {
    uint64_t n;
    if (!ParseByteSize(value, &n)) {
      *error = InvalidValue(flag, value, "expected a byte count such as 65536, 64KiB or 4GiB");
      return false;
    }
    (name == "--max-memory" ? o->max_memory_bytes : o->max_stack_bytes) = n;
  } else if (name == "--fuel") {
    uint64_t n;
    if (!ParseU64(value, &n)) {
      *error = InvalidValue(flag, value, "expected a non-negative integer");
      return false;
    }
    o->fuel = n;
  } else if (name == "--timeout") {
    std::chrono::nanoseconds d;
    if (!ParseDuration(value, &d)) {
      *error = InvalidValue(flag, value, "expected a duration such as 10s, 500ms or 2m");
      return false;
    }
    o->timeout = d;
  } else if (name == "--profile") {
    if (value != "perfmap") {
      *error = InvalidValue(flag, value, "possible values: perfmap");
      return false;
    }
    o->profile = Profile::kPerfMap;
  } else if (name == "--compiler") {
    o->compiler_given = true;
    if (!ParseCompiler(value, &o->compiler)) {
      *error = InvalidValue(flag, value, "possible values: interp, jit, tiered");
      return false;
    }
  } else {  // -W, -C: comma-separated KEY=VAL items
    size_t start = 0;
    for (;;) {
      size_t comma = value.find(',', start);
      if (!ApplyKeyValue(flag, value.substr(start, comma - start), o, error)) return false;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return true;
}

}  // namespace

bool ParseDuration(std::string_view text, std::chrono::nanoseconds* out) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return false;
  uint64_t n;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, n);
  if (ec != std::errc()) return false;
  std::string_view unit = text.substr(digits);
  uint64_t scale;  // nanoseconds per unit
  if (unit.empty() || unit == "s" || unit == "sec" || unit == "secs") {
    scale = 1000000000;
  } else if (unit == "ms") {
    scale = 1000000;
  } else if (unit == "us") {
    scale = 1000;
  } else if (unit == "ns") {
    scale = 1;
  } else if (unit == "m" || unit == "min" || unit == "mins") {
    scale = 60ull * 1000000000;
  } else if (unit == "h" || unit == "hr" || unit == "hrs") {
    scale = 3600ull * 1000000000;
  } else {
    return false;
  }
  if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / scale) return false;
  *out = std::chrono::nanoseconds(static_cast<int64_t>(n * scale));
  return true;
}

bool ParseByteSize(std::string_view text, uint64_t* out) {
  size_t end = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    end = 2;
    while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) ++end;
  } else {
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  }
  uint64_t n;
  if (!ParseU64(text.substr(0, end), &n)) return false;
  std::string_view unit = text.substr(end);
  unsigned shift;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "KiB" || unit == "k") {
    shift = 10;
  } else if (unit == "M" || unit == "MiB") {
    shift = 20;
  } else if (unit == "G" || unit == "GiB") {
    shift = 30;
  } else {
    return false;
  }
  if (shift != 0 && n > (~uint64_t{0} >> shift)) return false;
  *out = n << shift;
  return true;
}

bool ParseRunOptions(const std::vector<std::string_view>& args, RunOptions* o,
                     std::string* error) {
  size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;  // <WASM> ("-" is stdin)
    if (a == "-h" || a == "--help") {
      o->help = true;
      return true;
    }
    // --flag=value, -Wkey=val and -W key=val all work.
    std::string_view name = a, value;
    bool has_value = false;
    if (a.starts_with("--")) {
      size_t eq = a.find('=');
      if (eq != std::string_view::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        has_value = true;
      }
    } else if (a.size() > 2) {
      name = a.substr(0, 2);
      value = a.substr(2);
      has_value = true;
    }
    const ValueFlag* flag = FindValueFlag(name);
    if (flag == nullptr) {
      *error = "unexpected argument '" + std::string(a) + "' found";
      return false;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        *error = "a value is required for '" + std::string(flag->name) + " " +
                 std::string(flag->placeholder) + "' but none was supplied";
        return false;
      }
      value = args[++i];
    }
    if (!ApplyValueFlag(*flag, value, o, error)) return false;
  }
  if (i >= args.size()) {
    *error = "the following required arguments were not provided:\n  <WASM>...";
    return false;
  }
  o->module_path = std::string(args[i]);
  for (++i; i < args.size(); ++i) o->module_args.emplace_back(args[i]);
  return true;
}

}  // namespace cascade::cli
