// The one place that chooses how the interpreter dispatches from one handler to
// the next, and that defines the handler signature and register map.
//
// Strategies (selected here, at build time):
//   CASCADE_INTERP_TAILCALL  clang with [[clang::musttail]]: every handler is its
//                            own function; NEXT() is a guaranteed tail call
//                            through the handler word, so the hot state below
//                            stays in argument registers across handlers.
//   CASCADE_INTERP_GOTO      GNU computed goto (g++, the default compiler): all
//                            handlers are labels of one function; NEXT() is
//                            `goto *word`, one indirect jump per handler.
//   CASCADE_INTERP_SWITCH    portable fallback: a `switch` in a loop.
// Force one with -DCASCADE_INTERP_DISPATCH_SWITCH / _GOTO / _TAILCALL;
// -DCASCADE_INTERP_WIDE_HEADER makes computed goto use absolute label addresses
// (2-unit headers) instead of 32-bit label offsets (for measurements).
//
// Handler signature and register map (System V x86-64 / AArch64 argument regs):
//
//   void Handler(const uint32_t* ip,   // rdi / x0  code pointer: this instruction
//                uint64_t* fp,         // rsi / x1  frame: fp[slot] is a value slot
//                uint8_t* mem,         // rdx / x2  memory 0 base (memory32)
//                ExecState* es)        // rcx / x3  everything colder (exec_state.h)
//
// Code layout: a stream of 32-bit units. Each instruction is a header holding
// the handler word (kHeaderUnits below: a label offset, a function pointer read
// unaligned, or an IOp index), then its operands (ops.def documents each op):
// slot indices into fp, 32-bit immediates, and branch offsets relative to the
// header. A handler ends with `ip += <its length>; NEXT();` or a jump.
//
// Invariants: handlers never recurse on the C stack for wasm calls (calls push a
// Frame in ExecState and jump); a handler that traps records its ip in
// es->trap_ip and leaves through EXIT(); after anything that may grow or switch
// memory 0 (calls, returns, memory.grow) handlers reload `mem`.
#pragma once

#include <cstdint>
#include <cstring>

namespace cascade::interp {

#if defined(CASCADE_INTERP_DISPATCH_SWITCH)
#define CASCADE_INTERP_SWITCH 1
#elif defined(CASCADE_INTERP_DISPATCH_GOTO)
#define CASCADE_INTERP_GOTO 1
#elif defined(CASCADE_INTERP_DISPATCH_TAILCALL)
#define CASCADE_INTERP_TAILCALL 1
#elif defined(__clang__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::musttail)
#define CASCADE_INTERP_TAILCALL 1
#else
#define CASCADE_INTERP_GOTO 1
#endif
#elif defined(__GNUC__)
#define CASCADE_INTERP_GOTO 1
#else
#define CASCADE_INTERP_SWITCH 1
#endif

struct ExecState;

// The internal instruction set (ops.def).
enum class IOp : uint16_t {
#define IOP(Name) k##Name,
#define IUN(Name, g, p, e) k##Name,
#define IBIN(Name, g, p, e) k##Name,
#define IBINI(Name, g, p, e) k##Name, k##Name##Imm,
#define ICMPBR(Name, g, e) kBrIf##Name, kBrIf##Name##Imm, kBrIf##Name##Back, kBrIf##Name##ImmBack,
#define FCMPBR(Name, g, e) kBrIf##Name, kBrUnless##Name, kBrIf##Name##Imm, kBrUnless##Name##Imm,
#define ILOAD(Name, c, p) k##Name, k##Name##M,
#define ISTORE(Name, c, g) k##Name, k##Name##M,
#include "engine/interp/ops.def"
  kCount,
};
inline constexpr uint32_t kIOpCount = static_cast<uint32_t>(IOp::kCount);

// Units of the instruction header: one 32-bit unit under computed goto (the
// label's offset from the first handler label) and switch (the IOp index), two
// under tail calls (the handler's address).
#if defined(CASCADE_INTERP_TAILCALL) || defined(CASCADE_INTERP_WIDE_HEADER)
inline constexpr uint32_t kHeaderUnits = 2;
#else
inline constexpr uint32_t kHeaderUnits = 1;
#endif

using Handler = void (*)(const uint32_t* ip, uint64_t* fp, uint8_t* mem, ExecState* es);

// The handler word of every IOp, indexed by IOp (interpreter.cc). The
// translator writes these into instruction headers.
const uint64_t* HandlerWords();
// The name of an IOp, for disassembly and tests.
const char* IOpName(IOp op);

// Reads the handler word of the instruction at ip (kHeaderUnits units).
inline uint64_t LoadHandlerWord(const uint32_t* ip) {
  if constexpr (kHeaderUnits == 2) {
    uint64_t w;
    std::memcpy(&w, ip, 8);
    return w;
  } else {
    return *ip;
  }
}

}  // namespace cascade::interp
