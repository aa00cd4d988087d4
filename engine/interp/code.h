// The translated form of one wasm function (what FuncInstance::code points to):
// the slot-addressed instruction stream of dispatch.h plus the side tables the
// interpreter needs to run it, report traps and catch exceptions.
//
// Frame layout (units: 64-bit slots, fp[0] is the first parameter):
//
//   fp ─▶ [ params | declared locals | operand-stack home slots ............ ]
//          0        num_params         num_locals      frame_slots
//   A callee's frame starts at the caller's slot holding its first argument, so
//   arguments are never copied and results land where the caller expects them
//   (callee fp[0..results)).
//
// Invariants: `code` ends with a Return or a jump; every branch offset points at
// an instruction header inside `code`; `trap_sites` is sorted by code offset;
// `catches` lists try_table ranges innermost first (a range that contains
// another is listed after it). An InterpCode and its three arrays are one
// block (one allocation: malloc'd, or in a module's CodeArena), immutable once
// published.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <utility>

namespace cascade::interp {

inline constexpr uint8_t kDelegateSite = 4;        // CatchSite::kind of a legacy delegate
inline constexpr uint32_t kNoTarget = 0xFFFFFFFF;

// One catch clause of a try_table or legacy try, with its code range resolved.
struct CatchSite {
  uint32_t begin = 0, end = 0;  // code offsets (units) of the try body
  uint8_t kind = 0;             // CatchClause::Kind, or kDelegateSite
  uint32_t tagidx = 0;          // kCatch / kCatchRef
  uint32_t dest_slot = 0;       // first slot the delivered values go to
  uint32_t exn_slot = kNoTarget;  // legacy catch: slot that keeps the exception (rethrow)
  // Code offset of the landing pad; for a delegate, the offset from which the
  // search for a handler continues (kNoTarget: the caller's handlers).
  uint32_t target = 0;
};

struct InterpCode {
  const uint32_t* code = nullptr;  // code_units units, in this block
  uint32_t code_units = 0;
  uint32_t num_params = 0;    // param slots
  uint32_t num_locals = 0;    // param + declared local slots
  uint32_t num_results = 0;
  uint32_t frame_slots = 0;   // locals + operand stack (callee frames start inside)
  // Fuel charged on entry: the instructions outside loops (each loop header's
  // Interrupt op charges its own body per iteration). Always >= 1.
  uint32_t entry_cost = 1;
  // Number of reachable loops (a tiering JIT compiles such functions on their
  // first call: their time is in the loop, not in the number of calls).
  uint32_t num_loops = 0;
  // Code offsets of the reachable loops' headers, in the order the decoder
  // met the loops (num_loops entries, increasing): on-stack replacement
  // (Store::tier_osr) names a loop by its index here.
  const uint32_t* loop_headers = nullptr;
  // (code offset, wasm byte offset in the module) of instructions that can trap
  // or call, for trap messages and backtraces.
  const std::pair<uint32_t, uint32_t>* trap_sites = nullptr;
  uint32_t num_trap_sites = 0;
  uint32_t num_catches = 0;
  const CatchSite* catches = nullptr;

  std::span<const CatchSite> catch_sites() const { return {catches, num_catches}; }
  // The wasm byte offset of the instruction at code offset `off`, or 0.
  // Async-signal-safe (a binary search, no allocation).
  uint32_t WasmOffset(uint32_t off) const;
};

// Frees a malloc'd InterpCode block (not one in a CodeArena).
struct InterpCodeDeleter {
  void operator()(InterpCode* c) const { std::free(c); }
};
using InterpCodePtr = std::unique_ptr<InterpCode, InterpCodeDeleter>;

}  // namespace cascade::interp
