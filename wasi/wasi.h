// WASI preview 1 (`wasi_snapshot_preview1`) for cascade: the public API that
// `cascade run` and embedders use to give a guest program its arguments,
// environment, stdio and pre-opened directories.
//
//   WasiConfig ──WasiContext::Create──▶ WasiContext (fd table: 0..2 stdio,
//                                        3.. preopened dirs, then sockets)
//   DefinePreview1(store, linker, ctx) ──▶ 46 host functions under
//                                          "wasi_snapshot_preview1"
//
// Invariants:
//  * A WasiContext outlives every call into a guest linked against it, and the
//    Store holding those host functions (the functions keep a raw pointer).
//  * The guest reaches host files only through the preopened directories:
//    every path is resolved beneath a directory fd (wasi/path_resolver.h), never
//    through the host's current directory or root.
//  * Guest pointers are bounds-checked against the caller's memory before use;
//    a bad one yields errno `fault` (21), never a host access outside it.
//  * Host fds given in WasiConfig (stdio, sockets) are borrowed: they are not
//    closed by the context, even when the guest calls fd_close on them.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace cascade {
class Store;
class Linker;
struct Module;
}  // namespace cascade

namespace cascade::wasi {

// A host directory given to the guest (`--dir HOST::GUEST`): the guest sees it
// as a preopened fd whose fd_prestat_dir_name is `guest_path`.
struct Preopen {
  std::string host_path;
  std::string guest_path;
};

struct WasiConfig {
  std::vector<std::string> args;          // argv; args[0] is the program name
  std::vector<std::string> env;           // "NAME=VALUE"
  std::vector<Preopen> preopens;          // directories, guest fds 3, 4, ... in this order
  std::vector<int> preopened_sockets;     // listening sockets (host fds), after the directories
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;  // host fds for guest fds 0..2
};

class WasiState;  // the fd table and its helpers (wasi/wasi_state.h; internal)

// The guest's fd table and state.
class WasiContext {
 public:
  // Opens the preopened directories (read-only directory fds, owned by the
  // context; guest fds 3, 4, ... in config order, then the sockets).
  // Returns nullptr with *error = "failed to open directory 'HOST': REASON"
  // when one cannot be opened.
  static std::unique_ptr<WasiContext> Create(const WasiConfig& config, std::string* error);
  ~WasiContext();
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  // Internal: the state the host functions work on.
  WasiState& state() { return *state_; }

 private:
  WasiContext();
  std::unique_ptr<WasiState> state_;
};

// Defines every wasi_snapshot_preview1 function under module
// "wasi_snapshot_preview1" in `linker`, as host functions created in `store`,
// bound to `ctx`. Guest memory is the calling instance's export "memory"
// (HostContext::caller); a call without one returns errno `fault`.
// proc_exit(code) returns a Trap with exit_status = code and message
// "exit with status N" (the CLI prints wasmtime's "Exited with i32 exit status N").
// proc_raise returns `nosys`, as wasmtime does.
void DefinePreview1(Store& store, Linker& linker, WasiContext& ctx);

// Like DefinePreview1, but defines only the wasi_snapshot_preview1 functions
// that `importer` (a decoded module) imports and that `linker` does not define
// yet, so an earlier definition (e.g. a module preloaded under that name) is
// kept. What `cascade run` calls for each module it loads: defining 46
// functions for a module that imports five was a visible part of start-up.
void DefinePreview1Imports(Store& store, Linker& linker, WasiContext& ctx,
                           const Module& importer);

}  // namespace cascade::wasi
