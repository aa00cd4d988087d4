// Internal to engine/text: the module encoder shared by wat_module.cc (module
// fields, types, segments, sections) and wat_instructions.cc (function bodies and
// constant expressions).
//
// Two passes over the fields of one module:
//   1. collect: every identifier of every index space (types, funcs, tables,
//      memories, globals, tags, elem and data segments) gets its index, in order
//      of appearance (imports must come first, so that is index order); explicit
//      type definitions are parsed in full (struct field names included).
//   2. encode: each field is encoded into its section's writer in text order.
//      Type uses without `(type x)` that match no existing type append implicit
//      function types, which the type section (written last) includes.
//
// Invariants: the first error is sticky (`failed_`); after it every parse
// function returns false promptly. `pos_` always indexes a valid token (the
// range ends before a kEof or `)` token that is never consumed past).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/module.h"
#include "engine/opcodes.h"
#include "engine/text/binary_writer.h"
#include "engine/text/lexer.h"
#include "engine/text/wat_parser.h"
#include "engine/value_type.h"

namespace cascade::text {

// One index space's identifiers.
struct IndexSpace {
  IndexSpace(const char* w, const char* d) : what(w), dup(d) {}
  const char* what;  // "function", "table", ... for "unknown function $f"
  const char* dup;   // "func", "table", ... for "duplicate func"
  std::unordered_map<std::string, uint32_t> names;
  uint32_t count = 0;
};

// A type definition as parsed (explicit or implicit).
struct TypeDef {
  CompositeKind kind = CompositeKind::kFunc;
  bool is_final = true;
  std::vector<uint32_t> supers;
  std::vector<ValType> params, results;  // kFunc
  std::vector<FieldType> fields;          // kStruct; kArray: one element
  std::unordered_map<std::string, uint32_t> field_names;
  uint32_t rec_size = 1;                  // size of its rec group (1 outside `rec`)
  bool in_rec = false;                    // written as `(rec ...)`
};

// A function type use: resolved typeidx plus the param identifiers (for locals).
struct TypeUse {
  uint32_t typeidx = 0;
  std::vector<std::string> param_names;  // "" for unnamed; size = param count if known
};

class ModuleEncoder {
 public:
  ModuleEncoder(const std::vector<Token>& tokens, size_t begin, size_t end, TextError* error,
                std::string module_name = {});
  bool Encode(std::vector<uint8_t>* bytes);

 private:
  // ---- token cursor (wat_module.cc) ----
  const Token& tok(size_t i) const { return toks_[i < end_ ? i : end_]; }
  const Token& cur() const { return tok(pos_); }
  bool IsKw(size_t i, std::string_view kw) const {
    const Token& t = tok(i);
    return t.kind == TokenKind::kKeyword && t.text == kw;
  }
  bool IsLParen(size_t i) const { return tok(i).kind == TokenKind::kLParen; }
  bool IsRParen(size_t i) const { return tok(i).kind == TokenKind::kRParen; }
  bool IsField(size_t i, std::string_view kw) const { return IsLParen(i) && IsKw(i + 1, kw); }
  bool AtField(std::string_view kw) const { return IsField(pos_, kw); }
  bool IsIndexToken(size_t i) const {
    return tok(i).kind == TokenKind::kId ||
           (tok(i).kind == TokenKind::kNumber && tok(i).text[0] >= '0' && tok(i).text[0] <= '9');
  }
  size_t Match(size_t lparen) const { return match_[lparen - begin_]; }

  [[gnu::noinline, gnu::cold]] bool Fail(const Token& t, std::string message);
  [[gnu::noinline, gnu::cold]] bool Unexpected(const Token& t);
  bool ExpectLParen();
  bool ExpectRParen();
  bool ExpectKeyword(std::string_view kw);
  bool TakeId(std::string* id);  // optional $id; returns whether one was taken
  bool ParseString(std::string* out);
  bool ParseName(std::string* out);  // a string that must be valid UTF-8
  bool ParseU32(uint32_t* out);
  bool ParseU64(uint64_t* out);

  // ---- pass 1 ----
  bool Collect();
  bool CollectTypes();
  bool DefineName(IndexSpace& space, size_t at);  // at: index of the optional id token
  bool ParseTypeDef(TypeDef* def);
  bool ParseCompType(TypeDef* def);
  bool ParseFieldType(FieldType* out);

  // ---- types (wat_module.cc) ----
  bool ParseValType(ValType* out);
  bool ParseRefType(ValType* out);
  bool ParseHeapType(HeapType* out);
  bool IsValTypeStart(size_t i) const;
  bool ResolveIndex(IndexSpace& space, uint32_t* out);
  // memory.init / table.init: `target? segment` -> segment index, then target
  // index (0 when omitted).
  bool EncodeInitImmediates(IndexSpace& targets, IndexSpace& segments, BinaryWriter& w);
  // memory.copy / table.copy: `(dst src)?` -> dst, src (both 0 when omitted).
  bool EncodeCopyImmediates(IndexSpace& space, BinaryWriter& w);
  bool ResolveType(uint32_t* out) { return ResolveIndex(types_, out); }
  // (type x)? (param ...)* (result ...)*; allow_names: params may carry ids.
  bool ParseTypeUse(TypeUse* use, bool allow_names, bool* had_any = nullptr);
  bool ParseParamsResults(std::vector<ValType>* params, std::vector<std::string>* names,
                          std::vector<ValType>* results, bool allow_names);
  uint32_t FindOrAddFuncType(const std::vector<ValType>& params,
                             const std::vector<ValType>& results);
  void EncodeValType(BinaryWriter& w, ValType t);
  void EncodeHeapType(BinaryWriter& w, HeapType h);
  void EncodeStorageType(BinaryWriter& w, const FieldType& f);

  // ---- fields (wat_module.cc) ----
  bool EncodeField();
  bool ParseInlineExports(ExternKind kind, uint32_t index);
  bool ParseInlineImport(std::string* module, std::string* name, bool* present);
  // The start of a func/table/memory/global/tag field: `(kw $id? (export ..)*
  // (import "m" "n")?`. Assigns the next index, encodes the inline exports, and
  // for an inline import writes its module, name and kind to the import section
  // (the caller then writes the import description).
  bool BeginDefinition(ExternKind kind, uint32_t* next_index, bool* imported);
  bool ParseLimits(bool is64, Limits* limits);
  bool ParseTableType(BinaryWriter& w, bool* is64_out);
  bool ParseMemoryType(BinaryWriter& w);
  bool ParseGlobalType(BinaryWriter& w);
  bool EncodeImportField();
  bool EncodeFunc();
  bool EncodeTable();
  bool EncodeMemory();
  bool EncodeGlobal();
  bool EncodeTag();
  bool EncodeExport();
  bool EncodeStart();
  bool EncodeElem();
  bool EncodeData();
  bool ParseOffsetExpr(BinaryWriter& w);
  bool ParseElemList(BinaryWriter& w, bool allow_bare_funcs, bool is_active_table0, int* flags_out);
  void EncodeTypeSection(BinaryWriter& out);
  void EncodeNameSection(BinaryWriter& out);

  // ---- instructions (wat_instructions.cc) ----
  struct Label {
    std::string name;  // "" if unnamed
  };
  struct FuncContext {
    std::unordered_map<std::string, uint32_t> locals;
    uint32_t num_locals = 0;
    std::vector<Label> labels;  // innermost last
  };
  bool ParseConstExpr(BinaryWriter& w);  // instr* then `end`
  bool ParseInstrs(BinaryWriter& w);     // until `)` or a block terminator keyword
  bool ParseFoldedInstr(BinaryWriter& w);  // depth-limited wrapper
  bool ParseFoldedInstrBody(BinaryWriter& w);
  bool ParsePlainInstr(BinaryWriter& w);
  bool ParseBlockInstr(BinaryWriter& w, Opcode op, bool folded);  // folded forms only
  bool ParseBlockType(BinaryWriter& w);
  bool ParseLabelDef(std::string* name);
  bool ParseEndLabel(const std::string& name);
  bool ParseImmediates(BinaryWriter& w, Opcode op);
  bool ParseLabelIndex(uint32_t* out);
  bool ParseLocalIndex(uint32_t* out);
  bool ParseFieldIndex(uint32_t typeidx, uint32_t* out);
  bool ParseOptionalIndex(IndexSpace& space, uint32_t* out);
  bool ParseMemarg(BinaryWriter& w, const OpcodeInfo& info, bool allow_memidx);
  bool ParseV128Const(BinaryWriter& w);
  bool ParseCatchClause(BinaryWriter& w, uint32_t* count);
  void EmitOpcode(BinaryWriter& w, Opcode op);
  bool AtInstrTerminator() const;

  const std::vector<Token>& toks_;
  size_t begin_, end_, pos_;
  std::vector<size_t> match_;  // for each '(' in range: index of its ')', or end_
  TextError* err_;
  bool failed_ = false;

  IndexSpace types_{"type", "type"}, funcs_{"function", "func"}, tables_{"table", "table"},
      mems_{"memory", "memory"}, globals_{"global", "global"}, tags_{"tag", "tag"},
      elems_{"elem segment", "elem"}, datas_{"data segment", "data"};
  std::vector<TypeDef> typedefs_;
  struct RecGroup {
    uint32_t start, size;
    bool explicit_rec;  // written as (rec ...): encoded with 0x4E even if size 1
  };
  std::vector<RecGroup> recs_;
  // Function types a type use without `(type x)` may pick, by signature key
  // (see FindOrAddFuncType); filled on first use, then kept up to date.
  std::unordered_map<std::string, uint32_t> func_type_index_;
  bool func_type_index_built_ = false;
  uint32_t num_explicit_types_ = 0;
  uint32_t next_func_ = 0, next_table_ = 0, next_mem_ = 0, next_global_ = 0, next_tag_ = 0,
           next_elem_ = 0, next_data_ = 0;
  std::vector<size_t> field_starts_;  // '(' token of each top-level field

  // Section payloads (without counts) and their entry counts.
  BinaryWriter imports_, functions_, tables_w_, memories_, globals_w_, exports_, elems_w_,
      code_, datas_w_, tags_w_;
  uint32_t n_imports_ = 0, n_functions_ = 0, n_tables_ = 0, n_memories_ = 0, n_globals_ = 0,
           n_exports_ = 0, n_elems_ = 0, n_datas_ = 0, n_tags_ = 0;
  bool has_start_ = false;
  uint32_t start_ = 0;
  bool needs_data_count_ = false;

  FuncContext fn_;  // the function (or constant expression) being encoded
  // Plain blocks not yet closed by `end` (innermost last); see ParseInstrs.
  struct OpenBlock {
    Opcode op;
    bool seen_else = false;
    bool seen_catch = false;
    bool seen_catch_all = false;
  };
  std::vector<OpenBlock> open_;
  // Folded instructions recurse; deeper nesting is rejected rather than
  // overflowing the native stack (plain blocks nest without limit).
  static constexpr uint32_t kMaxFoldedDepth = 1000;
  uint32_t folded_depth_ = 0;

  // Name section (custom section "name"): the module id and the local ids of
  // each defined function that has any, in funcidx order.
  std::string module_name_;
  std::vector<std::pair<uint32_t, std::vector<std::pair<uint32_t, std::string>>>> local_names_;
};

}  // namespace cascade::text
