// Bounds-checked access to the calling instance's linear memory for WASI host
// functions: every guest (pointer, length) pair is checked against the
// memory's current size with overflow-safe arithmetic before a byte is touched.
//
// Invariants: a GuestMemory is made per host call (memory cannot grow while
// the host function runs, since WASI functions never call back into wasm), so
// [base, base + size) stays valid and committed for its lifetime. Values are
// little-endian (wasm's byte order; the host is x86-64 or AArch64, both LE).
// Pointers need no alignment (bytes are copied with memcpy).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace cascade::wasi {

class GuestMemory {
 public:
  GuestMemory() = default;
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  uint64_t size() const { return size_; }

  // Whether [ptr, ptr + len) lies inside the memory. ptr is a wasm32 address,
  // len any byte count (sums are done in 64 bits: u32 + u32 never wraps).
  bool Check(uint32_t ptr, uint64_t len) const {
    return ptr <= size_ && len <= size_ - ptr;
  }
  // Whether an array of `count` records of `record_size` bytes at `ptr` fits.
  bool CheckArray(uint32_t ptr, uint64_t count, uint64_t record_size) const {
    if (record_size != 0 && count > size_ / record_size) return false;
    return Check(ptr, count * record_size);
  }

  // The host address of guest address `ptr`; only after Check(ptr, len > 0).
  uint8_t* At(uint32_t ptr) const { return base_ + ptr; }

  // Loads/stores of fixed-size little-endian values; false when out of bounds.
  template <typename T>
  bool Load(uint32_t ptr, T* out) const {
    if (!Check(ptr, sizeof(T))) return false;
    std::memcpy(out, base_ + ptr, sizeof(T));
    return true;
  }
  template <typename T>
  bool Store(uint32_t ptr, T value) const {
    if (!Check(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &value, sizeof(T));
    return true;
  }
  // Unchecked forms, for records whose whole extent was checked already.
  template <typename T>
  T LoadUnchecked(uint32_t ptr) const {
    T v;
    std::memcpy(&v, base_ + ptr, sizeof(T));
    return v;
  }
  template <typename T>
  void StoreUnchecked(uint32_t ptr, T value) const {
    std::memcpy(base_ + ptr, &value, sizeof(T));
  }

  // A guest string (ptr, len) as a view into guest memory; false when out of
  // bounds. The view is valid for the host call only.
  bool String(uint32_t ptr, uint32_t len, std::string_view* out) const {
    if (!Check(ptr, len)) return false;
    *out = std::string_view(reinterpret_cast<const char*>(base_ + ptr), len);
    return true;
  }

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace cascade::wasi
