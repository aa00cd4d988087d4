// The interpreter's execution state of one Execute call: the explicit value
// stack (the Store's) and frame stack (interpreter.cc's per-Store InterpState)
// on which wasm calls run (no C recursion), and the cold registers that
// handlers reach through `es` (dispatch.h register map).
//
//   value stack (slots)                          frame stack (Frame records)
//   ┌─────────────┬──────────────┬──────┐        ┌────────┬────────┬─────┐
//   │ caller frame│ callee frame │ free │        │ caller │ caller │ ... │
//   └─────────────┴──────────────┴──────┘        └────────┴────────┴─────┘
//   stack_base    fp             stack_limit     frame_base frame_top frame_limit
//
// Invariants:
//  * A callee frame starts at the caller slot of its first argument; a call
//    checks fp + frame_slots <= stack_limit and frame_top < frame_limit first,
//    and traps "call stack exhausted" otherwise, so deep recursion never
//    touches memory past the limits.
//  * `instance`, `funcs`, `globals` always describe the function running now;
//    calls and returns that cross instances update them together.
//  * Nested Execute calls (wasm -> host -> wasm) run above Store::stack_top and
//    InterpState::in_use, which a host call raises to the caller's frame end
//    before calling out and restores afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/runtime/func_instance.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/store.h"

namespace cascade::interp {

struct InterpCode;

// A saved caller state, pushed by a call and popped by a return.
struct Frame {
  const uint32_t* ret_ip;   // where the caller continues (after its call)
  const uint32_t* call_ip;  // the caller's call instruction (backtraces, unwinding)
  uint64_t* fp;             // the caller's frame
  FuncInstance* func;       // the caller
};

struct ExecState {
  // Running function.
  Instance* instance = nullptr;
  FuncInstance* func = nullptr;
  FuncInstance* const* funcs = nullptr;      // instance->funcs.data()
  GlobalInstance* const* globals = nullptr;  // instance->globals.data()

  // Stacks: value slots (the Store's) and frame records (InterpState).
  uint64_t* stack_base = nullptr;
  uint64_t* stack_limit = nullptr;
  Frame* frame_base = nullptr;
  Frame* frame_top = nullptr;
  Frame* frame_limit = nullptr;
  Frame* entry_frame = nullptr;  // frame_top when this Execute began

  Store* store = nullptr;
  InterruptState* interrupt = nullptr;  // &store->interrupt (fuel, epoch deadline)

  // Set when a handler leaves through EXIT() abnormally.
  bool trapped = false;
  std::string trap_message;
  const uint32_t* trap_ip = nullptr;  // the trapping instruction (null: unknown)
  Exception* exception = nullptr;     // an uncaught exception leaving Execute
  std::optional<int> exit_status;     // a host function ended the program (Trap::exit_status)
};

}  // namespace cascade::interp
