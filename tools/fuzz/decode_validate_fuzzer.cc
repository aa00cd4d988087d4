// libFuzzer target: DecodeModule then ValidateModule on arbitrary bytes.
//
// Invariant under test: for every input the decoder and validator return (true
// or false with an Error) without crashing, hanging, leaking, reading out of
// bounds or hitting undefined behaviour; an Error always has a message and an
// offset inside the input (or at its end). Built only with -DCASCADE_FUZZ=ON
// (preset `fuzz`); see tools/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "engine/decoder.h"
#include "engine/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  cascade::Module module;
  cascade::Error error;
  bool ok = cascade::DecodeModule(std::move(bytes), &module, &error);
  if (ok) ok = cascade::ValidateModule(module, &error);
  if (!ok && (error.message.empty() || error.offset > size)) {
    // A rejection must say what and where: treat a bare one as a bug.
    std::abort();
  }
  return 0;
}
