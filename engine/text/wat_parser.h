// WebAssembly text format (spec 6 "Text Format") -> binary bytes.
//
// The text format has exactly one way into a Module: a text module is parsed and
// encoded here into the binary format, and the bytes then go through
// DecodeModule (decoder.h) like any .wasm file. Symbolic identifiers are resolved
// to indices; abbreviations (inline imports/exports, inline type uses with their
// implicit type definitions, folded instructions, inline data/elem segments) are
// expanded while encoding.
//
// Errors carry the line:column of the offending token and use the spec
// interpreter's wording ("unexpected token", "unknown operator", "unknown
// function $f", "duplicate func", "mismatching label", "inline function type",
// "constant out of range", "alignment", "import after function", ...), so the
// spec suite's assert_malformed expectations match by substring.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text/lexer.h"

namespace cascade::text {

struct TextError {
  uint32_t line = 0;    // 1-based; 0 if unknown
  uint32_t column = 0;  // 1-based
  std::string message;

  // "line:column: message".
  std::string ToString() const;
};

// Lex() with its error reported as a TextError (line, column, message).
bool LexText(std::string_view source, std::vector<Token>* tokens, TextError* error);

// Parses a text module: either `(module $id? field*)` or a bare sequence of
// module fields (the abbreviation allowed for .wat files and `module quote`),
// and encodes it into `*bytes`. Returns false with `*error` on a lexical or
// syntax error or an unresolvable identifier.
bool ParseWat(std::string_view source, std::vector<uint8_t>* bytes, TextError* error);

// Encodes the module fields in tokens[begin, end) (the tokens between
// `(module $id?` and its closing paren, `end` excluded). Used by the WAST script
// parser, which lexes a whole script once.
// `module_name` (the `$id` of `(module $id ...)`, without `$`) goes into the
// name section, which also gets the identifiers of functions, locals, types,
// struct fields and tags.
bool EncodeModuleFields(const std::vector<Token>& tokens, size_t begin, size_t end,
                        std::vector<uint8_t>* bytes, TextError* error,
                        std::string_view module_name = {});

}  // namespace cascade::text
