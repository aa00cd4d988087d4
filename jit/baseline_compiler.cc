// BaselineCompiler: the FunctionDecoder interface that emits machine code (see
// baseline_compiler.h, value_stack.h).
//
// Frame: fp[0..num_locals) are the locals (params first), fp[num_locals + i]
// the home slot of operand-stack entry i; a callee's frame starts at the home
// slot of its first argument (jit_context.h).
//
// Invariants:
//  * At every label (block/loop/if entry, else, end) every stack entry is
//    kStack: SpillAll runs before a label is bound or a branch leaves.
//  * A branch writes the label's values into the target's slots (a block's
//    home slots from its base, or fp[0..) for the function), without changing
//    the abstract stack (a br_if may fall through).
//  * After br, br_table, return or unreachable, `reachable_` is false until the
//    enclosing block's else/end (the decoder calls no hooks meanwhile).
//  * Every trap site gets an out-of-line stub recording the trap and the
//    instruction's wasm offset; they are emitted after the epilogue.
#include "jit/baseline_compiler.h"

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "engine/function_decoder.h"
#include "engine/instruction_scan.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/global_instance.h"
#include "engine/runtime/trap.h"
#include "jit/code_memory.h"
#include "jit/macro_assembler.h"
#include "jit/runtime_helpers.h"
#include "jit/table_helpers.h"
#include "jit/value_stack.h"

namespace cascade::jit {
namespace {

struct Block {
  ControlKind kind;
  bool has_else = false;
  uint32_t base = 0;  // stack height below the block's params
  uint32_t num_params = 0, num_results = 0;
  Label label;        // loop: header; others: end
  Label else_label;   // if: the else arm
  int try_scope = -1; // try_table / legacy try: its TryScope
  int outer_try = -1; // the TryScope active where the block opened
  uint32_t exn_slot = 0;  // legacy try: the frame slot of the caught exception
  uint32_t charge = 0, outer_cost = 0;  // metered loops (Charge)
  int header = -1;    // loop: its merge state in loop_headers_ (none: -1)
  bool is_loop() const { return kind == ControlKind::kLoop; }
  uint32_t arity() const { return is_loop() ? num_params : num_results; }
};

struct TrapSite {
  Label label;
  const char* message;  // null: a helper already set it
  uint32_t offset;
  bool propagate = false;  // a call site passing on its callee's trap
  Label landing;           // call sites in a try_table: where exceptions go
};

inline constexpr uint32_t kNoSlot = 0xFFFFFFFF;
inline constexpr uint32_t kNoTag = 0xFFFFFFFF;

// A try_table's handlers (exception handling): its landing pad tests the
// exception in flight against each catch clause in order; no match goes on to
// the enclosing try_table's pad, or out of the function.
struct TryScope {
  struct Catch {
    CatchClause::Kind kind;
    uint32_t tag;        // tagidx (catch / catch_ref), else kNoTag
    Label target;        // the clause's label (legacy: the catch body)
    uint32_t dest_slot;  // where the label's values go
    uint32_t exn_slot = kNoSlot;  // legacy catch: where the exception is kept
    int loop_header = -1;  // a loop target's merge state (loop_headers_)
  };
  Label landing;
  int parent = -1;
  std::vector<Catch> catches;
};

bool IsUnsupportedType(ValType t) { return t.kind() == ValType::kV128; }

class BaselineCompiler : public BaseInterface {
 public:
  using Decoder = FunctionDecoder<NoValidation, BaselineCompiler>;

  // `exn_slots`: frame slots reserved after the locals for the exceptions
  // caught by legacy `try` blocks, one per nesting level; a function needing
  // more (needed_exn_slots()) is compiled again with that many.
  BaselineCompiler(const Module& module, uint32_t funcidx, const CompileEnv& env,
                   uint32_t exn_slots = 0)
      : module_(module), funcidx_(funcidx), env_(env), stack_(masm_), exn_slots_(exn_slots) {}
  uint32_t needed_exn_slots() const { return legacy_max_; }
  const std::vector<Label>& loop_labels() const { return loop_labels_; }
  void set_decoder(Decoder* d) { decoder_ = d; }

  bool failed() const { return !why_.empty(); }
  const std::string& why() const { return why_; }
  MacroAssembler& masm() { return masm_; }

  // ------------------------------------------------------------- function
  void OnFunctionStart(std::span<const ValType> locals) {
    const SubType& sig = module_.types[module_.funcs[funcidx_].type_index];
    for (ValType t : locals) {
      if (IsUnsupportedType(t)) return Unsupported("v128 local");
    }
    for (ValType t : module_.results(sig)) {
      if (IsUnsupportedType(t)) return Unsupported("v128 result");
    }
    num_params_ = sig.param_count;
    wasm_locals_ = static_cast<uint32_t>(locals.size());
    local_float_.clear();
    for (ValType t : locals) local_float_.push_back(IsFloat(t));
    num_locals_ = wasm_locals_ + exn_slots_;
    stack_.Reset(num_locals_);
    overflow_ = masm_.NewLabel();
    return_label_ = masm_.NewLabel();
    masm_.Prologue(num_params_, num_locals_, overflow_);
    if (env_.metered) entry_charge_ = Charge();
    Block f;
    f.kind = ControlKind::kFunction;
    f.num_results = sig.result_count;
    f.label = return_label_;
    blocks_.push_back(f);
    reachable_ = true;
  }

  void OnFunctionEnd() {
    if (failed()) return;
    if (env_.metered) masm_.PatchCharge(entry_charge_, cost_ > 0 ? cost_ : 1);
    if (reachable_) CopyToLabel(blocks_.front());  // falls through to the return
    BindLabel(return_label_);
    masm_.ReturnOk();
    masm_.BindEpilogue();
    masm_.TrapStub(overflow_, kTrapStackExhausted, funcidx_, blocks_.empty() ? 0 : fn_offset_);
    for (const TrapSite& t : traps_) {
      if (t.propagate) {
        masm_.PropagateStub(t.label, reinterpret_cast<const void*>(&HelperTrapFrame), funcidx_,
                            t.offset, t.landing);
      } else {
        masm_.TrapStub(t.label, t.message, funcidx_, t.offset);
      }
    }
    masm_.EmitSlowCallStubs();
    EmitLandingPads();
    EmitChargeStubs();
    for (const OsrStub& o : osr_stubs_) {
      masm_.Bind(o.entry);
      stack_.EmitCacheRestore(loop_headers_[o.header], /*from_cache=*/false);
      masm_.Jump(o.loop);
    }
    // The interpreter's frame at a loop header is this code's (every operand
    // in its home slot) unless legacy try slots shifted the homes.
    if (!loop_labels_.empty() && exn_slots_ == 0) masm_.EmitOsrEntry(overflow_);
    masm_.SetFrameSlots(num_locals_ + stack_.max_height() + 1);
  }

  // ------------------------------------------------------------- control
  void OnBlock(Decoder::Control& c) { OpenBlock(c, ControlKind::kBlock); }
  void OnLoop(Decoder::Control& c) {
    if (failed()) return;
    OpenBlock(c, ControlKind::kLoop);
    if (failed()) return;
    Block& loop = blocks_.back();
    // The header's merge state is the local cache it is entered with, after
    // loading the locals the loop reads most into spare registers (metered
    // code calls a helper at the header, so it keeps none).
    if (reachable_ && !env_.metered) CacheLoopReads(decoder_->op_offset());
    ValueStack::CacheState header = stack_.SaveCache();
    BindLabel(loop.label);
    if (reachable_ && !env_.metered && !header.empty()) {
      stack_.RestoreCache(header);
      loop.header = static_cast<int>(loop_headers_.size());
      loop_headers_.push_back(header);
      // OSR enters through a stub loading the cached locals.
      Label osr = masm_.NewLabel();
      osr_stubs_.push_back({osr, loop.label, loop.header});
      loop_labels_.push_back(osr);
    } else {
      loop_labels_.push_back(loop.label);
    }
    if (env_.metered) {
      // Each entry of the header charges the loop body's cost; the enclosing
      // region does not count it.
      Block& b = blocks_.back();
      b.charge = Charge();
      b.outer_cost = cost_;
      cost_ = 0;
    }
  }
  void OnIf(Decoder::Control& c) {
    if (failed()) return;
    ++cost_;
    Label else_label = masm_.NewLabel();
    Track(else_label);
    PopAndBranch(/*if_zero=*/true, else_label);
    NoteJump(else_label);
    OpenBlock(c, ControlKind::kIf);
    blocks_.back().else_label = else_label;
  }
  void OnElse(Decoder::Control&) {
    if (failed()) return;
    Block& b = blocks_.back();
    if (reachable_) {
      stack_.SpillAll();
      NoteJump(b.label);
      masm_.Jump(b.label);
    }
    stack_.ResetTo(b.base + b.num_params);
    BindLabel(b.else_label, /*falls_through=*/false);
    b.has_else = true;
    reachable_ = true;
  }
  void OnEnd(Decoder::Control& c) {
    if (c.kind == ControlKind::kTry || c.kind == ControlKind::kCatch ||
        c.kind == ControlKind::kCatchAll) {
      --legacy_depth_;
    }
    if (failed()) return;
    Block b = blocks_.back();
    blocks_.pop_back();
    if (b.try_scope >= 0) active_try_ = try_scopes_[b.try_scope].parent;
    if (b.is_loop() && env_.metered) {
      masm_.PatchCharge(b.charge, cost_ > 0 ? cost_ : 1);
      cost_ = b.outer_cost;
    }
    if (reachable_) stack_.SpillAll();
    stack_.ResetTo(b.base + b.num_results);
    bool falls = reachable_;
    if (b.kind == ControlKind::kIf && !b.has_else) falls = BindLabel(b.else_label, falls);
    if (!b.is_loop()) BindLabel(b.label, falls);
    reachable_ = true;
  }

  void OnBr(uint32_t depth) {
    if (failed()) return;
    ++cost_;
    JumpWithMoves(Target(depth));
    reachable_ = false;
  }
  void OnBrIf(uint32_t depth) {
    if (failed()) return;
    ++cost_;
    // A condition sharing a cached local's register becomes a pending `!= 0`
    // that pins it (the spill below cannot take it while the condition is
    // popped); one in a float register gets an integer register of its own.
    if (stack_.top().kind == VarState::kLocal) TestInPlace();
    if (stack_.top().kind == VarState::kFLocal) stack_.PushReg(stack_.PopToReg());
    // The target's copy decision looks at the stack without the condition.
    VarState cond = stack_.top();
    stack_.Pop();
    Block& t = Target(depth);
    bool copy = NeedsCopy(t);
    bool direct = !copy;
    if (direct && t.header >= 0) {
      // Spill and load the condition first (both may take registers from
      // the cache), so the check sees the registers the branch leaves with.
      stack_.SpillAll();
      if (cond.kind == VarState::kStack || cond.kind == VarState::kConst ||
          cond.kind == VarState::kFReg) {
        stack_.PushRaw(cond);
        Reg r = stack_.PopToReg();
        cond = VarState{VarState::kReg, r, 0};
      }
      direct = stack_.CacheHolds(loop_headers_[t.header]);
    }
    stack_.PushRaw(cond);
    if (direct) {
      PopAndBranch(/*if_zero=*/false, t.label);
      NoteJump(t.label);
    } else {
      Label skip = masm_.NewLabel();
      PopAndBranch(/*if_zero=*/true, skip);
      JumpWithMoves(t);
      masm_.Bind(skip);  // only the branch gets here: the cache holds
    }
  }
  void OnBrTable(std::span<const uint32_t> targets, uint32_t def) {
    if (failed()) return;
    ++cost_;
    Reg index = stack_.PopToReg();
    stack_.SpillAll();
    // One entry label per distinct depth; a stub when values must move.
    struct Dest {
      uint32_t depth;
      Label entry;
      bool stub;
    };
    std::vector<Dest> dests;
    auto entry_for = [&](uint32_t depth) -> Label {
      for (const Dest& d : dests) {
        if (d.depth == depth) return d.entry;
      }
      Block& t = Target(depth);
      Dest d{depth, t.label, NeedsStub(t)};
      if (d.stub) d.entry = masm_.NewLabel();
      dests.push_back(d);
      return d.entry;
    };
    std::vector<Label> labels;
    labels.reserve(targets.size());
    for (uint32_t depth : targets) labels.push_back(entry_for(depth));
    Label fallback = entry_for(def);
    masm_.JumpTable(index, labels, fallback);
    for (const Dest& d : dests) {
      if (!d.stub) NoteJump(d.entry);
    }
    stack_.Release(index);
    for (const Dest& d : dests) {
      if (!d.stub) continue;
      // The registers still hold the cache here (only a jump got here).
      masm_.Bind(d.entry);
      JumpWithMoves(Target(d.depth));
    }
    reachable_ = false;
  }
  void OnReturn() {
    if (failed()) return;
    ++cost_;
    EmitReturn();
    reachable_ = false;
  }
  void OnUnreachable() {
    if (failed()) return;
    ++cost_;
    masm_.Jump(NewTrap(kTrapUnreachable));
    reachable_ = false;
  }
  void OnNop() {}
  void OnDrop(ValType) {
    if (failed()) return;
    ++cost_;
    stack_.Drop();
  }
  void OnSelect(ValType t) {
    if (failed()) return;
    ++cost_;
    // `t` is the operands' type (the decoder has already popped them).
    if (IsUnsupportedType(t)) return Unsupported("v128 select");
    Reg cond = stack_.PopToReg();
    Reg b = stack_.PopToReg();
    Reg a = stack_.PopToReg();
    masm_.Select(a, b, cond);
    stack_.Release(b);
    stack_.Release(cond);
    stack_.PushReg(a);
  }

  // ------------------------------------------------------------- calls
  void OnCall(uint32_t funcidx, bool tail) {
    if (failed()) return;
    ++cost_;
    const SubType& sig = module_.types[module_.funcs[funcidx].type_index];
    if (!SigSupported(sig)) return Unsupported("v128 call");
    if (tail) {
      MoveTailCallArgs(sig);
      EmitTailCall(funcidx, sig);
      return;
    }
    EmitCall(funcidx, sig);
  }
  void OnCallIndirect(uint32_t typeidx, uint32_t tableidx, bool tail) {
    if (failed()) return;
    ++cost_;
    const SubType& sig = module_.types[typeidx];
    if (!SigSupported(sig)) return Unsupported("v128 call_indirect");
    Reg index = stack_.PopToReg();
    stack_.SpillAll();
    if (tail) MoveTailCallArgs(sig);  // the helper below leaves fp slots alone
    stack_.ForgetLocals();
    masm_.CallHelper(reinterpret_cast<const void*>(&HelperResolveIndirect),
                     {Arg::Ctx(), Arg::Inst(), Arg::Imm(tableidx), Arg::Imm(typeidx),
                      Arg::R(index)});
    stack_.Release(index);
    masm_.BranchIfResultZero(NewTrap(nullptr));
    if (tail) return EmitTailCall(MacroAssembler::kDynamicCallee, sig);
    EmitCall(MacroAssembler::kDynamicCallee, sig);
  }
  // call_ref / return_call_ref (spec 4.4.8): the funcref is a FuncInstance*,
  // null traps.
  void OnCallRef(uint32_t typeidx, bool tail) {
    if (failed()) return;
    ++cost_;
    const SubType& sig = module_.types[typeidx];
    if (!SigSupported(sig)) return Unsupported("v128 call_ref");
    Reg ref = stack_.PopToReg();
    stack_.SpillAll();
    masm_.BranchIfZero(Width::k64, ref, NewTrap(kTrapNullFunctionReference));
    if (tail) MoveTailCallArgs(sig);
    masm_.MovCallee(ref);
    stack_.Release(ref);
    if (tail) return EmitTailCall(MacroAssembler::kDynamicCallee, sig);
    EmitCall(MacroAssembler::kDynamicCallee, sig);
  }

  // ------------------------------------------------------------- variables
  void OnLocalGet(uint32_t idx, ValType t) {
    if (failed()) return;
    ++cost_;
    stack_.LocalGet(idx, IsFloat(t));
  }
  void OnLocalSet(uint32_t idx, ValType) {
    if (failed()) return;
    ++cost_;
    stack_.LocalSet(idx, /*tee=*/false);
  }
  void OnLocalTee(uint32_t idx, ValType) {
    if (failed()) return;
    ++cost_;
    stack_.LocalSet(idx, /*tee=*/true);
  }
  void OnGlobalGet(uint32_t idx, ValType t) {
    if (failed()) return;
    ++cost_;
    if (IsUnsupportedType(t)) return Unsupported("v128 global");
    Reg r = stack_.Alloc();
    masm_.LoadGlobal(r, idx);
    stack_.PushReg(r);
  }
  void OnGlobalSet(uint32_t idx, ValType t) {
    if (failed()) return;
    ++cost_;
    if (IsUnsupportedType(t)) return Unsupported("v128 global");
    Reg r = stack_.PopToReg();
    masm_.StoreGlobal(idx, r);
    stack_.Release(r);
  }

  // ------------------------------------------------------------- constants
  void OnI32Const(int32_t v) { Const(static_cast<uint32_t>(v)); }
  void OnI64Const(int64_t v) { Const(static_cast<uint64_t>(v)); }
  void OnF32Const(uint32_t bits) { Const(bits); }
  void OnF64Const(uint64_t bits) { Const(bits); }
  void OnRefNull(ValType) { Const(0); }
  void OnRefFunc(uint32_t funcidx) {
    if (failed()) return;
    ++cost_;
    Reg r = stack_.Alloc();
    masm_.LoadFuncRef(r, funcidx);
    stack_.PushReg(r);
  }
  void OnRefIsNull(ValType) {
    if (failed()) return;
    ++cost_;
    Reg r = stack_.PopToReg();
    masm_.Eqz(Width::k64, r);
    stack_.PushReg(r);
  }
  void OnRefAsNonNull(ValType) {
    if (failed()) return;
    ++cost_;
    Reg r = stack_.PopToReg();
    masm_.BranchIfZero(Width::k64, r, NewTrap(kTrapNullReference));
    stack_.PushReg(r);
  }
  // br_on_null: branches (dropping the null) when the reference is null, else
  // leaves it on the stack.
  void OnBrOnNull(uint32_t depth, ValType) {
    if (failed()) return;
    ++cost_;
    Reg r = stack_.PopToReg();
    stack_.SpillAll();
    Block& t = Target(depth);
    if (!NeedsStub(t)) {
      masm_.BranchIfZero(Width::k64, r, t.label);
      NoteJump(t.label);
    } else {
      Label skip = masm_.NewLabel();
      masm_.BranchIfNonZero(Width::k64, r, skip);
      JumpWithMoves(t);
      masm_.Bind(skip);  // only the branch gets here: the cache holds
    }
    stack_.PushReg(r);
  }
  // br_on_non_null: branches with the reference when it is not null, else
  // drops it and falls through.
  void OnBrOnNonNull(uint32_t depth, ValType) {
    if (failed()) return;
    ++cost_;
    Reg r = stack_.PopToReg();
    stack_.SpillAll();
    Label skip = masm_.NewLabel();
    masm_.BranchIfZero(Width::k64, r, skip);
    stack_.PushReg(r);
    JumpWithMoves(Target(depth));
    stack_.Drop();
    masm_.Bind(skip);  // only the branch gets here: the cache holds
  }
  void OnRefEq() { Binary(Width::k64, [&](Reg a, Reg b) { masm_.Compare(Cond::kEq, Width::k64, a, a, b); }); }

  // ------------------------------------------------------------- numerics
  void OnSimpleOp(Opcode op) {
    if (failed()) return;
    ++cost_;
    const OpcodeInfo& info = GetOpcodeInfo(op);
    if (info.prefix == 0xFD) return Unsupported(info.name);
    switch (op) {
#define ALU(N, W, OP)                                 \
  case Opcode::k##N:                                  \
    return AluOpEmit(AluOp::OP, Width::W);
      ALU(I32Add, k32, kAdd) ALU(I32Sub, k32, kSub) ALU(I32Mul, k32, kMul)
      ALU(I32And, k32, kAnd) ALU(I32Or, k32, kOr) ALU(I32Xor, k32, kXor)
      ALU(I32Shl, k32, kShl) ALU(I32ShrS, k32, kShrS) ALU(I32ShrU, k32, kShrU)
      ALU(I32Rotl, k32, kRotl) ALU(I32Rotr, k32, kRotr)
      ALU(I64Add, k64, kAdd) ALU(I64Sub, k64, kSub) ALU(I64Mul, k64, kMul)
      ALU(I64And, k64, kAnd) ALU(I64Or, k64, kOr) ALU(I64Xor, k64, kXor)
      ALU(I64Shl, k64, kShl) ALU(I64ShrS, k64, kShrS) ALU(I64ShrU, k64, kShrU)
      ALU(I64Rotl, k64, kRotl) ALU(I64Rotr, k64, kRotr)
#undef ALU
#define CMP(N, W, C)     \
  case Opcode::k##N:     \
    return CompareEmit(Cond::C, Width::W);
      CMP(I32Eq, k32, kEq) CMP(I32Ne, k32, kNe) CMP(I32LtS, k32, kLtS) CMP(I32LtU, k32, kLtU)
      CMP(I32GtS, k32, kGtS) CMP(I32GtU, k32, kGtU) CMP(I32LeS, k32, kLeS) CMP(I32LeU, k32, kLeU)
      CMP(I32GeS, k32, kGeS) CMP(I32GeU, k32, kGeU)
      CMP(I64Eq, k64, kEq) CMP(I64Ne, k64, kNe) CMP(I64LtS, k64, kLtS) CMP(I64LtU, k64, kLtU)
      CMP(I64GtS, k64, kGtS) CMP(I64GtU, k64, kGtU) CMP(I64LeS, k64, kLeS) CMP(I64LeU, k64, kLeU)
      CMP(I64GeS, k64, kGeS) CMP(I64GeU, k64, kGeU)
#undef CMP
#define DIV(N, W, D)     \
  case Opcode::k##N:     \
    return DivEmit(DivOp::D, Width::W);
      DIV(I32DivS, k32, kDivS) DIV(I32DivU, k32, kDivU) DIV(I32RemS, k32, kRemS)
      DIV(I32RemU, k32, kRemU) DIV(I64DivS, k64, kDivS) DIV(I64DivU, k64, kDivU)
      DIV(I64RemS, k64, kRemS) DIV(I64RemU, k64, kRemU)
#undef DIV
#define FBIN(N, F64, O)  \
  case Opcode::k##N:     \
    return FloatBinEmit(FloatOp::O, F64);
      FBIN(F32Add, false, kAdd) FBIN(F32Sub, false, kSub) FBIN(F32Mul, false, kMul)
      FBIN(F32Div, false, kDiv) FBIN(F64Add, true, kAdd) FBIN(F64Sub, true, kSub)
      FBIN(F64Mul, true, kMul) FBIN(F64Div, true, kDiv)
#undef FBIN
#define FUN(N, F64, O)   \
  case Opcode::k##N:     \
    return FloatUnaryEmit(FloatUnOp::O, F64, op, info);
      FUN(F32Sqrt, false, kSqrt) FUN(F32Abs, false, kAbs) FUN(F32Neg, false, kNeg)
      FUN(F32Ceil, false, kCeil) FUN(F32Floor, false, kFloor) FUN(F32Trunc, false, kTrunc)
      FUN(F32Nearest, false, kNearest)
      FUN(F64Sqrt, true, kSqrt) FUN(F64Abs, true, kAbs) FUN(F64Neg, true, kNeg)
      FUN(F64Ceil, true, kCeil) FUN(F64Floor, true, kFloor) FUN(F64Trunc, true, kTrunc)
      FUN(F64Nearest, true, kNearest)
#undef FUN
#define CVT(N, F64, O)   \
  case Opcode::k##N:     \
    return ConvertEmit(IntToFloat::O, F64);
      CVT(F32ConvertI32S, false, kI32S) CVT(F32ConvertI32U, false, kI32U)
      CVT(F32ConvertI64S, false, kI64S)
      CVT(F64ConvertI32S, true, kI32S) CVT(F64ConvertI32U, true, kI32U)
      CVT(F64ConvertI64S, true, kI64S)
#undef CVT
      case Opcode::kF64PromoteF32: return FloatResizeEmit(true);
      case Opcode::kF32DemoteF64: return FloatResizeEmit(false);
#define FCMP(N, F64, C)  \
  case Opcode::k##N:     \
    return FloatCompareEmit(FCond::C, F64);
      FCMP(F32Eq, false, kEq) FCMP(F32Ne, false, kNe) FCMP(F32Lt, false, kLt)
      FCMP(F32Gt, false, kGt) FCMP(F32Le, false, kLe) FCMP(F32Ge, false, kGe)
      FCMP(F64Eq, true, kEq) FCMP(F64Ne, true, kNe) FCMP(F64Lt, true, kLt)
      FCMP(F64Gt, true, kGt) FCMP(F64Le, true, kLe) FCMP(F64Ge, true, kGe)
#undef FCMP
      case Opcode::kI32Eqz:
        if (stack_.top().kind == VarState::kCond) {
          stack_.top().cond = Negate(stack_.top().cond);
          return;
        }
        if (stack_.top().kind == VarState::kFCond) {
          stack_.top().negated = !stack_.top().negated;
          return;
        }
        return Unary([&](Reg r) { masm_.Eqz(Width::k32, r); });
      case Opcode::kI64Eqz: return Unary([&](Reg r) { masm_.Eqz(Width::k64, r); });
      case Opcode::kI32WrapI64:
      case Opcode::kI64ExtendI32U: return Unary([&](Reg r) { masm_.ExtendOp(Extend::kWrap, r); });
      case Opcode::kI64ExtendI32S:
      case Opcode::kI64Extend32S: return Unary([&](Reg r) { masm_.ExtendOp(Extend::kSign32, r); });
      case Opcode::kI64Extend8S: return Unary([&](Reg r) { masm_.ExtendOp(Extend::kSign8, r); });
      case Opcode::kI64Extend16S: return Unary([&](Reg r) { masm_.ExtendOp(Extend::kSign16, r); });
      case Opcode::kI32Extend8S:
        return Unary([&](Reg r) {
          masm_.ExtendOp(Extend::kSign8, r);
          masm_.ExtendOp(Extend::kWrap, r);
        });
      case Opcode::kI32Extend16S:
        return Unary([&](Reg r) {
          masm_.ExtendOp(Extend::kSign16, r);
          masm_.ExtendOp(Extend::kWrap, r);
        });
      case Opcode::kI32ReinterpretF32: case Opcode::kF32ReinterpretI32:
      case Opcode::kI64ReinterpretF64: case Opcode::kF64ReinterpretI64:
        return;  // same bits
      default:
        return GenericNumeric(op, info);
    }
  }

  // ------------------------------------------------------------- memory
  void OnLoad(Opcode op, const MemArg& m, ValType) {
    if (failed()) return;
    ++cost_;
    masm_.SetSourceOffset(decoder_->op_offset());
    MemAccess acc;
    if (!Access(op, &acc)) return Unsupported(GetOpcodeInfo(op).name);
    if (!MemorySupported(m.memidx)) return;
    MemRef mem = MemFor(m.memidx);
    bool owned = false;
    Reg addr = stack_.PopToRegRead(&owned);  // a local's register is only read
    if (op == Opcode::kF32Load || op == Opcode::kF64Load) {
      FReg f = stack_.AllocF();
      masm_.LoadF(op == Opcode::kF64Load, f, addr, m.offset, mem, OobLabel(mem));
      stack_.Release(addr);
      stack_.PushFReg(f);
      return;
    }
    Reg dst = owned ? addr : stack_.Alloc();
    masm_.Load(acc, dst, addr, m.offset, mem, OobLabel(mem));
    if (!owned) stack_.Release(addr);
    stack_.PushReg(dst);
  }
  void OnStore(Opcode op, const MemArg& m) {
    if (failed()) return;
    ++cost_;
    masm_.SetSourceOffset(decoder_->op_offset());
    MemAccess acc;
    if (!Access(op, &acc)) return Unsupported(GetOpcodeInfo(op).name);
    if (!MemorySupported(m.memidx)) return;
    MemRef mem = MemFor(m.memidx);
    if ((op == Opcode::kF32Store || op == Opcode::kF64Store) &&
        (stack_.top().kind == VarState::kFReg || stack_.top().kind == VarState::kFLocal)) {
      FReg f = stack_.PopToFRegRead();
      Reg addr = stack_.PopToRegRead();
      masm_.StoreF(op == Opcode::kF64Store, addr, m.offset, f, mem, OobLabel(mem));
      stack_.ReleaseF(f);
      stack_.Release(addr);
      return;
    }
    Reg value = stack_.PopToRegRead();
    Reg addr = stack_.PopToRegRead();
    masm_.Store(acc, addr, m.offset, value, mem, OobLabel(mem));
    stack_.Release(value);
    stack_.Release(addr);
  }
  void OnMemoryOp(Opcode op, uint32_t memidx, uint32_t other) {
    if (failed()) return;
    ++cost_;
    // memory.init / data.drop: the segment helper (any memory, checked there).
    if (op == Opcode::kMemoryInit) return TableOrSegmentOp(op, memidx, other, 3, 0);
    if (op == Opcode::kDataDrop) return TableOrSegmentOp(op, 0, other, 0, 0);
    if (op != Opcode::kMemorySize && op != Opcode::kMemoryGrow && op != Opcode::kMemoryFill &&
        op != Opcode::kMemoryCopy) {
      return Unsupported(GetOpcodeInfo(op).name);
    }
    if (!MemorySupported(memidx)) return;
    uint32_t h = stack_.height();
    switch (op) {
      case Opcode::kMemorySize: {
        stack_.SpillAll();
        stack_.ForgetLocals();
        masm_.CallHelper(reinterpret_cast<const void*>(&HelperMemorySize),
                         {Arg::Inst(), Arg::Imm(memidx)});
        Reg r = stack_.Alloc();
        masm_.MovResult(r);
        stack_.PushReg(r);
        return;
      }
      case Opcode::kMemoryGrow: {
        stack_.SpillAll();
        stack_.ForgetLocals();
        masm_.CallHelper(reinterpret_cast<const void*>(&HelperMemoryGrow),
                         {Arg::Inst(), Arg::Imm(memidx), Arg::Slot(stack_.home(h - 1))});
        masm_.ReloadMemoryBase();
        stack_.Drop();
        Reg r = stack_.Alloc();
        masm_.MovResult(r);
        stack_.PushReg(r);
        return;
      }
      case Opcode::kMemoryFill:
      case Opcode::kMemoryCopy: {
        if (op == Opcode::kMemoryCopy && !MemorySupported(other)) return;
        stack_.SpillAll();
        const void* fn = op == Opcode::kMemoryFill ? reinterpret_cast<const void*>(&HelperMemoryFill)
                                                   : reinterpret_cast<const void*>(&HelperMemoryCopy);
        stack_.ForgetLocals();
        // memory.copy's immediates are (dst memidx, src memidx).
        uint64_t mems = op == Opcode::kMemoryFill
                            ? memidx
                            : (uint64_t{other} << 32) | memidx;
        masm_.CallHelper(fn, {Arg::Ctx(), Arg::Inst(), Arg::Imm(mems),
                              Arg::Slot(stack_.home(h - 3)), Arg::Slot(stack_.home(h - 2)),
                              Arg::Slot(stack_.home(h - 1))});
        masm_.BranchIfTrapPending(NewTrap(nullptr));
        stack_.Drop();
        stack_.Drop();
        stack_.Drop();
        return;
      }
      default:
        return Unsupported(GetOpcodeInfo(op).name);
    }
  }

  // ------------------------------------------------------------- tables
  void OnTableOp(Opcode op, uint32_t a, uint32_t b) {
    if (failed()) return;
    ++cost_;
    uint32_t params = 0, results = 0;
    switch (op) {
      case Opcode::kTableGet: params = 1; results = 1; break;
      case Opcode::kTableSet: params = 2; break;
      case Opcode::kTableSize: results = 1; break;
      case Opcode::kTableGrow: params = 2; results = 1; break;
      case Opcode::kTableFill: case Opcode::kTableCopy: case Opcode::kTableInit: params = 3; break;
      case Opcode::kElemDrop: break;
      default: return Unsupported(GetOpcodeInfo(op).name);
    }
    TableOrSegmentOp(op, a, b, params, results);
  }

  // ------------------------------------------------------------- exceptions
  // try_table (spec 4.4.8, exception handling): the catch labels resolve in
  // the enclosing blocks; the handlers run out of line (EmitLandingPads).
  void OnTryTable(Decoder::Control& c, std::span<const CatchClause> catches) {
    if (failed()) return;
    TryScope scope;
    for (const CatchClause& cc : catches) {
      Block& t = Target(cc.depth);
      uint32_t tag = kNoTag;
      if (cc.kind == CatchClause::kCatch || cc.kind == CatchClause::kCatchRef) tag = cc.tagidx;
      scope.catches.push_back({cc.kind, tag, t.label, DestSlot(t), kNoSlot, t.header});
      EnterUnknown(t.label);  // from a landing pad, registers unknown
    }
    OpenBlock(c, ControlKind::kTryTable);
    if (failed()) return;
    PushTryScope(std::move(scope));
  }
  // Makes `scope` the handlers of the block just opened (now the innermost).
  void PushTryScope(TryScope scope) {
    scope.landing = masm_.NewLabel();
    scope.parent = active_try_;
    active_try_ = static_cast<int>(try_scopes_.size());
    blocks_.back().try_scope = active_try_;
    try_scopes_.push_back(std::move(scope));
  }
  void OnThrow(uint32_t tagidx) {
    if (failed()) return;
    ++cost_;
    const SubType& sig = module_.types[module_.tags[tagidx].type_index];
    if (!SigSupported(sig)) return Unsupported("v128 throw");
    stack_.SpillAll();
    uint32_t h = stack_.height(), n = sig.param_count;
    stack_.ForgetLocals();
    masm_.CallHelper(reinterpret_cast<const void*>(&HelperThrow),
                     {Arg::Ctx(), Arg::Inst(), Arg::Imm(tagidx),
                      Arg::SlotAddr(stack_.home(h - n))});
    for (uint32_t i = 0; i < n; ++i) stack_.Drop();
    masm_.Jump(ExceptionLanding());
    reachable_ = false;
  }
  void OnThrowRef() {
    if (failed()) return;
    ++cost_;
    Reg r = stack_.PopToReg();
    stack_.SpillAll();
    masm_.BranchIfZero(Width::k64, r, NewTrap(kTrapNullExceptionReference));
    masm_.SetException(r);
    stack_.Release(r);
    masm_.Jump(ExceptionLanding());
    reachable_ = false;
  }

  // Legacy exception handling (try / catch / catch_all / delegate / rethrow):
  // the try's landing pad tests its catch clauses in order; each delivers the
  // payload to the block's base and keeps the exception in the try's frame
  // slot for rethrow. Inside catch bodies the enclosing handlers apply.
  void OnTry(Decoder::Control& c) {
    uint32_t level = legacy_depth_++;
    if (legacy_depth_ > legacy_max_) legacy_max_ = legacy_depth_;
    if (failed()) return;
    if (level >= exn_slots_) return Unsupported("legacy try: more exception slots");
    OpenBlock(c, ControlKind::kTry);
    if (failed()) return;
    blocks_.back().exn_slot = wasm_locals_ + level;
    PushTryScope(TryScope{});
  }
  void OnCatch(Decoder::Control&, uint32_t tagidx) {
    if (failed()) return;
    LegacyCatch(CatchClause::kCatch, tagidx,
                module_.types[module_.tags[tagidx].type_index].param_count);
  }
  void OnCatchAll(Decoder::Control&) {
    if (failed()) return;
    LegacyCatch(CatchClause::kCatchAll, kNoTag, 0);
  }
  void OnDelegate(Decoder::Control&, uint32_t depth) {
    --legacy_depth_;
    if (failed()) return;
    Block b = blocks_.back();
    blocks_.pop_back();
    TryScope& scope = try_scopes_[b.try_scope];
    // The label is relative to the blocks around the try. A legacy try whose
    // body we are in: its handlers; the function: out; any other label (or a
    // try in its catch part): the handlers around that label's start.
    const Block& t = Target(depth);
    if (t.kind == ControlKind::kFunction) scope.parent = -1;
    else if (t.kind == ControlKind::kTry && !t.has_else) scope.parent = t.try_scope;
    else scope.parent = t.outer_try;
    active_try_ = b.outer_try;
    if (reachable_) stack_.SpillAll();
    stack_.ResetTo(b.base + b.num_results);
    BindLabel(b.label, reachable_);
    reachable_ = true;
  }
  void OnRethrow(uint32_t depth) {
    if (failed()) return;
    const Block& t = Target(depth);
    stack_.SpillAll();
    Reg r = stack_.Alloc();
    masm_.LoadSlot(r, t.exn_slot);
    masm_.SetException(r);
    stack_.Release(r);
    masm_.Jump(ExceptionLanding());
    reachable_ = false;
  }
  void OnBrOnCast(Opcode op, uint32_t, ValType, ValType) { Unsupported(GetOpcodeInfo(op).name); }
  void OnRefTest(Opcode op, ValType, ValType) { Unsupported(GetOpcodeInfo(op).name); }
  void OnRefCast(Opcode op, ValType, ValType) { Unsupported(GetOpcodeInfo(op).name); }
  void OnGC(Opcode op, uint32_t, uint32_t) { Unsupported(GetOpcodeInfo(op).name); }
  // ------------------------------------------------------------- atomics
  // Each atomic instruction is one helper call (atomic_ops.h) on the spilled
  // operands: the interpreter's semantics, traps included.
  void OnAtomic(Opcode op, const MemArg& m) {
    if (failed()) return;
    ++cost_;
    if (!MemorySupported(m.memidx)) return;
    const OpcodeInfo& info = GetOpcodeInfo(op);
    SlotHelperOp(reinterpret_cast<const void*>(&HelperAtomic), op, m.memidx, m.offset,
                 info.sig.num_params, info.sig.num_results);
  }
  void OnAtomicFence() {
    if (failed()) return;
    stack_.SpillAll();
    stack_.ForgetLocals();
    masm_.CallHelper(reinterpret_cast<const void*>(&HelperAtomicFence), {});
  }
  void OnLoadLane(Opcode op, const MemArg&, uint32_t) { Unsupported(GetOpcodeInfo(op).name); }
  void OnStoreLane(Opcode op, const MemArg&, uint32_t) { Unsupported(GetOpcodeInfo(op).name); }
  void OnV128Const(const uint8_t*) { Unsupported("v128.const"); }
  void OnSimdLane(Opcode op, uint32_t) { Unsupported(GetOpcodeInfo(op).name); }
  void OnShuffle(const uint8_t*) { Unsupported("i8x16.shuffle"); }

  uint32_t fn_offset_ = 0;

 private:
  // Forward merges of the local cache. The end label of a block, if or
  // try_table and an if's else label are tracked: every jump to one records
  // the cache it leaves with (NoteJump, after any code of its own that could
  // take registers), an entry from a landing pad records nothing known
  // (EnterUnknown), and binding the label keeps what every way in agrees on,
  // the fall-through included. Other labels (loop headers, legacy try, the
  // return) start with no cache.
  struct ForwardMerge {
    bool tracked = false;
    bool entered = false;  // some jump has been recorded
    ValueStack::CacheState state;
  };
  ForwardMerge* MergeOf(Label l) {
    if (l.id >= merges_.size() || !merges_[l.id].tracked) return nullptr;
    return &merges_[l.id];
  }
  void Track(Label l) {
    if (l.id >= merges_.size()) merges_.resize(l.id + 1);
    merges_[l.id] = ForwardMerge{true, false, {}};
  }
  void NoteJump(Label l) {
    ForwardMerge* m = MergeOf(l);
    if (m == nullptr) return;
    if (!m->entered) m->state = stack_.SaveCache();
    else stack_.Intersect(&m->state);
    m->entered = true;
  }
  void EnterUnknown(Label l) {
    ForwardMerge* m = MergeOf(l);
    if (m == nullptr) return;
    m->state = ValueStack::CacheState::None();
    m->entered = true;
  }
  // Binds `l` (`falls_through`: the code before it runs into it) with the
  // merged cache. Returns whether anything reaches it (untracked: assumed).
  bool BindLabel(Label l, bool falls_through = true) {
    ForwardMerge* m = MergeOf(l);
    bool reached = m == nullptr || m->entered || falls_through;
    if (m == nullptr || !reached) {
      stack_.ForgetLocals();
    } else if (m->entered) {
      ValueStack::CacheState s = m->state;
      if (falls_through) stack_.Intersect(&s);
      stack_.RestoreCache(s);
    }  // else only the fall-through: the cache holds
    masm_.Bind(l);
    return reached;
  }
  // Table instructions, elem.drop, memory.init and data.drop: one helper call
  // (table_helpers.h) on the spilled operands, result left in the first
  // operand's home slot.
  void TableOrSegmentOp(Opcode op, uint32_t a, uint32_t b, uint32_t params, uint32_t results) {
    SlotHelperOp(reinterpret_cast<const void*>(&HelperTableOp), op, a, b, params, results);
  }
  // Calls fn(ctx, instance, op, a, b, operand slots) on the spilled operands;
  // the results are left in the first operand's home slot (and up), a trap
  // message set by fn becomes a trap here.
  void SlotHelperOp(const void* fn, Opcode op, uint32_t a, uint64_t b, uint32_t params,
                    uint32_t results) {
    stack_.SpillAll();
    uint32_t h = stack_.height();
    stack_.ForgetLocals();
    masm_.CallHelper(fn,
                     {Arg::Ctx(), Arg::Inst(), Arg::Imm(static_cast<uint32_t>(op)),
                      Arg::Imm(a), Arg::Imm(b), Arg::SlotAddr(stack_.home(h - params))});
    masm_.BranchIfTrapPending(NewTrap(nullptr));
    for (uint32_t i = 0; i < params; ++i) stack_.Drop();
    for (uint32_t i = 0; i < results; ++i) stack_.PushStack();
  }
  // Metering: charges the interruption budget here (cost patched later); when
  // it runs out, an out-of-line stub asks the store whether to go on.
  uint32_t Charge() {
    ChargeSite site{masm_.NewLabel(), masm_.NewLabel(), NewTrap(nullptr)};
    uint32_t handle = masm_.ChargeBudget(site.exhausted);
    masm_.Bind(site.resume);
    charges_.push_back(site);
    return handle;
  }
  void EmitChargeStubs() {
    for (const ChargeSite& c : charges_) {
      masm_.Bind(c.exhausted);
      masm_.CallHelper(reinterpret_cast<const void*>(&HelperInterrupt), {Arg::Ctx()});
      masm_.BranchIfResultZero(c.trap);
      masm_.Jump(c.resume);
    }
  }
  // A catch / catch_all clause of the innermost (legacy try) block: ends the
  // previous part, then starts the clause's body with the payload pushed.
  void LegacyCatch(CatchClause::Kind kind, uint32_t tag, uint32_t num_values) {
    Block& b = blocks_.back();
    if (reachable_) {
      stack_.SpillAll();
      masm_.Jump(b.label);
    }
    b.has_else = true;  // "in its catch part" (OnDelegate, rethrow targets)
    TryScope& scope = try_scopes_[b.try_scope];
    Label body = masm_.NewLabel();
    scope.catches.push_back({kind, tag, body, num_locals_ + b.base, b.exn_slot});
    active_try_ = scope.parent;  // a throw in a catch body goes outward
    stack_.ResetTo(b.base);
    BindLabel(body, /*falls_through=*/false);
    for (uint32_t i = 0; i < num_values; ++i) stack_.PushStack();
    reachable_ = true;
  }
  // Where a throw at this point goes: the innermost try_table's landing pad,
  // or out of the function.
  Label ExceptionLanding() {
    if (active_try_ >= 0) return try_scopes_[active_try_].landing;
    if (throw_out_.id == Label{}.id) throw_out_ = masm_.NewLabel();
    return throw_out_;
  }
  // Every try_table's landing pad (all values are in their home slots at any
  // throwing site: calls and throws spill first).
  void EmitLandingPads() {
    for (const TryScope& scope : try_scopes_) {
      masm_.Bind(scope.landing);
      std::vector<Label> take;
      for (const TryScope::Catch& c : scope.catches) {
        take.push_back(masm_.NewLabel());
        if (c.tag != kNoTag) masm_.BranchIfExceptionTag(c.tag, take.back());
        else if (c.kind == CatchClause::kCatchAll || c.kind == CatchClause::kCatchAllRef)
          masm_.Jump(take.back());
      }
      if (scope.parent >= 0) {
        masm_.Jump(try_scopes_[scope.parent].landing);
      } else {
        masm_.Jump(ExceptionLanding());
      }
      for (size_t i = 0; i < scope.catches.size(); ++i) {
        const TryScope::Catch& c = scope.catches[i];
        masm_.Bind(take[i]);
        bool payload = c.kind == CatchClause::kCatch || c.kind == CatchClause::kCatchRef;
        bool ref = c.kind == CatchClause::kCatchRef || c.kind == CatchClause::kCatchAllRef;
        masm_.ReloadInstance();
        masm_.CallHelper(reinterpret_cast<const void*>(&HelperCatch),
                         {Arg::Ctx(), Arg::SlotAddr(c.dest_slot), Arg::Imm(payload), Arg::Imm(ref)});
        if (c.exn_slot != kNoSlot) masm_.StoreResultToSlot(c.exn_slot);
        if (c.loop_header >= 0) {
          stack_.EmitCacheRestore(loop_headers_[c.loop_header], /*from_cache=*/false);
        }
        masm_.Jump(c.target);
      }
    }
    if (throw_out_.id != Label{}.id) {
      masm_.Bind(throw_out_);
      masm_.ReturnException();
    }
  }
  void Unsupported(const char* what) {
    if (why_.empty()) why_ = std::string("unsupported: ") + what;
  }
  bool SigSupported(const SubType& sig) {
    for (ValType t : module_.params(sig)) if (IsUnsupportedType(t)) return false;
    for (ValType t : module_.results(sig)) if (IsUnsupportedType(t)) return false;
    return true;
  }
  bool MemorySupported(uint32_t memidx) {
    if (memidx >= module_.memories.size()) {
      Unsupported("no memory");
      return false;
    }
    return true;
  }
  // How an access to memory `memidx` is addressed and checked (MemRef):
  // memory64 and unguarded memories get explicit checks.
  MemRef MemFor(uint32_t memidx) {
    MemRef r;
    r.is64 = module_.memories[memidx].limits.is64;
    if (memidx == 0) {
      r.checked = !env_.mem0_guarded;
    } else {
      // Code is shared by every instance of the module, whose other memories
      // may or may not have guard pages: always checked.
      r.memidx = memidx;
      r.checked = true;
    }
    if (r.is64) r.checked = true;
    return r;
  }

  void Const(uint64_t v) {
    if (failed()) return;
    ++cost_;
    stack_.PushConst(v);
  }

  Label NewTrap(const char* message) {
    Label l = masm_.NewLabel();
    traps_.push_back({l, message, decoder_->op_offset(), false, Label{}});
    return l;
  }
  Label OobLabel(const MemRef& mem) {
    if (!mem.checked) return Label{};
    return NewTrap(kTrapMemoryOutOfBounds);
  }

  // Loop look-ahead. On reaching its first loop, the compiler reads the rest
  // of the body once (ScanInstruction) to learn which locals each loop reads
  // with local.get before writing them, counting reads in nested loops too:
  // loop-carried values and invariants, not the iteration's temporaries.
  // Each loop header keeps only those locals in its cache and loads the most
  // read ones that no register caches yet into spare registers, so that they
  // stay in registers around the loop (V8's Liftoff gives locals that are
  // constants at a loop entry registers for the same reason). Spare: it
  // leaves kLoopSpareRegs integer and kLoopSpareFRegs float registers caching
  // nothing, for the loop's operands.
  static constexpr uint32_t kLoopSpareRegs = 3, kLoopSpareFRegs = 4;
  static constexpr size_t kMaxLoopReads = 16;  // candidates kept per loop
  struct LoopReads {
    uint32_t offset;               // of the `loop` instruction
    std::vector<uint32_t> locals;  // most read first
  };
  // One pass, linear in the instructions plus the (loop, local) pairs: an
  // access to a local is its first in every open loop that began after the
  // local's previous access (a suffix of the open loops, innermost first). A
  // loop's reads of a local it reads first are the reads counted from that
  // first access to the loop's end. A scan starts at an outermost loop and
  // stops at its end: code between and after outermost loops is never read.
  void ScanLoops(uint32_t from) {
    const Function& f = module_.funcs[funcidx_];
    const uint8_t* base = module_.bytes.data();
    Reader r(base, base + from, base + f.body.offset + f.body.size);
    struct OpenLoop {
      uint32_t index;  // in loop_reads_
      uint32_t start;  // instruction count at its start
      std::vector<std::pair<uint32_t, uint32_t>> first_reads;  // (local, reads before)
      bool called = false;  // a call since its start (calls forget the cache)
    };
    std::vector<int> open;  // per open block: whether it is a loop (1) or not (0)
    std::vector<OpenLoop> loops;
    std::vector<uint32_t> last_access(wasm_locals_, 0);  // instruction count + 1, 0: none
    std::vector<uint32_t> reads(wasm_locals_, 0);
    std::vector<std::pair<uint32_t, uint32_t>> counts;  // (reads, local)
    uint32_t n = 0;  // instructions so far
    auto access = [&](uint32_t local, bool read) {
      if (local >= wasm_locals_) return;
      // A first read after a call in the loop gains nothing from the header's
      // cache (the call forgot it), so it does not count.
      for (size_t k = loops.size(); k-- > 0 && loops[k].start >= last_access[local];) {
        if (read && !loops[k].called) loops[k].first_reads.push_back({local, reads[local]});
      }
      last_access[local] = n + 1;
      if (read) ++reads[local];
    };
    while (!r.at_end()) {
      const uint32_t at = r.offset();
      const ScannedInstruction in = ScanInstruction(r);
      ++n;
      switch (in.op) {
        case Opcode::kInvalid:
          r.skip(r.remaining());
          break;
        case Opcode::kBlock: case Opcode::kIf: case Opcode::kTry: case Opcode::kTryTable:
          open.push_back(0);
          break;
        case Opcode::kLoop:
          open.push_back(1);
          loops.push_back({static_cast<uint32_t>(loop_reads_.size()), n, {}});
          loop_reads_.push_back({at, {}});
          break;
        case Opcode::kEnd: case Opcode::kDelegate: {
          if (open.empty()) break;
          bool loop = open.back() == 1;
          open.pop_back();
          if (!loop) break;
          OpenLoop& l = loops.back();
          counts.clear();
          for (const auto& [local, before] : l.first_reads) counts.push_back({reads[local] - before, local});
          std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
          });
          if (counts.size() > kMaxLoopReads) counts.resize(kMaxLoopReads);
          for (const auto& c : counts) loop_reads_[l.index].locals.push_back(c.second);
          loops.pop_back();
          if (open.empty()) {  // the end of the loop the scan started at
            scanned_to_ = r.offset();
            return;
          }
          break;
        }
        case Opcode::kCall: case Opcode::kCallIndirect: case Opcode::kCallRef:
          for (OpenLoop& l : loops) l.called = true;
          break;
        case Opcode::kLocalGet:
          access(in.index, true);
          break;
        case Opcode::kLocalSet: case Opcode::kLocalTee:
          access(in.index, false);
          break;
        default:
          break;
      }
    }
  }
  void CacheLoopReads(uint32_t loop_offset) {
    if (loop_offset >= scanned_to_) {  // an outermost loop: scan to its end
      scanned_to_ = UINT32_MAX;  // unless ScanLoops finds the end
      ScanLoops(loop_offset);
    }
    while (next_loop_ < loop_reads_.size() && loop_reads_[next_loop_].offset < loop_offset) {
      ++next_loop_;
    }
    if (next_loop_ == loop_reads_.size() || loop_reads_[next_loop_].offset != loop_offset) return;
    // Cached locals the loop does not read first would only cost each branch
    // back a reload: they leave the header's state.
    stack_.KeepCached(loop_reads_[next_loop_].locals);
    for (uint32_t local : loop_reads_[next_loop_].locals) {  // all < wasm_locals_ (ScanLoops)
      bool f = local_float_[local];
      stack_.CacheLocal(local, f, f ? kLoopSpareFRegs : kLoopSpareRegs);
    }
  }

  void OpenBlock(Decoder::Control& c, ControlKind kind) {
    if (failed()) return;
    for (ValType t : c.type.params()) if (IsUnsupportedType(t)) return Unsupported("v128 block");
    for (ValType t : c.type.results()) if (IsUnsupportedType(t)) return Unsupported("v128 block");
    stack_.SpillAll();
    Block b;
    b.kind = kind;
    b.num_params = static_cast<uint32_t>(c.type.params().size());
    b.num_results = static_cast<uint32_t>(c.type.results().size());
    b.base = stack_.height() - b.num_params;
    b.label = masm_.NewLabel();
    if (kind == ControlKind::kBlock || kind == ControlKind::kIf || kind == ControlKind::kTryTable) {
      Track(b.label);
    }
    b.outer_try = active_try_;
    blocks_.push_back(b);
  }
  Block& Target(uint32_t depth) { return blocks_[blocks_.size() - 1 - depth]; }
  uint32_t DestSlot(const Block& t) const {
    return t.kind == ControlKind::kFunction ? 0 : num_locals_ + t.base;
  }
  // Whether a branch to `t` must move values (they are not already in place).
  bool NeedsCopy(const Block& t) {
    uint32_t n = t.arity();
    if (n == 0) return false;
    return DestSlot(t) != stack_.home(stack_.height() - n);
  }
  // Writes the top `arity` values to the target's slots, lowest first (the
  // destination never lies above its source, so no value is overwritten early).
  void CopyToLabel(Block& t) {
    uint32_t n = t.arity(), h = stack_.height();
    uint32_t dst = DestSlot(t);
    for (uint32_t i = 0; i < n; ++i) stack_.StoreEntry(h - n + i, dst + i);
  }
  // Whether a branch to `t` needs code before its jump: values to move, or
  // a loop header's cached locals to put back.
  bool NeedsStub(const Block& t) {
    return NeedsCopy(t) || (t.header >= 0 && !stack_.CacheHolds(loop_headers_[t.header]));
  }
  // The taken path of a branch to `t`: its values to the label's slots, the
  // header's cached locals back into their registers, then the jump.
  void JumpWithMoves(Block& t) {
    CopyToLabel(t);
    if (t.header >= 0) stack_.EmitCacheRestore(loop_headers_[t.header], /*from_cache=*/true);
    NoteJump(t.label);
    masm_.Jump(t.label);
  }
  void EmitReturn() {
    Block& f = blocks_.front();
    CopyToLabel(f);
    masm_.Jump(return_label_);
  }

  // return_call*: writes the callee's arguments (the top param_count values)
  // to fp[0..), lowest first (each destination lies below its source). The
  // function's own locals are dead from here on.
  void MoveTailCallArgs(const SubType& sig) {
    stack_.SpillAll();
    uint32_t n = sig.param_count, h = stack_.height();
    for (uint32_t i = 0; i < n; ++i) stack_.StoreEntry(h - n + i, i);
    stack_.ForgetLocals();
  }
  // Whether `callee` (a funcidx or kDynamicCallee) is defined by this module,
  // so it runs in the caller's instance.
  bool SameInstance(uint32_t callee) const {
    return callee != MacroAssembler::kDynamicCallee && callee >= module_.num_imported_funcs;
  }
  void EmitTailCall(uint32_t callee, const SubType& sig) {
    masm_.TailCallWasm(callee, reinterpret_cast<const void*>(&HelperCallSlow), SameInstance(callee),
                       callee == funcidx_);
    for (uint32_t i = 0; i < sig.param_count; ++i) stack_.Drop();
    reachable_ = false;
  }

  void EmitCall(uint32_t callee, const SubType& sig) {
    masm_.SetSourceOffset(decoder_->op_offset());
    stack_.SpillAll();
    uint32_t h = stack_.height();
    uint32_t arg_slot = stack_.home(h - sig.param_count);
    Label propagate = masm_.NewLabel();
    traps_.push_back({propagate, nullptr, decoder_->op_offset(), true,
                      active_try_ >= 0 ? try_scopes_[active_try_].landing : Label{}});
    stack_.ForgetLocals();
    if (callee == funcidx_) {
      masm_.CallSelf(arg_slot, propagate);  // recursion: no lookup, no slow path
    } else {
      masm_.CallWasm(callee, arg_slot, propagate, SameInstance(callee));
    }
    for (uint32_t i = 0; i < sig.param_count; ++i) stack_.Drop();
    for (uint32_t i = 0; i < sig.result_count; ++i) stack_.PushStack();
  }

  template <typename F>
  void Unary(F emit) {
    Reg r = stack_.PopToReg();
    emit(r);
    stack_.PushReg(r);
  }
  // `emit(a, b)` writes only `a`. With `into`, a cached local's register as
  // `a` is only read and `into(dst, a, b)` writes a new register instead.
  template <typename F, typename G = std::nullptr_t>
  void Binary(Width, F emit, G into = nullptr) {
    if (failed()) return;
    Reg b = stack_.PopToRegRead();
    if constexpr (!std::is_same_v<G, std::nullptr_t>) {
      if (stack_.top().kind == VarState::kLocal) {
        IntoNewReg([&](Reg d, Reg a) { into(d, a, b); });
        stack_.Release(b);
        return;
      }
    }
    Reg a = stack_.PopToReg();
    emit(a, b);
    stack_.Release(b);
    stack_.PushReg(a);
  }
  // The top entry, a cached local's register, only read: `into(dst, x)`
  // writes the result to a new register (no copy of the local first).
  template <typename G>
  void IntoNewReg(G into) {
    Reg x = stack_.PopToRegRead();
    Reg d = stack_.Alloc();
    into(d, x);
    stack_.Release(x);
    stack_.PushReg(d);
  }
  // An immediate right operand when it fits a sign-extended imm32.
  bool TopImm(Width w, int32_t* imm) {
    const VarState& b = stack_.top();
    if (b.kind != VarState::kConst) return false;
    if (w == Width::k64 && static_cast<int64_t>(b.imm) != static_cast<int32_t>(b.imm)) return false;
    *imm = static_cast<int32_t>(b.imm);
    return true;
  }
  void AluOpEmit(AluOp op, Width w) {
    if (failed()) return;
    int32_t imm;
    if (TopImm(w, &imm)) {
      stack_.Drop();
      // A cached local's register and a constant: one instruction into a new
      // register (lea, imul) instead of a copy and the operation.
      if (stack_.top().kind == VarState::kLocal && MacroAssembler::HasAluImmTo(op, w, imm)) {
        return IntoNewReg([&](Reg d, Reg x) { masm_.AluImmTo(op, w, d, x, imm); });
      }
      Reg a = stack_.PopToReg();
      masm_.AluImm(op, w, a, imm);
      stack_.PushReg(a);
      return;
    }
    auto alu = [&](Reg a, Reg b) { masm_.Alu(op, w, a, b); };
    if (op == AluOp::kAdd) {  // the same with a register
      return Binary(w, alu, [&](Reg d, Reg a, Reg b) { masm_.AddTo(w, d, a, b); });
    }
    Binary(w, alu);
  }
  void FloatBinEmit(FloatOp op, bool f64) {
    FReg b = stack_.PopToFRegRead();
    FReg a = stack_.PopToFReg();
    masm_.FloatBin(op, f64, a, b);
    stack_.ReleaseF(b);
    stack_.PushFReg(a);
  }
  void FloatUnaryEmit(FloatUnOp u, bool f64, Opcode op, const OpcodeInfo& info) {
    bool rounding = u != FloatUnOp::kSqrt && u != FloatUnOp::kAbs && u != FloatUnOp::kNeg;
    if (rounding && !MacroAssembler::HasRoundInstructions()) return GenericNumeric(op, info);
    FReg r = stack_.PopToFReg();
    masm_.FloatUnary(u, f64, r);
    stack_.PushFReg(r);
  }
  void ConvertEmit(IntToFloat c, bool f64) {
    Reg s = stack_.PopToReg();
    FReg d = stack_.AllocF();
    masm_.ConvertIntToFloat(c, f64, d, s);
    stack_.Release(s);
    stack_.PushFReg(d);
  }
  void FloatResizeEmit(bool to_f64) {
    FReg r = stack_.PopToFReg();
    masm_.FloatResize(to_f64, r);
    stack_.PushFReg(r);
  }
  void FloatCompareEmit(FCond c, bool f64) {
    // Stays pending (kFCond) like integer comparisons: br_if / if branch on
    // the flags.
    FReg b = stack_.PopToFRegRead();  // the comparison only reads both
    FReg a = stack_.PopToFRegRead();
    stack_.PushFCond(c, f64, a, b);
  }
  static bool IsFloat(ValType t) {
    return t.kind() == ValType::kF32 || t.kind() == ValType::kF64;
  }
  // Integer comparisons stay pending (kCond) until a consumer needs them.
  void CompareEmit(Cond c, Width w) {
    int32_t imm;
    // Both operands are only read (a cached local's register stays pinned
    // until the comparison is evaluated or branched on).
    if (TopImm(w, &imm)) {
      stack_.Drop();
      Reg a = stack_.PopToRegRead();
      stack_.PushCond(c, w, a, 0, true, imm);
      return;
    }
    Reg b = stack_.PopToRegRead();
    Reg a = stack_.PopToRegRead();
    stack_.PushCond(c, w, a, b, false, 0);
  }
  static Cond Negate(Cond c) {
    switch (c) {
      case Cond::kEq: return Cond::kNe;
      case Cond::kNe: return Cond::kEq;
      case Cond::kLtS: return Cond::kGeS;
      case Cond::kLtU: return Cond::kGeU;
      case Cond::kGtS: return Cond::kLeS;
      case Cond::kGtU: return Cond::kLeU;
      case Cond::kLeS: return Cond::kGtS;
      case Cond::kLeU: return Cond::kGtU;
      case Cond::kGeS: return Cond::kLtS;
      case Cond::kGeU: return Cond::kLtU;
    }
    return c;
  }
  // Pops the i32 condition on top and branches to `l` when it is non-zero
  // (or zero, with `if_zero`), fusing a pending comparison into one
  // compare-and-jump. SpillAll runs between the pop and the branch.
  // A cached local's register as an i32 condition: a pending `!= 0`
  // comparison, so branches test the register in place.
  void TestInPlace() {
    Reg r = stack_.PopToRegRead();
    stack_.PushCond(Cond::kNe, Width::k32, r, 0, /*has_imm=*/true, 0);
  }
  void PopAndBranch(bool if_zero, Label l) {
    if (stack_.top().kind == VarState::kLocal) TestInPlace();
    VarState top = stack_.top();
    if (top.kind == VarState::kCond) {
      stack_.Pop();  // registers stay held until the branch is emitted
      stack_.SpillAll();
      Cond c = if_zero ? Negate(top.cond) : top.cond;
      if (top.has_imm) masm_.BranchCompareImm(c, top.width, top.reg, static_cast<int32_t>(top.imm), l);
      else masm_.BranchCompare(c, top.width, top.reg, top.reg2, l);
      stack_.Release(top.reg);
      if (!top.has_imm) stack_.Release(top.reg2);
      return;
    }
    if (top.kind == VarState::kFCond) {
      stack_.Pop();  // float registers stay held until the branch is emitted
      stack_.SpillAll();
      masm_.BranchFloatCompare(top.fcond, top.f64, top.reg, top.reg2, top.negated == if_zero, l);
      stack_.ReleaseF(top.reg);
      stack_.ReleaseF(top.reg2);
      return;
    }
    Reg cond = stack_.PopToReg();
    stack_.SpillAll();
    if (if_zero) masm_.BranchIfZero(Width::k32, cond, l);
    else masm_.BranchIfNonZero(Width::k32, cond, l);
    stack_.Release(cond);
  }
  void DivEmit(DivOp op, Width w) {
    int32_t imm;
    const bool sign = op == DivOp::kDivS || op == DivOp::kRemS;
    if (TopImm(w, &imm) && imm != 0 && !(sign && imm == -1)) {  // cannot trap
      stack_.Drop();
      Reg a = stack_.PopToReg();
      masm_.DivByConst(op, w, a, imm);
      stack_.PushReg(a);
      return;
    }
    Label zero = NewTrap(kTrapDivByZero);
    Label ovf = op == DivOp::kDivS ? NewTrap(kTrapIntOverflow) : zero;
    Binary(w, [&](Reg a, Reg b) { masm_.Div(op, w, a, b, zero, ovf); });
  }
  // Every other fixed-signature numeric instruction: one helper call.
  void GenericNumeric(Opcode op, const OpcodeInfo& info) {
    const OpSignature& sig = info.sig;
    if (info.has_sig && sig.num_results == 2 && info.prefix == 0xFC) {
      // Wide arithmetic (i64.add128, i64.sub128, i64.mul_wide_s/u).
      return SlotHelperOp(reinterpret_cast<const void*>(&HelperWideArithmetic), op, 0, 0,
                          sig.num_params, 2);
    }
    if (!info.has_sig || sig.num_results != 1 || sig.num_params < 1 || sig.num_params > 2)
      return Unsupported(info.name);
    for (uint32_t i = 0; i < sig.num_params; ++i)
      if (sig.params[i] == ValType::kV128) return Unsupported(info.name);
    if (sig.results[0] == ValType::kV128) return Unsupported(info.name);
    stack_.SpillAll();
    uint32_t h = stack_.height();
    uint32_t np = sig.num_params;
    Arg a = Arg::Slot(stack_.home(h - np));
    Arg b = np == 2 ? Arg::Slot(stack_.home(h - 1)) : Arg::Imm(0);
    stack_.ForgetLocals();
    masm_.CallHelper(reinterpret_cast<const void*>(&HelperNumeric),
                     {Arg::Ctx(), Arg::Imm(static_cast<uint32_t>(op)), a, b});
    if (Traps(op)) masm_.BranchIfTrapPending(NewTrap(nullptr));
    for (uint32_t i = 0; i < np; ++i) stack_.Drop();
    Reg r = stack_.Alloc();
    masm_.MovResult(r);
    stack_.PushReg(r);
  }
  static bool Traps(Opcode op) {
    switch (op) {
      case Opcode::kI32TruncF32S: case Opcode::kI32TruncF32U: case Opcode::kI32TruncF64S:
      case Opcode::kI32TruncF64U: case Opcode::kI64TruncF32S: case Opcode::kI64TruncF32U:
      case Opcode::kI64TruncF64S: case Opcode::kI64TruncF64U:
        return true;
      default:
        return false;
    }
  }
  static bool Access(Opcode op, MemAccess* m) {
    switch (op) {
      case Opcode::kI32Load: case Opcode::kF32Load: *m = {4, false, Width::k32}; return true;
      case Opcode::kI64Load: case Opcode::kF64Load: *m = {8, false, Width::k64}; return true;
      case Opcode::kI32Load8S: *m = {1, true, Width::k32}; return true;
      case Opcode::kI32Load8U: *m = {1, false, Width::k32}; return true;
      case Opcode::kI32Load16S: *m = {2, true, Width::k32}; return true;
      case Opcode::kI32Load16U: *m = {2, false, Width::k32}; return true;
      case Opcode::kI64Load8S: *m = {1, true, Width::k64}; return true;
      case Opcode::kI64Load8U: *m = {1, false, Width::k64}; return true;
      case Opcode::kI64Load16S: *m = {2, true, Width::k64}; return true;
      case Opcode::kI64Load16U: *m = {2, false, Width::k64}; return true;
      case Opcode::kI64Load32S: *m = {4, true, Width::k64}; return true;
      case Opcode::kI64Load32U: *m = {4, false, Width::k64}; return true;
      case Opcode::kI32Store: case Opcode::kF32Store: *m = {4, false, Width::k32}; return true;
      case Opcode::kI64Store: case Opcode::kF64Store: *m = {8, false, Width::k64}; return true;
      case Opcode::kI32Store8: case Opcode::kI64Store8: *m = {1, false, Width::k64}; return true;
      case Opcode::kI32Store16: case Opcode::kI64Store16: *m = {2, false, Width::k64}; return true;
      case Opcode::kI64Store32: *m = {4, false, Width::k64}; return true;
      default: return false;
    }
  }

  const Module& module_;
  uint32_t funcidx_;
  CompileEnv env_;
  MacroAssembler masm_;
  ValueStack stack_;
  Decoder* decoder_ = nullptr;
  std::vector<Block> blocks_;
  std::vector<TrapSite> traps_;
  std::vector<TryScope> try_scopes_;
  int active_try_ = -1;  // innermost open try_table's scope
  std::vector<Label> loop_labels_;  // OSR entries of the loops, in decoding order
  // Loop headers' merge states (Block::header), and the OSR entry stubs of
  // the loops that have one.
  std::vector<ValueStack::CacheState> loop_headers_;
  std::vector<ForwardMerge> merges_;   // by Label id
  std::vector<LoopReads> loop_reads_;  // every loop from the first, in body order
  size_t next_loop_ = 0;               // the first of them not yet reached
  uint32_t scanned_to_ = 0;            // ScanLoops read the body up to here
  std::vector<bool> local_float_;      // per wasm local: f32/f64 (a float register)
  struct OsrStub {
    Label entry, loop;
    int header;
  };
  std::vector<OsrStub> osr_stubs_;
  struct ChargeSite {
    Label exhausted, resume, trap;
  };
  std::vector<ChargeSite> charges_;
  uint32_t cost_ = 0, entry_charge_ = 0;  // metering: units of the current region
  uint32_t exn_slots_ = 0, wasm_locals_ = 0;
  uint32_t legacy_depth_ = 0, legacy_max_ = 0;  // legacy try nesting
  Label throw_out_;      // returns with the exception in flight
  Label overflow_, return_label_;
  uint32_t num_params_ = 0, num_locals_ = 0;
  bool reachable_ = true;
  std::string why_;
};

}  // namespace

namespace {
bool CompileWithSlots(const Module& module, uint32_t funcidx, const CompileEnv& env,
                      CodeMemory& memory, CompiledCode* out, std::string* why,
                      uint32_t exn_slots, uint32_t* needed_exn_slots) {
  BaselineCompiler c(module, funcidx, env, exn_slots);
  if (env.listing) c.masm().EnableListing();
  c.masm().Reserve(module.funcs[funcidx].body.size * 6 + 512);
  BaselineCompiler::Decoder d(module, c);
  c.set_decoder(&d);
  c.fn_offset_ = module.funcs[funcidx].body.offset;
  if (!d.DecodeFunction(funcidx)) {
    *why = "decode: " + d.error().message;
    return false;
  }
  *needed_exn_slots = c.needed_exn_slots();
  if (c.failed()) {
    *why = c.why();
    return false;
  }
  if (c.masm().failed()) {
    *why = "assembler error";
    return false;
  }
  out->entry = c.masm().Finish(memory, &out->size, why);
  if (out->entry) out->internal = static_cast<uint8_t*>(out->entry) + c.masm().internal_offset();
  out->access_sites = c.masm().TakeAccessSites();
  out->call_sites = c.masm().TakeCallSites();
  if (out->entry && c.masm().osr_offset() != 0) {
    auto* base = static_cast<uint8_t*>(out->entry);
    out->osr_entry = base + c.masm().osr_offset();
    for (Label l : c.loop_labels()) out->loop_headers.push_back(base + c.masm().LabelOffset(l));
  }
  if (env.listing) *env.listing = c.masm().listing();
  return out->entry != nullptr;
}
}  // namespace

bool CompileFunction(const Module& module, uint32_t funcidx, const CompileEnv& env,
                     CodeMemory& memory, CompiledCode* out, std::string* why) {
  uint32_t needed = 0;
  if (CompileWithSlots(module, funcidx, env, memory, out, why, 0, &needed)) return true;
  // Legacy try blocks need frame slots after the locals, known only once the
  // body has been seen: compile once more with them.
  if (needed == 0) return false;
  why->clear();
  return CompileWithSlots(module, funcidx, env, memory, out, why, needed, &needed);
}

}  // namespace cascade::jit
