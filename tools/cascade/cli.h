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

// Prints the top-level usage (`cascade --help`) to `out`.
void PrintUsage(std::FILE* out);
// Prints the help of one subcommand to `out`; returns false if `name` is not a
// subcommand.
bool PrintCommandHelp(std::string_view name, std::FILE* out);
// Reports a usage error the way clap does for wasmtime: "error: MESSAGE", the
// usage line of `command` (empty: the top level) and a hint; returns kExitUsage.
int UsageError(std::string_view command, const std::string& message);

// Reads `path` ("-" is stdin) into `*bytes`. A module in the text format (by
// extension .wat/.wast, or text that does not start with the binary magic) is
// reported as not supported yet: that is where the WAT parser of engine/text/
// plugs in. On failure fills `*error` (offset 0) and returns false.
bool ReadModuleBytes(std::string_view path, std::vector<uint8_t>* bytes, Error* error);

enum class LoadResult { kOk, kUnreadable, kRejected };

// ReadModuleBytes + DecodeModule (+ ValidateModule when `validate`). On failure
// fills `*error`: kUnreadable when the file could not be read (or is text),
// kRejected when the module is malformed or invalid (error.offset is meaningful).
LoadResult LoadModule(std::string_view path, bool validate, Module* module, Error* error);

// Prints the error of a failed LoadModule: with the offset for kRejected.
void PrintLoadError(std::string_view path, LoadResult result, const Error& error);

// Prints "PATH: error: MESSAGE (at offset 0x..)" to stderr; the offset part is
// left out when `with_offset` is false (e.g. the file could not be read).
void PrintError(std::string_view path, const Error& error, bool with_offset = true);

}  // namespace cascade::cli
