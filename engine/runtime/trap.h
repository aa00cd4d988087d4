// Traps (spec 4.4 "trap"): the reason a computation aborted, with a wasm
// backtrace, and the spec's trap messages as constants so that every tier
// reports the same words the spec suite's assert_trap expects (matched by
// prefix/substring).
//
// Invariants: `message` is one of the kTrap* strings below (or a host function's
// own message); a trap that is really an uncaught wasm exception has
// `exception != nullptr` and message kTrapUncaughtException.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cascade {

struct Instance;
struct Exception;

// One frame of a wasm backtrace, innermost first.
struct TrapFrame {
  const Instance* instance = nullptr;  // may be null for host frames
  uint32_t funcidx = 0;
  uint32_t code_offset = 0;  // byte offset in the module binary, 0 if unknown
};

struct Trap {
  std::string message;
  std::vector<TrapFrame> backtrace;
  Exception* exception = nullptr;  // set when a wasm exception escaped to the host
  // Set when a host function asked to end the program (WASI proc_exit(code)):
  // not a fault of the guest; the embedder should exit with this status.
  // `message` is then "exit with status N".
  std::optional<int> exit_status;

  void Set(const char* msg) { message = msg; }
  // "message\n  at func 3 ($name) @0x1a\n..." for the CLI; uses the name section.
  std::string ToString() const;
};

inline constexpr char kTrapUnreachable[] = "unreachable";
inline constexpr char kTrapDivByZero[] = "integer divide by zero";
inline constexpr char kTrapIntOverflow[] = "integer overflow";
inline constexpr char kTrapInvalidConversion[] = "invalid conversion to integer";
inline constexpr char kTrapMemoryOutOfBounds[] = "out of bounds memory access";
inline constexpr char kTrapTableOutOfBounds[] = "out of bounds table access";
inline constexpr char kTrapUndefinedElement[] = "undefined element";
inline constexpr char kTrapUninitializedElement[] = "uninitialized element";
inline constexpr char kTrapIndirectCallTypeMismatch[] = "indirect call type mismatch";
inline constexpr char kTrapNullFunctionReference[] = "null function reference";
inline constexpr char kTrapNullReference[] = "null reference";
inline constexpr char kTrapNullExceptionReference[] = "null exception reference";
inline constexpr char kTrapCastFailure[] = "cast failure";
inline constexpr char kTrapStackExhausted[] = "call stack exhausted";
inline constexpr char kTrapUnalignedAtomic[] = "unaligned atomic";
inline constexpr char kTrapExpectedSharedMemory[] = "expected shared memory";
inline constexpr char kTrapArrayOutOfBounds[] = "out of bounds array access";
inline constexpr char kTrapNullArrayReference[] = "null array reference";
inline constexpr char kTrapNullStructReference[] = "null structure reference";
inline constexpr char kTrapNullI31Reference[] = "null i31 reference";
inline constexpr char kTrapUncaughtException[] = "uncaught exception";
// Interruption (Store::SetFuel / SetEpochDeadline), wasmtime's wording.
inline constexpr char kTrapOutOfFuel[] = "all fuel consumed by WebAssembly";
inline constexpr char kTrapInterrupt[] = "interrupt";

}  // namespace cascade
