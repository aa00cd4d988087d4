// MacroAssembler: the small architecture-neutral instruction set the baseline
// compiler emits through (V8's LiftoffAssembler role). Each backend implements
// it in its own folder (jit/x64/macro_assembler_x64.cc on AsmJit's
// x86::Assembler); the compiler never names a machine register.
//
// Model: a function has a frame pointer to its value-stack slots (fp, 64-bit
// slots: locals, then operand home slots), a context pointer (jit_context.h), an
// Instance pointer and a cached memory-0 base, all in reserved registers. Code
// is compiled once per module, not per instance: everything instance-specific
// (functions, globals, memories, tags) is reached through the instance
// register (Instance::jit_*), which the internal entry preserves for its
// caller. `Reg` names one of kNumRegs allocatable registers; scratch
// registers are the backend's own. 32-bit operations leave the upper 32 bits
// of their destination zero (slot encoding of i32/f32, value.h).
//
// Invariants: labels are created by NewLabel and bound at most once; helper
// calls (CallHelper, CallWasm) clobber every allocatable register, so the
// compiler spills all live registers first; Finish installs the code (W^X)
// and returns its entry, or nullptr on failure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace cascade::jit {

class CodeMemory;
struct SourceSite;

using Reg = uint8_t;
inline constexpr uint32_t kNumRegs = 8;
using FReg = uint8_t;  // allocatable float register (f32/f64 bits; f32 keeps bits 32..63 zero)
inline constexpr uint32_t kNumFRegs = 14;
struct Label {
  uint32_t id = 0xFFFFFFFF;
};

enum class Width : uint8_t { k32, k64 };
enum class AluOp : uint8_t { kAdd, kSub, kMul, kAnd, kOr, kXor, kShl, kShrS, kShrU, kRotl, kRotr };
enum class Cond : uint8_t { kEq, kNe, kLtS, kLtU, kGtS, kGtU, kLeS, kLeU, kGeS, kGeU };
enum class FCond : uint8_t { kEq, kNe, kLt, kGt, kLe, kGe };
enum class FloatOp : uint8_t { kAdd, kSub, kMul, kDiv };
// One-operand float instructions done inline (the rest go through helpers).
// The rounding ones need SSE4.1 (MacroAssembler::HasRoundInstructions).
enum class FloatUnOp : uint8_t { kSqrt, kAbs, kNeg, kCeil, kFloor, kTrunc, kNearest };
// Integer -> float conversions done inline: from i32 (signed, unsigned) or
// i64 (signed only).
enum class IntToFloat : uint8_t { kI32S, kI32U, kI64S };
enum class DivOp : uint8_t { kDivS, kDivU, kRemS, kRemU };
enum class Extend : uint8_t { kWrap, kSign32, kSign8, kSign16 };  // kWrap: zero upper 32

// A memory access: `size` bytes, sign-extended or not, into a `width` value.
struct MemAccess {
  uint8_t size;
  bool sign;
  Width width;
};

// Which linear memory an access goes to and how it is checked.
//  * memidx == 0: memory 0, through the cached base register and the
//    instance's memory0_size. Otherwise another memory (multi-memory), whose
//    MemoryInstance (from the instance), base and size are loaded at each
//    access, since an unguarded memory may move when it grows.
//  * is64: memory64, the address operand is a full i64; addr + offset + size
//    is checked without wrapping (spec 4.4.7, "memory instructions").
//  * checked: compare against the memory's current size and jump to the oob
//    label; unchecked accesses rely on the guard pages (guarded memory32).
struct MemRef {
  uint32_t memidx = 0;
  bool is64 = false;
  bool checked = false;
};

// One argument of a helper call (System V integer argument registers).
struct Arg {
  enum Kind : uint8_t { kImm, kSlot, kSlotAddr, kCtx, kInst, kReg } kind;
  uint64_t value;
  static Arg Imm(uint64_t v) { return {kImm, v}; }
  static Arg Ptr(const void* p) { return {kImm, reinterpret_cast<uint64_t>(p)}; }
  static Arg Slot(uint32_t s) { return {kSlot, s}; }      // the slot's value
  static Arg SlotAddr(uint32_t s) { return {kSlotAddr, s}; }  // fp + s
  static Arg Ctx() { return {kCtx, 0}; }
  static Arg Inst() { return {kInst, 0}; }  // the running code's Instance*
  static Arg R(Reg r) { return {kReg, r}; }
};

class MacroAssembler {
 public:
  MacroAssembler();
  ~MacroAssembler();
  MacroAssembler(const MacroAssembler&) = delete;
  MacroAssembler& operator=(const MacroAssembler&) = delete;

  // Expects about `bytes` of code (reserves the buffer once instead of
  // growing it by copies).
  void Reserve(size_t bytes);
  // Starts a function with its two entries. The external entry (the code's
  // first byte; the C calling convention of jit_context.h) saves the callee-
  // saved registers, loads ctx/instance/memory base and calls the internal
  // entry. The internal entry (internal_offset()) is what JIT code of the
  // same instance calls: ctx, instance and memory-base registers already hold
  // the right values, rsi the callee's fp; it saves the caller's instance
  // register (restored by the epilogue; the callee returns with fp as it was
  // given, from which the caller recomputes its own), checks the native and value
  // stack limits (jumping to `overflow`) and zeroes fp[num_params..num_locals).
  // A tail call enters a fixed number of bytes after the internal entry, on the
  // frame its caller leaves in place. The frame size is set later
  // (SetFrameSlots).
  void Prologue(uint32_t num_params, uint32_t num_locals, Label overflow);
  void SetFrameSlots(uint32_t slots);
  // Binds the shared exit; status register must hold 0 (ok) or 1 (trap).
  void BindEpilogue();
  // Status 0, then into the epilogue: emitted right before BindEpilogue, so
  // it falls through.
  void ReturnOk();

  Label NewLabel();
  void Bind(Label l);
  void Jump(Label l);
  void BranchIfZero(Width w, Reg r, Label l);
  void BranchIfNonZero(Width w, Reg r, Label l);
  void BranchCompare(Cond c, Width w, Reg a, Reg b, Label l);
  void BranchCompareImm(Cond c, Width w, Reg a, int32_t imm, Label l);
  // Jumps to `l` when the float comparison `a c b` is true (`when_true`) or
  // false, with wasm's NaN rules (every comparison but ne is false on NaN).
  void BranchFloatCompare(FCond c, bool f64, FReg a, FReg b, bool when_true, Label l);
  // Jumps to targets[index], or to `fallback` when index >= targets.size()
  // (index is an i32).
  void JumpTable(Reg index, std::span<const Label> targets, Label fallback);

  // Moves and frame slots.
  void MovImm(Reg dst, uint64_t v);
  void Mov(Reg dst, Reg src);
  void LoadSlot(Reg dst, uint32_t slot);
  void StoreSlot(uint32_t slot, Reg src);
  void StoreSlotImm(uint32_t slot, uint64_t v);
  void CopySlot(uint32_t dst, uint32_t src);
  // 64-bit load / store of global `globalidx`'s value (through the instance).
  void LoadGlobal(Reg dst, uint32_t globalidx);
  void StoreGlobal(uint32_t globalidx, Reg src);
  // dst = the FuncInstance* of `funcidx` in the running instance (ref.func).
  void LoadFuncRef(Reg dst, uint32_t funcidx);

  // Integer arithmetic: dst = dst op src.
  void Alu(AluOp op, Width w, Reg dst, Reg src);
  void AluImm(AluOp op, Width w, Reg dst, int32_t imm);
  // dst = x + y, and dst = x op imm (imm sign-extended for k64), leaving x
  // and y as they are: one instruction where Alu needs a copy first.
  // AluImmTo takes only what HasAluImmTo accepts (on x86-64: add, sub but
  // not of INT32_MIN, mul, and shl by 1 to 3 after the count's wasm masking).
  void AddTo(Width w, Reg dst, Reg x, Reg y);
  static bool HasAluImmTo(AluOp op, Width w, int32_t imm);
  void AluImmTo(AluOp op, Width w, Reg dst, Reg x, int32_t imm);
  // dst = (a cond b) ? 1 : 0; dst may equal a.
  void Compare(Cond c, Width w, Reg dst, Reg a, Reg b);
  void CompareImm(Cond c, Width w, Reg dst, Reg a, int32_t imm);
  void Eqz(Width w, Reg dst);
  void ExtendOp(Extend e, Reg dst);
  // dst = dst op rhs; jumps to `div_zero` / `overflow` (signed division only).
  void Div(DivOp op, Width w, Reg dst, Reg rhs, Label div_zero, Label overflow);
  // dst = dst op imm for a divisor that cannot trap: imm != 0, and imm != -1
  // for the signed operations (imm sign-extended for k64, as a u32 for k32
  // unsigned). Powers of two become shifts and masks.
  void DivByConst(DivOp op, Width w, Reg dst, int32_t imm);
  // dst = cond != 0 ? dst : other.
  void Select(Reg dst, Reg other, Reg cond);

  // Floats in float registers; moves between classes keep the bits.
  void LoadSlotF(FReg dst, uint32_t slot);
  void StoreSlotF(uint32_t slot, FReg src);
  void MovToF(FReg dst, Reg src);
  void MovFromF(Reg dst, FReg src);
  void MovF(FReg dst, FReg src);
  void MovImmF(FReg dst, uint64_t bits);
  void FloatBin(FloatOp op, bool f64, FReg dst, FReg src);
  // r = op(r) on an f32 (low 32 bits) or f64. sqrt and rounding quiet a NaN
  // operand (an arithmetic NaN, as wasm allows); abs/neg only touch the sign.
  void FloatUnary(FloatUnOp op, bool f64, FReg r);
  // Whether this CPU has roundss/roundsd (SSE4.1) for ceil/floor/trunc/nearest.
  static bool HasRoundInstructions();
  // dst = (f32 or f64) src, rounding to nearest as wasm's convert does.
  void ConvertIntToFloat(IntToFloat op, bool f64, FReg dst, Reg src);
  // f64.promote_f32 (`to_f64`) or f32.demote_f64 in place.
  void FloatResize(bool to_f64, FReg r);
  void FloatCompare(FCond c, bool f64, Reg dst, FReg a, FReg b);
  void LoadF(bool f64, FReg dst, Reg addr, uint64_t offset, const MemRef& mem, Label oob);
  void StoreF(bool f64, Reg addr, uint64_t offset, FReg value, const MemRef& mem, Label oob);

  // dst = mem[addr + offset] (addr an i32, or an i64 for memory64). When
  // `mem.checked`, out-of-bounds accesses jump to `oob` instead.
  void Load(MemAccess m, Reg dst, Reg addr, uint64_t offset, const MemRef& mem, Label oob);
  void Store(MemAccess m, Reg addr, uint64_t offset, Reg value, const MemRef& mem, Label oob);
  void ReloadMemoryBase();

  // Calls a C++ helper with up to 6 integer arguments; the result is then in
  // the return register (MovResult).
  void CallHelper(const void* fn, std::initializer_list<Arg> args);
  void MovResult(Reg dst);
  void StoreResultToSlot(uint32_t slot);  // the helper's result register
  void BranchIfResultZero(Label l);
  // Jumps to `l` when a helper left ctx->trap_message set.
  void BranchIfTrapPending(Label l);
  // Calls a wasm function whose frame starts at fp + `arg_slot`: `callee` is a
  // funcidx of the running instance (kDynamicCallee: the FuncInstance* the
  // last helper returned, see MovCallee). Runs its JIT code when it has some
  // for this store (JitContext::store_serial), else jumps to an out-of-line
  // stub (EmitSlowCallStubs) that calls the shared slow-call thunk
  // (SlowCallThunk: HelperCallSlow, then the callee's fresh code if it was
  // compiled just now). A trap status jumps to `propagate`. `same_instance`:
  // `callee` is a funcidx known to be defined by the caller's module, hence to
  // run in the caller's instance: its FuncInstance::jit_internal is called
  // with no store check and no slow path of its own (it is the function's
  // internal entry, or SlowInternalEntry).
  static constexpr uint32_t kDynamicCallee = 0xFFFFFFFF;
  void CallWasm(uint32_t callee, uint32_t arg_slot, Label propagate, bool same_instance);
  // Emits the out-of-line slow paths of the CallWasm sites so far (two
  // instructions each); call once after the body, before EmitOsrEntry.
  void EmitSlowCallStubs();
  // A tail call (return_call*, spec 4.4.8): the callee's arguments are
  // already in fp[0..). Leaves this function's frame and continues in the
  // callee, which returns to this function's caller; so the native stack does
  // not grow. `callee` as for CallWasm (null: the one in the return register,
  // see MovCallee). `self`: a tail call of the function being compiled. When
  // the callee has no JIT code for this store, `slow` runs it as a normal call
  // and its status is returned.
  void TailCallWasm(uint32_t callee, const void* slow, bool same_instance, bool self);
  // Puts `r` (a FuncInstance*) where CallWasm / TailCallWasm with a null
  // callee look for it.
  void MovCallee(Reg r);
  // A call of the function being compiled itself (its code exists by then).
  void CallSelf(uint32_t arg_slot, Label propagate);
  // The out-of-line trap path of a call site: binds `l`, calls
  // `frame_helper`(ctx, instance, funcidx, wasm_offset), returns status 1.
  // With a valid `exception_landing`, an exception in flight jumps there
  // instead (the call site is inside a try_table of this function). Only the
  // offset is per site: the helper call is emitted once per function, by the
  // first stub, and later ones jump to it (so every stub of a function must
  // pass the same `frame_helper` and `funcidx`).
  void PropagateStub(Label l, const void* frame_helper, uint32_t funcidx, uint32_t wasm_offset,
                     Label exception_landing = Label{});

  // Exception handling (ctx->exception, jit_context.h).
  // Jumps to `l` when a wasm exception is in flight.
  void BranchIfException(Label l);
  // Jumps to `l` when the exception in flight has the running instance's tag
  // `tagidx` (tags compare by identity).
  void BranchIfExceptionTag(uint32_t tagidx, Label l);
  // Puts exnref `r` (an Exception*, not null) in flight.
  void SetException(Reg r);
  // Returns status 1 with the exception in flight (no handler here).
  void ReturnException();
  // Reloads the memory-base register at a landing pad (the throwing callee may
  // have grown and moved memory 0; the instance register is preserved).
  void ReloadInstance();

  // Metering: subtracts a cost (set later by PatchCharge) from the store's
  // interruption budget and jumps to `exhausted` when it goes negative.
  // Returns the handle PatchCharge takes.
  uint32_t ChargeBudget(Label exhausted);
  void PatchCharge(uint32_t handle, uint32_t cost);

  // An out-of-line trap site: binds `l`, records (message or keeps a helper's
  // message when null, funcidx, wasm offset, instance) and returns status 1.
  // As with PropagateStub only the offset is per site: the rest is emitted
  // once per function and message, by the first stub, and shared.
  void TrapStub(Label l, const char* message, uint32_t funcidx, uint32_t wasm_offset);

  // Records a text listing of everything emitted from now on (AsmJit's
  // logger; for `cascade compile --disasm` where Zydis is not linked).
  void EnableListing();
  std::string listing() const;

  // On-stack replacement entry (Store::tier_osr), emitted once after the body:
  //   uint32_t osr(JitContext* ctx, uint64_t* fp, const Instance* instance,
  //                const void* header)   (JitOsrEntry)
  // sets up registers as the external entry does, then a frame like the
  // internal entry's on the live frame at fp (its locals and operands are
  // not touched, both stacks are checked against `overflow`) and jumps to
  // `header`, a loop header's address in this code (LabelOffset).
  void EmitOsrEntry(Label overflow);
  // After Finish: the OSR entry's byte offset from the external entry (0 if
  // none was emitted) and a bound label's.
  size_t osr_offset() const;
  size_t LabelOffset(Label l) const;

  // The wasm byte offset of the instruction being compiled: recorded with each
  // unchecked (guard-page) memory access and each call's return address, for
  // backtraces of faults in machine code (code_registry.h).
  void SetSourceOffset(uint32_t wasm_offset);
  // After Finish: those sites, sorted by code offset (relative to the entry).
  std::vector<SourceSite> TakeAccessSites();
  std::vector<SourceSite> TakeCallSites();


  // Assembles and installs; returns the entry or nullptr (error in *error).
  void* Finish(CodeMemory& memory, size_t* code_size, std::string* error);
  // After Finish: the internal entry's byte offset from the external entry.
  size_t internal_offset() const;
  bool failed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The slow path of every CallWasm site, shared by all code in the process
// (JitContext::slow_call_thunk points at it). Entered by a call from a site's
// stub, rsp as at the site's own call, with rax = the callee FuncInstance*,
// rsi = its frame and the JIT registers of the caller set. Calls
// HelperCallSlow(ctx, rsi, rax, instance); when that returns 2 (the callee was
// compiled just now) it jumps to the callee's external entry, which returns to
// the stub as if the stub had called it, so JIT frames stay adjacent on the
// native stack (code_registry.cc walks them). Returns the status in eax. Built
// on first use; nullptr if executable memory runs out.
const void* SlowCallThunk();
// The internal entry of every function without machine code in the running
// store (FuncInstance::jit_internal): same-instance CallWasm sites call it
// with rax = the callee FuncInstance* and rsi = its frame, as they would call
// the function's code. Like SlowCallThunk, but returns as an internal entry
// does (fp = rsi), and runs freshly compiled code through its internal entry
// (caller and callee share the instance and memory registers).
const void* SlowInternalEntry();

}  // namespace cascade::jit
