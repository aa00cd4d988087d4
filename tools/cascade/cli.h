// The `cascade` command-line program: the subcommands' entry points and the
// helpers they share (reading a module file, printing errors).
//
// Conventions (after wasmtime's CLI): `cascade <COMMAND> [OPTIONS] [ARGS]`;
// diagnostics go to stderr as `FILE: error: MESSAGE (at offset 0x..)`; exit
// status 0 on success, 1 when an input is rejected (invalid module, unreadable
// file), 2 on a usage error (unknown command or flag, missing argument).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.h"
#include "engine/module.h"

namespace cascade::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;  // an input failed to load or validate
inline constexpr int kExitUsage = 2;     // bad command line

// Subcommands. `args` are the arguments after the subcommand name. Each returns
// the process exit status.
int ValidateCommand(const std::vector<std::string_view>& args);
int InspectCommand(const std::vector<std::string_view>& args);
int HelpCommand(const std::vector<std::string_view>& args);
int WastCommand(const std::vector<std::string_view>& args);  // wast_command.cc
int CompileCommand(const std::vector<std::string_view>& args);  // compile_command.cc (jit/)
// `cascade run` (run_command.cc) also exits with the guest's proc_exit status,
// or 134 (128 + SIGABRT, as wasmtime) when the guest traps.
int RunCommand(const std::vector<std::string_view>& args);

// Prints the top-level usage (`cascade --help`) to `out`.
void PrintUsage(std::FILE* out);
// Prints the help of one subcommand to `out`; returns false if `name` is not a
// subcommand.
bool PrintCommandHelp(std::string_view name, std::FILE* out);
// Reports a usage error the way clap does for wasmtime: "error: MESSAGE", the
// usage line of `command` (empty: the top level) and a hint; returns kExitUsage.
int UsageError(std::string_view command, const std::string& message);

enum class LoadResult {
  kOk,
  kUnreadable,     // the file could not be read
  kMalformedText,  // a text-format module failed to parse (line/column set)
  kRejected,       // the binary is malformed or invalid (error.offset set)
};

// Why a module failed to load.
struct LoadError {
  LoadResult result = LoadResult::kOk;
  Error error;               // message; offset into the binary for kRejected
  uint32_t line = 0;         // kMalformedText: 1-based position in the text
  uint32_t column = 0;
};

// Reads `path` ("-" is stdin) into `*bytes` (a regular file from 1 MiB up is
// mapped, ModuleBytes::MapFile). A module in the text format (by
// extension .wat, or content that does not start with the binary magic but
// with `(` or `;`) is parsed and encoded into the binary format
// (engine/text/wat_parser.h), so every subcommand accepts .wat as wasmtime does.
// On failure fills `*error` and returns false.
bool ReadModuleBytes(std::string_view path, ModuleBytes* bytes, LoadError* error);

// ReadModuleBytes + DecodeModule (+ ValidateModule when `validate`). Returns
// error->result (kOk on success).
LoadResult LoadModule(std::string_view path, bool validate, Module* module, LoadError* error);

// Prints the error of a failed LoadModule on stderr: `PATH: error: MESSAGE
// (at offset 0x..)` for kRejected, `PATH:LINE:COLUMN: error: MESSAGE` for
// kMalformedText, `PATH: error: MESSAGE` for kUnreadable.
void PrintLoadError(std::string_view path, const LoadError& error);

// Prints "PATH: error: MESSAGE (at offset 0x..)" to stderr; the offset part is
// left out when `with_offset` is false (e.g. the file could not be read).
void PrintError(std::string_view path, const Error& error, bool with_offset = true);

}  // namespace cascade::cli
