// Optional proposals beyond Wasm 3.0 + threads, enabled per module like
// Wasmtime's `-W <feature>` flags. Everything in Wasm 3.0 (GC, typed function
// references, exception handling incl. the legacy instructions, tail calls,
// memory64, multi-memory, SIMD, relaxed SIMD, extended const) and threads is
// always on; what is listed here is off by default because it is not part of a
// standard yet and changes how otherwise-malformed binaries decode.
#pragma once

namespace cascade {

struct Features {
  // custom-page-sizes: limits flag bit 3 and a log2 page size on memories.
  // Without it, that flag is "malformed limits flags" as in the core spec.
  bool custom_page_sizes = false;
  // wide-arithmetic: i64.add128, i64.sub128, i64.mul_wide_s/u (0xFC 19-22).
  bool wide_arithmetic = false;

  // Every optional proposal on (the spec harness uses this for proposals/).
  static Features All() { return Features{true, true}; }
};

}  // namespace cascade
