// PerfMap: the JIT's symbol map for Linux `perf` (the "perf map" convention:
// /tmp/perf-PID.map, one line "START SIZE NAME" per piece of JIT code, START
// and SIZE in hex), so `perf report` names samples in JIT code. Enabled for the
// whole process by `cascade run --profile=perfmap` (wasmtime's flag).
//
// Invariants: lines are written under a lock and flushed at once, so a perf
// session that reads the file at any time sees whole lines; the file is
// truncated when enabled and never removed (perf reads it after exit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/module.h"

namespace cascade::jit {

// Creates (or truncates) /tmp/perf-<pid>.map and records every function
// compiled from now on. Returns false with `*error` set when the file cannot
// be created.
bool EnablePerfMap(std::string* error);

// Whether EnablePerfMap succeeded in this process.
bool PerfMapEnabled();

// Appends the line for `size` bytes of machine code at `start`, compiled from
// defined function `funcidx` of `module`; the name is the name section's, or
// wasm-function[N] as in trap backtraces. No-op unless enabled.
void PerfMapRecord(const void* start, size_t size, const Module& module, uint32_t funcidx);

}  // namespace cascade::jit
