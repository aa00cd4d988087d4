// Module fields of the text format (spec 6.6 "Modules", 6.4 "Types"): collection
// of identifiers, type definitions, imports, functions, tables, memories,
// globals, tags, exports, start, element and data segments, and the assembly of
// the sections into a binary module. See wat_encoder.h for the two passes.
#include <algorithm>
#include <array>

#include "engine/text/literals.h"
#include "engine/text/wat_encoder.h"

namespace cascade::text {
namespace {

constexpr std::array<std::string_view, 72> kSyntaxKeywords = {
    "module", "type", "rec", "sub", "final", "func", "struct", "array", "field", "mut",
    "param", "result", "local", "import", "export", "table", "memory", "global", "tag",
    "start", "elem", "data", "offset", "item", "declare", "then", "else", "end", "do",
    "catch", "catch_ref", "catch_all", "catch_all_ref", "delegate", "ref", "null",
    "shared", "unshared", "pagesize", "i32", "i64", "f32", "f64", "v128", "i8", "i16",
    "funcref", "externref", "anyref", "eqref", "i31ref", "structref", "arrayref",
    "nullref", "nullfuncref", "nullexternref", "exnref", "nullexnref", "extern", "any",
    "eq", "i31", "none", "nofunc", "noextern", "exn", "noexn", "binary", "quote",
    "definition", "instance", "inf"};

bool IsKnownKeyword(std::string_view kw) {
  if (std::find(kSyntaxKeywords.begin(), kSyntaxKeywords.end(), kw) != kSyntaxKeywords.end()) {
    return true;
  }
  if (kw.substr(0, 7) == "offset=" || kw.substr(0, 6) == "align=" || kw == "nan" ||
      kw.substr(0, 4) == "nan:") {
    return true;
  }
  return LookupOpcodeByName(kw).has_value();
}

bool RefShorthand(std::string_view s, ValType* out) {
  static const std::pair<std::string_view, HeapType::Abstract> kNames[] = {
      {"funcref", HeapType::kFunc},         {"externref", HeapType::kExtern},
      {"anyref", HeapType::kAny},           {"eqref", HeapType::kEq},
      {"i31ref", HeapType::kI31},           {"structref", HeapType::kStruct},
      {"arrayref", HeapType::kArray},       {"nullref", HeapType::kNone},
      {"nullfuncref", HeapType::kNoFunc},   {"nullexternref", HeapType::kNoExtern},
      {"exnref", HeapType::kExn},           {"nullexnref", HeapType::kNoExn},
  };
  for (auto& [name, a] : kNames) {
    if (s == name) {
      *out = ValType::Ref(a, true);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string TextError::ToString() const {
  return std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

ModuleEncoder::ModuleEncoder(const std::vector<Token>& tokens, size_t begin, size_t end,
                             TextError* error, std::string module_name)
    : toks_(tokens), begin_(begin), end_(end), pos_(begin), err_(error),
      module_name_(std::move(module_name)) {
  match_.assign(end - begin + 1, end);
  std::vector<size_t> stack;
  for (size_t i = begin; i < end; ++i) {
    if (tokens[i].kind == TokenKind::kLParen) {
      stack.push_back(i);
    } else if (tokens[i].kind == TokenKind::kRParen && !stack.empty()) {
      match_[stack.back() - begin] = i;
      stack.pop_back();
    }
  }
}

// ---------------------------------------------------------------------------
// Token cursor helpers.

bool ModuleEncoder::Fail(const Token& t, std::string message) {
  if (!failed_) {
    failed_ = true;
    err_->line = t.line;
    err_->column = t.column;
    err_->message = std::move(message);
  }
  return false;
}

bool ModuleEncoder::Unexpected(const Token& t) {
  std::string text(t.text);
  switch (t.kind) {
    case TokenKind::kEof:
      return Fail(t, "unexpected token: end of input");
    case TokenKind::kReserved:
      return Fail(t, "unknown operator " + text);
    case TokenKind::kKeyword:
      if (IsKnownKeyword(t.text)) return Fail(t, "unexpected token " + text);
      return Fail(t, "unknown operator " + text);
    case TokenKind::kNumber: {
      uint64_t i;
      uint64_t f;
      if (ParseInteger(t.text, 64, &i) == LiteralStatus::kMalformed &&
          ParseF64(t.text, &f) == LiteralStatus::kMalformed) {
        return Fail(t, "unknown operator " + text);
      }
      return Fail(t, "unexpected token " + text);
    }
    default:
      return Fail(t, "unexpected token " + text);
  }
}

bool ModuleEncoder::ExpectLParen() {
  if (failed_) return false;
  if (!IsLParen(pos_)) return Unexpected(cur());
  ++pos_;
  return true;
}

bool ModuleEncoder::ExpectRParen() {
  if (failed_) return false;
  if (!IsRParen(pos_)) return Unexpected(cur());
  ++pos_;
  return true;
}

bool ModuleEncoder::ExpectKeyword(std::string_view kw) {
  if (failed_) return false;
  if (!IsKw(pos_, kw)) return Unexpected(cur());
  ++pos_;
  return true;
}

bool ModuleEncoder::TakeId(std::string* id) {
  if (cur().kind != TokenKind::kId) return false;
  if (id) *id = cur().str;
  ++pos_;
  return true;
}

bool ModuleEncoder::ParseString(std::string* out) {
  if (failed_) return false;
  if (cur().kind != TokenKind::kString) return Unexpected(cur());
  *out = cur().str;
  ++pos_;
  return true;
}

bool ModuleEncoder::ParseName(std::string* out) {
  const Token& t = cur();
  if (!ParseString(out)) return false;
  if (!IsValidUtf8(*out)) return Fail(t, "malformed UTF-8 encoding");
  return true;
}

bool ModuleEncoder::ParseU64(uint64_t* out) {
  if (failed_) return false;
  const Token& t = cur();
  if (t.kind != TokenKind::kNumber) return Unexpected(t);
  LiteralStatus s = ParseUnsigned(t.text, UINT64_MAX, out);
  if (s == LiteralStatus::kMalformed) return Unexpected(t);
  if (s == LiteralStatus::kOutOfRange) return Fail(t, "constant out of range");
  ++pos_;
  return true;
}

bool ModuleEncoder::ParseU32(uint32_t* out) {
  if (failed_) return false;
  const Token& t = cur();
  if (t.kind != TokenKind::kNumber) return Unexpected(t);
  uint64_t v;
  LiteralStatus s = ParseUnsigned(t.text, UINT32_MAX, &v);
  if (s == LiteralStatus::kMalformed) return Unexpected(t);
  if (s == LiteralStatus::kOutOfRange) return Fail(t, "constant out of range");
  *out = static_cast<uint32_t>(v);
  ++pos_;
  return true;
}

bool ModuleEncoder::ResolveIndex(IndexSpace& space, uint32_t* out) {
  if (failed_) return false;
  const Token& t = cur();
  if (t.kind == TokenKind::kId) {
    auto it = space.names.find(t.str);
    if (it == space.names.end()) {
      return Fail(t, std::string("unknown ") + space.what + " " + std::string(t.text));
    }
    *out = it->second;
    ++pos_;
    return true;
  }
  return ParseU32(out);
}

// ---------------------------------------------------------------------------
// Pass 1: identifiers and type definitions.

bool ModuleEncoder::DefineName(IndexSpace& space, size_t at) {
  const Token& t = tok(at);
  if (t.kind == TokenKind::kId) {
    if (space.names.count(t.str)) {
      return Fail(t, std::string("duplicate ") + space.dup + " " + std::string(t.text));
    }
    space.names.emplace(t.str, space.count);
  }
  ++space.count;
  return true;
}

bool ModuleEncoder::Collect() {
  for (size_t p = begin_; p < end_;) {
    if (!IsLParen(p)) return Unexpected(tok(p));
    if (Match(p) >= end_) return Fail(tok(p), "unexpected token: unclosed parenthesis");
    field_starts_.push_back(p);
    p = Match(p) + 1;
  }
  if (!CollectTypes()) return false;

  int first_def = -1;  // kind of the first definition (imports must precede all)
  static const char* kKindNames[5] = {"function", "table", "memory", "global", "tag"};
  IndexSpace* spaces[5] = {&funcs_, &tables_, &mems_, &globals_, &tags_};
  auto kind_of = [](std::string_view kw) -> int {
    if (kw == "func") return 0;
    if (kw == "table") return 1;
    if (kw == "memory") return 2;
    if (kw == "global") return 3;
    if (kw == "tag") return 4;
    return -1;
  };
  for (size_t s : field_starts_) {
    const Token& head = tok(s + 1);
    if (head.kind != TokenKind::kKeyword) return Unexpected(head);
    std::string_view kw = head.text;
    if (kw == "type" || kw == "rec" || kw == "export" || kw == "start") continue;
    if (kw == "import") {
      // (import "m" "n" (kind $id? ...))
      size_t d = s + 4;
      if (!IsLParen(d)) continue;  // reported in pass 2
      int k = kind_of(tok(d + 1).text);
      if (k < 0) continue;
      if (first_def >= 0) {
        return Fail(tok(s + 1), std::string("import after ") + kKindNames[first_def]);
      }
      if (!DefineName(*spaces[k], d + 2)) return false;
      continue;
    }
    if (kw == "elem") {
      if (!DefineName(elems_, s + 2)) return false;
      continue;
    }
    if (kw == "data") {
      if (!DefineName(datas_, s + 2)) return false;
      continue;
    }
    int k = kind_of(kw);
    if (k < 0) return Unexpected(head);
    size_t p = s + 2;
    if (tok(p).kind == TokenKind::kId) ++p;
    while (IsField(p, "export")) p = Match(p) + 1;
    if (IsField(p, "import")) {
      if (first_def >= 0) {
        return Fail(tok(p + 1), std::string("import after ") + kKindNames[first_def]);
      }
    } else if (first_def < 0) {
      first_def = k;
    }
    if (!DefineName(*spaces[k], s + 2)) return false;
    if (k == 1 || k == 2) {
      // Inline element/data segments: (table ... (elem ...)) / (memory ... (data ...)).
      for (size_t q = p; q < Match(s);) {
        if (IsLParen(q)) {
          if (k == 1 && IsKw(q + 1, "elem")) ++elems_.count;
          if (k == 2 && IsKw(q + 1, "data")) ++datas_.count;
          q = Match(q) + 1;
        } else {
          ++q;
        }
      }
    }
  }
  return true;
}

bool ModuleEncoder::CollectTypes() {
  // Names first: type definitions may refer to later types.
  for (size_t s : field_starts_) {
    if (IsKw(s + 1, "type")) {
      if (!DefineName(types_, s + 2)) return false;
    } else if (IsKw(s + 1, "rec")) {
      for (size_t q = s + 2; q < Match(s); q = Match(q) + 1) {
        if (!IsField(q, "type")) return Unexpected(tok(q));
        if (!DefineName(types_, q + 2)) return false;
      }
    }
  }
  for (size_t s : field_starts_) {
    if (IsKw(s + 1, "type")) {
      pos_ = s;
      TypeDef def;
      if (!ParseTypeDef(&def)) return false;
      recs_.push_back({static_cast<uint32_t>(typedefs_.size()), 1, false});
      typedefs_.push_back(std::move(def));
    } else if (IsKw(s + 1, "rec")) {
      uint32_t start = static_cast<uint32_t>(typedefs_.size());
      pos_ = s + 2;
      while (AtField("type")) {
        TypeDef def;
        def.in_rec = true;
        if (!ParseTypeDef(&def)) return false;
        typedefs_.push_back(std::move(def));
      }
      if (!ExpectRParen()) return false;
      uint32_t size = static_cast<uint32_t>(typedefs_.size()) - start;
      for (uint32_t i = start; i < start + size; ++i) typedefs_[i].rec_size = size;
      recs_.push_back({start, size, true});
    }
  }
  num_explicit_types_ = static_cast<uint32_t>(typedefs_.size());
  return true;
}

bool ModuleEncoder::ParseTypeDef(TypeDef* def) {
  if (!ExpectLParen() || !ExpectKeyword("type")) return false;
  TakeId(nullptr);
  if (AtField("sub")) {
    pos_ += 2;
    def->is_final = false;
    if (IsKw(pos_, "final")) {
      def->is_final = true;
      ++pos_;
    }
    while (IsIndexToken(pos_)) {
      uint32_t super;
      if (!ResolveType(&super)) return false;
      def->supers.push_back(super);
    }
    if (!ParseCompType(def) || !ExpectRParen()) return false;
  } else if (!ParseCompType(def)) {
    return false;
  }
  return ExpectRParen();
}

bool ModuleEncoder::ParseCompType(TypeDef* def) {
  if (!ExpectLParen()) return false;
  if (IsKw(pos_, "func")) {
    ++pos_;
    def->kind = CompositeKind::kFunc;
    if (!ParseParamsResults(&def->params, nullptr, &def->results, true)) return false;
  } else if (IsKw(pos_, "struct")) {
    ++pos_;
    def->kind = CompositeKind::kStruct;
    while (AtField("field")) {
      pos_ += 2;
      if (cur().kind == TokenKind::kId) {
        const Token& id = cur();
        if (def->field_names.count(id.str)) {
          return Fail(id, "duplicate field " + std::string(id.text));
        }
        def->field_names.emplace(id.str, static_cast<uint32_t>(def->fields.size()));
        ++pos_;
        FieldType f;
        if (!ParseFieldType(&f)) return false;
        def->fields.push_back(f);
      } else {
        while (!IsRParen(pos_)) {
          FieldType f;
          if (!ParseFieldType(&f)) return false;
          def->fields.push_back(f);
        }
      }
      if (!ExpectRParen()) return false;
    }
  } else if (IsKw(pos_, "array")) {
    ++pos_;
    def->kind = CompositeKind::kArray;
    FieldType f;
    if (!ParseFieldType(&f)) return false;
    def->fields.push_back(f);
  } else {
    return Unexpected(cur());
  }
  return ExpectRParen();
}

bool ModuleEncoder::ParseFieldType(FieldType* out) {
  bool mut = false;
  if (AtField("mut")) {
    pos_ += 2;
    mut = true;
  }
  if (IsKw(pos_, "i8")) {
    out->type = kWasmI8;
    ++pos_;
  } else if (IsKw(pos_, "i16")) {
    out->type = kWasmI16;
    ++pos_;
  } else if (!ParseValType(&out->type)) {
    return false;
  }
  out->mut = mut;
  return !mut || ExpectRParen();
}

// ---------------------------------------------------------------------------
// Value types and type uses.

bool ModuleEncoder::IsValTypeStart(size_t i) const {
  const Token& t = tok(i);
  if (t.kind == TokenKind::kKeyword) {
    ValType v;
    return t.text == "i32" || t.text == "i64" || t.text == "f32" || t.text == "f64" ||
           t.text == "v128" || RefShorthand(t.text, &v);
  }
  return IsField(i, "ref");
}

bool ModuleEncoder::ParseValType(ValType* out) {
  if (failed_) return false;
  const Token& t = cur();
  if (t.kind == TokenKind::kKeyword) {
    if (t.text == "i32") *out = kWasmI32;
    else if (t.text == "i64") *out = kWasmI64;
    else if (t.text == "f32") *out = kWasmF32;
    else if (t.text == "f64") *out = kWasmF64;
    else if (t.text == "v128") *out = kWasmV128;
    else if (!RefShorthand(t.text, out)) return Unexpected(t);
    ++pos_;
    return true;
  }
  return ParseRefType(out);
}

bool ModuleEncoder::ParseRefType(ValType* out) {
  if (failed_) return false;
  if (cur().kind == TokenKind::kKeyword) {
    if (!RefShorthand(cur().text, out)) return Unexpected(cur());
    ++pos_;
    return true;
  }
  if (!AtField("ref")) return Unexpected(IsLParen(pos_) ? tok(pos_ + 1) : cur());
  pos_ += 2;
  bool nullable = false;
  if (IsKw(pos_, "null")) {
    nullable = true;
    ++pos_;
  }
  HeapType h;
  if (!ParseHeapType(&h)) return false;
  *out = ValType::Ref(h, nullable);
  return ExpectRParen();
}

bool ModuleEncoder::ParseHeapType(HeapType* out) {
  if (failed_) return false;
  const Token& t = cur();
  if (t.kind == TokenKind::kKeyword) {
    if (!HeapType::FromName(t.text, out)) return Unexpected(t);
    ++pos_;
    return true;
  }
  uint32_t idx;
  if (!ResolveType(&idx)) return false;
  if (idx > HeapType::kMaxIndex) return Fail(t, "unknown type");
  *out = HeapType::Index(idx);
  return true;
}

bool ModuleEncoder::ParseParamsResults(std::vector<ValType>* params,
                                       std::vector<std::string>* names,
                                       std::vector<ValType>* results, bool allow_names) {
  while (AtField("param")) {
    pos_ += 2;
    if (cur().kind == TokenKind::kId) {
      if (!allow_names) return Unexpected(cur());
      std::string name = cur().str;
      ++pos_;
      ValType t;
      if (!ParseValType(&t)) return false;
      params->push_back(t);
      if (names) names->push_back(std::move(name));
    } else {
      while (!IsRParen(pos_)) {
        ValType t;
        if (!ParseValType(&t)) return false;
        params->push_back(t);
        if (names) names->emplace_back();
      }
    }
    if (!ExpectRParen()) return false;
  }
  while (AtField("result")) {
    pos_ += 2;
    while (!IsRParen(pos_)) {
      ValType t;
      if (!ParseValType(&t)) return false;
      results->push_back(t);
    }
    if (!ExpectRParen()) return false;
  }
  if (AtField("param")) return Unexpected(tok(pos_ + 1));
  return !failed_;
}

bool ModuleEncoder::ParseTypeUse(TypeUse* use, bool allow_names, bool* had_any) {
  if (failed_) return false;
  bool has_idx = false;
  uint32_t idx = 0;
  const Token& at = cur();
  if (AtField("type")) {
    pos_ += 2;
    if (!ResolveType(&idx) || !ExpectRParen()) return false;
    has_idx = true;
  }
  std::vector<ValType> params, results;
  std::vector<std::string> names;
  if (!ParseParamsResults(&params, &names, &results, allow_names)) return false;
  if (had_any) *had_any = has_idx || !params.empty() || !results.empty();
  if (has_idx) {
    bool known = idx < typedefs_.size() && typedefs_[idx].kind == CompositeKind::kFunc;
    if (!params.empty() || !results.empty()) {
      if (!known) {
        if (idx >= typedefs_.size()) return Fail(at, "unknown type");
        return Fail(at, "inline function type");
      }
      if (typedefs_[idx].params != params || typedefs_[idx].results != results) {
        return Fail(at, "inline function type");
      }
      use->param_names = std::move(names);
    } else {
      use->param_names.assign(known ? typedefs_[idx].params.size() : 0, std::string());
    }
    use->typeidx = idx;
  } else {
    use->typeidx = FindOrAddFuncType(params, results);
    use->param_names = std::move(names);
  }
  return true;
}

namespace {
std::string SignatureKey(const std::vector<ValType>& params, const std::vector<ValType>& results) {
  std::string key;
  key.reserve((params.size() + results.size() + 1) * 4);
  auto put = [&](uint32_t v) { key.append(reinterpret_cast<const char*>(&v), 4); };
  put(static_cast<uint32_t>(params.size()));
  for (ValType t : params) put(t.bits());
  for (ValType t : results) put(t.bits());
  return key;
}
}  // namespace

uint32_t ModuleEncoder::FindOrAddFuncType(const std::vector<ValType>& params,
                                          const std::vector<ValType>& results) {
  if (!func_type_index_built_) {
    // As the reference interpreter: the smallest index of a singleton rec group
    // holding a final function type without supertypes (wasm-tools also accepts
    // non-final ones).
    for (uint32_t i = 0; i < typedefs_.size(); ++i) {
      const TypeDef& d = typedefs_[i];
      if (d.kind == CompositeKind::kFunc && d.is_final && d.supers.empty() && d.rec_size == 1) {
        func_type_index_.emplace(SignatureKey(d.params, d.results), i);
      }
    }
    func_type_index_built_ = true;
  }
  std::string key = SignatureKey(params, results);
  auto it = func_type_index_.find(key);
  if (it != func_type_index_.end()) return it->second;
  TypeDef def;
  def.params = params;
  def.results = results;
  uint32_t idx = static_cast<uint32_t>(typedefs_.size());
  recs_.push_back({idx, 1, false});
  typedefs_.push_back(std::move(def));
  func_type_index_.emplace(std::move(key), idx);
  return idx;
}

void ModuleEncoder::EncodeHeapType(BinaryWriter& w, HeapType h) {
  if (h.is_abstract()) {
    w.u8(h.code());
  } else {
    w.s64(h.index());
  }
}

void ModuleEncoder::EncodeValType(BinaryWriter& w, ValType t) {
  switch (t.kind()) {
    case ValType::kI32: w.u8(typecode::kI32); return;
    case ValType::kI64: w.u8(typecode::kI64); return;
    case ValType::kF32: w.u8(typecode::kF32); return;
    case ValType::kF64: w.u8(typecode::kF64); return;
    case ValType::kV128: w.u8(typecode::kV128); return;
    case ValType::kI8: w.u8(typecode::kI8); return;
    case ValType::kI16: w.u8(typecode::kI16); return;
    case ValType::kRef:
      if (t.is_nullable() && t.heap_type().is_abstract()) {
        w.u8(t.heap_type().code());
        return;
      }
      w.u8(t.is_nullable() ? typecode::kRefNull : typecode::kRef);
      EncodeHeapType(w, t.heap_type());
      return;
    default:
      w.u8(0x40);
      return;
  }
}

void ModuleEncoder::EncodeStorageType(BinaryWriter& w, const FieldType& f) {
  EncodeValType(w, f.type);
  w.u8(f.mut ? 1 : 0);
}

void ModuleEncoder::EncodeTypeSection(BinaryWriter& out) {
  BinaryWriter w;
  w.u32(static_cast<uint32_t>(recs_.size()));
  for (const RecGroup& g : recs_) {
    if (g.explicit_rec) {
      w.u8(typecode::kRec);
      w.u32(g.size);
    }
    for (uint32_t i = g.start; i < g.start + g.size; ++i) {
      const TypeDef& d = typedefs_[i];
      if (!d.is_final || !d.supers.empty()) {
        w.u8(d.is_final ? typecode::kSubFinal : typecode::kSub);
        w.u32(static_cast<uint32_t>(d.supers.size()));
        for (uint32_t s : d.supers) w.u32(s);
      }
      switch (d.kind) {
        case CompositeKind::kFunc:
          w.u8(typecode::kFuncType);
          w.u32(static_cast<uint32_t>(d.params.size()));
          for (ValType t : d.params) EncodeValType(w, t);
          w.u32(static_cast<uint32_t>(d.results.size()));
          for (ValType t : d.results) EncodeValType(w, t);
          break;
        case CompositeKind::kStruct:
          w.u8(typecode::kStructType);
          w.u32(static_cast<uint32_t>(d.fields.size()));
          for (const FieldType& f : d.fields) EncodeStorageType(w, f);
          break;
        case CompositeKind::kArray:
          w.u8(typecode::kArrayType);
          EncodeStorageType(w, d.fields[0]);
          break;
      }
    }
  }
  out.section(static_cast<uint8_t>(SectionId::kType), w);
}

namespace {
// vec((index, name)) sorted by index.
void EncodeNameMap(BinaryWriter& w, const std::unordered_map<std::string, uint32_t>& names) {
  std::vector<std::pair<uint32_t, std::string_view>> sorted;
  for (const auto& [name, index] : names) sorted.emplace_back(index, name);
  std::sort(sorted.begin(), sorted.end());
  w.u32(static_cast<uint32_t>(sorted.size()));
  for (const auto& [index, name] : sorted) {
    w.u32(index);
    w.name(name);
  }
}
}  // namespace

void ModuleEncoder::EncodeNameSection(BinaryWriter& out) {
  BinaryWriter w;
  w.name("name");
  auto sub = [&](uint8_t id, const BinaryWriter& payload) { w.section(id, payload); };
  if (!module_name_.empty()) {
    BinaryWriter p;
    p.name(module_name_);
    sub(0, p);
  }
  if (!funcs_.names.empty()) {
    BinaryWriter p;
    EncodeNameMap(p, funcs_.names);
    sub(1, p);
  }
  if (!local_names_.empty()) {
    BinaryWriter p;
    p.u32(static_cast<uint32_t>(local_names_.size()));
    for (const auto& [func, locals] : local_names_) {
      p.u32(func);
      p.u32(static_cast<uint32_t>(locals.size()));
      for (const auto& [index, name] : locals) {
        p.u32(index);
        p.name(name);
      }
    }
    sub(2, p);
  }
  if (!types_.names.empty()) {
    BinaryWriter p;
    EncodeNameMap(p, types_.names);
    sub(4, p);
  }
  uint32_t types_with_fields = 0;
  BinaryWriter fields;
  for (uint32_t i = 0; i < typedefs_.size(); ++i) {
    if (typedefs_[i].field_names.empty()) continue;
    ++types_with_fields;
    fields.u32(i);
    EncodeNameMap(fields, typedefs_[i].field_names);
  }
  if (types_with_fields != 0) {
    BinaryWriter p;
    p.u32(types_with_fields);
    p.append(fields);
    sub(10, p);
  }
  if (!tags_.names.empty()) {
    BinaryWriter p;
    EncodeNameMap(p, tags_.names);
    sub(11, p);
  }
  if (w.size() == 5) return;  // just the section name: nothing to say
  out.section(static_cast<uint8_t>(SectionId::kCustom), w);
}

// ---------------------------------------------------------------------------
// Pass 2: fields.

bool ModuleEncoder::Encode(std::vector<uint8_t>* bytes) {
  if (!Collect()) return false;
  for (size_t s : field_starts_) {
    pos_ = s;
    if (!EncodeField()) return false;
    if (pos_ != Match(s) + 1) return Unexpected(cur());
  }
  BinaryWriter out;
  static const uint8_t kHeader[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  out.raw(kHeader, 8);
  auto emit = [&](SectionId id, uint32_t count, const BinaryWriter& payload) {
    if (count == 0) return;
    BinaryWriter w;
    w.u32(count);
    w.append(payload);
    out.section(static_cast<uint8_t>(id), w);
  };
  if (!recs_.empty()) EncodeTypeSection(out);
  emit(SectionId::kImport, n_imports_, imports_);
  emit(SectionId::kFunction, n_functions_, functions_);
  emit(SectionId::kTable, n_tables_, tables_w_);
  emit(SectionId::kMemory, n_memories_, memories_);
  emit(SectionId::kTag, n_tags_, tags_w_);
  emit(SectionId::kGlobal, n_globals_, globals_w_);
  emit(SectionId::kExport, n_exports_, exports_);
  if (has_start_) {
    BinaryWriter w;
    w.u32(start_);
    out.section(static_cast<uint8_t>(SectionId::kStart), w);
  }
  emit(SectionId::kElement, n_elems_, elems_w_);
  if (needs_data_count_) {
    BinaryWriter w;
    w.u32(n_datas_);
    out.section(static_cast<uint8_t>(SectionId::kDataCount), w);
  }
  emit(SectionId::kCode, n_functions_, code_);
  emit(SectionId::kData, n_datas_, datas_w_);
  EncodeNameSection(out);
  *bytes = std::move(out.bytes());
  return true;
}

bool ModuleEncoder::EncodeField() {
  std::string_view kw = tok(pos_ + 1).text;
  if (kw == "type") {
    pos_ = Match(pos_) + 1;  // parsed in pass 1
    return true;
  }
  if (kw == "rec") {
    pos_ = Match(pos_) + 1;
    return true;
  }
  if (kw == "import") return EncodeImportField();
  if (kw == "func") return EncodeFunc();
  if (kw == "table") return EncodeTable();
  if (kw == "memory") return EncodeMemory();
  if (kw == "global") return EncodeGlobal();
  if (kw == "tag") return EncodeTag();
  if (kw == "export") return EncodeExport();
  if (kw == "start") return EncodeStart();
  if (kw == "elem") return EncodeElem();
  if (kw == "data") return EncodeData();
  return Unexpected(tok(pos_ + 1));
}

bool ModuleEncoder::ParseInlineExports(ExternKind kind, uint32_t index) {
  while (AtField("export")) {
    pos_ += 2;
    std::string name;
    if (!ParseName(&name) || !ExpectRParen()) return false;
    exports_.name(name);
    exports_.u8(static_cast<uint8_t>(kind));
    exports_.u32(index);
    ++n_exports_;
  }
  return !failed_;
}

bool ModuleEncoder::ParseInlineImport(std::string* module, std::string* name, bool* present) {
  *present = false;
  if (!AtField("import")) return true;
  pos_ += 2;
  if (!ParseName(module) || !ParseName(name) || !ExpectRParen()) return false;
  *present = true;
  return true;
}

bool ModuleEncoder::BeginDefinition(ExternKind kind, uint32_t* next_index, bool* imported) {
  pos_ += 2;
  TakeId(nullptr);
  uint32_t index = (*next_index)++;
  if (!ParseInlineExports(kind, index)) return false;
  std::string module, name;
  if (!ParseInlineImport(&module, &name, imported)) return false;
  if (*imported) {
    imports_.name(module);
    imports_.name(name);
    imports_.u8(static_cast<uint8_t>(kind));
    ++n_imports_;
  }
  return true;
}

bool ModuleEncoder::ParseLimits(bool is64, Limits* limits) {
  // Limits are u64 in the binary format; their range is checked by validation.
  auto parse = [&](uint64_t* out) {
    const Token& t = cur();
    if (t.kind == TokenKind::kNumber &&
        ParseUnsigned(t.text, UINT64_MAX, out) == LiteralStatus::kOutOfRange) {
      return Fail(t, "i64 constant out of range");
    }
    return ParseU64(out);
  };
  if (!parse(&limits->min)) return false;
  if (cur().kind == TokenKind::kNumber) {
    if (!parse(&limits->max)) return false;
    limits->has_max = true;
  }
  limits->is64 = is64;
  return true;
}

namespace {
void EncodeLimits(BinaryWriter& w, const Limits& l, bool custom_page) {
  uint8_t flags = (l.has_max ? 1 : 0) | (l.shared ? 2 : 0) | (l.is64 ? 4 : 0) |
                  (custom_page ? 8 : 0);
  w.u8(flags);
  w.u64(l.min);
  if (l.has_max) w.u64(l.max);
  if (custom_page) w.u32(l.page_size_log2);
}
}  // namespace

bool ModuleEncoder::ParseTableType(BinaryWriter& w, bool* is64_out) {
  bool is64 = false;
  if (IsKw(pos_, "i64")) {
    is64 = true;
    ++pos_;
  } else if (IsKw(pos_, "i32")) {
    ++pos_;
  }
  Limits limits;
  if (!ParseLimits(is64, &limits)) return false;
  ValType t;
  if (!ParseRefType(&t)) return false;
  EncodeValType(w, t);
  EncodeLimits(w, limits, false);
  if (is64_out) *is64_out = is64;
  return true;
}

bool ModuleEncoder::ParseMemoryType(BinaryWriter& w) {
  bool is64 = false;
  if (IsKw(pos_, "i64")) {
    is64 = true;
    ++pos_;
  } else if (IsKw(pos_, "i32")) {
    ++pos_;
  }
  Limits limits;
  if (!ParseLimits(is64, &limits)) return false;
  if (IsKw(pos_, "shared")) {
    limits.shared = true;
    ++pos_;
  } else if (IsKw(pos_, "unshared")) {
    ++pos_;
  }
  bool custom = false;
  if (AtField("pagesize")) {
    pos_ += 2;
    const Token& t = cur();
    uint64_t size;
    if (!ParseU64(&size) || !ExpectRParen()) return false;
    if (size == 0 || (size & (size - 1)) != 0) return Fail(t, "invalid custom page size");
    uint8_t log2 = 0;
    while ((uint64_t(1) << log2) < size) ++log2;
    limits.page_size_log2 = log2;
    custom = true;
  }
  EncodeLimits(w, limits, custom);
  return true;
}

bool ModuleEncoder::ParseGlobalType(BinaryWriter& w) {
  bool mut = false;
  if (AtField("mut")) {
    pos_ += 2;
    mut = true;
  }
  ValType t;
  if (!ParseValType(&t)) return false;
  if (mut && !ExpectRParen()) return false;
  EncodeValType(w, t);
  w.u8(mut ? 1 : 0);
  return true;
}

bool ModuleEncoder::EncodeImportField() {
  pos_ += 2;
  std::string module, name;
  if (!ParseName(&module) || !ParseName(&name) || !ExpectLParen()) return false;
  const Token& kind = cur();
  if (kind.kind != TokenKind::kKeyword) return Unexpected(kind);
  ++pos_;
  TakeId(nullptr);
  imports_.name(module);
  imports_.name(name);
  if (kind.text == "func") {
    TypeUse use;
    if (!ParseTypeUse(&use, true)) return false;
    imports_.u8(0);
    imports_.u32(use.typeidx);
    ++next_func_;
  } else if (kind.text == "table") {
    imports_.u8(1);
    if (!ParseTableType(imports_, nullptr)) return false;
    ++next_table_;
  } else if (kind.text == "memory") {
    imports_.u8(2);
    if (!ParseMemoryType(imports_)) return false;
    ++next_mem_;
  } else if (kind.text == "global") {
    imports_.u8(3);
    if (!ParseGlobalType(imports_)) return false;
    ++next_global_;
  } else if (kind.text == "tag") {
    TypeUse use;
    if (!ParseTypeUse(&use, true)) return false;
    imports_.u8(4);
    imports_.u8(0);
    imports_.u32(use.typeidx);
    ++next_tag_;
  } else {
    return Unexpected(kind);
  }
  ++n_imports_;
  return ExpectRParen() && ExpectRParen();
}

bool ModuleEncoder::EncodeFunc() {
  uint32_t index = next_func_;
  bool imported;
  if (!BeginDefinition(ExternKind::kFunc, &next_func_, &imported)) return false;
  TypeUse use;
  if (!ParseTypeUse(&use, true)) return false;
  if (imported) {
    imports_.u32(use.typeidx);
    return ExpectRParen();
  }
  functions_.u32(use.typeidx);
  ++n_functions_;

  fn_ = FuncContext();
  for (const std::string& p : use.param_names) {
    if (!p.empty() && !fn_.locals.emplace(p, fn_.num_locals).second) {
      return Fail(cur(), "duplicate local $" + p);
    }
    ++fn_.num_locals;
  }
  std::vector<ValType> locals;
  while (AtField("local")) {
    pos_ += 2;
    if (cur().kind == TokenKind::kId) {
      const Token& id = cur();
      ++pos_;
      if (!fn_.locals.emplace(id.str, fn_.num_locals).second) {
        return Fail(id, "duplicate local " + std::string(id.text));
      }
      ValType t;
      if (!ParseValType(&t)) return false;
      locals.push_back(t);
      ++fn_.num_locals;
    } else {
      while (!IsRParen(pos_)) {
        ValType t;
        if (!ParseValType(&t)) return false;
        locals.push_back(t);
        ++fn_.num_locals;
      }
    }
    if (!ExpectRParen()) return false;
  }
  if (!fn_.locals.empty()) {
    std::vector<std::pair<uint32_t, std::string>> names;
    for (const auto& [name, index] : fn_.locals) names.emplace_back(index, name);
    std::sort(names.begin(), names.end());
    local_names_.emplace_back(index, std::move(names));
  }
  fn_.labels.push_back(Label{});
  BinaryWriter body;
  // Local declarations: runs of equal types.
  std::vector<std::pair<uint32_t, ValType>> runs;
  for (ValType t : locals) {
    if (!runs.empty() && runs.back().second == t) {
      ++runs.back().first;
    } else {
      runs.push_back({1, t});
    }
  }
  body.u32(static_cast<uint32_t>(runs.size()));
  for (auto& [count, t] : runs) {
    body.u32(count);
    EncodeValType(body, t);
  }
  if (!ParseInstrs(body)) return false;
  if (!ExpectRParen()) return false;
  body.u8(0x0B);
  code_.u32(static_cast<uint32_t>(body.size()));
  code_.append(body);
  return true;
}

bool ModuleEncoder::EncodeTable() {
  uint32_t index = next_table_;
  bool imported;
  if (!BeginDefinition(ExternKind::kTable, &next_table_, &imported)) return false;
  if (imported) return ParseTableType(imports_, nullptr) && ExpectRParen();
  ++n_tables_;
  bool is64 = false;
  size_t save = pos_;
  if (IsKw(pos_, "i64") || IsKw(pos_, "i32")) {
    is64 = IsKw(pos_, "i64");
    ++pos_;
  }
  if (IsValTypeStart(pos_)) {
    // (table addrtype? reftype (elem ...)): limits from the element count.
    ValType t;
    if (!ParseRefType(&t)) return false;
    if (!AtField("elem")) return Unexpected(cur());
    pos_ += 2;
    BinaryWriter items;
    uint32_t count = 0;
    bool exprs = IsLParen(pos_);
    while (!IsRParen(pos_) && !failed_) {
      if (exprs) {
        if (AtField("item")) {
          pos_ += 2;
          if (!ParseConstExpr(items) || !ExpectRParen()) return false;
        } else {
          fn_ = FuncContext();
          if (!ParseFoldedInstr(items)) return false;
          items.u8(0x0B);
        }
      } else if (t == kWasmFuncRef) {
        uint32_t f;
        if (!ResolveIndex(funcs_, &f)) return false;
        items.u32(f);
      } else {
        // Function indices into a table of another reference type are
        // encoded as `ref.func` expressions of that type (as wasm-tools does).
        uint32_t f;
        if (!ResolveIndex(funcs_, &f)) return false;
        EmitOpcode(items, Opcode::kRefFunc);
        items.u32(f);
        items.u8(0x0B);
      }
      ++count;
    }
    if (t != kWasmFuncRef) exprs = true;
    if (!ExpectRParen() || !ExpectRParen()) return false;
    Limits limits;
    limits.min = limits.max = count;
    limits.has_max = true;
    limits.is64 = is64;
    EncodeValType(tables_w_, t);
    EncodeLimits(tables_w_, limits, false);
    // The segment: active, this table, offset 0.
    // The segment: active on this table (encoded with its tableidx), offset 0.
    elems_w_.u8(exprs ? 0x06 : 0x02);
    elems_w_.u32(index);
    elems_w_.u8(is64 ? 0x42 : 0x41);
    elems_w_.u8(0x00);
    elems_w_.u8(0x0B);
    if (exprs) {
      EncodeValType(elems_w_, t);
    } else {
      elems_w_.u8(0x00);
    }
    elems_w_.u32(count);
    elems_w_.append(items);
    ++n_elems_;
    ++next_elem_;
    return true;
  }
  pos_ = save;
  BinaryWriter type;
  if (!ParseTableType(type, nullptr)) return false;
  if (!IsRParen(pos_)) {
    tables_w_.u8(0x40);
    tables_w_.u8(0x00);
    tables_w_.append(type);
    fn_ = FuncContext();
    if (!ParseConstExpr(tables_w_)) return false;
  } else {
    tables_w_.append(type);
  }
  return ExpectRParen();
}

bool ModuleEncoder::EncodeMemory() {
  uint32_t index = next_mem_;
  bool imported;
  if (!BeginDefinition(ExternKind::kMemory, &next_mem_, &imported)) return false;
  if (imported) return ParseMemoryType(imports_) && ExpectRParen();
  ++n_memories_;
  size_t save = pos_;
  bool is64 = false;
  if (IsKw(pos_, "i64") || IsKw(pos_, "i32")) {
    is64 = IsKw(pos_, "i64");
    ++pos_;
  }
  uint8_t page_log2 = 16;
  bool custom_page = false;
  if (AtField("pagesize") && IsField(Match(pos_) + 1, "data")) {
    pos_ += 2;
    const Token& t = cur();
    uint64_t size;
    if (!ParseU64(&size) || !ExpectRParen()) return false;
    if (size == 0 || (size & (size - 1)) != 0) return Fail(t, "invalid custom page size");
    page_log2 = 0;
    while ((uint64_t(1) << page_log2) < size) ++page_log2;
    custom_page = true;
  }
  if (AtField("data")) {
    pos_ += 2;
    std::string data;
    while (!IsRParen(pos_)) {
      std::string s;
      if (!ParseString(&s)) return false;
      data += s;
    }
    if (!ExpectRParen() || !ExpectRParen()) return false;
    Limits limits;
    uint64_t page = uint64_t(1) << page_log2;
    limits.min = limits.max = (data.size() + page - 1) / page;
    limits.has_max = true;
    limits.is64 = is64;
    limits.page_size_log2 = page_log2;
    EncodeLimits(memories_, limits, custom_page);
    if (index == 0) {
      datas_w_.u8(0x00);
    } else {
      datas_w_.u8(0x02);
      datas_w_.u32(index);
    }
    datas_w_.u8(is64 ? 0x42 : 0x41);
    datas_w_.u8(0x00);
    datas_w_.u8(0x0B);
    datas_w_.name(data);
    ++n_datas_;
    ++next_data_;
    return true;
  }
  pos_ = save;
  if (!ParseMemoryType(memories_)) return false;
  return ExpectRParen();
}

bool ModuleEncoder::EncodeGlobal() {
  bool imported;
  if (!BeginDefinition(ExternKind::kGlobal, &next_global_, &imported)) return false;
  if (imported) return ParseGlobalType(imports_) && ExpectRParen();
  if (!ParseGlobalType(globals_w_)) return false;
  fn_ = FuncContext();
  if (!ParseConstExpr(globals_w_)) return false;
  ++n_globals_;
  return ExpectRParen();
}

bool ModuleEncoder::EncodeTag() {
  bool imported;
  if (!BeginDefinition(ExternKind::kTag, &next_tag_, &imported)) return false;
  TypeUse use;
  if (!ParseTypeUse(&use, true)) return false;
  if (imported) {
    imports_.u8(0);
    imports_.u32(use.typeidx);
  } else {
    tags_w_.u8(0);
    tags_w_.u32(use.typeidx);
    ++n_tags_;
  }
  return ExpectRParen();
}

bool ModuleEncoder::EncodeExport() {
  pos_ += 2;
  std::string name;
  if (!ParseName(&name) || !ExpectLParen()) return false;
  const Token& kind = cur();
  ++pos_;
  uint32_t idx;
  ExternKind k;
  if (kind.text == "func") {
    k = ExternKind::kFunc;
    if (!ResolveIndex(funcs_, &idx)) return false;
  } else if (kind.text == "table") {
    k = ExternKind::kTable;
    if (!ResolveIndex(tables_, &idx)) return false;
  } else if (kind.text == "memory") {
    k = ExternKind::kMemory;
    if (!ResolveIndex(mems_, &idx)) return false;
  } else if (kind.text == "global") {
    k = ExternKind::kGlobal;
    if (!ResolveIndex(globals_, &idx)) return false;
  } else if (kind.text == "tag") {
    k = ExternKind::kTag;
    if (!ResolveIndex(tags_, &idx)) return false;
  } else {
    return Unexpected(kind);
  }
  exports_.name(name);
  exports_.u8(static_cast<uint8_t>(k));
  exports_.u32(idx);
  ++n_exports_;
  return ExpectRParen() && ExpectRParen();
}

bool ModuleEncoder::EncodeStart() {
  const Token& head = tok(pos_ + 1);
  pos_ += 2;
  if (has_start_) return Fail(head, "multiple start sections");
  if (!ResolveIndex(funcs_, &start_)) return false;
  has_start_ = true;
  return ExpectRParen();
}

bool ModuleEncoder::ParseOffsetExpr(BinaryWriter& w) {
  fn_ = FuncContext();
  if (AtField("offset")) {
    pos_ += 2;
    return ParseConstExpr(w) && ExpectRParen();
  }
  if (!ParseFoldedInstr(w)) return false;
  w.u8(0x0B);
  return true;
}

bool ModuleEncoder::EncodeElem() {
  pos_ += 2;
  TakeId(nullptr);
  ++next_elem_;
  ++n_elems_;
  enum { kActive, kPassive, kDeclare } mode = kPassive;
  uint32_t table = 0;
  bool has_table = false;  // an explicit table selects the encodings with a tableidx
  if (IsKw(pos_, "declare")) {
    mode = kDeclare;
    ++pos_;
  } else {
    if (AtField("table")) {
      pos_ += 2;
      if (!ResolveIndex(tables_, &table) || !ExpectRParen()) return false;
      has_table = true;
    } else if (cur().kind == TokenKind::kNumber) {
      if (!ParseU32(&table)) return false;
      has_table = true;
    }
    if (IsLParen(pos_) && !AtField("item") && !IsField(pos_, "ref")) {
      mode = kActive;
    } else if (has_table) {
      return Unexpected(cur());
    }
  }
  BinaryWriter offset;
  if (mode == kActive && !ParseOffsetExpr(offset)) return false;
  // Element list.
  bool exprs = false;
  ValType type = kWasmFuncRef;
  if (IsKw(pos_, "func")) {
    ++pos_;
  } else if (IsValTypeStart(pos_)) {
    if (!ParseRefType(&type)) return false;
    exprs = true;
  } else if (mode != kActive && !IsRParen(pos_)) {
    return Unexpected(cur());
  }
  BinaryWriter items;
  uint32_t count = 0;
  while (!IsRParen(pos_) && !failed_) {
    if (exprs) {
      fn_ = FuncContext();
      if (AtField("item")) {
        pos_ += 2;
        if (!ParseConstExpr(items) || !ExpectRParen()) return false;
      } else {
        if (!IsLParen(pos_)) return Unexpected(cur());
        if (!ParseFoldedInstr(items)) return false;
        items.u8(0x0B);
      }
    } else {
      uint32_t f;
      if (!ResolveIndex(funcs_, &f)) return false;
      items.u32(f);
    }
    ++count;
  }
  if (failed_) return false;
  bool funcref = type == kWasmFuncRef;
  switch (mode) {
    case kActive:
      if (!exprs) {
        if (!has_table) {
          elems_w_.u8(0x00);
          elems_w_.append(offset);
        } else {
          elems_w_.u8(0x02);
          elems_w_.u32(table);
          elems_w_.append(offset);
          elems_w_.u8(0x00);
        }
      } else if (!has_table && funcref) {
        elems_w_.u8(0x04);
        elems_w_.append(offset);
      } else {
        elems_w_.u8(0x06);
        elems_w_.u32(table);
        elems_w_.append(offset);
        EncodeValType(elems_w_, type);
      }
      break;
    case kPassive:
    case kDeclare:
      elems_w_.u8((mode == kPassive ? 0x01 : 0x03) | (exprs ? 0x04 : 0x00));
      if (exprs) {
        EncodeValType(elems_w_, type);
      } else {
        elems_w_.u8(0x00);
      }
      break;
  }
  elems_w_.u32(count);
  elems_w_.append(items);
  return ExpectRParen();
}

bool ModuleEncoder::EncodeData() {
  pos_ += 2;
  TakeId(nullptr);
  ++next_data_;
  ++n_datas_;
  uint32_t mem = 0;
  bool active = false;
  if (AtField("memory")) {
    pos_ += 2;
    if (!ResolveIndex(mems_, &mem) || !ExpectRParen()) return false;
    active = true;
  } else if (cur().kind == TokenKind::kNumber) {
    if (!ParseU32(&mem)) return false;
    active = true;
  }
  if (IsLParen(pos_)) active = true;
  if (active) {
    if (!IsLParen(pos_)) return Unexpected(cur());
    if (mem == 0) {
      datas_w_.u8(0x00);
    } else {
      datas_w_.u8(0x02);
      datas_w_.u32(mem);
    }
    if (!ParseOffsetExpr(datas_w_)) return false;
  } else {
    datas_w_.u8(0x01);
  }
  std::string data;
  while (!IsRParen(pos_)) {
    std::string s;
    if (!ParseString(&s)) return false;
    data += s;
  }
  datas_w_.name(data);
  return ExpectRParen();
}

// ---------------------------------------------------------------------------
// Entry points.

bool EncodeModuleFields(const std::vector<Token>& tokens, size_t begin, size_t end,
                        std::vector<uint8_t>* bytes, TextError* error,
                        std::string_view module_name) {
  ModuleEncoder encoder(tokens, begin, end, error, std::string(module_name));
  return encoder.Encode(bytes);
}

bool LexText(std::string_view source, std::vector<Token>* tokens, TextError* error) {
  LexError lex_error;
  if (Lex(source, tokens, &lex_error)) return true;
  error->line = lex_error.line;
  error->column = lex_error.column;
  error->message = lex_error.message;
  return false;
}

bool ParseWat(std::string_view source, std::vector<uint8_t>* bytes, TextError* error) {
  std::vector<Token> tokens;
  if (!LexText(source, &tokens, error)) return false;
  // Check parens balance so that the encoder's ranges are well-formed.
  std::vector<size_t> stack;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == TokenKind::kLParen) {
      stack.push_back(i);
    } else if (tokens[i].kind == TokenKind::kRParen) {
      if (stack.empty()) {
        error->line = tokens[i].line;
        error->column = tokens[i].column;
        error->message = "unexpected token )";
        return false;
      }
      stack.pop_back();
    }
  }
  if (!stack.empty()) {
    const Token& t = tokens.back();
    error->line = t.line;
    error->column = t.column;
    error->message = "unexpected token: end of input (unclosed parenthesis)";
    return false;
  }
  size_t begin = 0, end = tokens.size() - 1;  // drop kEof
  if (tokens.size() >= 3 && tokens[0].kind == TokenKind::kLParen &&
      tokens[1].kind == TokenKind::kKeyword && tokens[1].text == "module") {
    size_t last = end - 1;  // the module's ')'
    // The whole source must be that one module.
    size_t depth = 0, close = 0;
    for (size_t i = 0; i < end; ++i) {
      if (tokens[i].kind == TokenKind::kLParen) ++depth;
      if (tokens[i].kind == TokenKind::kRParen && --depth == 0) {
        close = i;
        break;
      }
    }
    if (close != last) {
      const Token& t = tokens[close + 1];
      error->line = t.line;
      error->column = t.column;
      error->message = "unexpected token " + std::string(t.text);
      return false;
    }
    begin = 2;
    std::string name;
    if (tokens[begin].kind == TokenKind::kId) name = tokens[begin++].str;
    end = last;
    return EncodeModuleFields(tokens, begin, end, bytes, error, name);
  }
  return EncodeModuleFields(tokens, begin, end, bytes, error);
}

}  // namespace cascade::text
