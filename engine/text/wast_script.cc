// WAST script parser; see wast_script.h.
//
// The whole script is lexed once; each command is a parenthesized group whose
// extent is known from a precomputed paren-match table, so a text module is
// handed to the module encoder as a token range without re-lexing.
#include "engine/text/wast_script.h"

#include <cstring>

#include "engine/text/literals.h"

namespace cascade::text {
namespace {

class WastParser {
 public:
  WastParser(std::vector<Token> tokens, TextError* err) : toks_(std::move(tokens)), err_(err) {}

  bool Run(WastScript* script) {
    if (!ComputeMatches()) return false;
    // A script that is just module fields (no commands) is one implicit module.
    if (toks_.size() > 2 && IsLParen(0) && !IsCommandKeyword(toks_[1])) {
      WastCommand cmd;
      cmd.kind = WastCommand::Kind::kModule;
      cmd.line = toks_[0].line;
      cmd.has_module = true;
      cmd.module.line = cmd.line;
      const Token& last = toks_[toks_.size() - 2];
      cmd.module.source.assign(toks_[0].text.data(),
                               last.text.data() + last.text.size() - toks_[0].text.data());
      EncodeText(&cmd.module, 0, toks_.size() - 1);
      script->commands.push_back(std::move(cmd));
      return true;
    }
    while (toks_[pos_].kind != TokenKind::kEof) {
      WastCommand cmd;
      if (!ParseCommand(&cmd)) return false;
      script->commands.push_back(std::move(cmd));
    }
    return true;
  }

 private:
  const Token& cur() const { return toks_[pos_]; }
  bool IsLParen(size_t i) const { return toks_[i].kind == TokenKind::kLParen; }
  bool IsRParen(size_t i) const { return toks_[i].kind == TokenKind::kRParen; }
  bool IsKw(size_t i, std::string_view kw) const {
    return toks_[i].kind == TokenKind::kKeyword && toks_[i].text == kw;
  }
  bool AtField(std::string_view kw) const { return IsLParen(pos_) && IsKw(pos_ + 1, kw); }

  static bool IsCommandKeyword(const Token& t) {
    static const char* kCommands[] = {
        "module", "register", "invoke", "get", "assert_return", "assert_trap",
        "assert_exhaustion", "assert_exception", "assert_invalid", "assert_malformed",
        "assert_unlinkable", "assert_uninstantiable", "thread", "wait", "assert_malformed_custom", "assert_invalid_custom", "assert_return_canonical_nan",
        "assert_return_arithmetic_nan"};
    if (t.kind != TokenKind::kKeyword) return false;
    for (const char* c : kCommands) {
      if (t.text == c) return true;
    }
    return false;
  }

  [[gnu::noinline, gnu::cold]] bool Fail(const Token& t, std::string message) {
    err_->line = t.line;
    err_->column = t.column;
    err_->message = std::move(message);
    return false;
  }
  bool Unexpected() {
    return Fail(cur(), cur().kind == TokenKind::kEof ? "unexpected token: end of input"
                                                     : "unexpected token " + std::string(cur().text));
  }
  bool Expect(TokenKind k) {
    if (cur().kind != k) return Unexpected();
    ++pos_;
    return true;
  }
  bool ExpectKw(std::string_view kw) {
    if (!IsKw(pos_, kw)) return Unexpected();
    ++pos_;
    return true;
  }
  void TakeId(std::string* out) {
    if (cur().kind == TokenKind::kId) {
      *out = cur().str;
      ++pos_;
    }
  }

  bool ComputeMatches() {
    match_.assign(toks_.size(), 0);
    std::vector<size_t> stack;
    for (size_t i = 0; i < toks_.size(); ++i) {
      if (toks_[i].kind == TokenKind::kLParen) {
        stack.push_back(i);
      } else if (toks_[i].kind == TokenKind::kRParen) {
        if (stack.empty()) return Fail(toks_[i], "unexpected token )");
        match_[stack.back()] = i;
        stack.pop_back();
      }
    }
    if (!stack.empty()) return Fail(toks_[stack.back()], "unclosed parenthesis");
    return true;
  }

  void EncodeText(WastModule* m, size_t begin, size_t end) {
    m->form = WastModule::Form::kText;
    if (!EncodeModuleFields(toks_, begin, end, &m->bytes, &m->text_error, m->name)) {
      m->has_text_error = true;
      m->bytes.clear();
    }
  }

  // (module definition? $M? (binary|quote)? ...)
  bool ParseModule(WastModule* m) {
    m->line = cur().line;
    match_open_ = pos_;
    size_t close = match_[pos_];
    pos_ += 2;
    if (IsKw(pos_, "definition")) {
      m->is_definition = true;
      ++pos_;
    }
    TakeId(&m->name);
    if (IsKw(pos_, "binary") || IsKw(pos_, "quote")) {
      bool binary = IsKw(pos_, "binary");
      ++pos_;
      std::string text;
      while (cur().kind == TokenKind::kString) {
        if (!binary && !text.empty()) text.push_back(' ');
        text += cur().str;
        ++pos_;
      }
      if (binary) {
        m->form = WastModule::Form::kBinary;
        m->bytes.assign(text.begin(), text.end());
      } else {
        m->form = WastModule::Form::kQuote;
        m->quote = std::move(text);
      }
      return Expect(TokenKind::kRParen);
    }
    const Token& first = toks_[match_open_];
    const Token& last = toks_[close];
    m->source.assign(first.text.data(), last.text.data() + 1 - first.text.data());
    EncodeText(m, pos_, close);
    pos_ = close + 1;
    return true;
  }

  bool ParseConstLiteral(std::string_view op, WastValue* v, WastResult* r) {
    const Token& t = cur();
    auto bad = [&](LiteralStatus s) {
      return Fail(t, s == LiteralStatus::kOutOfRange ? "constant out of range"
                                                     : "unexpected token " + std::string(t.text));
    };
    if (op == "i32.const" || op == "i64.const") {
      v->kind = op == "i32.const" ? WastValue::Kind::kI32 : WastValue::Kind::kI64;
      LiteralStatus s = ParseInteger(t.text, op == "i32.const" ? 32 : 64, &v->bits[0]);
      if (s != LiteralStatus::kOk) return bad(s);
      ++pos_;
      return true;
    }
    if (op == "f32.const" || op == "f64.const") {
      bool f32 = op == "f32.const";
      v->kind = f32 ? WastValue::Kind::kF32 : WastValue::Kind::kF64;
      if (r && (t.text == "nan:canonical" || t.text == "nan:arithmetic")) {
        r->kind = t.text == "nan:canonical" ? WastResult::Kind::kNanCanonical
                                            : WastResult::Kind::kNanArithmetic;
        r->float_type = f32 ? kWasmF32 : kWasmF64;
        ++pos_;
        return true;
      }
      LiteralStatus s;
      if (f32) {
        uint32_t b;
        s = ParseF32(t.text, &b);
        v->bits[0] = b;
      } else {
        s = ParseF64(t.text, &v->bits[0]);
      }
      if (s != LiteralStatus::kOk) return bad(s);
      ++pos_;
      return true;
    }
    if (op == "v128.const") {
      v->kind = WastValue::Kind::kV128;
      const Token& shape = cur();
      V128Shape v128;
      if (!ParseV128Shape(shape.text, &v128)) return Unexpected();
      const int lanes = v128.lanes, bits = v128.bits;
      const bool is_float = v128.is_float;
      ++pos_;
      uint8_t bytes[16] = {};
      bool any_nan_pattern = false;
      std::vector<WastResult::Kind> kinds;
      std::vector<uint64_t> lane_bits;
      for (int i = 0; i < lanes; ++i) {
        const Token& lt = cur();
        uint64_t lv = 0;
        WastResult::Kind k = WastResult::Kind::kValue;
        LiteralStatus s = LiteralStatus::kOk;
        if (is_float && r && (lt.text == "nan:canonical" || lt.text == "nan:arithmetic")) {
          k = lt.text == "nan:canonical" ? WastResult::Kind::kNanCanonical
                                         : WastResult::Kind::kNanArithmetic;
          any_nan_pattern = true;
        } else if (is_float && bits == 32) {
          uint32_t b;
          s = ParseF32(lt.text, &b);
          lv = b;
        } else if (is_float) {
          s = ParseF64(lt.text, &lv);
        } else {
          s = ParseInteger(lt.text, bits, &lv);
        }
        if (s != LiteralStatus::kOk) {
          const Token& save = lt;
          return Fail(save, s == LiteralStatus::kOutOfRange
                                ? "constant out of range"
                                : "unexpected token " + std::string(save.text));
        }
        std::memcpy(bytes + i * (bits / 8), &lv, static_cast<size_t>(bits / 8));
        kinds.push_back(k);
        lane_bits.push_back(lv);
        ++pos_;
      }
      std::memcpy(v->bits, bytes, 16);
      if (any_nan_pattern) {
        r->kind = WastResult::Kind::kV128Lanes;
        r->lane_type = bits == 32 ? kWasmF32 : kWasmF64;
        r->lane_kinds = std::move(kinds);
        r->lane_bits = std::move(lane_bits);
      }
      return true;
    }
    if (op == "ref.null") {
      v->kind = WastValue::Kind::kRefNull;
      if (IsRParen(pos_)) {
        if (!r) return Unexpected();
        r->kind = WastResult::Kind::kRefNullAny;
        return true;
      }
      if (HeapType::FromName(cur().text, &v->heap)) {
        ++pos_;
        return true;
      }
      if (cur().kind == TokenKind::kNumber) {
        uint64_t idx;
        if (ParseUnsigned(cur().text, HeapType::kMaxIndex, &idx) != LiteralStatus::kOk) {
          return Unexpected();
        }
        v->heap = HeapType::Index(static_cast<uint32_t>(idx));
        ++pos_;
        return true;
      }
      return Unexpected();
    }
    if (op == "ref.extern" || op == "ref.host") {
      v->kind = op == "ref.extern" ? WastValue::Kind::kRefExtern : WastValue::Kind::kRefHost;
      if (IsRParen(pos_) && r && op == "ref.extern") {
        r->kind = WastResult::Kind::kRefExtern;
        return true;
      }
      uint64_t n;
      if (ParseUnsigned(cur().text, UINT32_MAX, &n) != LiteralStatus::kOk) return Unexpected();
      v->ref = static_cast<uint32_t>(n);
      ++pos_;
      return true;
    }
    if (r) {
      static const std::pair<std::string_view, WastResult::Kind> kRefs[] = {
          {"ref.func", WastResult::Kind::kRefFunc},     {"ref.struct", WastResult::Kind::kRefStruct},
          {"ref.array", WastResult::Kind::kRefArray},   {"ref.i31", WastResult::Kind::kRefI31},
          {"ref.eq", WastResult::Kind::kRefEq},         {"ref.any", WastResult::Kind::kRefAny},
          {"ref.exn", WastResult::Kind::kRefExn},       {"ref", WastResult::Kind::kRefAny},
      };
      for (auto& [name, k] : kRefs) {
        if (op == name) {
          r->kind = k;
          if (cur().kind == TokenKind::kNumber) {
            uint64_t n;
            if (ParseUnsigned(cur().text, UINT32_MAX, &n) != LiteralStatus::kOk) return Unexpected();
            r->has_index = true;
            r->index = static_cast<uint32_t>(n);
            ++pos_;
          } else if (cur().kind == TokenKind::kId) {
            ++pos_;  // a symbolic function name: kept as "any function"
          }
          return true;
        }
      }
    }
    return Fail(toks_[pos_ - 1], "unknown operator " + std::string(op));
  }

  bool ParseConst(WastValue* v) {
    if (!Expect(TokenKind::kLParen)) return false;
    if (cur().kind != TokenKind::kKeyword) return Unexpected();
    std::string_view op = cur().text;
    ++pos_;
    return ParseConstLiteral(op, v, nullptr) && Expect(TokenKind::kRParen);
  }

  bool ParseResult(WastResult* r) {
    if (++depth_ > kMaxDepth) return Fail(cur(), "nesting too deep");
    bool ok = ParseResultBody(r);
    --depth_;
    return ok;
  }

  bool ParseResultBody(WastResult* r) {
    if (!Expect(TokenKind::kLParen)) return false;
    if (cur().kind != TokenKind::kKeyword) return Unexpected();
    std::string_view op = cur().text;
    ++pos_;
    if (op == "either") {
      r->kind = WastResult::Kind::kEither;
      while (IsLParen(pos_)) {
        WastResult alt;
        if (!ParseResult(&alt)) return false;
        r->alternatives.push_back(std::move(alt));
      }
      return Expect(TokenKind::kRParen);
    }
    return ParseConstLiteral(op, &r->value, r) && Expect(TokenKind::kRParen);
  }

  bool ParseAction(WastAction* a) {
    a->line = cur().line;
    if (!Expect(TokenKind::kLParen)) return false;
    if (IsKw(pos_, "invoke")) {
      a->kind = WastAction::Kind::kInvoke;
    } else if (IsKw(pos_, "get")) {
      a->kind = WastAction::Kind::kGet;
    } else {
      return Unexpected();
    }
    ++pos_;
    TakeId(&a->module);
    if (cur().kind != TokenKind::kString) return Unexpected();
    a->field = cur().str;
    ++pos_;
    while (IsLParen(pos_)) {
      WastValue v;
      if (!ParseConst(&v)) return false;
      a->args.push_back(v);
    }
    return Expect(TokenKind::kRParen);
  }

  bool ParseMessage(std::string* out) {
    if (cur().kind != TokenKind::kString) return Unexpected();
    *out = cur().str;
    ++pos_;
    return true;
  }

  bool ParseCommand(WastCommand* cmd) {
    if (++depth_ > kMaxDepth) return Fail(cur(), "nesting too deep");
    bool ok = ParseCommandBody(cmd);
    --depth_;
    return ok;
  }

  bool ParseCommandBody(WastCommand* cmd) {
    if (!IsLParen(pos_)) return Unexpected();
    cmd->line = cur().line;
    const Token& head = toks_[pos_ + 1];
    if (head.kind != TokenKind::kKeyword) {
      ++pos_;
      return Unexpected();
    }
    std::string_view kw = head.text;
    using K = WastCommand::Kind;
    if (kw == "module") {
      if (IsKw(pos_ + 2, "instance")) {
        cmd->kind = K::kModuleInstance;
        pos_ += 3;
        // (module instance $I $M) | (module instance $M) | (module instance)
        std::string first, second;
        TakeId(&first);
        TakeId(&second);
        if (second.empty()) {
          cmd->module_ref = std::move(first);
        } else {
          cmd->instance_name = std::move(first);
          cmd->module_ref = std::move(second);
        }
        return Expect(TokenKind::kRParen);
      }
      cmd->kind = K::kModule;
      cmd->has_module = true;
      return ParseModule(&cmd->module);
    }
    pos_ += 2;
    if (kw == "register") {
      cmd->kind = K::kRegister;
      if (!ParseMessage(&cmd->register_as)) return false;
      TakeId(&cmd->module_ref);
      return Expect(TokenKind::kRParen);
    }
    if (kw == "invoke" || kw == "get") {
      pos_ -= 2;
      cmd->kind = K::kAction;
      return ParseAction(&cmd->action);
    }
    if (kw == "assert_return") {
      cmd->kind = K::kAssertReturn;
      if (!ParseAction(&cmd->action)) return false;
      while (IsLParen(pos_)) {
        WastResult r;
        if (!ParseResult(&r)) return false;
        cmd->results.push_back(std::move(r));
      }
      return Expect(TokenKind::kRParen);
    }
    if (kw == "assert_trap" || kw == "assert_exhaustion" || kw == "assert_exception") {
      cmd->kind = kw == "assert_trap"         ? K::kAssertTrap
                  : kw == "assert_exhaustion" ? K::kAssertExhaustion
                                              : K::kAssertException;
      if (AtField("module")) {
        cmd->has_module = true;
        if (!ParseModule(&cmd->module)) return false;
      } else if (!ParseAction(&cmd->action)) {
        return false;
      }
      if (cmd->kind != K::kAssertException && !ParseMessage(&cmd->message)) return false;
      return Expect(TokenKind::kRParen);
    }
    if (kw == "assert_invalid" || kw == "assert_malformed" || kw == "assert_unlinkable" ||
        kw == "assert_uninstantiable" || kw == "assert_malformed_custom" ||
        kw == "assert_invalid_custom") {
      cmd->kind = kw == "assert_invalid"           ? K::kAssertInvalid
                  : kw == "assert_malformed"       ? K::kAssertMalformed
                  : kw == "assert_unlinkable"      ? K::kAssertUnlinkable
                  : kw == "assert_malformed_custom" ? K::kAssertMalformedCustom
                  : kw == "assert_invalid_custom"  ? K::kAssertInvalidCustom
                                                   : K::kAssertUninstantiable;
      if (!AtField("module")) return Unexpected();
      cmd->has_module = true;
      if (!ParseModule(&cmd->module)) return false;
      if (!ParseMessage(&cmd->message)) return false;
      return Expect(TokenKind::kRParen);
    }
    if (kw == "thread") {
      cmd->kind = K::kThread;
      TakeId(&cmd->thread);
      while (AtField("shared")) {
        pos_ += 2;
        if (!Expect(TokenKind::kLParen) || !ExpectKw("module")) return false;
        std::string name;
        TakeId(&name);
        cmd->shared_modules.push_back(name);
        if (!Expect(TokenKind::kRParen) || !Expect(TokenKind::kRParen)) return false;
      }
      while (IsLParen(pos_)) {
        WastCommand sub;
        if (!ParseCommand(&sub)) return false;
        cmd->commands.push_back(std::move(sub));
      }
      return Expect(TokenKind::kRParen);
    }
    if (kw == "wait") {
      cmd->kind = K::kWait;
      TakeId(&cmd->thread);
      return Expect(TokenKind::kRParen);
    }
    pos_ -= 1;
    return Fail(head, "unknown command " + std::string(kw));
  }

  std::vector<Token> toks_;
  std::vector<size_t> match_;
  size_t pos_ = 0;
  size_t match_open_ = 0;
  // `either` results and `thread` commands nest; bounded to protect the stack.
  static constexpr int kMaxDepth = 100;
  int depth_ = 0;
  TextError* err_;
};

}  // namespace

bool ParseWast(std::string_view source, WastScript* script, TextError* error) {
  std::vector<Token> tokens;
  if (!LexText(source, &tokens, error)) return false;
  script->commands.clear();
  WastParser parser(std::move(tokens), error);
  return parser.Run(script);
}

}  // namespace cascade::text
