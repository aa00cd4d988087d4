// Shared helpers of the interpreter benchmark programs: freestanding (no libc,
// no WASI), so each program is one module with exported entry points only.
#pragma once
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int i32;
#define EXPORT(name) __attribute__((export_name(name)))
