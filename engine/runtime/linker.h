// Linking and instantiation (spec 4.5.4 "Instantiation"): binding a module's
// imports by (module name, field name) and creating an Instance in a Store.
//
// Instantiate follows the spec's order:
//   1. resolve imports; check each against its import type ("unknown import",
//      "incompatible import type") — funcs/tags by canonical subtyping, tables
//      and memories by limits and element/address type, globals by mutability
//      and value type;
//   2. allocate functions, then globals in order (constant expressions may read
//      earlier globals and take ref.func of any function), tables (with init
//      expressions), memories, tags; evaluate element segment items;
//   3. active element segments (table.init + elem.drop), then active data
//      segments (memory.init + data.drop), in order; the first out-of-bounds
//      segment traps, leaving earlier writes in place (Wasm 2.0+ semantics);
//      declarative segments are dropped;
//   4. the start function.
// A failure at any step leaves the Store usable; objects created so far stay in
// the Store (unreachable from the host unless they were written to imports).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/module.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/store.h"
#include "engine/runtime/trap.h"

namespace cascade {

// Import resolution: a map from (module, name) to external values.
class Linker {
 public:
  // Defines one external value; a later definition replaces an earlier one.
  void Define(std::string_view module, std::string_view name, Extern value);
  // Defines every export of `instance` under module name `module` (the spec
  // script's `register`).
  void DefineInstance(std::string_view module, const Instance& instance);
  // The definition, or an Extern with object == nullptr.
  Extern Resolve(std::string_view module, std::string_view name) const;

 private:
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> defs_;
};

struct InstantiateError {
  bool link_error = false;  // true: import resolution/type check ("unknown import", ...)
  Trap trap;                // the message (link error or trap)
};

// Step 1 of Instantiate on its own: resolves every import of `module` in
// `linker` and type-checks it. On success `*externs` holds one Extern per import,
// in import order. On failure returns false with `*error` filled
// (link_error = true, "unknown import" / "incompatible import type").
bool ResolveImports(const Linker& linker, const Module& module, std::vector<Extern>* externs,
                    InstantiateError* error);

// Instantiates a validated `module` (ValidateModule succeeded, so types are
// canonicalized). Returns the new instance, or nullptr with `*error` filled.
Instance* Instantiate(Store& store, const Linker& linker,
                      std::shared_ptr<const Module> module, InstantiateError* error);

// Evaluates the constant expression `expr` (including its `end`) of `module` in
// the context of a partially built `instance` (globals, funcs and types read
// from it): i32/i64.const, f32/f64.const, v128.const, ref.null, ref.func,
// global.get, i32/i64 add/sub/mul (extended-const). Writes the value's slots
// (1, or 2 for v128) to `out`. Returns false for instructions it cannot
// evaluate (e.g. GC allocations before the GC issue lands), with `*message` set.
bool EvalConstExpr(const Module& module, const Instance& instance, ByteRange expr,
                   uint64_t out[2], std::string* message);

// Creates the spectest host module's exports (print*, global_i32/i64/f32/f64,
// table, table64, memory, shared_memory; see the spec suite's README) in
// `store` and defines them in `linker` under "spectest".
void DefineSpectest(Store& store, Linker& linker);

}  // namespace cascade
