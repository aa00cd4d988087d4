// The value semantics both execution tiers share: how a 64-bit value slot
// encodes each numeric type (runtime/value.h's slot encoding), and the IEEE
// corner cases of spec 4.3.3 that C++ does not give for free (fmin/fmax NaN and
// signed-zero rules, the range of trunc and trunc_sat). The interpreter's
// handlers (ops.def) and the JIT's numeric helper both expand ops.def against
// these, so each instruction's semantics is written once.
//
// Invariant: a slot holding an i32 or f32 keeps the value in its low 32 bits;
// readers ignore the high bits.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace cascade::interp {

// ----------------------------------------------------------- slot codecs
inline uint32_t GetU32(uint64_t s) { return static_cast<uint32_t>(s); }
inline int32_t GetS32(uint64_t s) { return static_cast<int32_t>(static_cast<uint32_t>(s)); }
inline uint64_t GetU64(uint64_t s) { return s; }
inline int64_t GetS64(uint64_t s) { return static_cast<int64_t>(s); }
inline float GetF32(uint64_t s) {
  uint32_t b = static_cast<uint32_t>(s);
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
inline double GetF64(uint64_t s) {
  double d;
  std::memcpy(&d, &s, 8);
  return d;
}
inline uint64_t PutU32(uint32_t v) { return v; }
inline uint64_t PutS32(int32_t v) { return static_cast<uint32_t>(v); }
inline uint64_t PutU64(uint64_t v) { return v; }
inline uint64_t PutS64(int64_t v) { return static_cast<uint64_t>(v); }
inline uint64_t PutF32(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
inline uint64_t PutF64(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}

// ------------------------------------------------------ IEEE helpers (spec 4.3.3)
template <typename F>
inline F WasmMin(F a, F b) {
  if (a != a || b != b) return a + b;  // NaN in, (arithmetic) NaN out
  if (a == b) return std::signbit(a) ? a : b;  // -0 < +0
  return a < b ? a : b;
}
template <typename F>
inline F WasmMax(F a, F b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
// Whether trunc(a) fits integer type T (a is not NaN).
template <typename T, typename F>
inline bool TruncInRange(F a) {
  if constexpr (std::is_signed_v<T>) {
    // -2^(N-1) <= a < 2^(N-1), with the lower bound exclusive by one ulp of trunc.
    constexpr F lo = -static_cast<F>(std::numeric_limits<T>::max()) - F(1);  // -2^(N-1)
    constexpr F hi = -lo;
    if constexpr (sizeof(T) == 4 && sizeof(F) == 8) return a > lo - F(1) && a < hi;
    return a >= lo && a < hi;
  } else {
    constexpr F hi = static_cast<F>(std::numeric_limits<T>::max()) + F(1);  // 2^N
    (void)hi;
    if constexpr (sizeof(T) == 4) return a > F(-1) && a < F(4294967296.0);
    return a > F(-1) && a < F(18446744073709551616.0);
  }
}
template <typename T, typename F>
inline T SatTrunc(F a) {
  if (a != a) return 0;
  if (TruncInRange<T>(a)) return static_cast<T>(a);
  return a < 0 ? std::numeric_limits<T>::min() : std::numeric_limits<T>::max();
}

// ------------------------------------- wide arithmetic (two i64 results each)
// i64.add128 / i64.sub128 take (lo, hi) pairs; i64.mul_wide_s / _u two i64s;
// each result is stored as (lo, hi) at dst[0], dst[1].
using U128 = unsigned __int128;
inline U128 Wide(uint64_t lo, uint64_t hi) { return lo | (U128{hi} << 64); }
inline U128 MulWideS(uint64_t a, uint64_t b) {
  return static_cast<U128>(static_cast<__int128>(static_cast<int64_t>(a)) *
                           static_cast<__int128>(static_cast<int64_t>(b)));
}
inline U128 MulWideU(uint64_t a, uint64_t b) { return U128{a} * b; }
inline void SetWide(uint64_t* dst, U128 r) {
  dst[0] = static_cast<uint64_t>(r);
  dst[1] = static_cast<uint64_t>(r >> 64);
}

}  // namespace cascade::interp
