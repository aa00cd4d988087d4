// How `cascade run` reports a failure: wasmtime's (anyhow's) error chain,
//
//   Error: failed to run main module `trap.wasm`
//
//   Caused by:
//       0: failed to invoke command default
//       1: error while executing at wasm backtrace:
//              0:   0x1d - trap.wasm!crash
//              1:   0x25 - <unknown>!<wasm function 2>
//       2: wasm trap: unreachable
//
// Invariants: the chain is printed to stderr in one write (no interleaving with
// the guest's own output, which has already been written to its fds); with one
// cause the numbers are left out, as anyhow does.
#pragma once

#include <string>
#include <vector>

#include "engine/runtime/trap.h"

namespace cascade::cli {

// An error message with the causes that led to it, outermost first:
// chain[0] is printed after "Error: ", the rest under "Caused by:". A cause may
// span several lines; continuation lines are indented under its number.
using ErrorChain = std::vector<std::string>;

void PrintErrorChain(const ErrorChain& chain);

// Appends the causes of a trap to `chain`: "error while executing at wasm
// backtrace:" with one line per frame (offset in the module binary, module name
// from the name section or <unknown>, function name or <wasm function N>),
// when the trap has a backtrace, then "wasm trap: MESSAGE".
void AppendTrapCauses(const Trap& trap, ErrorChain* chain);

}  // namespace cascade::cli
