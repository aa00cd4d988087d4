// Lexer of the WebAssembly text format; see lexer.h.
//
// A token is the longest run of idchars, strings and the reserved punctuation
// `, ; [ ] { }` (spec 6.3.2 "reserved"), then classified: one string alone is a
// kString, `$` + idchars or `$` + one string is a kId, an idchar run is a keyword
// or number by its first character, and every other run is kReserved.
#include "engine/text/lexer.h"

namespace cascade::text {
namespace {

bool IsIdChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '/': case ':': case '<': case '=': case '>': case '?':
    case '@': case '\\': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsReservedPunct(unsigned char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the UTF-8 sequence starting at s[i], or 0 if malformed.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (n == 2 && cp < 0x80) return 0;
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

class Lexer {
 public:
  Lexer(std::string_view src, std::vector<Token>* out, LexError* err)
      : src_(src), out_(out), err_(err) {}

  bool Run() {
    out_->clear();
    while (true) {
      if (!SkipSpace()) return false;
      if (pos_ >= src_.size()) break;
      unsigned char c = static_cast<unsigned char>(src_[pos_]);
      uint32_t line = line_, col = Column();
      if (c == '(') {
        if (pos_ + 1 < src_.size() && src_[pos_ + 1] == '@') {
          if (!SkipAnnotation()) return false;
          continue;
        }
        ++pos_;
        out_->push_back(Token{TokenKind::kLParen, line, col, src_.substr(pos_ - 1, 1), {}});
        continue;
      }
      if (c == ')') {
        ++pos_;
        out_->push_back(Token{TokenKind::kRParen, line, col, src_.substr(pos_ - 1, 1), {}});
        continue;
      }
      if (IsIdChar(c) || c == '"' || IsReservedPunct(c) || c == ';') {
        if (!LexAtom()) return false;
        continue;
      }
      return IllegalChar();
    }
    out_->push_back(Token{TokenKind::kEof, line_, Column(), src_.substr(src_.size()), {}});
    return true;
  }

 private:
  uint32_t Column() const { return static_cast<uint32_t>(pos_ - line_start_) + 1; }

  [[gnu::noinline, gnu::cold]] bool Fail(uint32_t line, uint32_t col, const char* msg) {
    err_->line = line;
    err_->column = col;
    err_->message = msg;
    return false;
  }
  bool FailHere(const char* msg) { return Fail(line_, Column(), msg); }

  void Newline() {
    ++line_;
    line_start_ = pos_;
  }

  // Skips whitespace and comments. Fails on unterminated block comments and on
  // malformed UTF-8 inside comments.
  bool SkipSpace() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n') {
        ++pos_;
        Newline();
      } else if (c == ';' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        pos_ += 2;
        // A line comment ends at a newline: U+0A, U+0D or U+0D U+0A (spec 6.3.3).
        while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') {
          if (!SkipCommentChar()) return false;
        }
      } else if (c == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        if (!SkipBlockComment()) return false;
      } else {
        break;
      }
    }
    return true;
  }

  bool SkipCommentChar() {
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (c < 0x80) {
      ++pos_;
      if (c == '\n') Newline();
      return true;
    }
    size_t n = Utf8SequenceLength(src_, pos_);
    if (n == 0) return FailHere("malformed UTF-8 encoding");
    pos_ += n;
    return true;
  }

  bool SkipBlockComment() {
    uint32_t line = line_, col = Column();
    pos_ += 2;
    int depth = 1;
    while (pos_ < src_.size()) {
      if (src_[pos_] == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        pos_ += 2;
        ++depth;
      } else if (src_[pos_] == ';' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ')') {
        pos_ += 2;
        if (--depth == 0) return true;
      } else if (!SkipCommentChar()) {
        return false;
      }
    }
    return Fail(line, col, "unclosed comment");
  }

  // Skips `(@id ...)` with balanced parens; tokens inside are lexed (and then
  // dropped) so strings and comments nest correctly.
  bool SkipAnnotation() {
    uint32_t line = line_, col = Column();
    pos_ += 2;  // "(@"
    if (pos_ < src_.size() && src_[pos_] == '"') {
      std::string name;
      if (!LexString(&name)) return Fail(line, col, "empty annotation id");
      if (name.empty()) return Fail(line, col, "empty annotation id");
      if (!IsValidUtf8(name)) return Fail(line, col, "malformed UTF-8 encoding");
    } else {
      size_t start = pos_;
      while (pos_ < src_.size() && IsIdChar(static_cast<unsigned char>(src_[pos_]))) ++pos_;
      if (pos_ == start) return Fail(line, col, "empty annotation id");
    }
    int depth = 1;
    while (true) {
      if (!SkipSpace()) return false;
      if (pos_ >= src_.size()) return Fail(line, col, "unclosed annotation");
      char c = src_[pos_];
      if (c == '(') {
        ++pos_;
        ++depth;
      } else if (c == ')') {
        ++pos_;
        if (--depth == 0) return true;
      } else if (c == '"') {
        std::string ignored;
        if (!LexString(&ignored)) return false;
      } else if (IsIdChar(static_cast<unsigned char>(c)) || IsReservedPunct(c) || c == ';') {
        ++pos_;
      } else {
        return IllegalChar();
      }
    }
  }

  // An illegal character at pos_: malformed UTF-8 is reported as such.
  bool IllegalChar() {
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (c >= 0x80 && Utf8SequenceLength(src_, pos_) == 0) {
      return FailHere("malformed UTF-8 encoding");
    }
    return FailHere("illegal character");
  }

  // Lexes a string starting at the opening quote, decoding escapes into `*out`.
  bool LexString(std::string* out) {
    uint32_t line = line_, col = Column();
    ++pos_;
    while (true) {
      if (pos_ >= src_.size()) return Fail(line, col, "unclosed string");
      unsigned char c = static_cast<unsigned char>(src_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\n') return Fail(line, col, "unclosed string");
      if (c < 0x20 || c == 0x7F) return FailHere("illegal character");
      if (c == '\\') {
        if (pos_ + 1 >= src_.size()) return Fail(line, col, "unclosed string");
        unsigned char e = static_cast<unsigned char>(src_[pos_ + 1]);
        switch (e) {
          case 'n': out->push_back('\n'); pos_ += 2; continue;
          case 't': out->push_back('\t'); pos_ += 2; continue;
          case 'r': out->push_back('\r'); pos_ += 2; continue;
          case '\\': out->push_back('\\'); pos_ += 2; continue;
          case '\'': out->push_back('\''); pos_ += 2; continue;
          case '"': out->push_back('"'); pos_ += 2; continue;
          case 'u': {
            if (pos_ + 2 >= src_.size() || src_[pos_ + 2] != '{') return FailHere("illegal escape");
            size_t p = pos_ + 3;
            uint32_t cp = 0;
            bool any = false, last_digit = false;
            while (p < src_.size() && src_[p] != '}') {
              unsigned char d = static_cast<unsigned char>(src_[p]);
              if (d == '_' && last_digit) { last_digit = false; ++p; continue; }
              int h = HexValue(d);
              if (h < 0) return FailHere("illegal escape");
              if (cp > 0x10FFFF) return FailHere("illegal escape");
              cp = cp * 16 + static_cast<uint32_t>(h);
              any = true;
              last_digit = true;
              ++p;
            }
            if (!any || !last_digit || p >= src_.size()) return FailHere("illegal escape");
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return FailHere("illegal escape");
            AppendUtf8(out, cp);
            pos_ = p + 1;
            continue;
          }
          default: {
            int h1 = HexValue(e);
            int h2 = pos_ + 2 < src_.size() ? HexValue(static_cast<unsigned char>(src_[pos_ + 2])) : -1;
            if (h1 < 0 || h2 < 0) return FailHere("illegal escape");
            out->push_back(static_cast<char>(h1 * 16 + h2));
            pos_ += 3;
            continue;
          }
        }
      }
      if (c < 0x80) {
        out->push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      size_t n = Utf8SequenceLength(src_, pos_);
      if (n == 0) return FailHere("malformed UTF-8 encoding");
      out->append(src_.substr(pos_, n));
      pos_ += n;
    }
  }

  // Lexes the longest run of idchars, strings and reserved punctuation.
  bool LexAtom() {
    uint32_t line = line_, col = Column();
    size_t start = pos_;
    int strings = 0;
    bool reserved_punct = false;
    std::string decoded;
    size_t first_string_at = std::string::npos;
    while (pos_ < src_.size()) {
      unsigned char c = static_cast<unsigned char>(src_[pos_]);
      if (c == '"') {
        if (first_string_at == std::string::npos) first_string_at = pos_ - start;
        ++strings;
        decoded.clear();
        bool id_string = pos_ - start == 1 && src_[start] == '$';
        if (!LexString(&decoded)) {
          // `$"...` that is not a well-formed string is not an identifier.
          if (id_string) {
            err_->line = line;
            err_->column = col;
            err_->message = "empty identifier";
          }
          return false;
        }
      } else if (c == ';') {
        if (pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') break;  // line comment
        reserved_punct = true;
        ++pos_;
      } else if (IsReservedPunct(c)) {
        reserved_punct = true;
        ++pos_;
      } else if (IsIdChar(c)) {
        ++pos_;
      } else {
        break;
      }
    }
    std::string_view text = src_.substr(start, pos_ - start);
    Token tok{TokenKind::kReserved, line, col, text, {}};
    if (!reserved_punct) {
      if (strings == 1 && first_string_at == 0 && text.back() == '"') {
        tok.kind = TokenKind::kString;
        tok.str = std::move(decoded);
      } else if (strings == 1 && first_string_at == 1 && text[0] == '$' && text.back() == '"') {
        if (decoded.empty()) return Fail(line, col, "empty identifier");
        if (!IsValidUtf8(decoded)) return Fail(line, col, "malformed UTF-8 encoding");
        tok.kind = TokenKind::kId;
        tok.str = std::move(decoded);
      } else if (strings == 0) {
        unsigned char c = static_cast<unsigned char>(text[0]);
        if (c == '$') {
          if (text.size() == 1) return Fail(line, col, "empty identifier");
          tok.kind = TokenKind::kId;
          tok.str = std::string(text.substr(1));
        } else if (c >= 'a' && c <= 'z') {
          tok.kind = TokenKind::kKeyword;
        } else if ((c >= '0' && c <= '9') || c == '+' || c == '-') {
          tok.kind = TokenKind::kNumber;
        }
      }
    }
    out_->push_back(std::move(tok));
    return true;
  }

  std::string_view src_;
  std::vector<Token>* out_;
  LexError* err_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  uint32_t line_ = 1;
};

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool Lex(std::string_view source, std::vector<Token>* tokens, LexError* error) {
  return Lexer(source, tokens, error).Run();
}

}  // namespace cascade::text
