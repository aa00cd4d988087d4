// A growable byte buffer with the encoders of the binary format (spec 5.2
// "Values"): LEB128 integers, IEEE floats, names, and size-prefixed sections.
//
// Invariants: LEB128 output is always minimal-length; sections are written by
// encoding the payload into a separate BinaryWriter and then appending
// id + u32 size + payload, so sizes are exact.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace cascade::text {

// Appends `v` as minimal-length unsigned LEB128 (spec 5.2.2 "Integers").
inline void AppendUleb128(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(b);
  } while (v != 0);
}

// Appends `v` as minimal-length signed LEB128 (spec 5.2.2 "Integers").
inline void AppendSleb128(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7F;
    v >>= 7;  // arithmetic shift
    const bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    if (!done) b |= 0x80;
    out.push_back(b);
    if (done) return;
  }
}

class BinaryWriter {
 public:
  std::vector<uint8_t>& bytes() { return bytes_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  void u8(uint8_t b) { bytes_.push_back(b); }
  void u32(uint32_t v) { u64(v); }
  void u64(uint64_t v) { AppendUleb128(bytes_, v); }
  void s64(int64_t v) { AppendSleb128(bytes_, v); }
  void s32(int32_t v) { s64(v); }
  void f32_bits(uint32_t bits) { raw(&bits, 4); }
  void f64_bits(uint64_t bits) { raw(&bits, 8); }
  void raw(const void* data, size_t n) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + n);
  }
  void append(const BinaryWriter& other) { raw(other.bytes_.data(), other.bytes_.size()); }
  // A name or byte string: u32 length + bytes.
  void name(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  // id, u32 size, payload.
  void section(uint8_t id, const BinaryWriter& payload) {
    u8(id);
    u32(static_cast<uint32_t>(payload.size()));
    append(payload);
  }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace cascade::text
