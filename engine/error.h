// Errors of the decoder and validator: a message in the spec's wording plus the
// byte offset in the module binary where the problem was found.
//
// Messages use the spec interpreter's phrases ("unexpected end", "integer too
// large", "type mismatch", ...) so that the spec suite's assert_malformed and
// assert_invalid expectations match by substring.
#pragma once

#include <cstdint>
#include <string>

namespace cascade {

struct Error {
  uint64_t offset = 0;   // byte offset into the module binary
  std::string message;   // spec wording, without the offset

  // "message (at offset 0x1a)", the form the CLI prints.
  std::string ToString() const;
};

}  // namespace cascade
