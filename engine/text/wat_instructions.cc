// Instructions of the text format (spec 6.5 "Instructions"): plain and folded
// forms, structured control with labels, and every immediate kind of the opcode
// table (engine/opcodes.def), encoded straight into binary.
//
// Invariants: the instruction list comes only from opcodes.def (looked up by
// mnemonic); this file knows immediate *kinds*, never individual opcodes, except
// for the few whose text syntax picks a binary variant (select with types,
// ref.test/ref.cast with a nullable type) and the structured instructions.
// Labels: fn_.labels holds the enclosing labels, innermost last; a symbolic label
// resolves to its depth from the innermost; numeric labels pass through.
#include "engine/text/literals.h"
#include "engine/text/wat_encoder.h"

namespace cascade::text {

void ModuleEncoder::EmitOpcode(BinaryWriter& w, Opcode op) {
  const OpcodeInfo& info = GetOpcodeInfo(op);
  if (info.prefix != 0) {
    w.u8(info.prefix);
    w.u32(info.code);
  } else {
    w.u8(static_cast<uint8_t>(info.code));
  }
}

bool ModuleEncoder::AtInstrTerminator() const {
  const Token& t = cur();
  if (t.kind != TokenKind::kKeyword) return false;
  return t.text == "end" || t.text == "else" || t.text == "catch" || t.text == "catch_all" ||
         t.text == "delegate";
}

bool ModuleEncoder::ParseConstExpr(BinaryWriter& w) {
  if (!ParseInstrs(w)) return false;
  w.u8(0x0B);
  return true;
}

// Plain structured instructions (block/loop/if/try/try_table ... end) are
// handled here with an explicit stack of open blocks, so their nesting depth
// costs no native stack; only folded instructions recurse (depth-limited).
bool ModuleEncoder::ParseInstrs(BinaryWriter& w) {
  const size_t base = open_.size();
  while (!failed_) {
    if (IsRParen(pos_) || cur().kind == TokenKind::kEof || pos_ >= end_) break;
    if (IsLParen(pos_)) {
      if (!ParseFoldedInstr(w)) return false;
      continue;
    }
    if (!AtInstrTerminator()) {
      if (!ParsePlainInstr(w)) return false;
      continue;
    }
    if (open_.size() == base) return true;  // the enclosing construct's terminator
    OpenBlock& top = open_.back();
    const Token& t = cur();
    const std::string& name = fn_.labels.back().name;
    if (t.text == "else") {
      if (top.op != Opcode::kIf || top.seen_else) return Unexpected(t);
      ++pos_;
      if (!ParseEndLabel(name)) return false;
      top.seen_else = true;
      w.u8(0x05);
    } else if (t.text == "catch") {
      if (top.op != Opcode::kTry || top.seen_catch_all) return Unexpected(t);
      ++pos_;
      top.seen_catch = true;
      w.u8(0x07);
      uint32_t tag;
      if (!ResolveIndex(tags_, &tag)) return false;
      w.u32(tag);
    } else if (t.text == "catch_all") {
      if (top.op != Opcode::kTry || top.seen_catch_all) return Unexpected(t);
      ++pos_;
      top.seen_catch_all = true;
      w.u8(0x19);
    } else if (t.text == "delegate") {
      if (top.op != Opcode::kTry || top.seen_catch || top.seen_catch_all) return Unexpected(t);
      ++pos_;
      fn_.labels.pop_back();
      open_.pop_back();
      w.u8(0x18);
      uint32_t label;
      if (!ParseLabelIndex(&label)) return false;
      w.u32(label);
    } else {  // end
      ++pos_;
      if (!ParseEndLabel(name)) return false;
      fn_.labels.pop_back();
      open_.pop_back();
      w.u8(0x0B);
    }
  }
  if (failed_) return false;
  if (open_.size() != base) return Unexpected(cur());  // a plain block without `end`
  return true;
}

namespace {
bool IsBlockOp(Opcode op) {
  return op == Opcode::kBlock || op == Opcode::kLoop || op == Opcode::kIf ||
         op == Opcode::kTry || op == Opcode::kTryTable;
}
}  // namespace

bool ModuleEncoder::EncodeInitImmediates(IndexSpace& targets, IndexSpace& segments,
                                         BinaryWriter& w) {
  uint32_t target = 0, segment = 0;
  if (IsIndexToken(pos_ + 1) && !ResolveIndex(targets, &target)) return false;
  if (!ResolveIndex(segments, &segment)) return false;
  w.u32(segment);
  w.u32(target);
  return true;
}

bool ModuleEncoder::EncodeCopyImmediates(IndexSpace& space, BinaryWriter& w) {
  uint32_t dst = 0, src = 0;
  if (IsIndexToken(pos_) && (!ResolveIndex(space, &dst) || !ResolveIndex(space, &src))) {
    return false;
  }
  w.u32(dst);
  w.u32(src);
  return true;
}

bool ModuleEncoder::ParsePlainInstr(BinaryWriter& w) {
  const Token& t = cur();
  if (t.kind != TokenKind::kKeyword) return Unexpected(t);
  std::optional<Opcode> op = LookupOpcodeByName(t.text);
  if (!op || *op == Opcode::kEnd || *op == Opcode::kElse || *op == Opcode::kCatch ||
      *op == Opcode::kCatchAll || *op == Opcode::kDelegate) {
    return Unexpected(t);
  }
  ++pos_;
  if (IsBlockOp(*op)) {
    // Opens a block that ParseInstrs closes at its `end` (or `delegate`).
    std::string name;
    ParseLabelDef(&name);
    EmitOpcode(w, *op);
    if (!ParseBlockType(w)) return false;
    if (*op == Opcode::kTryTable) {
      BinaryWriter catches;
      uint32_t n = 0;
      if (!ParseCatchClause(catches, &n)) return false;
      w.u32(n);
      w.append(catches);
    }
    fn_.labels.push_back(Label{std::move(name)});
    open_.push_back(OpenBlock{*op});
    return true;
  }
  return ParseImmediates(w, *op);
}

bool ModuleEncoder::ParseFoldedInstr(BinaryWriter& w) {
  if (folded_depth_ >= kMaxFoldedDepth) return Fail(cur(), "nesting too deep");
  ++folded_depth_;
  bool ok = ParseFoldedInstrBody(w);
  --folded_depth_;
  return ok;
}

bool ModuleEncoder::ParseFoldedInstrBody(BinaryWriter& w) {
  if (!ExpectLParen()) return false;
  const Token& t = cur();
  if (t.kind != TokenKind::kKeyword) return Unexpected(t);
  std::optional<Opcode> op = LookupOpcodeByName(t.text);
  if (!op || *op == Opcode::kEnd || *op == Opcode::kElse || *op == Opcode::kCatch ||
      *op == Opcode::kCatchAll || *op == Opcode::kDelegate) {
    return Unexpected(t);
  }
  ++pos_;
  if (IsBlockOp(*op)) return ParseBlockInstr(w, *op, true);
  BinaryWriter self;
  if (!ParseImmediates(self, *op)) return false;
  while (IsLParen(pos_)) {
    if (!ParseFoldedInstr(w)) return false;
  }
  w.append(self);
  return ExpectRParen();
}

bool ModuleEncoder::ParseLabelDef(std::string* name) {
  name->clear();
  if (cur().kind == TokenKind::kId) {
    *name = cur().str;
    ++pos_;
  }
  return true;
}

bool ModuleEncoder::ParseEndLabel(const std::string& name) {
  if (cur().kind != TokenKind::kId) return true;
  if (cur().str != name) return Fail(cur(), "mismatching label " + std::string(cur().text));
  ++pos_;
  return true;
}

bool ModuleEncoder::ParseBlockType(BinaryWriter& w) {
  if (AtField("type")) {
    TypeUse use;
    if (!ParseTypeUse(&use, false)) return false;
    w.s64(use.typeidx);
    return true;
  }
  std::vector<ValType> params, results;
  if (!ParseParamsResults(&params, nullptr, &results, false)) return false;
  if (params.empty() && results.empty()) {
    w.u8(typecode::kEmptyBlock);
  } else if (params.empty() && results.size() == 1) {
    EncodeValType(w, results[0]);
  } else {
    w.s64(FindOrAddFuncType(params, results));
  }
  return true;
}

bool ModuleEncoder::ParseCatchClause(BinaryWriter& w, uint32_t* count) {
  // (catch x l) | (catch_ref x l) | (catch_all l) | (catch_all_ref l)
  while (IsLParen(pos_)) {
    const Token& kw = tok(pos_ + 1);
    uint8_t kind;
    if (IsKw(pos_ + 1, "catch")) kind = 0;
    else if (IsKw(pos_ + 1, "catch_ref")) kind = 1;
    else if (IsKw(pos_ + 1, "catch_all")) kind = 2;
    else if (IsKw(pos_ + 1, "catch_all_ref")) kind = 3;
    else return true;
    (void)kw;
    pos_ += 2;
    w.u8(kind);
    if (kind < 2) {
      uint32_t tag;
      if (!ResolveIndex(tags_, &tag)) return false;
      w.u32(tag);
    }
    uint32_t label;
    if (!ParseLabelIndex(&label) || !ExpectRParen()) return false;
    w.u32(label);
    ++*count;
  }
  return true;
}

bool ModuleEncoder::ParseBlockInstr(BinaryWriter& w, Opcode op, bool folded) {
  std::string name;
  ParseLabelDef(&name);
  BinaryWriter head;
  EmitOpcode(head, op);
  if (!ParseBlockType(head)) return false;
  if (op == Opcode::kTryTable) {
    BinaryWriter catches;
    uint32_t n = 0;
    if (!ParseCatchClause(catches, &n)) return false;
    head.u32(n);
    head.append(catches);
  }
  if (folded) {
    if (op == Opcode::kIf) {
      // Condition operands come before the `if`.
      while (IsLParen(pos_) && !AtField("then")) {
        if (!ParseFoldedInstr(w)) return false;
      }
      w.append(head);
      fn_.labels.push_back(Label{name});
      if (!AtField("then")) return Unexpected(IsLParen(pos_) ? tok(pos_ + 1) : cur());
      pos_ += 2;
      if (!ParseInstrs(w) || !ExpectRParen()) return false;
      if (AtField("else")) {
        pos_ += 2;
        w.u8(0x05);
        if (!ParseInstrs(w) || !ExpectRParen()) return false;
      }
      fn_.labels.pop_back();
      w.u8(0x0B);
      return ExpectRParen();
    }
    w.append(head);
    fn_.labels.push_back(Label{name});
    if (op == Opcode::kTry) {
      if (AtField("do")) {
        pos_ += 2;
        if (!ParseInstrs(w) || !ExpectRParen()) return false;
      }
      bool has_catch = false;
      while (AtField("catch")) {
        has_catch = true;
        pos_ += 2;
        w.u8(0x07);
        uint32_t tag;
        if (!ResolveIndex(tags_, &tag)) return false;
        w.u32(tag);
        if (!ParseInstrs(w) || !ExpectRParen()) return false;
      }
      if (AtField("catch_all")) {
        has_catch = true;
        pos_ += 2;
        w.u8(0x19);
        if (!ParseInstrs(w) || !ExpectRParen()) return false;
      }
      if (AtField("delegate")) {
        if (has_catch) return Unexpected(tok(pos_ + 1));
        pos_ += 2;
        fn_.labels.pop_back();
        w.u8(0x18);
        uint32_t label;
        if (!ParseLabelIndex(&label) || !ExpectRParen()) return false;
        w.u32(label);
        return ExpectRParen();
      }
    } else if (!ParseInstrs(w)) {
      return false;
    }
    fn_.labels.pop_back();
    w.u8(0x0B);
    return ExpectRParen();
  }

  return Fail(cur(), "internal error: plain block in ParseBlockInstr");
}

bool ModuleEncoder::ParseLabelIndex(uint32_t* out) {
  if (failed_) return false;
  const Token& t = cur();
  if (t.kind == TokenKind::kId) {
    for (size_t i = fn_.labels.size(); i-- > 0;) {
      if (fn_.labels[i].name == t.str) {
        *out = static_cast<uint32_t>(fn_.labels.size() - 1 - i);
        ++pos_;
        return true;
      }
    }
    return Fail(t, "unknown label " + std::string(t.text));
  }
  return ParseU32(out);
}

bool ModuleEncoder::ParseLocalIndex(uint32_t* out) {
  if (failed_) return false;
  const Token& t = cur();
  if (t.kind == TokenKind::kId) {
    auto it = fn_.locals.find(t.str);
    if (it == fn_.locals.end()) return Fail(t, "unknown local " + std::string(t.text));
    *out = it->second;
    ++pos_;
    return true;
  }
  return ParseU32(out);
}

bool ModuleEncoder::ParseFieldIndex(uint32_t typeidx, uint32_t* out) {
  if (failed_) return false;
  const Token& t = cur();
  if (t.kind == TokenKind::kId) {
    if (typeidx < typedefs_.size()) {
      auto it = typedefs_[typeidx].field_names.find(t.str);
      if (it != typedefs_[typeidx].field_names.end()) {
        *out = it->second;
        ++pos_;
        return true;
      }
    }
    return Fail(t, "unknown field " + std::string(t.text));
  }
  return ParseU32(out);
}

bool ModuleEncoder::ParseOptionalIndex(IndexSpace& space, uint32_t* out) {
  *out = 0;
  if (!IsIndexToken(pos_)) return true;
  return ResolveIndex(space, out);
}

bool ModuleEncoder::ParseMemarg(BinaryWriter& w, const OpcodeInfo& info, bool allow_memidx) {
  uint32_t mem = 0;
  if (allow_memidx && IsIndexToken(pos_) && !failed_) {
    if (!ResolveIndex(mems_, &mem)) return false;
  }
  uint64_t offset = 0;
  uint64_t align = uint64_t(1) << info.align_log2;
  if (cur().kind == TokenKind::kKeyword && cur().text.substr(0, 7) == "offset=") {
    LiteralStatus s = ParseUnsigned(cur().text.substr(7), UINT64_MAX, &offset);
    if (s == LiteralStatus::kMalformed) return Fail(cur(), "unknown operator " + std::string(cur().text));
    if (s == LiteralStatus::kOutOfRange) return Fail(cur(), "constant out of range");
    ++pos_;
  }
  if (cur().kind == TokenKind::kKeyword && cur().text.substr(0, 6) == "align=") {
    LiteralStatus s = ParseUnsigned(cur().text.substr(6), UINT64_MAX, &align);
    if (s == LiteralStatus::kMalformed) return Fail(cur(), "unknown operator " + std::string(cur().text));
    if (s == LiteralStatus::kOutOfRange) return Fail(cur(), "constant out of range");
    if (align == 0 || (align & (align - 1)) != 0) {
      return Fail(cur(), "alignment must be a power of two");
    }
    ++pos_;
  }
  uint32_t log2 = 0;
  while ((uint64_t(1) << log2) < align) ++log2;
  if (mem != 0) {
    w.u32(log2 | 0x40);
    w.u32(mem);
  } else {
    w.u32(log2);
  }
  w.u64(offset);
  return true;
}

bool ModuleEncoder::ParseV128Const(BinaryWriter& w) {
  const Token& shape = cur();
  if (shape.kind != TokenKind::kKeyword) return Unexpected(shape);
  V128Shape v128;
  if (!ParseV128Shape(shape.text, &v128)) return Unexpected(shape);
  const int lanes = v128.lanes, bits = v128.bits;
  const bool is_float = v128.is_float;
  ++pos_;
  // Count the literals first: a short list is reported before bad values.
  for (int i = 0; i < lanes; ++i) {
    const Token& t = tok(pos_ + static_cast<size_t>(i));
    bool literal = t.kind == TokenKind::kNumber || t.kind == TokenKind::kReserved ||
                   (t.kind == TokenKind::kKeyword &&
                    (t.text.substr(0, 3) == "nan" || t.text.substr(0, 3) == "inf"));
    if (!literal) return Fail(t, "wrong number of lane literals");
  }
  for (int i = 0; i < lanes; ++i) {
    const Token& t = cur();
    LiteralStatus s;
    uint64_t v = 0;
    if (is_float) {
      if (bits == 32) {
        uint32_t f;
        s = ParseF32(t.text, &f);
        v = f;
      } else {
        s = ParseF64(t.text, &v);
      }
    } else {
      s = ParseInteger(t.text, bits, &v);
    }
    if (s == LiteralStatus::kMalformed) {
      if (t.text == "nan:canonical" || t.text == "nan:arithmetic") return Unexpected(t);
      return Fail(t, "unknown operator " + std::string(t.text));
    }
    if (s == LiteralStatus::kOutOfRange) return Fail(t, "constant out of range");
    w.raw(&v, static_cast<size_t>(bits / 8));  // little endian host
    ++pos_;
  }
  if (cur().kind == TokenKind::kNumber) return Fail(cur(), "wrong number of lane literals");
  return true;
}

bool ModuleEncoder::ParseImmediates(BinaryWriter& w, Opcode op) {
  const OpcodeInfo& info = GetOpcodeInfo(op);
  switch (info.imm) {
    case ImmKind::kNone:
      if (op == Opcode::kSelect && AtField("result")) {
        std::vector<ValType> params, results;
        if (!ParseParamsResults(&params, nullptr, &results, false)) return false;
        EmitOpcode(w, Opcode::kSelectT);
        w.u32(static_cast<uint32_t>(results.size()));
        for (ValType t : results) EncodeValType(w, t);
        return true;
      }
      EmitOpcode(w, op);
      return true;
    case ImmKind::kSelectT:
      EmitOpcode(w, op);
      w.u32(0);
      return true;
    case ImmKind::kHeapType: {
      if (op == Opcode::kRefNull) {
        HeapType h;
        if (!ParseHeapType(&h)) return false;
        EmitOpcode(w, op);
        EncodeHeapType(w, h);
        return true;
      }
      ValType t;
      if (!ParseRefType(&t)) return false;
      Opcode actual = op;
      if (t.is_nullable()) {
        if (op == Opcode::kRefTest) actual = Opcode::kRefTestNull;
        if (op == Opcode::kRefCast) actual = Opcode::kRefCastNull;
      }
      EmitOpcode(w, actual);
      EncodeHeapType(w, t.heap_type());
      return true;
    }
    case ImmKind::kBrOnCast: {
      uint32_t label;
      ValType t1, t2;
      if (!ParseLabelIndex(&label) || !ParseRefType(&t1) || !ParseRefType(&t2)) return false;
      EmitOpcode(w, op);
      w.u8((t1.is_nullable() ? 1 : 0) | (t2.is_nullable() ? 2 : 0));
      w.u32(label);
      EncodeHeapType(w, t1.heap_type());
      EncodeHeapType(w, t2.heap_type());
      return true;
    }
    default:
      break;
  }
  EmitOpcode(w, op);
  uint32_t a = 0, b = 0;
  switch (info.imm) {
    case ImmKind::kLabel:
      if (!ParseLabelIndex(&a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kBrTable: {
      std::vector<uint32_t> labels;
      while (IsIndexToken(pos_)) {
        if (!ParseLabelIndex(&a)) return false;
        labels.push_back(a);
      }
      if (labels.empty()) return Unexpected(cur());
      w.u32(static_cast<uint32_t>(labels.size() - 1));
      for (uint32_t l : labels) w.u32(l);
      return true;
    }
    case ImmKind::kFunc:
      if (!ResolveIndex(funcs_, &a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kCallIndirect: {
      if (!ParseOptionalIndex(tables_, &b)) return false;
      TypeUse use;
      if (!ParseTypeUse(&use, false)) return false;
      w.u32(use.typeidx);
      w.u32(b);
      return true;
    }
    case ImmKind::kType:
      if (!ResolveType(&a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kLocal:
      if (!ParseLocalIndex(&a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kGlobal:
      if (!ResolveIndex(globals_, &a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kTable:
      if (!ParseOptionalIndex(tables_, &a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kMemory:
      if (!ParseOptionalIndex(mems_, &a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kMemarg:
      return ParseMemarg(w, info, true);
    case ImmKind::kMemargLane: {
      // memidx? memarg laneidx: a leading index is the memory only if another
      // number or a memarg keyword follows it.
      bool has_mem = cur().kind == TokenKind::kId ||
                     (IsIndexToken(pos_) &&
                      (tok(pos_ + 1).kind == TokenKind::kNumber ||
                       (tok(pos_ + 1).kind == TokenKind::kKeyword &&
                        (tok(pos_ + 1).text.substr(0, 7) == "offset=" ||
                         tok(pos_ + 1).text.substr(0, 6) == "align="))));
      if (!ParseMemarg(w, info, has_mem)) return false;
      [[fallthrough]];
    }
    case ImmKind::kLane: {
      const Token& t = cur();
      uint64_t lane;
      if (t.kind != TokenKind::kNumber) return Unexpected(t);
      LiteralStatus s = ParseUnsigned(t.text, 255, &lane);
      if (s == LiteralStatus::kMalformed) return Unexpected(t);
      if (s == LiteralStatus::kOutOfRange) return Fail(t, "i8 constant out of range");
      w.u8(static_cast<uint8_t>(lane));
      ++pos_;
      return true;
    }
    case ImmKind::kShuffle: {
      for (int i = 0; i < 16; ++i) {
        const Token& t = cur();
        if (t.kind == TokenKind::kLParen || t.kind == TokenKind::kRParen ||
            t.kind == TokenKind::kEof) {
          return Fail(t, "invalid lane length");
        }
        uint64_t lane;
        if (ParseUnsigned(t.text, 255, &lane) != LiteralStatus::kOk) {
          return Fail(t, "i8 constant out of range");
        }
        w.u8(static_cast<uint8_t>(lane));
        ++pos_;
      }
      if (cur().kind == TokenKind::kNumber) return Fail(cur(), "invalid lane length");
      return true;
    }
    case ImmKind::kI32:
    case ImmKind::kI64: {
      const Token& t = cur();
      int bits = info.imm == ImmKind::kI32 ? 32 : 64;
      uint64_t v;
      if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword &&
          t.kind != TokenKind::kReserved) {
        return Unexpected(t);
      }
      LiteralStatus s = ParseInteger(t.text, bits, &v);
      if (s == LiteralStatus::kMalformed) {
        if (t.text == "nan:canonical" || t.text == "nan:arithmetic") return Unexpected(t);
        return Fail(t, "unknown operator " + std::string(t.text));
      }
      if (s == LiteralStatus::kOutOfRange) return Fail(t, "constant out of range");
      if (bits == 32) {
        w.s32(static_cast<int32_t>(static_cast<uint32_t>(v)));
      } else {
        w.s64(static_cast<int64_t>(v));
      }
      ++pos_;
      return true;
    }
    case ImmKind::kF32:
    case ImmKind::kF64: {
      const Token& t = cur();
      if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword &&
          t.kind != TokenKind::kReserved) {
        return Unexpected(t);
      }
      LiteralStatus s;
      if (info.imm == ImmKind::kF32) {
        uint32_t bits;
        s = ParseF32(t.text, &bits);
        if (s == LiteralStatus::kOk) w.f32_bits(bits);
      } else {
        uint64_t bits;
        s = ParseF64(t.text, &bits);
        if (s == LiteralStatus::kOk) w.f64_bits(bits);
      }
      if (s == LiteralStatus::kMalformed) {
        if (t.text == "nan:canonical" || t.text == "nan:arithmetic") return Unexpected(t);
        return Fail(t, "unknown operator " + std::string(t.text));
      }
      if (s == LiteralStatus::kOutOfRange) return Fail(t, "constant out of range");
      ++pos_;
      return true;
    }
    case ImmKind::kV128:
      return ParseV128Const(w);
    case ImmKind::kTypeField:
      if (!ResolveType(&a) || !ParseFieldIndex(a, &b)) return false;
      w.u32(a);
      w.u32(b);
      return true;
    case ImmKind::kTypeData:
      needs_data_count_ = true;
      if (!ResolveType(&a) || !ResolveIndex(datas_, &b)) return false;
      w.u32(a);
      w.u32(b);
      return true;
    case ImmKind::kTypeElem:
      if (!ResolveType(&a) || !ResolveIndex(elems_, &b)) return false;
      w.u32(a);
      w.u32(b);
      return true;
    case ImmKind::kTypeType:
      if (!ResolveType(&a) || !ResolveType(&b)) return false;
      w.u32(a);
      w.u32(b);
      return true;
    case ImmKind::kTypeU32:
      if (!ResolveType(&a) || !ParseU32(&b)) return false;
      w.u32(a);
      w.u32(b);
      return true;
    case ImmKind::kTag:
      if (!ResolveIndex(tags_, &a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kData:
      needs_data_count_ = true;
      if (!ResolveIndex(datas_, &a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kElem:
      if (!ResolveIndex(elems_, &a)) return false;
      w.u32(a);
      return true;
    case ImmKind::kMemoryInit:
      needs_data_count_ = true;
      return EncodeInitImmediates(mems_, datas_, w);
    case ImmKind::kTableInit:
      return EncodeInitImmediates(tables_, elems_, w);
    case ImmKind::kMemoryCopy:
      return EncodeCopyImmediates(mems_, w);
    case ImmKind::kTableCopy:
      return EncodeCopyImmediates(tables_, w);
    case ImmKind::kZeroByte:
      w.u8(0x00);
      return true;
    default:
      return Fail(cur(), std::string("unsupported instruction ") + info.name);
  }
}

}  // namespace cascade::text
