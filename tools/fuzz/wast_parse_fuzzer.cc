// libFuzzer target: the text format. Parses arbitrary bytes as a .wast script
// (ParseWast, which also encodes every text module), then sends each module the
// parser produced -- text modules as encoded, `module quote` text through
// ParseWat -- down the one path into a Module: DecodeModule + ValidateModule.
//
// Invariant under test: for every input the lexer, parser, encoder, decoder and
// validator return (success or an error with a message) without crashing,
// hanging, leaking, reading out of bounds or hitting undefined behaviour; a text
// error always has a message. Built only with -DCASCADE_FUZZ=ON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "engine/decoder.h"
#include "engine/text/wast_script.h"
#include "engine/text/wat_parser.h"
#include "engine/validator.h"

namespace {

void DecodeAndValidate(std::vector<uint8_t> bytes) {
  cascade::Module module;
  cascade::Error error;
  if (cascade::DecodeModule(std::move(bytes), &module, &error)) {
    cascade::ValidateModule(module, &error);
  }
}

void CheckTextError(const cascade::text::TextError& error) {
  if (error.message.empty()) std::abort();
}

void RunModule(const cascade::text::WastModule& m) {
  using Form = cascade::text::WastModule::Form;
  if (m.form == Form::kQuote) {
    std::vector<uint8_t> bytes;
    cascade::text::TextError error;
    if (cascade::text::ParseWat(m.quote, &bytes, &error)) {
      DecodeAndValidate(std::move(bytes));
    } else {
      CheckTextError(error);
    }
    return;
  }
  if (m.form == Form::kText && m.has_text_error) {
    CheckTextError(m.text_error);
    return;
  }
  DecodeAndValidate(m.bytes);
}

void RunCommands(const std::vector<cascade::text::WastCommand>& commands) {
  for (const auto& c : commands) {
    if (c.has_module) RunModule(c.module);
    RunCommands(c.commands);  // thread bodies
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  cascade::text::WastScript script;
  cascade::text::TextError error;
  if (!cascade::text::ParseWast(source, &script, &error)) {
    CheckTextError(error);
    return 0;
  }
  RunCommands(script.commands);
  return 0;
}
