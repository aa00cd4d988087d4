// Lexer of the WebAssembly text format (spec 6.3 "Lexical Format").
//
// Turns a whole source text into a flat vector of tokens, each with its
// line:column. Whitespace, line comments `;;`, nested block comments `(; ;)` and
// annotations `(@id ...)` are dropped. Strings are decoded (all escapes) into
// their bytes. Identifiers `$x` and `$"quoted"` carry their name without the `$`.
//
// Invariants:
//  * The token vector always ends with one kEof token.
//  * Tokens that are neither parens, strings, ids, keywords nor number-like are
//    kReserved (e.g. `"a""b"`, `0x1"x"`, `{`), which the parser rejects with
//    "unexpected token".
//  * `text` views point into the source passed to Lex, which must outlive them;
//    decoded string bytes and id names are owned by the token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cascade::text {

enum class TokenKind : uint8_t {
  kLParen,
  kRParen,
  kString,    // "..." ; `str` holds the decoded bytes
  kId,        // $name or $"name" ; `str` holds the name without `$`
  kKeyword,   // idchar run starting with a lowercase letter (i32.add, offset=4, nan:0x1)
  kNumber,    // idchar run starting with a digit, '+' or '-' (123, -0x1p3, +inf)
  kReserved,  // anything else
  kEof,
};

struct Token {
  TokenKind kind;
  uint32_t line;    // 1-based
  uint32_t column;  // 1-based, in bytes
  std::string_view text;  // raw source text of the token
  std::string str;        // decoded string bytes (kString) or id name (kId)
};

struct LexError {
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;  // spec wording: "illegal character", "unclosed string", ...
};

// Lexes `source` into `*tokens` (cleared first). Returns false and fills `*error`
// on the first lexical error ("illegal character", "unclosed string", "illegal
// escape", "malformed UTF-8 encoding", "unclosed comment", "unclosed annotation",
// "empty identifier", "empty annotation id").
bool Lex(std::string_view source, std::vector<Token>* tokens, LexError* error);

// Whether `bytes` is well-formed UTF-8 (spec 5.2.4 / 6.3.3).
bool IsValidUtf8(std::string_view bytes);

}  // namespace cascade::text
