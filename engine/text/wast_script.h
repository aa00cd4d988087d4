// WAST scripts (the spec test-suite format, spec interpreter README "Scripts"):
// a whole .wast file parsed into a list of commands with their line numbers.
//
// Modules inside commands are kept as binary bytes: text modules are encoded at
// parse time (wat_parser.h), `binary` modules are the concatenated strings. A
// `quote` module keeps its text, to be parsed when the command runs, because
// assert_malformed expects that parse to fail. A text module that fails to
// encode does not fail the script: its WastModule carries `text_error`, and the
// runner reports it where the command runs.
//
// Invariants: every command, action and module has the 1-based line of its
// opening paren; names are stored without the leading `$`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text/wat_parser.h"
#include "engine/value_type.h"

namespace cascade::text {

struct WastModule {
  enum class Form : uint8_t { kText, kBinary, kQuote };
  uint32_t line = 0;
  Form form = Form::kText;
  std::string name;            // $M, or empty
  bool is_definition = false;  // (module definition ...)
  std::vector<uint8_t> bytes;  // kText (if it encoded) and kBinary
  std::string quote;           // kQuote: the concatenated source text
  std::string source;          // kText: the module's source text, `(module` to `)`
  bool has_text_error = false; // kText only: encoding failed with text_error
  TextError text_error;
};

// A constant argument or the exact value of a result.
struct WastValue {
  enum class Kind : uint8_t {
    kI32, kI64, kF32, kF64, kV128,
    kRefNull,    // (ref.null ht) ; `heap` is the heap type (abstract or typeidx)
    kRefExtern,  // (ref.extern N)
    kRefHost,    // (ref.host N)
  };
  Kind kind = Kind::kI32;
  uint64_t bits[2] = {0, 0};  // numbers: bits[0]; v128: lo, hi (little endian lanes)
  HeapType heap;              // kRefNull
  uint32_t ref = 0;           // kRefExtern / kRefHost payload
};

// An expected result of assert_return.
struct WastResult {
  enum class Kind : uint8_t {
    kValue,          // exact: `value` (floats compared bitwise)
    kNanCanonical,   // (f32.const nan:canonical) / f64
    kNanArithmetic,  // (f32.const nan:arithmetic) / f64
    kV128Lanes,      // v128 with at least one nan pattern lane: see `lanes`
    kRefNullAny,     // (ref.null) without heap type: any null reference
    kRefFunc,        // (ref.func) or (ref.func N): has_index says whether N is given
    kRefExtern,      // (ref.extern) without N: any extern reference (with N: kValue)
    kRefStruct, kRefArray, kRefI31, kRefEq, kRefExn,  // non-null of that kind
    kRefAny,         // (ref.any) or (ref): any non-null reference
    kEither,         // (either r*): one of `alternatives`
  };
  Kind kind = Kind::kValue;
  WastValue value;
  ValType float_type;  // kNanCanonical / kNanArithmetic: f32 or f64
  bool has_index = false;
  uint32_t index = 0;  // kRefFunc with index
  // kV128Lanes: the lane shape ("f32x4" -> 4 lanes of f32), per lane the kind
  // (kValue, kNanCanonical, kNanArithmetic) and bits.
  ValType lane_type;
  std::vector<Kind> lane_kinds;
  std::vector<uint64_t> lane_bits;
  std::vector<WastResult> alternatives;  // kEither
};

struct WastAction {
  enum class Kind : uint8_t { kInvoke, kGet };
  Kind kind = Kind::kInvoke;
  uint32_t line = 0;
  std::string module;  // $M, or empty for the latest module
  std::string field;   // export name
  std::vector<WastValue> args;
};

struct WastCommand {
  enum class Kind : uint8_t {
    kModule,               // module
    kModuleInstance,       // (module instance $I? $M?)
    kRegister,             // (register "name" $M?)
    kAction,               // bare invoke/get
    kAssertReturn,
    kAssertTrap,           // on `action`, or on `module` if has_module
    kAssertExhaustion,
    kAssertException,
    kAssertInvalid,
    kAssertMalformed,
    kAssertUnlinkable,
    kAssertUninstantiable,
    kThread,               // (thread $T (shared (module $M))* command*)
    kWait,                 // (wait $T)
    kAssertMalformedCustom,  // custom-annotation suites: (assert_malformed_custom module "msg")
    kAssertInvalidCustom,    // (assert_invalid_custom module "msg")
  };
  Kind kind = Kind::kModule;
  uint32_t line = 0;
  bool has_module = false;
  WastModule module;
  std::string instance_name;  // kModuleInstance: $I (empty in `(module instance $M)`)
  std::string module_ref;     // kModuleInstance: $M (empty: the latest) ; kRegister: $M
  std::string register_as;    // kRegister: "name"
  WastAction action;
  std::vector<WastResult> results;
  std::string message;        // expected failure message of assertions
  std::string thread;         // kThread / kWait: $T
  std::vector<std::string> shared_modules;  // kThread
  std::vector<WastCommand> commands;        // kThread body
};

struct WastScript {
  std::vector<WastCommand> commands;
};

// Parses a whole script. Returns false with `*error` (line:column) on a lexical
// or script-level syntax error; errors inside text modules are kept per module.
bool ParseWast(std::string_view source, WastScript* script, TextError* error);

}  // namespace cascade::text
