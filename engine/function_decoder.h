// FunctionDecoder<ValidationPolicy, Interface>: the one walker of function bodies
// and constant expressions (spec 3.3 "Instructions", 5.4 binary encoding).
//
// It reads each instruction once, type-checks it against the value-type stack and
// the control stack, and calls the Interface's hook for it. The validator, the
// interpreter translator and the baseline JIT are three Interfaces:
//
//   bytes ─▶ FunctionDecoder<FullValidation, Validator>        (validation.cc)
//         ─▶ FunctionDecoder<NoValidation,  InterpTranslator>  (already valid code)
//         ─▶ FunctionDecoder<NoValidation,  BaselineCompiler>
//
// Invariants:
//  * Under NoValidation every check is compiled away (`if constexpr`), but the
//    value-type stack and the control stack are still tracked, because hooks
//    receive operand types.
//  * Interfaces never see dead code: after unreachable/br/br_table/return/throw/
//    throw_ref/rethrow/return_call* the rest of the block is still type-checked
//    (the stack is polymorphic: popping past the block's base yields kWasmBottom)
//    but no hook is called until the end of that block; a block that starts in
//    dead code is entirely invisible, including its `end`.
//  * The first error wins; it carries the byte offset of the offending
//    instruction (relative to the module start) and the spec's wording.
//  * Dispatch: every opcode gets its own case, generated from opcodes.def.
//    Instructions with a fixed signature (numeric, vector, plain loads/stores)
//    are type-checked against compile-time operand types; the rest run through
//    DecodeComplex, inlined per opcode so its switch folds away. Under GCC/clang
//    the loop is threaded (computed goto, one indirect jump per instruction
//    kind); CASCADE_NO_COMPUTED_GOTO selects the plain switch loop.
//  * Hooks run after the instruction's operands were popped and checked and
//    before its results are pushed, except where noted.
//
// Interface hooks (all optional: derive from BaseInterface, whose hooks are empty
// inline templates). `Control` is FunctionDecoder::Control; `c.data` is the
// interface's per-block `ControlData`.
//   OnFunctionStart(locals)  OnFunctionEnd()
//   OnBlock(c) OnLoop(c) OnIf(c) OnElse(c) OnEnd(c)       (c: the block itself)
//   OnTryTable(c, catches) OnTry(c) OnCatch(c, tagidx) OnCatchAll(c)
//   OnDelegate(c, depth) OnRethrow(depth)                   (legacy exceptions)
//   OnBr(depth) OnBrIf(depth) OnBrTable(targets, default) OnReturn()
//   OnBrOnNull(depth, ref) OnBrOnNonNull(depth, ref) OnBrOnCast(op, depth, from, to)
//   OnUnreachable() OnNop() OnDrop(type) OnSelect(type)
//   OnCall(funcidx, tail) OnCallIndirect(typeidx, tableidx, tail) OnCallRef(typeidx, tail)
//   OnThrow(tagidx) OnThrowRef()
//   OnLocalGet/Set/Tee(localidx, type) OnGlobalGet/Set(globalidx, type)
//   OnTableOp(op, tableidx, other)    table.get/set/size/grow/fill/copy/init, elem.drop
//   OnMemoryOp(op, memidx, other)     memory.size/grow/fill/copy/init, data.drop
//   OnLoad(op, memarg, result) OnStore(op, memarg) OnAtomic(op, memarg) OnAtomicFence()
//   OnLoadLane(op, memarg, lane) OnStoreLane(op, memarg, lane)
//   OnI32Const(v) OnI64Const(v) OnF32Const(bits) OnF64Const(bits) OnV128Const(bytes)
//   OnSimpleOp(op)        every opcode with a fixed signature (opcodes.def `sig`)
//   OnSimdLane(op, lane) OnShuffle(lanes)
//   OnRefNull(type) OnRefIsNull(operand) OnRefFunc(funcidx) OnRefEq() OnRefAsNonNull(operand)
//   OnRefTest(op, operand, target) OnRefCast(op, operand, target)
//   OnGC(op, typeidx, imm2)   struct.*, array.*, ref.i31, i31.get_*, any/extern.convert
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "engine/module.h"
#include "engine/opcodes.h"
#include "engine/reader.h"
#include "engine/validator.h"
#include "engine/value_type.h"

namespace cascade {

// Validation policies (a template parameter, never a runtime bool).
struct FullValidation {
  static constexpr bool validate = true;
};
struct NoValidation {
  static constexpr bool validate = false;
};

// Decoded memarg (spec 5.4.6): alignment exponent, memory index, offset.
struct MemArg {
  uint32_t align_log2 = 0;
  uint32_t memidx = 0;
  uint64_t offset = 0;
};

// A block type (spec 3.2.x): [] -> [], [] -> [t], or a function type by index.
// Spans point into Module::valtype_pool or at `single` inside this object.
struct BlockType {
  static constexpr uint32_t kNoTypeIndex = 0xFFFFFFFF;
  ValType single;                  // [] -> [single] form (kVoid: [] -> [])
  uint32_t typeidx = kNoTypeIndex;  // typeidx form
  const ValType* sig = nullptr;    // typeidx form: params, then results
  uint32_t num_params = 0, num_results = 0;

  std::span<const ValType> params() const { return {sig, sig ? num_params : 0}; }
  std::span<const ValType> results() const {
    if (sig) return {sig + num_params, num_results};
    return {&single, single.kind() == ValType::kVoid ? 0u : 1u};
  }
};

// One clause of try_table (spec 5.4.1 "catch").
struct CatchClause {
  enum Kind : uint8_t { kCatch = 0, kCatchRef = 1, kCatchAll = 2, kCatchAllRef = 3 };
  Kind kind;
  uint32_t tagidx;  // kCatch / kCatchRef only
  uint32_t depth;   // label, relative to the try_table's enclosing block
};

enum class ControlKind : uint8_t {
  kFunction, kBlock, kLoop, kIf, kElse, kTryTable, kTry, kCatch, kCatchAll,
};

struct EmptyControlData {};

// Per-block state of the control stack (spec 3.3 "ctrl frames").
template <typename Data>
struct ControlFrame {
  ControlKind kind;
  bool unreachable = false;   // stack polymorphic (after br, return, ...)
  bool dead = false;          // entered from dead code: invisible to interfaces
  uint32_t stack_base = 0;    // value-stack height below the block's params
  uint32_t init_base = 0;     // local-initialization log height at entry
  uint32_t pc = 0;            // module offset of the opening instruction
  BlockType type;
  Data data{};

  bool is_loop() const { return kind == ControlKind::kLoop; }
  // The types a branch to this block carries: loop params, other results.
  std::span<const ValType> label_types() const {
    return is_loop() ? type.params() : type.results();
  }
  [[gnu::always_inline]] bool reachable() const { return !unreachable && !dead; }
};

// An Interface with every hook empty; derive from it and override what you need.
struct BaseInterface {
  using ControlData = EmptyControlData;
  template <typename... A> void OnFunctionStart(A&&...) {}
  template <typename... A> void OnFunctionEnd(A&&...) {}
  template <typename... A> void OnBlock(A&&...) {}
  template <typename... A> void OnLoop(A&&...) {}
  template <typename... A> void OnIf(A&&...) {}
  template <typename... A> void OnElse(A&&...) {}
  template <typename... A> void OnEnd(A&&...) {}
  template <typename... A> void OnTryTable(A&&...) {}
  template <typename... A> void OnTry(A&&...) {}
  template <typename... A> void OnCatch(A&&...) {}
  template <typename... A> void OnCatchAll(A&&...) {}
  template <typename... A> void OnDelegate(A&&...) {}
  template <typename... A> void OnRethrow(A&&...) {}
  template <typename... A> void OnBr(A&&...) {}
  template <typename... A> void OnBrIf(A&&...) {}
  template <typename... A> void OnBrTable(A&&...) {}
  template <typename... A> void OnReturn(A&&...) {}
  template <typename... A> void OnBrOnNull(A&&...) {}
  template <typename... A> void OnBrOnNonNull(A&&...) {}
  template <typename... A> void OnBrOnCast(A&&...) {}
  template <typename... A> void OnUnreachable(A&&...) {}
  template <typename... A> void OnNop(A&&...) {}
  template <typename... A> void OnDrop(A&&...) {}
  template <typename... A> void OnSelect(A&&...) {}
  template <typename... A> void OnCall(A&&...) {}
  template <typename... A> void OnCallIndirect(A&&...) {}
  template <typename... A> void OnCallRef(A&&...) {}
  template <typename... A> void OnThrow(A&&...) {}
  template <typename... A> void OnThrowRef(A&&...) {}
  template <typename... A> void OnLocalGet(A&&...) {}
  template <typename... A> void OnLocalSet(A&&...) {}
  template <typename... A> void OnLocalTee(A&&...) {}
  template <typename... A> void OnGlobalGet(A&&...) {}
  template <typename... A> void OnGlobalSet(A&&...) {}
  template <typename... A> void OnTableOp(A&&...) {}
  template <typename... A> void OnMemoryOp(A&&...) {}
  template <typename... A> void OnLoad(A&&...) {}
  template <typename... A> void OnStore(A&&...) {}
  template <typename... A> void OnAtomic(A&&...) {}
  template <typename... A> void OnAtomicFence(A&&...) {}
  template <typename... A> void OnLoadLane(A&&...) {}
  template <typename... A> void OnStoreLane(A&&...) {}
  template <typename... A> void OnI32Const(A&&...) {}
  template <typename... A> void OnI64Const(A&&...) {}
  template <typename... A> void OnF32Const(A&&...) {}
  template <typename... A> void OnF64Const(A&&...) {}
  template <typename... A> void OnV128Const(A&&...) {}
  template <typename... A> void OnSimpleOp(A&&...) {}
  template <typename... A> void OnSimdLane(A&&...) {}
  template <typename... A> void OnShuffle(A&&...) {}
  template <typename... A> void OnRefNull(A&&...) {}
  template <typename... A> void OnRefIsNull(A&&...) {}
  template <typename... A> void OnRefFunc(A&&...) {}
  template <typename... A> void OnRefEq(A&&...) {}
  template <typename... A> void OnRefAsNonNull(A&&...) {}
  template <typename... A> void OnRefTest(A&&...) {}
  template <typename... A> void OnRefCast(A&&...) {}
  template <typename... A> void OnGC(A&&...) {}
};

// Non-template helpers shared by every instantiation (function_validator.cc).
namespace decoder_detail {
// Text form of a value type for messages: "i32", "(ref null func)", "(ref 3)".
std::string TypeName(ValType t);
// "[i32 i64]".
std::string TypeList(const ValType* types, size_t n);
// Reads a value type (spec 5.3.4) / heap type (5.3.3); on error fails the reader
// ("malformed value type"/"malformed heap type"/"unknown type N").
ValType ReadValType(Reader& r, const Module& m);
bool ReadHeapType(Reader& r, const Module& m, HeapType* out);
// Number of lanes of the vector shape named by a lane instruction.
uint32_t LaneCount(Opcode op);
// Whether `op` may appear in a constant expression (spec 3.3.x, Wasm 3.0).
bool IsConstantOpcode(Opcode op);
// kOneByteOpcodes with every instruction that IsConstantOpcode rejects mapped to
// Opcode::kInvalid (the dispatch map of constant expressions).
extern const std::array<Opcode, 256> kConstExprOneByteOpcodes;
}  // namespace decoder_detail

template <typename ValidationPolicy, typename Interface>
class FunctionDecoder {
 public:
  static constexpr bool kValidate = ValidationPolicy::validate;
  using ControlData = typename Interface::ControlData;
  using Control = ControlFrame<ControlData>;

  FunctionDecoder(const Module& module, Interface& iface)
      : module_(module), iface_(iface), reader_(module.bytes.data(), nullptr, nullptr) {}
  ~FunctionDecoder() { delete[] stack_; }
  FunctionDecoder(const FunctionDecoder&) = delete;
  FunctionDecoder& operator=(const FunctionDecoder&) = delete;

  // Decodes the body of defined function `funcidx`. Returns false with error()
  // set on the first problem (only possible under FullValidation, or on
  // malformed bytes).
  bool DecodeFunction(uint32_t funcidx) {
    const Function& f = module_.funcs[funcidx];
    if constexpr (kValidate) {
      if (f.type_index >= module_.types.size() ||
          module_.types[f.type_index].kind != CompositeKind::kFunc) [[unlikely]] {
        reader_ = Reader(module_.bytes.data(), nullptr, nullptr);
        op_pc_ = module_.bytes.data() + f.body.offset;
        return FailIndex("type", f.type_index);
      }
    }
    const SubType& sig = module_.types[f.type_index];
    locals_.clear();
    for (ValType t : module_.params(sig)) locals_.push_back(t);
    num_params_ = static_cast<uint32_t>(locals_.size());
    uint32_t first_nondefaultable = UINT32_MAX;
    for (const LocalDecl& d : module_.locals(f)) {
      if (!d.type.is_defaultable() && first_nondefaultable == UINT32_MAX)
        first_nondefaultable = static_cast<uint32_t>(locals_.size());
      locals_.insert(locals_.end(), d.count, d.type);
    }
    track_init_ = first_nondefaultable != UINT32_MAX;
    if (track_init_) {
      local_init_.assign(locals_.size(), 1);
      for (size_t i = first_nondefaultable; i < locals_.size(); ++i)
        local_init_[i] = locals_[i].is_defaultable();
      init_log_.clear();
    }
    const_expr_ = false;
    // The function's params are locals, not stack values: the body is a block
    // of type [] -> [results].
    BlockType bt;
    bt.typeidx = f.type_index;
    bt.sig = module_.valtype_pool.data() + sig.pool_offset + sig.param_count;
    bt.num_params = 0;
    bt.num_results = sig.result_count;
    body_ = f.body;
    return Run(bt);
  }

  // Decodes constant expression `expr` (including its final `end`), which must
  // produce one value of type `expected`. Only globals below
  // `num_visible_globals` may be read, and only immutable ones.
  bool DecodeConstExpr(ByteRange expr, ValType expected, uint32_t num_visible_globals) {
    locals_.clear();
    num_params_ = 0;
    track_init_ = false;
    const_expr_ = true;
    num_visible_globals_ = num_visible_globals;
    const_result_ = expected;
    BlockType bt;
    bt.single = expected;
    body_ = expr;
    return Run(bt);
  }

  const Error& error() const { return reader_.error(); }
  uint32_t max_stack_height() const { return static_cast<uint32_t>(high_water_ - stack_); }
  const Module& module() const { return module_; }
  // The control frame `depth` levels out (0 = innermost).
  Control& control_at(uint32_t depth) { return control_[control_.size() - 1 - depth]; }
  uint32_t control_depth() const { return static_cast<uint32_t>(control_.size()); }
  uint32_t stack_height() const { return Height(); }
  ValType stack_value(uint32_t depth) const { return top_[-1 - static_cast<int64_t>(depth)]; }
  std::span<const ValType> locals() const { return locals_; }
  // Module byte offset of the instruction being decoded (valid inside hooks;
  // the interpreter translator maps trap sites with it).
  uint32_t op_offset() const { return static_cast<uint32_t>(op_pc_ - module_.bytes.data()); }

 private:
  // ---------------------------------------------------------------- helpers
#define CASCADE_CHECK(cond, ...)                    \
  do {                                              \
    if constexpr (kValidate) {                      \
      if (!(cond)) [[unlikely]] {                   \
        return __VA_ARGS__;                         \
      }                                             \
    }                                               \
  } while (0)
// Calls an interface hook only when the current code is live.
#define CASCADE_CALL(hook, ...)                              \
  do {                                                       \
    if (control_.back().reachable()) iface_.hook(__VA_ARGS__); \
  } while (0)

  [[gnu::noinline, gnu::cold]] bool Fail(std::string message) {
    reader_.Fail(static_cast<uint32_t>(op_pc_ - module_.bytes.data()), std::move(message));
    return false;
  }
  [[gnu::noinline, gnu::cold]] bool FailIndex(const char* what, uint64_t index) {
    return Fail(std::string("unknown ") + what + " " + std::to_string(index));
  }

  // Value stack.
  void Push(ValType t) {
    // high_water_ <= stack_end_, so one compare covers growth and the maximum.
    if (top_ >= high_water_) [[unlikely]] RaiseHighWater();
    *top_++ = t;
  }
  [[gnu::noinline]] void RaiseHighWater() {
    if (top_ == stack_end_) GrowStack();
    high_water_ = top_ + 1;
  }
  [[gnu::noinline]] void GrowStack() {
    size_t n = top_ - stack_, high = high_water_ - stack_, cap = stack_end_ - stack_;
    cap = cap ? cap * 2 : 256;
    ValType* s = new ValType[cap];
    if (n) std::memcpy(static_cast<void*>(s), stack_, n * sizeof(ValType));
    delete[] stack_;
    if (!control_.empty()) base_ = s + (base_ - stack_);
    stack_ = s;
    top_ = s + n;
    high_water_ = s + high;
    stack_end_ = s + cap;
  }
  void PushTypes(std::span<const ValType> ts) {
    for (ValType t : ts) Push(t);
  }
  uint32_t Height() const { return static_cast<uint32_t>(top_ - stack_); }
  // base_ caches stack_ + control_.back().stack_base for the hot pops.
  void SyncBase() { base_ = stack_ + control_.back().stack_base; }

  bool IsSub(ValType sub, ValType super) const {
    return sub == super || IsSubSlow(sub, super);
  }
  [[gnu::noinline]] bool IsSubSlow(ValType sub, ValType super) const {
    if (sub.is_bottom()) return true;
    if (!sub.is_ref() || !super.is_ref()) return false;
    return IsSubtype(module_, sub, super);
  }

  // Pops one value that must match `expected`; returns its actual type
  // (kWasmBottom when popped from the polymorphic stack). On a mismatch under
  // validation, fails and returns kWasmBottom (callers check ok()).
  ValType Pop(ValType expected) {
    Control& c = control_.back();
    if (top_ > base_) [[likely]] {
      ValType t = *--top_;
      if constexpr (kValidate) {
        if (!IsSub(t, expected)) [[unlikely]] {
          PopFail(expected, t, true);
          return kWasmBottom;
        }
      }
      return t;
    }
    if (!c.unreachable) [[unlikely]] {
      if constexpr (kValidate) PopFail(expected, kWasmVoid, false);
    }
    return kWasmBottom;
  }
  // Pops any value (drop, select, ref.is_null...).
  ValType PopAny() {
    Control& c = control_.back();
    if (top_ > base_) [[likely]] return *--top_;
    if (!c.unreachable) [[unlikely]] {
      if constexpr (kValidate) PopFail(kWasmVoid, kWasmVoid, false);
    }
    return kWasmBottom;
  }
  [[gnu::noinline, gnu::cold]] void PopFail(ValType expected, ValType actual, bool had) {
    std::string msg = "type mismatch: instruction requires [";
    msg += expected.kind() == ValType::kVoid ? std::string("<any>")
                                             : decoder_detail::TypeName(expected);
    msg += "] but stack has [";
    if (had) msg += decoder_detail::TypeName(actual);
    msg += "]";
    Fail(std::move(msg));
  }
  // Pops values matching `types` (last first).
  bool PopTypes(std::span<const ValType> types) {
    if constexpr (kValidate) {
      Control& c = control_.back();
      size_t n = types.size();
      if (static_cast<size_t>(top_ - base_) >= n) [[likely]] {
        for (size_t i = 0; i < n; ++i) {
          if (!IsSub((top_ - n)[i], types[i])) [[unlikely]]
            return PopTypesFail(types);
        }
        top_ -= n;
        return true;
      }
      if (!c.unreachable) return PopTypesFail(types);
      for (size_t i = n; i-- > 0;) {
        Pop(types[i]);
        if (!reader_.ok()) return false;
      }
      return true;
    } else {
      for (size_t i = types.size(); i-- > 0;) Pop(types[i]);
      return true;
    }
  }
  [[gnu::noinline, gnu::cold]] bool PopTypesFail(std::span<const ValType> types) {
    Control& c = control_.back();
    uint32_t avail = Height() - c.stack_base;
    uint32_t n = static_cast<uint32_t>(types.size());
    uint32_t shown = avail < n ? avail : n;
    return Fail("type mismatch: instruction requires " +
                decoder_detail::TypeList(types.data(), n) + " but stack has " +
                decoder_detail::TypeList(top_ - shown, shown));
  }
  // Checks, without popping, that the top of the stack matches `types`
  // (for br_if, br_table and branch-on-X that keep the values).
  bool CheckTop(std::span<const ValType> types) {
    if constexpr (kValidate) {
      Control& c = control_.back();
      uint32_t avail = Height() - c.stack_base;
      size_t n = types.size();
      for (size_t i = 0; i < n; ++i) {
        // types[n-1-i] against the value i from the top.
        if (i < avail) {
          if (!IsSub(top_[-1 - static_cast<ptrdiff_t>(i)], types[n - 1 - i]))
            return PopTypesFail(types);
        } else if (!c.unreachable) {
          return PopTypesFail(types);
        }
      }
    }
    return true;
  }
  // Stack becomes polymorphic until the end of the current block.
  void SetUnreachable() {
    Control& c = control_.back();
    top_ = stack_ + c.stack_base;
    c.unreachable = true;
  }

  // Locals initialization (spec 3.3.x "local contexts": non-defaultable locals
  // become set by local.set/local.tee and revert at the end of the block).
  void MarkInit(uint32_t idx) {
    if (track_init_ && !local_init_[idx]) {
      local_init_[idx] = 1;
      init_log_.push_back(idx);
    }
  }
  void ResetInits(uint32_t base) {
    if (!track_init_) return;
    while (init_log_.size() > base) {
      local_init_[init_log_.back()] = 0;
      init_log_.pop_back();
    }
  }
  uint32_t InitHeight() const { return static_cast<uint32_t>(init_log_.size()); }

  // Addresses.
  ValType MemAddr(uint32_t memidx) const {
    return module_.memories[memidx].limits.is64 ? kWasmI64 : kWasmI32;
  }
  ValType TableAddr(uint32_t tableidx) const {
    return module_.tables[tableidx].limits.is64 ? kWasmI64 : kWasmI32;
  }

  // ------------------------------------------------------------ immediates
  // Inline fast paths of LEB128 reading for the common encodings of up to 5
  // bytes (toolchains pad relocatable indices to 5 bytes); the Reader's general
  // decoder handles longer encodings and reports every error.
  [[gnu::always_inline]] bool LebFast(uint64_t* value, uint32_t* bits) {
    const uint8_t* p = reader_.pc();
    if (reader_.end() - p < 5) [[unlikely]] return false;
    uint64_t r = 0;
#pragma GCC unroll 5
    for (uint32_t i = 0; i < 5; ++i) {
      uint64_t byte = p[i];
      r |= (byte & 0x7F) << (7 * i);
      if (byte < 0x80) {
        reader_.advance(i + 1);  // within the 5 bytes checked above
        *value = r;
        *bits = 7 * (i + 1);
        return true;
      }
    }
    return false;
  }
  [[gnu::always_inline]] uint32_t ReadU32() {
    const uint8_t* p = reader_.pc();
    if (p < reader_.end() && *p < 0x80) [[likely]] {
      reader_.advance(1);  // checked just above
      return *p;
    }
    uint64_t v;
    uint32_t bits;
    const uint8_t* start = reader_.pc();
    if (LebFast(&v, &bits)) [[likely]] {
      if (v <= 0xFFFFFFFFu) return static_cast<uint32_t>(v);
      reader_ = Reader(module_.bytes.data(), start, reader_.end());  // slow path reports
    }
    return reader_.u32();
  }
  [[gnu::always_inline]] int32_t ReadS32() {
    uint64_t v;
    uint32_t bits;
    const uint8_t* start = reader_.pc();
    if (LebFast(&v, &bits)) [[likely]] {
      int64_t x = static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
      if (x >= INT32_MIN && x <= INT32_MAX) return static_cast<int32_t>(x);
      reader_ = Reader(module_.bytes.data(), start, reader_.end());
    }
    return reader_.s32();
  }
  [[gnu::always_inline]] int64_t ReadS64() {
    uint64_t v;
    uint32_t bits;
    if (LebFast(&v, &bits)) [[likely]]
      return static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
    return reader_.s64();
  }
  [[gnu::always_inline]] uint64_t ReadU64() {
    uint64_t v;
    uint32_t bits;
    if (LebFast(&v, &bits)) [[likely]] return v;
    return reader_.u64();
  }

  bool ReadBlockType(BlockType* bt) {
    uint8_t b = reader_.peek_u8();
    if (b == typecode::kEmptyBlock) {
      reader_.u8();
      return true;
    }
    if (b & 0x80 || b < 0x40) {
      // s33 type index (non-negative).
      int64_t idx = reader_.s33();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(idx >= 0 && static_cast<uint64_t>(idx) < module_.types.size() &&
                        module_.types[idx].kind == CompositeKind::kFunc,
                    FailIndex("type", static_cast<uint64_t>(idx)));
      const SubType& t = module_.types[idx];
      bt->typeidx = static_cast<uint32_t>(idx);
      bt->sig = module_.valtype_pool.data() + t.pool_offset;
      bt->num_params = t.param_count;
      bt->num_results = t.result_count;
      return true;
    }
    bt->single = decoder_detail::ReadValType(reader_, module_);
    return reader_.ok();
  }

  [[gnu::always_inline]] bool ReadMemArg(MemArg* m, uint32_t natural, bool atomic) {
    uint32_t flags = ReadU32();
    CASCADE_CHECK(flags < 128, Fail("malformed memop flags"));
    m->align_log2 = flags & 63;
    m->memidx = (flags & 64) ? ReadU32() : 0;
    m->offset = ReadU64();
    if (!reader_.ok()) return false;
    CASCADE_CHECK(m->memidx < module_.memories.size(), FailIndex("memory", m->memidx));
    if (atomic) {
      CASCADE_CHECK(m->align_log2 == natural, Fail("atomic alignment must be natural"));
    } else {
      CASCADE_CHECK(m->align_log2 <= natural,
                    Fail("alignment must not be larger than natural"));
    }
    CASCADE_CHECK(module_.memories[m->memidx].limits.is64 || m->offset <= 0xFFFFFFFFu,
                  Fail("offset out of range"));
    return true;
  }

  uint32_t ReadLane(uint32_t lanes) {
    uint8_t lane = reader_.u8();
    if constexpr (kValidate) {
      if (reader_.ok() && lane >= lanes) Fail("invalid lane index");
    }
    return lane;
  }

  // --------------------------------------------------------- control stack
  bool PushControl(ControlKind kind, const BlockType& bt) {
    bool dead = !control_.back().reachable();
    if (!PopTypes(bt.params())) return false;
    Control& c = control_.emplace_back();
    c.kind = kind;
    c.dead = dead;
    c.stack_base = Height();
    c.init_base = InitHeight();
    c.pc = static_cast<uint32_t>(op_pc_ - module_.bytes.data());
    c.type = bt;
    SyncBase();
    PushTypes(bt.params());
    return true;
  }

  // Checks that the stack holds exactly the block's results (at end/else/catch).
  bool CheckBlockEnd(Control& c) {
    if constexpr (kValidate) {
      auto results = c.type.results();
      uint32_t n = static_cast<uint32_t>(results.size());
      uint32_t avail = Height() - c.stack_base;
      if (avail > n) [[unlikely]] {
        return Fail("type mismatch: block requires " +
                    decoder_detail::TypeList(results.data(), n) + " but stack has " +
                    decoder_detail::TypeList(stack_ + c.stack_base, avail));
      }
      if (avail == n) {
        for (uint32_t i = 0; i < n; ++i)
          if (!IsSub(stack_[c.stack_base + i], results[i])) [[unlikely]]
            return PopTypesFail(results);
        return true;
      }
      if (!c.unreachable) return PopTypesFail(results);
      return CheckTop(results);
    }
    return true;
  }

  // Label types of the branch target at `depth`; fails with "unknown label".
  bool CheckLabel(uint32_t depth) {
    CASCADE_CHECK(depth < control_.size(), Fail("unknown label"));
    return true;
  }

  // ------------------------------------------------------------- main loop
  bool Run(const BlockType& fn_type) {
    reader_ = Reader(module_.bytes.data(), module_.bytes.data() + body_.offset,
                     module_.bytes.data() + body_.end());
    if (!stack_) GrowStack();
    top_ = stack_;
    high_water_ = stack_;
    control_.clear();
    Control& f = control_.emplace_back();
    f.kind = ControlKind::kFunction;
    f.type = fn_type;
    f.pc = body_.offset;
    SyncBase();
    if (!const_expr_) iface_.OnFunctionStart(std::span<const ValType>(locals_));
    if (!DecodeLoop()) return false;
    return true;
  }

#if defined(__clang__)
  [[gnu::noinline]] bool DecodeLoop() {
#else
  [[gnu::noinline, gnu::noclone]] bool DecodeLoop() {
#endif
    // Constant expressions use a one-byte map in which every non-constant
    // instruction is kInvalid, so the hot loop has no extra test.
    const Opcode* map = const_expr_ ? decoder_detail::kConstExprOneByteOpcodes.data()
                                    : kOneByteOpcodes.data();
#if defined(__GNUC__) && !defined(CASCADE_NO_COMPUTED_GOTO)
    // Threaded dispatch (GNU computed goto): every instruction's code ends with
    // its own copy of the fetch and indirect jump, so the branch predictor sees
    // one jump site per instruction kind instead of a single shared one.
    static constexpr const void* kTargets[] = {
#define CASCADE_OPCODE(Name, prefix, code, text, Imm, sig, align) &&L_##Name,
#include "engine/opcodes.def"
#undef CASCADE_OPCODE
    };
#if !defined(__clang__)
    // GCC: first-byte dispatch tables, byte -> label of its one-byte instruction
    // or L_Slow (prefixes, illegal bytes and, in constant expressions, every
    // non-constant instruction). Built once from kTargets; sound because
    // DecodeLoop is noinline + noclone, so its labels exist exactly once.
    struct ByteTargets {
      const void* body[256];
      const void* const_expr[256];
    };
    static const ByteTargets kByteTargets = [](const void* const* targets, const void* slow) {
      ByteTargets t;
      for (int b = 0; b < 256; ++b) {
        Opcode op = kOneByteOpcodes[b];
        t.body[b] = op == Opcode::kInvalid ? slow : targets[static_cast<uint32_t>(op)];
        op = decoder_detail::kConstExprOneByteOpcodes[b];
        t.const_expr[b] = op == Opcode::kInvalid ? slow : targets[static_cast<uint32_t>(op)];
      }
      return t;
    }(kTargets, &&L_Slow);
    const void* const* byte_targets = const_expr_ ? kByteTargets.const_expr : kByteTargets.body;
    (void)map;
    Opcode op;
#define CASCADE_NEXT()                                        \
  do {                                                        \
    if (reader_.at_end()) [[unlikely]] goto done;             \
    op_pc_ = reader_.pc();                                    \
    reader_.advance(1);                                       \
    goto* byte_targets[*op_pc_];                              \
  } while (0)
#else
    // Clang: the byte -> Opcode map, then the per-opcode label table (only
    // static constant label tables, which stay valid if the function is copied).
    Opcode op;
#define CASCADE_NEXT()                                        \
  do {                                                        \
    if (reader_.at_end()) [[unlikely]] goto done;             \
    op_pc_ = reader_.pc();                                    \
    op = map[*op_pc_];                                        \
    reader_.advance(1);                                       \
    if (op == Opcode::kInvalid) [[unlikely]] goto L_Slow;     \
    goto* kTargets[static_cast<uint32_t>(op)];                \
  } while (0)
#endif
    CASCADE_NEXT();
  L_Slow:
    op = DecodePrefixOrFail(*op_pc_);
    if (op == Opcode::kInvalid) return false;
    goto* kTargets[static_cast<uint32_t>(op)];
#define CASCADE_OPCODE(Name, prefix, code, text, Imm, sig, align)                       \
  L_##Name:                                                                            \
    if (!Dispatch<Opcode::k##Name, ImmKind::k##Imm, ParseOpSignature(#sig),             \
                  (prefix) == kPrefixAtomic, align>()) [[unlikely]]                     \
      return false;                                                                    \
    CASCADE_NEXT();
#include "engine/opcodes.def"
#undef CASCADE_OPCODE
#undef CASCADE_NEXT
  done:
#else
    while (!reader_.at_end()) {
      op_pc_ = reader_.pc();
      uint8_t byte = *op_pc_;
      Opcode op = map[byte];
      reader_.advance(1);
      if (op == Opcode::kInvalid) [[unlikely]] {
        op = DecodePrefixOrFail(byte);
        if (op == Opcode::kInvalid) return false;
      }
      if (!DecodeOp(op)) return false;
    }
#endif
    if (!reader_.ok()) {
      if (reader_.error().message == "unexpected end") {
        Error e = reader_.error();
        reader_ = Reader(module_.bytes.data(), nullptr, nullptr);
        reader_.Fail(static_cast<uint32_t>(e.offset), "unexpected end of section or function");
      }
      return false;
    }
    if (control_.empty()) return true;  // the final `end` ended the body
    op_pc_ = reader_.pc();
    return Fail(MissingEndMessage());
  }

  // Slow path of the dispatch: prefixed opcodes, illegal opcodes, and opcodes
  // that a constant expression does not allow. Returns kInvalid after failing.
  [[gnu::noinline]] Opcode DecodePrefixOrFail(uint8_t byte) {
    Opcode op = kOneByteOpcodes[byte];
    if (byte >= kPrefixGC && byte <= kPrefixAtomic) {
      uint32_t sub = ReadU32();
      if (!reader_.ok()) return Opcode::kInvalid;
      op = LookupOpcode(byte, sub);
      if (op == Opcode::kInvalid) {
        Fail("illegal opcode " + HexByte(byte) + " " + std::to_string(sub));
        return Opcode::kInvalid;
      }
    } else if (op == Opcode::kInvalid) {
      Fail("illegal opcode " + HexByte(byte));
      return Opcode::kInvalid;
    }
    if (const_expr_ && !decoder_detail::IsConstantOpcode(op)) {
      Fail("constant expression required");
      return Opcode::kInvalid;
    }
    return op;
  }

  // The spec interpreter reads a body past its declared size when its `end` is
  // missing, so its message depends on what follows: another body ("END opcode
  // expected"), the end of the module ("unexpected end of section or
  // function"), or a following section ("section size mismatch").
  const char* MissingEndMessage() const {
    if (const_expr_) return "unexpected end of section or function";
    for (const SectionInfo& s : module_.sections) {
      if (s.id != SectionId::kCode) continue;
      if (s.range.end() != body_.end()) return "END opcode expected";
      return s.range.end() >= module_.bytes.size() ? "unexpected end of section or function"
                                                   : "section size mismatch";
    }
    return "unexpected end of section or function";
  }

  [[gnu::noinline, gnu::cold]] static std::string HexByte(uint32_t b) {
    static const char kHex[] = "0123456789abcdef";
    std::string s;
    s += kHex[(b >> 4) & 15];
    s += kHex[b & 15];
    return s;
  }

  [[gnu::always_inline]] bool DecodeOp(Opcode op);
  [[gnu::always_inline]] bool DecodeComplex(Opcode op);
  template <Opcode kOp, ImmKind kImm, OpSignature kSig, bool kAtomic, uint32_t kAlign>
  [[gnu::always_inline]] bool Dispatch();
  [[gnu::noinline]] bool DecodeTableDriven(Opcode op);
  bool DecodeSimple(Opcode op);
  bool DecodeMemoryAccess(Opcode op);
  [[gnu::noinline]] bool DecodeEnd();
  [[gnu::noinline]] bool DecodeBrTable();
  [[gnu::noinline]] bool DecodeTryTable();
  [[gnu::noinline]] bool DecodeCall(Opcode op);
  [[gnu::noinline]] bool DecodeTableOrMemory(Opcode op);
  [[gnu::noinline]] bool DecodeRefOp(Opcode op);
  [[gnu::noinline]] bool DecodeGC(Opcode op);
  [[gnu::noinline]] bool DecodeBrOnCast(Opcode op);
  [[gnu::noinline]] bool DecodeLegacyEH(Opcode op);
  [[gnu::noinline]] bool DecodeSimdImm(Opcode op);

  // Helpers for GC ops.
  bool CheckTypeKind(uint32_t typeidx, CompositeKind kind) {
    CASCADE_CHECK(typeidx < module_.types.size(), FailIndex("type", typeidx));
    CASCADE_CHECK(module_.types[typeidx].kind == kind, Fail("type mismatch"));
    return true;
  }
  // data.drop, memory.init, array.new_data, array.init_data: the index must be
  // below the data count, and the data count section must be present (spec
  // 5.5.16). Without it, an index that no data segment has is reported first.
  bool CheckDataIndex(uint32_t data) {
    uint32_t count = module_.has_data_count ? module_.data_count
                                            : static_cast<uint32_t>(module_.datas.size());
    CASCADE_CHECK(data < count, FailIndex("data segment", data));
    CASCADE_CHECK(module_.has_data_count, Fail("data count section required"));
    return true;
  }
  ValType RefOf(uint32_t typeidx, bool nullable) const {
    return ValType::Ref(HeapType::Index(typeidx), nullable);
  }
  // The top type of `h`'s hierarchy (any, func, extern, exn).
  HeapType::Abstract TopOf(HeapType h) const {
    if (h.is_index()) {
      switch (module_.types[h.index()].kind) {
        case CompositeKind::kFunc: return HeapType::kFunc;
        default: return HeapType::kAny;
      }
    }
    switch (h.abstract()) {
      case HeapType::kFunc: case HeapType::kNoFunc: return HeapType::kFunc;
      case HeapType::kExtern: case HeapType::kNoExtern: return HeapType::kExtern;
      case HeapType::kExn: case HeapType::kNoExn: return HeapType::kExn;
      case HeapType::kBottomHeap: return HeapType::kBottomHeap;
      default: return HeapType::kAny;
    }
  }

  const Module& module_;
  Interface& iface_;
  Reader reader_;
  ByteRange body_;
  const uint8_t* op_pc_ = nullptr;  // first byte of the instruction being decoded

  // Value stack: [stack_, top_) in use, capacity up to stack_end_. Pointers, not
  // indices, so that stores of ValType words cannot alias them.
  ValType* stack_ = nullptr;
  ValType* top_ = nullptr;
  ValType* stack_end_ = nullptr;
  ValType* high_water_ = nullptr;
  ValType* base_ = nullptr;  // stack_ + control_.back().stack_base
  std::vector<Control> control_;

  std::vector<ValType> locals_;
  uint32_t num_params_ = 0;
  bool track_init_ = false;
  std::vector<uint8_t> local_init_;
  std::vector<uint32_t> init_log_;

  bool const_expr_ = false;
  uint32_t num_visible_globals_ = 0;
  ValType const_result_;
  std::vector<uint32_t> br_targets_;  // scratch for br_table
  std::vector<CatchClause> catches_;  // scratch for try_table
};

// ===================================================================== body
template <typename P, typename I>
inline bool FunctionDecoder<P, I>::DecodeComplex(Opcode op) {
  switch (op) {
    // ------------------------------------------------------------ control
    case Opcode::kUnreachable:
      CASCADE_CALL(OnUnreachable);
      SetUnreachable();
      return true;
    case Opcode::kNop:
      CASCADE_CALL(OnNop);
      return true;
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf: {
      BlockType bt;
      if (!ReadBlockType(&bt)) return false;
      if (op == Opcode::kIf) Pop(kWasmI32);
      if (!reader_.ok()) return false;
      ControlKind kind = op == Opcode::kBlock  ? ControlKind::kBlock
                         : op == Opcode::kLoop ? ControlKind::kLoop
                                               : ControlKind::kIf;
      if (!PushControl(kind, bt)) return false;
      Control& c = control_.back();
      if (!c.dead) {
        if (op == Opcode::kBlock) iface_.OnBlock(c);
        else if (op == Opcode::kLoop) iface_.OnLoop(c);
        else iface_.OnIf(c);
      }
      return true;
    }
    case Opcode::kElse: {
      Control& c = control_.back();
      CASCADE_CHECK(c.kind == ControlKind::kIf, Fail("else without matching if"));
      if (!CheckBlockEnd(c)) return false;
      top_ = stack_ + c.stack_base;
      ResetInits(c.init_base);
      c.kind = ControlKind::kElse;
      c.unreachable = false;
      PushTypes(c.type.params());
      if (!c.dead) iface_.OnElse(c);
      return true;
    }
    case Opcode::kEnd:
      return DecodeEnd();
    case Opcode::kBr: {
      uint32_t depth = ReadU32();
      if (!CheckLabel(depth)) return false;
      if (!CheckTop(control_at(depth).label_types())) return false;
      CASCADE_CALL(OnBr, depth);
      SetUnreachable();
      return true;
    }
    case Opcode::kBrIf: {
      uint32_t depth = ReadU32();
      if (!CheckLabel(depth)) return false;
      Pop(kWasmI32);
      auto types = control_at(depth).label_types();
      if (!PopTypes(types)) return false;
      CASCADE_CALL(OnBrIf, depth);
      PushTypes(types);
      return true;
    }
    case Opcode::kBrTable:
      return DecodeBrTable();
    case Opcode::kReturn: {
      if (!CheckTop(control_[0].type.results())) return false;
      CASCADE_CALL(OnReturn);
      SetUnreachable();
      return true;
    }
    case Opcode::kCall:
    case Opcode::kReturnCall:
    case Opcode::kCallIndirect:
    case Opcode::kReturnCallIndirect:
    case Opcode::kCallRef:
    case Opcode::kReturnCallRef:
      return DecodeCall(op);
    case Opcode::kThrow: {
      uint32_t tag = ReadU32();
      CASCADE_CHECK(tag < module_.tags.size(), FailIndex("tag", tag));
      const SubType& t = module_.types[module_.tags[tag].type_index];
      if (!PopTypes(module_.params(t))) return false;
      CASCADE_CALL(OnThrow, tag);
      SetUnreachable();
      return true;
    }
    case Opcode::kThrowRef:
      Pop(kWasmExnRef);
      CASCADE_CALL(OnThrowRef);
      SetUnreachable();
      return true;
    case Opcode::kTryTable:
      return DecodeTryTable();
    case Opcode::kTry:
    case Opcode::kCatch:
    case Opcode::kCatchAll:
    case Opcode::kRethrow:
    case Opcode::kDelegate:
      return DecodeLegacyEH(op);

    // ---------------------------------------------------------- parametric
    case Opcode::kDrop: {
      ValType t = PopAny();
      CASCADE_CALL(OnDrop, t);
      return true;
    }
    case Opcode::kSelect: {
      Pop(kWasmI32);
      ValType b = PopAny();
      ValType a = PopAny();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(!a.is_ref() && !b.is_ref(), Fail("type mismatch"));
      ValType t = a.is_bottom() ? b : a;
      CASCADE_CHECK(a.is_bottom() || b.is_bottom() || a == b, Fail("type mismatch"));
      CASCADE_CALL(OnSelect, t);
      Push(t);
      return true;
    }
    case Opcode::kSelectT: {
      uint32_t n = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(n == 1, Fail("invalid result arity"));
      ValType t = decoder_detail::ReadValType(reader_, module_);
      if (!reader_.ok()) return false;
      Pop(kWasmI32);
      Pop(t);
      Pop(t);
      CASCADE_CALL(OnSelect, t);
      Push(t);
      return true;
    }

    // ------------------------------------------------------------ variable
    case Opcode::kLocalGet: {
      uint32_t idx = ReadU32();
      CASCADE_CHECK(idx < locals_.size(), FailIndex("local", idx));
      if constexpr (kValidate) {
        if (track_init_ && !local_init_[idx]) [[unlikely]]
          return Fail("uninitialized local");
      }
      ValType t = locals_[idx];
      CASCADE_CALL(OnLocalGet, idx, t);
      Push(t);
      return true;
    }
    case Opcode::kLocalSet:
    case Opcode::kLocalTee: {
      uint32_t idx = ReadU32();
      CASCADE_CHECK(idx < locals_.size(), FailIndex("local", idx));
      ValType t = locals_[idx];
      Pop(t);
      MarkInit(idx);
      if (op == Opcode::kLocalSet) {
        CASCADE_CALL(OnLocalSet, idx, t);
      } else {
        CASCADE_CALL(OnLocalTee, idx, t);
        Push(t);
      }
      return true;
    }
    case Opcode::kGlobalGet: {
      uint32_t idx = ReadU32();
      if (const_expr_) {
        CASCADE_CHECK(idx < num_visible_globals_, FailIndex("global", idx));
        CASCADE_CHECK(!module_.globals[idx].mut, Fail("constant expression required"));
      }
      CASCADE_CHECK(idx < module_.globals.size(), FailIndex("global", idx));
      ValType t = module_.globals[idx].type;
      CASCADE_CALL(OnGlobalGet, idx, t);
      Push(t);
      return true;
    }
    case Opcode::kGlobalSet: {
      uint32_t idx = ReadU32();
      CASCADE_CHECK(idx < module_.globals.size(), FailIndex("global", idx));
      CASCADE_CHECK(module_.globals[idx].mut, Fail("immutable global"));
      ValType t = module_.globals[idx].type;
      Pop(t);
      CASCADE_CALL(OnGlobalSet, idx, t);
      return true;
    }

    // ------------------------------------------------------------- constants
    case Opcode::kI32Const: {
      int32_t v = ReadS32();
      CASCADE_CALL(OnI32Const, v);
      Push(kWasmI32);
      return true;
    }
    case Opcode::kI64Const: {
      int64_t v = ReadS64();
      CASCADE_CALL(OnI64Const, v);
      Push(kWasmI64);
      return true;
    }
    case Opcode::kF32Const: {
      uint32_t v = reader_.fixed_u32();
      CASCADE_CALL(OnF32Const, v);
      Push(kWasmF32);
      return true;
    }
    case Opcode::kF64Const: {
      uint64_t v = reader_.fixed_u64();
      CASCADE_CALL(OnF64Const, v);
      Push(kWasmF64);
      return true;
    }

    // ------------------------------------------------- tables and memories
    case Opcode::kTableGet:
    case Opcode::kTableSet:
    case Opcode::kTableSize:
    case Opcode::kTableGrow:
    case Opcode::kTableFill:
    case Opcode::kTableCopy:
    case Opcode::kTableInit:
    case Opcode::kElemDrop:
    case Opcode::kMemorySize:
    case Opcode::kMemoryGrow:
    case Opcode::kMemoryFill:
    case Opcode::kMemoryCopy:
    case Opcode::kMemoryInit:
    case Opcode::kDataDrop:
      return DecodeTableOrMemory(op);

    // ------------------------------------------------------------ references
    case Opcode::kRefNull:
    case Opcode::kRefIsNull:
    case Opcode::kRefFunc:
    case Opcode::kRefEq:
    case Opcode::kRefAsNonNull:
    case Opcode::kBrOnNull:
    case Opcode::kBrOnNonNull:
    case Opcode::kRefTest:
    case Opcode::kRefTestNull:
    case Opcode::kRefCast:
    case Opcode::kRefCastNull:
      return DecodeRefOp(op);
    case Opcode::kBrOnCast:
    case Opcode::kBrOnCastFail:
      return DecodeBrOnCast(op);
    case Opcode::kStructNew:
    case Opcode::kStructNewDefault:
    case Opcode::kStructGet:
    case Opcode::kStructGetS:
    case Opcode::kStructGetU:
    case Opcode::kStructSet:
    case Opcode::kArrayNew:
    case Opcode::kArrayNewDefault:
    case Opcode::kArrayNewFixed:
    case Opcode::kArrayNewData:
    case Opcode::kArrayNewElem:
    case Opcode::kArrayGet:
    case Opcode::kArrayGetS:
    case Opcode::kArrayGetU:
    case Opcode::kArraySet:
    case Opcode::kArrayLen:
    case Opcode::kArrayFill:
    case Opcode::kArrayCopy:
    case Opcode::kArrayInitData:
    case Opcode::kArrayInitElem:
    case Opcode::kAnyConvertExtern:
    case Opcode::kExternConvertAny:
    case Opcode::kRefI31:
    case Opcode::kI31GetS:
    case Opcode::kI31GetU:
      return DecodeGC(op);

    // ------------------------------------------------------------------ SIMD
    case Opcode::kV128Const:
    case Opcode::kI8x16Shuffle:
      return DecodeSimdImm(op);
    case Opcode::kAtomicFence: {
      uint8_t zero = reader_.u8();
      CASCADE_CHECK(!reader_.ok() || zero == 0, Fail("zero byte expected"));
      CASCADE_CALL(OnAtomicFence);
      return true;
    }

    default:
      break;
  }
  return DecodeTableDriven(op);
}

// Every opcode's case, generated from opcodes.def. Instructions with a fixed
// signature are type-checked with compile-time operand types; the others go to
// DecodeComplex, inlined with a constant opcode so its switch folds away.
template <typename P, typename I>
inline bool FunctionDecoder<P, I>::DecodeOp(Opcode op) {
  switch (op) {
#define CASCADE_OPCODE(Name, prefix, code, text, Imm, sig, align)        \
  case Opcode::k##Name:                                                  \
    return Dispatch<Opcode::k##Name, ImmKind::k##Imm, ParseOpSignature(#sig), \
                    (prefix) == kPrefixAtomic, align>();
#include "engine/opcodes.def"
#undef CASCADE_OPCODE
    default:
      return Fail("illegal opcode");
  }
}

template <typename P, typename I>
template <Opcode kOp, ImmKind kImm, OpSignature kSig, bool kAtomic, uint32_t kAlign>
[[gnu::always_inline]] inline bool FunctionDecoder<P, I>::Dispatch() {
  constexpr bool kFixed = kSig.num_params + kSig.num_results > 0;
  if constexpr (kImm == ImmKind::kNone && kFixed && kSig.num_results == 1 &&
                kSig.num_params == 2) {
    constexpr ValType p0(static_cast<ValType::Kind>(kSig.params[0]));
    constexpr ValType p1(static_cast<ValType::Kind>(kSig.params[1]));
    constexpr ValType r(static_cast<ValType::Kind>(kSig.results[0]));
    if (top_ - base_ >= 2 && top_[-2] == p0 && top_[-1] == p1) [[likely]] {
      --top_;
      CASCADE_CALL(OnSimpleOp, kOp);
      top_[-1] = r;
      return true;
    }
    return DecodeTableDriven(kOp);
  } else if constexpr (kImm == ImmKind::kNone && kFixed && kSig.num_results == 1 &&
                       kSig.num_params == 1) {
    constexpr ValType p0(static_cast<ValType::Kind>(kSig.params[0]));
    constexpr ValType r(static_cast<ValType::Kind>(kSig.results[0]));
    if (top_ > base_ && top_[-1] == p0) [[likely]] {
      CASCADE_CALL(OnSimpleOp, kOp);
      top_[-1] = r;
      return true;
    }
    return DecodeTableDriven(kOp);
  } else if constexpr (kImm == ImmKind::kMemarg && !kAtomic && kSig.num_params == 1) {
    // Loads: [addr] -> [t].
    MemArg m;
    if (!ReadMemArg(&m, kAlign, false)) return false;
    ValType addr = MemAddr(m.memidx);
    constexpr ValType r(static_cast<ValType::Kind>(kSig.results[0]));
    if (top_ > base_ && top_[-1] == addr) [[likely]] {
      CASCADE_CALL(OnLoad, kOp, m, r);
      top_[-1] = r;
      return true;
    }
    Pop(addr);
    if (!reader_.ok()) return false;
    CASCADE_CALL(OnLoad, kOp, m, r);
    Push(r);
    return true;
  } else if constexpr (kImm == ImmKind::kMemarg && !kAtomic && kSig.num_params == 2 &&
                       kSig.num_results == 0) {
    // Stores: [addr t] -> [].
    MemArg m;
    if (!ReadMemArg(&m, kAlign, false)) return false;
    ValType addr = MemAddr(m.memidx);
    constexpr ValType v(static_cast<ValType::Kind>(kSig.params[1]));
    if (top_ - base_ >= 2 && top_[-2] == addr && top_[-1] == v) [[likely]] {
      top_ -= 2;
      CASCADE_CALL(OnStore, kOp, m);
      return true;
    }
    Pop(v);
    Pop(addr);
    if (!reader_.ok()) return false;
    CASCADE_CALL(OnStore, kOp, m);
    return true;
  } else if constexpr (kImm == ImmKind::kNone && kFixed) {
    return DecodeTableDriven(kOp);
  } else if constexpr (kImm == ImmKind::kMemarg || kImm == ImmKind::kMemargLane ||
                       kImm == ImmKind::kLane) {
    return DecodeTableDriven(kOp);
  } else {
    return DecodeComplex(kOp);
  }
}

// Instructions typed by the opcode table alone: numeric/vector ops in their
// general form (polymorphic stack, mismatches), memory accesses with memarg,
// and lane ops.
template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeTableDriven(Opcode op) {
  const OpcodeInfo& info = GetOpcodeInfo(op);
  if (info.imm == ImmKind::kNone) return DecodeSimple(op);
  if (info.imm == ImmKind::kMemarg || info.imm == ImmKind::kMemargLane)
    return DecodeMemoryAccess(op);
  if (info.imm == ImmKind::kLane) {
    uint32_t lane = ReadLane(decoder_detail::LaneCount(op));
    if (!reader_.ok()) return false;
    const OpSignature& s = info.sig;
    for (int i = s.num_params; i-- > 0;) Pop(ValType(static_cast<ValType::Kind>(s.params[i])));
    CASCADE_CALL(OnSimdLane, op, lane);
    Push(ValType(static_cast<ValType::Kind>(s.results[0])));
    return true;
  }
  return Fail("illegal opcode");
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeSimple(Opcode op) {
  const OpSignature& s = GetOpcodeInfo(op).sig;
  // Fast path: [t1 t2] -> [r] and [t] -> [r] with exactly matching operands
  // (nearly every numeric and vector instruction).
  if (s.num_results == 1) [[likely]] {
    ptrdiff_t avail = top_ - base_;
    ValType r(static_cast<ValType::Kind>(s.results[0]));
    if (s.num_params == 2) {
      if (avail >= 2 && top_[-2] == ValType(static_cast<ValType::Kind>(s.params[0])) &&
          top_[-1] == ValType(static_cast<ValType::Kind>(s.params[1]))) [[likely]] {
        --top_;
        CASCADE_CALL(OnSimpleOp, op);
        top_[-1] = r;
        return true;
      }
    } else if (s.num_params == 1) {
      if (avail >= 1 && top_[-1] == ValType(static_cast<ValType::Kind>(s.params[0]))) [[likely]] {
        CASCADE_CALL(OnSimpleOp, op);
        top_[-1] = r;
        return true;
      }
    }
  }
  for (int i = s.num_params; i-- > 0;) Pop(ValType(static_cast<ValType::Kind>(s.params[i])));
  if (!reader_.ok()) return false;
  CASCADE_CALL(OnSimpleOp, op);
  for (uint32_t i = 0; i < s.num_results; ++i)
    Push(ValType(static_cast<ValType::Kind>(s.results[i])));
  return true;
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeMemoryAccess(Opcode op) {
  const OpcodeInfo& info = GetOpcodeInfo(op);
  MemArg m;
  bool atomic = info.prefix == kPrefixAtomic;
  if (!ReadMemArg(&m, info.align_log2, atomic)) return false;
  uint32_t lane = 0;
  if (info.imm == ImmKind::kMemargLane) {
    lane = ReadLane(16u >> info.align_log2);
    if (!reader_.ok()) return false;
  }
  ValType addr = MemAddr(m.memidx);
  const OpSignature& s = info.sig;
  ValType result = s.num_results ? SigType(s.results[0], addr) : kWasmVoid;
  // Fast paths: plain loads [addr] -> [t] and stores [addr t] -> [].
  if (!atomic && info.imm == ImmKind::kMemarg) [[likely]] {
    if (s.num_params == 1 && top_ > base_ && top_[-1] == addr) {
      CASCADE_CALL(OnLoad, op, m, result);
      top_[-1] = result;
      return true;
    }
    if (s.num_params == 2 && top_ - base_ >= 2 && top_[-2] == addr &&
        top_[-1] == ValType(static_cast<ValType::Kind>(s.params[1]))) {
      top_ -= 2;
      CASCADE_CALL(OnStore, op, m);
      return true;
    }
  }
  for (int i = s.num_params; i-- > 0;) Pop(SigType(s.params[i], addr));
  if (!reader_.ok()) return false;
  if (atomic) {
    CASCADE_CALL(OnAtomic, op, m);
  } else if (info.imm == ImmKind::kMemargLane) {
    if (s.num_results) CASCADE_CALL(OnLoadLane, op, m, lane);
    else CASCADE_CALL(OnStoreLane, op, m, lane);
  } else if (s.num_results) {
    CASCADE_CALL(OnLoad, op, m, result);
  } else {
    CASCADE_CALL(OnStore, op, m);
  }
  if (s.num_results) Push(result);
  return true;
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeEnd() {
  Control& c = control_.back();
  if (c.kind == ControlKind::kTry) {
    // A legacy `try` without catches behaves like a block.
  }
  if (c.kind == ControlKind::kIf) {
    // `if` without `else`: the implicit else passes the params through.
    if constexpr (kValidate) {
      auto params = c.type.params();
      auto results = c.type.results();
      bool ok = params.size() == results.size();
      for (size_t i = 0; ok && i < params.size(); ++i) ok = IsSub(params[i], results[i]);
      if (!ok) {
        if (!CheckBlockEnd(c)) return false;
        return Fail("type mismatch: else branch requires " +
                    decoder_detail::TypeList(results.data(), results.size()) +
                    " but if params are " +
                    decoder_detail::TypeList(params.data(), params.size()));
      }
    }
  }
  if (!CheckBlockEnd(c)) return false;
  if (!c.dead) {
    if (c.kind == ControlKind::kFunction) {
      if (!const_expr_) iface_.OnFunctionEnd();
    } else {
      iface_.OnEnd(c);
    }
  }
  ResetInits(c.init_base);
  top_ = stack_ + c.stack_base;
  BlockType bt = c.type;
  bool is_function = c.kind == ControlKind::kFunction;
  control_.pop_back();
  if (!is_function) SyncBase();
  if (is_function) {
    // The function's (or constant expression's) final `end` must be its last byte.
    if (!reader_.at_end()) {
      op_pc_ = reader_.pc();
      return Fail(const_expr_ ? "constant expression required" : "END opcode expected");
    }
    return true;
  }
  PushTypes(bt.results());
  return true;
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeBrTable() {
  uint32_t count = ReadU32();
  if (!reader_.ok()) return false;
  CASCADE_CHECK(count <= reader_.remaining(), Fail("unexpected end of section or function"));
  br_targets_.resize(count);
  for (uint32_t i = 0; i < count; ++i) br_targets_[i] = ReadU32();
  uint32_t def = ReadU32();
  if (!reader_.ok()) return false;
  Pop(kWasmI32);
  if (!reader_.ok()) return false;
  if constexpr (kValidate) {
    if (!CheckLabel(def)) return false;
    size_t arity = control_at(def).label_types().size();
    if (!CheckTop(control_at(def).label_types())) return false;
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t d = br_targets_[i];
      if (!CheckLabel(d)) return false;
      auto types = control_at(d).label_types();
      CASCADE_CHECK(types.size() == arity, Fail("type mismatch"));
      if (!CheckTop(types)) return false;
    }
  }
  CASCADE_CALL(OnBrTable, std::span<const uint32_t>(br_targets_), def);
  SetUnreachable();
  return true;
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeTryTable() {
  BlockType bt;
  if (!ReadBlockType(&bt)) return false;
  uint32_t count = ReadU32();
  if (!reader_.ok()) return false;
  CASCADE_CHECK(count <= reader_.remaining(), Fail("unexpected end of section or function"));
  catches_.clear();
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t kind = reader_.u8();
    CASCADE_CHECK(!reader_.ok() || kind <= 3, Fail("malformed catch clause"));
    CatchClause cc;
    cc.kind = static_cast<CatchClause::Kind>(kind);
    cc.tagidx = kind <= CatchClause::kCatchRef ? ReadU32() : 0;
    cc.depth = ReadU32();
    if (!reader_.ok()) return false;
    if constexpr (kValidate) {
      if (!CheckLabel(cc.depth)) return false;
      // The values the clause delivers to its label.
      std::vector<ValType> delivered;
      if (kind <= CatchClause::kCatchRef) {
        CASCADE_CHECK(cc.tagidx < module_.tags.size(), FailIndex("tag", cc.tagidx));
        auto p = module_.params(module_.types[module_.tags[cc.tagidx].type_index]);
        delivered.assign(p.begin(), p.end());
      }
      if (kind == CatchClause::kCatchRef || kind == CatchClause::kCatchAllRef)
        delivered.push_back(ValType::Ref(HeapType::kExn, false));
      auto label = control_at(cc.depth).label_types();
      bool ok = label.size() == delivered.size();
      for (size_t j = 0; ok && j < label.size(); ++j) ok = IsSub(delivered[j], label[j]);
      CASCADE_CHECK(ok, Fail("type mismatch"));
    }
    catches_.push_back(cc);
  }
  if (!PushControl(ControlKind::kTryTable, bt)) return false;
  Control& c = control_.back();
  if (!c.dead) iface_.OnTryTable(c, std::span<const CatchClause>(catches_));
  return true;
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeLegacyEH(Opcode op) {
  switch (op) {
    case Opcode::kTry: {
      BlockType bt;
      if (!ReadBlockType(&bt)) return false;
      if (!PushControl(ControlKind::kTry, bt)) return false;
      Control& c = control_.back();
      if (!c.dead) iface_.OnTry(c);
      return true;
    }
    case Opcode::kCatch:
    case Opcode::kCatchAll: {
      uint32_t tag = op == Opcode::kCatch ? ReadU32() : 0;
      if (!reader_.ok()) return false;
      Control& c = control_.back();
      CASCADE_CHECK(c.kind == ControlKind::kTry || c.kind == ControlKind::kCatch,
                    Fail(op == Opcode::kCatch ? "catch without matching try"
                                              : "catch_all without matching try"));
      if (op == Opcode::kCatch)
        CASCADE_CHECK(tag < module_.tags.size(), FailIndex("tag", tag));
      if (!CheckBlockEnd(c)) return false;
      top_ = stack_ + c.stack_base;
      ResetInits(c.init_base);
      c.unreachable = false;
      if (op == Opcode::kCatch) {
        c.kind = ControlKind::kCatch;
        PushTypes(module_.params(module_.types[module_.tags[tag].type_index]));
        if (!c.dead) iface_.OnCatch(c, tag);
      } else {
        c.kind = ControlKind::kCatchAll;
        if (!c.dead) iface_.OnCatchAll(c);
      }
      return true;
    }
    case Opcode::kRethrow: {
      uint32_t depth = ReadU32();
      if (!CheckLabel(depth)) return false;
      ControlKind k = control_at(depth).kind;
      CASCADE_CHECK(k == ControlKind::kCatch || k == ControlKind::kCatchAll,
                    Fail("invalid rethrow label"));
      CASCADE_CALL(OnRethrow, depth);
      SetUnreachable();
      return true;
    }
    case Opcode::kDelegate: {
      uint32_t depth = ReadU32();
      if (!reader_.ok()) return false;
      Control& c = control_.back();
      CASCADE_CHECK(c.kind == ControlKind::kTry, Fail("delegate without matching try"));
      // The label is relative to the block enclosing the try.
      CASCADE_CHECK(depth + 1 < control_.size(), Fail("unknown label"));
      if (!CheckBlockEnd(c)) return false;
      if (!c.dead) iface_.OnDelegate(c, depth);
      ResetInits(c.init_base);
      top_ = stack_ + c.stack_base;
      BlockType bt = c.type;
      control_.pop_back();
      SyncBase();
      PushTypes(bt.results());
      return true;
    }
    default:
      return Fail("illegal opcode");
  }
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeCall(Opcode op) {
  bool tail = op == Opcode::kReturnCall || op == Opcode::kReturnCallIndirect ||
              op == Opcode::kReturnCallRef;
  uint32_t typeidx = 0, index = 0;
  switch (op) {
    case Opcode::kCall:
    case Opcode::kReturnCall:
      index = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(index < module_.funcs.size(), FailIndex("function", index));
      typeidx = module_.funcs[index].type_index;
      break;
    case Opcode::kCallIndirect:
    case Opcode::kReturnCallIndirect:
      typeidx = ReadU32();
      index = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(index < module_.tables.size(), FailIndex("table", index));
      CASCADE_CHECK(typeidx < module_.types.size() &&
                        module_.types[typeidx].kind == CompositeKind::kFunc,
                    FailIndex("type", typeidx));
      CASCADE_CHECK(IsSub(module_.tables[index].elem_type, kWasmFuncRef),
                    Fail("type mismatch"));
      Pop(TableAddr(index));
      break;
    default:  // call_ref, return_call_ref
      typeidx = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(typeidx < module_.types.size() &&
                        module_.types[typeidx].kind == CompositeKind::kFunc,
                    FailIndex("type", typeidx));
      Pop(RefOf(typeidx, true));
      break;
  }
  const SubType& sig = module_.types[typeidx];
  if (!PopTypes(module_.params(sig))) return false;
  if (tail) {
    if constexpr (kValidate) {
      auto callee = module_.results(sig);
      auto caller = control_[0].type.results();
      bool ok = callee.size() == caller.size();
      for (size_t i = 0; ok && i < callee.size(); ++i) ok = IsSub(callee[i], caller[i]);
      CASCADE_CHECK(ok, Fail("type mismatch"));
    }
  }
  if (op == Opcode::kCall || op == Opcode::kReturnCall) {
    CASCADE_CALL(OnCall, index, tail);
  } else if (op == Opcode::kCallIndirect || op == Opcode::kReturnCallIndirect) {
    CASCADE_CALL(OnCallIndirect, typeidx, index, tail);
  } else {
    CASCADE_CALL(OnCallRef, typeidx, tail);
  }
  if (tail) {
    SetUnreachable();
  } else {
    PushTypes(module_.results(sig));
  }
  return true;
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeTableOrMemory(Opcode op) {
  switch (op) {
    case Opcode::kTableGet:
    case Opcode::kTableSet:
    case Opcode::kTableSize:
    case Opcode::kTableGrow:
    case Opcode::kTableFill: {
      uint32_t t = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(t < module_.tables.size(), FailIndex("table", t));
      ValType at = TableAddr(t), et = module_.tables[t].elem_type;
      if (op == Opcode::kTableGet) {
        Pop(at);
      } else if (op == Opcode::kTableSet) {
        Pop(et);
        Pop(at);
      } else if (op == Opcode::kTableGrow) {
        Pop(at);
        Pop(et);
      } else if (op == Opcode::kTableFill) {
        Pop(at);
        Pop(et);
        Pop(at);
      }
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnTableOp, op, t, 0u);
      if (op == Opcode::kTableGet) Push(et);
      else if (op == Opcode::kTableSize || op == Opcode::kTableGrow) Push(at);
      return true;
    }
    case Opcode::kTableCopy: {
      uint32_t dst = ReadU32(), src = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(dst < module_.tables.size(), FailIndex("table", dst));
      CASCADE_CHECK(src < module_.tables.size(), FailIndex("table", src));
      CASCADE_CHECK(IsSub(module_.tables[src].elem_type, module_.tables[dst].elem_type),
                    Fail("type mismatch"));
      ValType ad = TableAddr(dst), as = TableAddr(src);
      Pop(ad == kWasmI64 && as == kWasmI64 ? kWasmI64 : kWasmI32);
      Pop(as);
      Pop(ad);
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnTableOp, op, dst, src);
      return true;
    }
    case Opcode::kTableInit: {
      uint32_t elem = ReadU32(), t = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(t < module_.tables.size(), FailIndex("table", t));
      CASCADE_CHECK(elem < module_.elems.size(), FailIndex("elem segment", elem));
      CASCADE_CHECK(IsSub(module_.elems[elem].elem_type, module_.tables[t].elem_type),
                    Fail("type mismatch"));
      Pop(kWasmI32);
      Pop(kWasmI32);
      Pop(TableAddr(t));
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnTableOp, op, t, elem);
      return true;
    }
    case Opcode::kElemDrop: {
      uint32_t elem = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(elem < module_.elems.size(), FailIndex("elem segment", elem));
      CASCADE_CALL(OnTableOp, op, 0u, elem);
      return true;
    }
    case Opcode::kMemorySize:
    case Opcode::kMemoryGrow:
    case Opcode::kMemoryFill: {
      uint32_t m = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(m < module_.memories.size(), FailIndex("memory", m));
      ValType at = MemAddr(m);
      if (op == Opcode::kMemoryGrow) {
        Pop(at);
      } else if (op == Opcode::kMemoryFill) {
        Pop(at);
        Pop(kWasmI32);
        Pop(at);
      }
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnMemoryOp, op, m, 0u);
      if (op != Opcode::kMemoryFill) Push(at);
      return true;
    }
    case Opcode::kMemoryCopy: {
      uint32_t dst = ReadU32(), src = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(dst < module_.memories.size(), FailIndex("memory", dst));
      CASCADE_CHECK(src < module_.memories.size(), FailIndex("memory", src));
      ValType ad = MemAddr(dst), as = MemAddr(src);
      Pop(ad == kWasmI64 && as == kWasmI64 ? kWasmI64 : kWasmI32);
      Pop(as);
      Pop(ad);
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnMemoryOp, op, dst, src);
      return true;
    }
    case Opcode::kMemoryInit: {
      uint32_t data = ReadU32(), m = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(m < module_.memories.size(), FailIndex("memory", m));
      if (!CheckDataIndex(data)) return false;
      Pop(kWasmI32);
      Pop(kWasmI32);
      Pop(MemAddr(m));
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnMemoryOp, op, m, data);
      return true;
    }
    case Opcode::kDataDrop: {
      uint32_t data = ReadU32();
      if (!reader_.ok()) return false;
      if (!CheckDataIndex(data)) return false;
      CASCADE_CALL(OnMemoryOp, op, 0u, data);
      return true;
    }
    default:
      return Fail("illegal opcode");
  }
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeRefOp(Opcode op) {
  switch (op) {
    case Opcode::kRefNull: {
      HeapType h;
      if (!decoder_detail::ReadHeapType(reader_, module_, &h)) return false;
      ValType t = ValType::Ref(h, true);
      CASCADE_CALL(OnRefNull, t);
      Push(t);
      return true;
    }
    case Opcode::kRefIsNull: {
      ValType t = PopAny();
      CASCADE_CHECK(t.is_ref() || t.is_bottom(), Fail("type mismatch"));
      CASCADE_CALL(OnRefIsNull, t);
      Push(kWasmI32);
      return true;
    }
    case Opcode::kRefFunc: {
      uint32_t f = ReadU32();
      if (!reader_.ok()) return false;
      CASCADE_CHECK(f < module_.funcs.size(), FailIndex("function", f));
      CASCADE_CHECK(const_expr_ || module_.funcs[f].declared,
                    Fail("undeclared function reference"));
      CASCADE_CALL(OnRefFunc, f);
      Push(RefOf(module_.funcs[f].type_index, false));
      return true;
    }
    case Opcode::kRefEq: {
      Pop(kWasmEqRef);
      Pop(kWasmEqRef);
      CASCADE_CALL(OnRefEq);
      Push(kWasmI32);
      return true;
    }
    case Opcode::kRefAsNonNull: {
      ValType t = PopAny();
      CASCADE_CHECK(t.is_ref() || t.is_bottom(), Fail("type mismatch"));
      CASCADE_CALL(OnRefAsNonNull, t);
      Push(t.is_ref() ? t.as_nullable(false) : t);
      return true;
    }
    case Opcode::kBrOnNull: {
      uint32_t depth = ReadU32();
      if (!CheckLabel(depth)) return false;
      ValType t = PopAny();
      CASCADE_CHECK(t.is_ref() || t.is_bottom(), Fail("type mismatch"));
      // The values under the reference take the label's types (pop and push,
      // so that subtyping is applied; spec 3.3.x, gc issue 516).
      auto label = control_at(depth).label_types();
      if (!PopTypes(label)) return false;
      PushTypes(label);
      CASCADE_CALL(OnBrOnNull, depth, t);
      Push(t.is_ref() ? t.as_nullable(false) : t);
      return true;
    }
    case Opcode::kBrOnNonNull: {
      uint32_t depth = ReadU32();
      if (!CheckLabel(depth)) return false;
      ValType t = PopAny();
      CASCADE_CHECK(t.is_ref() || t.is_bottom(), Fail("type mismatch"));
      auto label = control_at(depth).label_types();
      CASCADE_CHECK(!label.empty() && label.back().is_ref(), Fail("type mismatch"));
      if constexpr (kValidate) {
        ValType nn = t.is_ref() ? t.as_nullable(false) : t;
        CASCADE_CHECK(IsSub(nn, label.back()), Fail("type mismatch"));
      }
      if (!label.empty()) {
        if (!PopTypes(label.first(label.size() - 1))) return false;
        PushTypes(label.first(label.size() - 1));
      }
      CASCADE_CALL(OnBrOnNonNull, depth, t);
      return true;
    }
    default: {  // ref.test, ref.cast (+ nullable variants)
      bool nullable = op == Opcode::kRefTestNull || op == Opcode::kRefCastNull;
      HeapType h;
      if (!decoder_detail::ReadHeapType(reader_, module_, &h)) return false;
      ValType target = ValType::Ref(h, nullable);
      ValType t = PopAny();
      if constexpr (kValidate) {
        CASCADE_CHECK(t.is_ref() || t.is_bottom(), Fail("type mismatch"));
        CASCADE_CHECK(t.is_bottom() || TopOf(t.heap_type()) == TopOf(h) ||
                          t.heap_type() == HeapType(HeapType::kBottomHeap),
                      Fail("type mismatch"));
      }
      if (op == Opcode::kRefTest || op == Opcode::kRefTestNull) {
        CASCADE_CALL(OnRefTest, op, t, target);
        Push(kWasmI32);
      } else {
        CASCADE_CALL(OnRefCast, op, t, target);
        Push(target);
      }
      return true;
    }
  }
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeBrOnCast(Opcode op) {
  uint8_t flags = reader_.u8();
  uint32_t depth = ReadU32();
  if (!reader_.ok()) return false;
  CASCADE_CHECK(flags <= 3, Fail("invalid br_on_cast flags"));
  HeapType h1, h2;
  if (!decoder_detail::ReadHeapType(reader_, module_, &h1)) return false;
  if (!decoder_detail::ReadHeapType(reader_, module_, &h2)) return false;
  if (!CheckLabel(depth)) return false;
  ValType rt1 = ValType::Ref(h1, flags & 1), rt2 = ValType::Ref(h2, (flags & 2) != 0);
  CASCADE_CHECK(IsSub(rt2, rt1), Fail("type mismatch"));
  Pop(rt1);
  if (!reader_.ok()) return false;
  // Difference type rt1 \ rt2: non-null when rt2 catches null.
  ValType diff = rt2.is_nullable() ? rt1.as_nullable(false) : rt1;
  ValType to_label = op == Opcode::kBrOnCast ? rt2 : diff;
  ValType fallthrough = op == Opcode::kBrOnCast ? diff : rt2;
  if constexpr (kValidate) {
    auto label = control_at(depth).label_types();
    CASCADE_CHECK(!label.empty() && label.back().is_ref(), Fail("type mismatch"));
    CASCADE_CHECK(IsSub(to_label, label.back()), Fail("type mismatch"));
  }
  {
    auto label = control_at(depth).label_types();
    if (!label.empty()) {
      if (!PopTypes(label.first(label.size() - 1))) return false;
      PushTypes(label.first(label.size() - 1));
    }
  }
  CASCADE_CALL(OnBrOnCast, op, depth, rt1, rt2);
  Push(fallthrough);
  return true;
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeGC(Opcode op) {
  uint32_t x = 0, y = 0;
  switch (op) {
    case Opcode::kStructNew:
    case Opcode::kStructNewDefault: {
      x = ReadU32();
      if (!reader_.ok() || !CheckTypeKind(x, CompositeKind::kStruct)) return false;
      auto fields = module_.fields(module_.types[x]);
      if (op == Opcode::kStructNew) {
        for (size_t i = fields.size(); i-- > 0;) Pop(fields[i].type.unpacked());
      } else if constexpr (kValidate) {
        for (const FieldType& f : fields)
          CASCADE_CHECK(f.type.is_defaultable(), Fail("type mismatch"));
      }
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnGC, op, x, 0u);
      Push(RefOf(x, false));
      return true;
    }
    case Opcode::kStructGet:
    case Opcode::kStructGetS:
    case Opcode::kStructGetU:
    case Opcode::kStructSet: {
      x = ReadU32();
      y = ReadU32();
      if (!reader_.ok() || !CheckTypeKind(x, CompositeKind::kStruct)) return false;
      auto fields = module_.fields(module_.types[x]);
      CASCADE_CHECK(y < fields.size(), FailIndex("field", y));
      const FieldType& f = fields[y];
      if (op == Opcode::kStructSet) {
        CASCADE_CHECK(f.mut, Fail("immutable field"));
        Pop(f.type.unpacked());
      } else {
        CASCADE_CHECK(f.type.is_packed() == (op != Opcode::kStructGet),
                      Fail("type mismatch"));
      }
      Pop(RefOf(x, true));
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnGC, op, x, y);
      if (op != Opcode::kStructSet) Push(f.type.unpacked());
      return true;
    }
    case Opcode::kArrayNew:
    case Opcode::kArrayNewDefault:
    case Opcode::kArrayNewFixed:
    case Opcode::kArrayNewData:
    case Opcode::kArrayNewElem:
    case Opcode::kArrayInitData:
    case Opcode::kArrayInitElem: {
      x = ReadU32();
      if (op == Opcode::kArrayNewFixed || op == Opcode::kArrayNewData ||
          op == Opcode::kArrayNewElem || op == Opcode::kArrayInitData ||
          op == Opcode::kArrayInitElem)
        y = ReadU32();
      if (!reader_.ok() || !CheckTypeKind(x, CompositeKind::kArray)) return false;
      const FieldType& e = module_.fields(module_.types[x])[0];
      bool init = op == Opcode::kArrayInitData || op == Opcode::kArrayInitElem;
      if (init) CASCADE_CHECK(e.mut, Fail("immutable array"));
      switch (op) {
        case Opcode::kArrayNew:
          Pop(kWasmI32);
          Pop(e.type.unpacked());
          break;
        case Opcode::kArrayNewDefault:
          CASCADE_CHECK(e.type.is_defaultable(), Fail("type mismatch"));
          Pop(kWasmI32);
          break;
        case Opcode::kArrayNewFixed:
          if constexpr (kValidate) {
            if (y > Height() - control_.back().stack_base && !control_.back().unreachable)
              return Fail("type mismatch");
          }
          for (uint32_t i = 0; i < y && reader_.ok(); ++i) Pop(e.type.unpacked());
          break;
        case Opcode::kArrayNewData:
        case Opcode::kArrayInitData:
          CASCADE_CHECK(e.type.is_numeric() || e.type.is_packed() ||
                            e.type.kind() == ValType::kV128,
                        Fail("array type is not numeric or vector"));
          if (!CheckDataIndex(y)) return false;
          Pop(kWasmI32);
          Pop(kWasmI32);
          if (init) {
            Pop(kWasmI32);
            Pop(RefOf(x, true));
          }
          break;
        default:  // array.new_elem, array.init_elem
          CASCADE_CHECK(y < module_.elems.size(), FailIndex("elem segment", y));
          CASCADE_CHECK(IsSub(module_.elems[y].elem_type, e.type), Fail("type mismatch"));
          Pop(kWasmI32);
          Pop(kWasmI32);
          if (init) {
            Pop(kWasmI32);
            Pop(RefOf(x, true));
          }
          break;
      }
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnGC, op, x, y);
      if (!init) Push(RefOf(x, false));
      return true;
    }
    case Opcode::kArrayGet:
    case Opcode::kArrayGetS:
    case Opcode::kArrayGetU:
    case Opcode::kArraySet:
    case Opcode::kArrayFill: {
      x = ReadU32();
      if (!reader_.ok() || !CheckTypeKind(x, CompositeKind::kArray)) return false;
      const FieldType& e = module_.fields(module_.types[x])[0];
      if (op == Opcode::kArraySet || op == Opcode::kArrayFill) {
        CASCADE_CHECK(e.mut, Fail("immutable array"));
        if (op == Opcode::kArrayFill) Pop(kWasmI32);
        Pop(e.type.unpacked());
      } else {
        CASCADE_CHECK(e.type.is_packed() == (op != Opcode::kArrayGet), Fail("type mismatch"));
      }
      Pop(kWasmI32);
      Pop(RefOf(x, true));
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnGC, op, x, 0u);
      if (op == Opcode::kArrayGet || op == Opcode::kArrayGetS || op == Opcode::kArrayGetU)
        Push(e.type.unpacked());
      return true;
    }
    case Opcode::kArrayLen:
      Pop(kWasmArrayRef);
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnGC, op, 0u, 0u);
      Push(kWasmI32);
      return true;
    case Opcode::kArrayCopy: {
      x = ReadU32();
      y = ReadU32();
      if (!reader_.ok() || !CheckTypeKind(x, CompositeKind::kArray) ||
          !CheckTypeKind(y, CompositeKind::kArray))
        return false;
      const FieldType& dst = module_.fields(module_.types[x])[0];
      const FieldType& src = module_.fields(module_.types[y])[0];
      CASCADE_CHECK(dst.mut, Fail("immutable array"));
      if constexpr (kValidate) {
        bool ok = dst.type.is_packed() || src.type.is_packed() ? dst.type == src.type
                                                               : IsSub(src.type, dst.type);
        CASCADE_CHECK(ok, Fail("array types do not match"));
      }
      Pop(kWasmI32);
      Pop(kWasmI32);
      Pop(RefOf(y, true));
      Pop(kWasmI32);
      Pop(RefOf(x, true));
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnGC, op, x, y);
      return true;
    }
    case Opcode::kAnyConvertExtern:
    case Opcode::kExternConvertAny: {
      bool to_any = op == Opcode::kAnyConvertExtern;
      ValType t = Pop(to_any ? kWasmExternRef : kWasmAnyRef);
      if (!reader_.ok()) return false;
      bool nullable = t.is_bottom() ? false : t.is_nullable();
      CASCADE_CALL(OnGC, op, 0u, 0u);
      Push(ValType::Ref(to_any ? HeapType::kAny : HeapType::kExtern, nullable));
      return true;
    }
    case Opcode::kRefI31:
      Pop(kWasmI32);
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnGC, op, 0u, 0u);
      Push(ValType::Ref(HeapType::kI31, false));
      return true;
    default:  // i31.get_s, i31.get_u
      Pop(kWasmI31Ref);
      if (!reader_.ok()) return false;
      CASCADE_CALL(OnGC, op, 0u, 0u);
      Push(kWasmI32);
      return true;
  }
}

template <typename P, typename I>
bool FunctionDecoder<P, I>::DecodeSimdImm(Opcode op) {
  const uint8_t* bytes = reader_.skip(16);
  if (!reader_.ok()) return false;
  if (op == Opcode::kV128Const) {
    CASCADE_CALL(OnV128Const, bytes);
    Push(kWasmV128);
    return true;
  }
  if constexpr (kValidate) {
    for (int i = 0; i < 16; ++i) CASCADE_CHECK(bytes[i] < 32, Fail("invalid lane index"));
  }
  Pop(kWasmV128);
  Pop(kWasmV128);
  if (!reader_.ok()) return false;
  CASCADE_CALL(OnShuffle, bytes);
  Push(kWasmV128);
  return true;
}

#undef CASCADE_CHECK
#undef CASCADE_CALL

}  // namespace cascade
