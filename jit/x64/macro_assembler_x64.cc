// MacroAssembler on x86-64 (AsmJit's x86::Assembler, System V ABI).
//
// Register map:
//   rbx  fp (value-stack frame)       r12  JitContext*
//   r13  Instance* (of the running code; the internal frame saves the caller's)
//   r14  memory-0 base (reloaded by each epilogue, and after calls through
//        an external entry)
//   rax, rcx, rdx, xmm0, xmm1          scratch, never allocated
//   rsi rdi r8 r9 r10 r11 r15 rbp      allocatable (Reg 0..7; the external
//                                      entry saves rbp, nothing else uses it)
//   xmm2..xmm15                        allocatable floats (FReg 0..13)
// External entry: push rbp + 5 callee-saved + 8 bytes pad. Internal frame:
// [caller's r13][return address], so rsp is 16-byte aligned at every call
// this code makes (code_registry.cc walks this layout). The caller's fp is not
// saved: an internal callee returns with rbx = the fp it was given (tail calls
// keep it), so the caller takes its own back by subtracting its argument
// slot's offset.
#include <asmjit/x86.h>

#include <cstring>
#include <vector>

#include "engine/runtime/func_instance.h"
#include "engine/runtime/instance.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/tag_instance.h"
#include "jit/code_memory.h"
#include "jit/code_registry.h"
#include "jit/jit_context.h"
#include "jit/macro_assembler.h"
#include "jit/runtime_helpers.h"

namespace cascade::jit {

namespace x86 = asmjit::x86;

namespace {

const x86::Gp kPool[kNumRegs] = {x86::rsi, x86::rdi, x86::r8, x86::r9,
                                 x86::r10, x86::r11, x86::r15, x86::rbp};
const x86::Gp kFp = x86::rbx, kCtx = x86::r12, kInst = x86::r13, kMem = x86::r14;

x86::Gp R64(Reg r) { return kPool[r]; }
x86::Gp R32(Reg r) { return kPool[r].r32(); }
x86::Gp RW(Width w, Reg r) { return w == Width::k64 ? R64(r) : R32(r); }
x86::Xmm F(FReg r) { return x86::xmm(2 + r); }  // xmm2..xmm15
x86::Mem SlotMem(uint32_t slot) { return x86::qword_ptr(kFp, static_cast<int32_t>(slot * 8)); }

// Bytes from the internal entry to the tail-call entry: push r13 (2 bytes);
// checked by Finish.
constexpr int32_t kTailEntryOffset = 2;

struct Offsets {
  int32_t jit_code, jit_store, jit_internal, func_instance, mem_base, mem_size;
  int32_t inst_funcs, inst_globals, inst_memories, inst_tags, global_value;
  Offsets() {
    static FuncInstance f;
    static Instance i;
    static GlobalInstance g;
    auto at = [](const void* field, const void* base) {
      return static_cast<int32_t>(static_cast<const char*>(field) - static_cast<const char*>(base));
    };
    inst_funcs = at(&i.jit_funcs, &i);
    inst_globals = at(&i.jit_globals, &i);
    inst_memories = at(&i.jit_memories, &i);
    inst_tags = at(&i.jit_tags, &i);
    global_value = at(&g.value[0], &g);
    func_instance =
        static_cast<int32_t>(reinterpret_cast<char*>(&f.instance) - reinterpret_cast<char*>(&f));
    jit_code = static_cast<int32_t>(reinterpret_cast<char*>(&f.jit_code) - reinterpret_cast<char*>(&f));
    jit_store = static_cast<int32_t>(reinterpret_cast<char*>(&f.jit_store) - reinterpret_cast<char*>(&f));
    jit_internal =
        static_cast<int32_t>(reinterpret_cast<char*>(&f.jit_internal) - reinterpret_cast<char*>(&f));
    mem_base = static_cast<int32_t>(reinterpret_cast<char*>(&i.memory0_base) - reinterpret_cast<char*>(&i));
    mem_size = static_cast<int32_t>(reinterpret_cast<char*>(&i.memory0_size) - reinterpret_cast<char*>(&i));
  }
};
const Offsets& Off() {
  static const Offsets o;
  return o;
}

x86::CondCode CC(Cond c) {
  switch (c) {
    case Cond::kEq: return x86::CondCode::kE;
    case Cond::kNe: return x86::CondCode::kNE;
    case Cond::kLtS: return x86::CondCode::kL;
    case Cond::kLtU: return x86::CondCode::kB;
    case Cond::kGtS: return x86::CondCode::kG;
    case Cond::kGtU: return x86::CondCode::kA;
    case Cond::kLeS: return x86::CondCode::kLE;
    case Cond::kLeU: return x86::CondCode::kBE;
    case Cond::kGeS: return x86::CondCode::kGE;
    case Cond::kGeU: return x86::CondCode::kAE;
  }
  return x86::CondCode::kE;
}

// Puts flattened `code` into `memory`, relocated to where it runs, and makes
// it executable. Returns its address, or nullptr with *error set.
uint8_t* PlaceCode(asmjit::CodeHolder& code, CodeMemory& memory, std::string* error) {
  size_t size = code.codeSize();
  CodeMemory::Block b = memory.Allocate(size);
  if (!b.exec) {
    *error = "out of executable memory";
    return nullptr;
  }
  if (code.relocateToBase(reinterpret_cast<uint64_t>(b.exec)) != asmjit::kErrorOk ||
      code.copyFlattenedData(b.write, size) != asmjit::kErrorOk) {
    *error = "installing code failed";
    return nullptr;
  }
  memory.Commit(b, size);
  return b.exec;
}

// dst = dst op divisor (quotient or remainder) with x86's div/idiv, which
// take the dividend in rdx:rax: no checks (the caller rules out traps).
void EmitDivide(x86::Assembler& a, DivOp op, Width w, x86::Gp dst, x86::Gp divisor) {
  const bool is64 = w == Width::k64;
  x86::Gp ax = is64 ? x86::Gp(x86::rax) : x86::Gp(x86::eax);
  x86::Gp dx = is64 ? x86::Gp(x86::rdx) : x86::Gp(x86::edx);
  a.mov(ax, dst);
  if (op == DivOp::kDivS || op == DivOp::kRemS) {
    if (is64) a.cqo();
    else a.cdq();
    a.idiv(divisor);
  } else {
    a.xor_(x86::edx, x86::edx);
    a.div(divisor);
  }
  a.mov(dst, (op == DivOp::kDivS || op == DivOp::kDivU) ? ax : dx);
}

class Errors : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error, const char* message, asmjit::BaseEmitter*) override {
    if (!failed) {
      failed = true;
      text = message;
    }
  }
  bool failed = false;
  std::string text;
};

}  // namespace

struct MacroAssembler::Impl {
  asmjit::StringLogger logger;
  asmjit::CodeHolder code;
  Errors errors;
  x86::Assembler a;
  std::vector<asmjit::Label> labels;
  asmjit::Label epilogue;
  asmjit::Label entry;     // the function's first instruction (external entry)
  asmjit::Label internal;  // the internal entry (Prologue)
  size_t internal_offset = 0;
  size_t frame_patch = 0;  // buffer offset of the prologue's frame-size disp32
  size_t osr_frame_patch = 0;  // the same in the OSR entry (0: none)
  asmjit::Label osr;        // the OSR entry, when emitted
  size_t osr_offset = 0;
  asmjit::Label tail;      // the tail-call entry (kTailEntryOffset after internal)
  uint32_t source_offset = 0;
  std::vector<SourceSite> access_sites, call_sites;  // code offsets from the buffer start
  // CallWasm sites whose out-of-line slow path EmitSlowCallStubs emits: the
  // stub's label, where it returns to, and the call's wasm offset.
  struct SlowCall {
    asmjit::Label stub, back;
    uint32_t source_offset;
  };
  std::vector<SlowCall> slow_calls;
  // The shared tails of PropagateStub and of TrapStub (per message, null for
  // "keep the helper's"), emitted by the first stub that needs each.
  asmjit::Label propagate_tail;
  std::vector<std::pair<const char*, asmjit::Label>> trap_tails;
  // Calls helper `fn` through JitContext::helpers (no absolute address in
  // the code); a function missing from kJitHelpers fails the assembly.
  void CallHelperFn(const void* fn) {
    int i = HelperIndex(fn);
    if (i < 0) return errors.handleError(asmjit::kErrorInvalidArgument, "helper not in kJitHelpers", &a);
    a.mov(x86::rax, x86::qword_ptr(kCtx, kCtxHelpers));
    a.call(x86::qword_ptr(x86::rax, i * 8));
  }
  uint32_t Here() { return static_cast<uint32_t>(code.textSection()->buffer().size()); }
  struct Table {
    asmjit::Label at;
    std::vector<asmjit::Label> targets;
  };
  std::vector<Table> tables;

  Impl() {
    asmjit::Environment env = asmjit::Environment::host();
    code.init(env);
    code.setErrorHandler(&errors);
    code.attach(&a);
    epilogue = a.newLabel();
    entry = a.newLabel();
    internal = a.newLabel();
  }
  asmjit::Label L(Label l) { return labels[l.id]; }

  // An entry from C (jit_context.h's convention): saves the callee-saved
  // registers, sets ctx, instance (rdx) and memory base, calls `target` (rsi
  // and rcx pass through) and returns its status in eax.
  void EntryThunk(asmjit::Label target) {
    a.push(x86::rbp);
    a.mov(x86::rbp, x86::rsp);
    a.push(x86::rbx);
    a.push(x86::r12);
    a.push(x86::r13);
    a.push(x86::r14);
    a.push(x86::r15);
    a.sub(x86::rsp, 8);
    a.mov(kCtx, x86::rdi);
    a.mov(kInst, x86::rdx);
    a.mov(kMem, x86::qword_ptr(kInst, Off().mem_base));
    a.call(target);
    a.add(x86::rsp, 8);
    a.pop(x86::r15);
    a.pop(x86::r14);
    a.pop(x86::r13);
    a.pop(x86::r12);
    a.pop(x86::rbx);
    a.pop(x86::rbp);
    a.ret();
  }
  // The internal frame's setup: saves the caller's instance register (which
  // also aligns rsp to 16 for helper calls), binds `tail` when valid (a tail
  // call's entry: the frame is in place), takes rsi as fp and checks the
  // native and value stacks, jumping to `overflow`. Returns the buffer offset
  // of the frame-size disp32 that SetFrameSlots patches (0x7FFFFF00 forces a
  // disp32).
  size_t FrameSetup(asmjit::Label overflow, asmjit::Label tail) {
    a.push(kInst);
    if (tail.isValid()) a.bind(tail);
    a.mov(kFp, x86::rsi);
    a.cmp(x86::rsp, x86::qword_ptr(kCtx, kCtxNativeLimit));
    a.jb(overflow);
    a.lea(x86::rax, x86::ptr(kFp, 0x7FFFFF00));
    size_t patch = code.textSection()->buffer().size() - 4;
    a.cmp(x86::rax, x86::qword_ptr(kCtx, kCtxStackLimit));
    a.ja(overflow);
    return patch;
  }
  // An optional label: unbound Label{} maps to an invalid asmjit label.
  asmjit::Label LOpt(Label l) { return l.id == Label{}.id ? asmjit::Label() : labels[l.id]; }
};

MacroAssembler::MacroAssembler() : impl_(std::make_unique<Impl>()) {}
void MacroAssembler::EnableListing() {
  impl_->logger.addFlags(asmjit::FormatFlags::kMachineCode);
  impl_->code.setLogger(&impl_->logger);
}
std::string MacroAssembler::listing() const { return impl_->logger.data(); }
MacroAssembler::~MacroAssembler() = default;
bool MacroAssembler::failed() const { return impl_->errors.failed; }

void MacroAssembler::Reserve(size_t bytes) {
  impl_->code.reserveBuffer(&impl_->code.textSection()->_buffer, bytes);
}

void MacroAssembler::Prologue(uint32_t num_params, uint32_t num_locals, Label overflow) {
  auto& a = impl_->a;
  // External entry: C convention in, internal convention out.
  a.bind(impl_->entry);
  impl_->EntryThunk(impl_->internal);  // rsi: fp
  // Internal entry: ctx, instance and memory base set.
  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(impl_->internal);
  impl_->tail = a.newLabel();
  impl_->frame_patch = impl_->FrameSetup(impl_->L(overflow), impl_->tail);
  uint32_t n = num_locals - num_params;
  if (n > 0) {
    a.xor_(x86::eax, x86::eax);
    if (n <= 16) {
      for (uint32_t i = num_params; i < num_locals; ++i) a.mov(SlotMem(i), x86::rax);
    } else {
      a.lea(x86::rdx, SlotMem(num_params));
      a.mov(x86::ecx, n);
      asmjit::Label loop = a.newLabel();
      a.bind(loop);
      a.mov(x86::qword_ptr(x86::rdx), x86::rax);
      a.add(x86::rdx, 8);
      a.dec(x86::ecx);
      a.jnz(loop);
    }
  }
}

size_t MacroAssembler::internal_offset() const { return impl_->internal_offset; }

void MacroAssembler::EmitOsrEntry(Label overflow) {
  auto& a = impl_->a;
  asmjit::Label body = a.newLabel();
  a.align(asmjit::AlignMode::kCode, 16);
  impl_->osr = a.newLabel();
  a.bind(impl_->osr);
  impl_->EntryThunk(body);  // rsi: fp, rdx: the instance, rcx: the loop header
  a.bind(body);
  impl_->osr_frame_patch = impl_->FrameSetup(impl_->L(overflow), asmjit::Label());
  a.jmp(x86::rcx);
}

size_t MacroAssembler::osr_offset() const { return impl_->osr_offset; }
size_t MacroAssembler::LabelOffset(Label l) const {
  return impl_->code.labelOffsetFromBase(impl_->labels[l.id]) -
         impl_->code.labelOffsetFromBase(impl_->entry);
}

void MacroAssembler::SetFrameSlots(uint32_t slots) {
  uint32_t bytes = slots * 8;
  if (impl_->osr_frame_patch)
    std::memcpy(impl_->code.textSection()->buffer().data() + impl_->osr_frame_patch, &bytes, 4);
  std::memcpy(impl_->code.textSection()->buffer().data() + impl_->frame_patch, &bytes, 4);
}

void MacroAssembler::BindEpilogue() {
  auto& a = impl_->a;
  a.bind(impl_->epilogue);  // of the internal entry
  a.pop(kInst);
  // The caller's memory base: this function may have grown memory 0, or be
  // another instance's, entered by a tail call from the caller's callee.
  a.mov(kMem, x86::qword_ptr(kInst, Off().mem_base));
  a.ret();
}

void MacroAssembler::ReturnOk() { impl_->a.xor_(x86::eax, x86::eax); }

Label MacroAssembler::NewLabel() {
  impl_->labels.push_back(impl_->a.newLabel());
  return Label{static_cast<uint32_t>(impl_->labels.size() - 1)};
}
void MacroAssembler::Bind(Label l) { impl_->a.bind(impl_->L(l)); }
void MacroAssembler::Jump(Label l) { impl_->a.jmp(impl_->L(l)); }
void MacroAssembler::BranchIfZero(Width w, Reg r, Label l) {
  impl_->a.test(RW(w, r), RW(w, r));
  impl_->a.jz(impl_->L(l));
}
void MacroAssembler::BranchIfNonZero(Width w, Reg r, Label l) {
  impl_->a.test(RW(w, r), RW(w, r));
  impl_->a.jnz(impl_->L(l));
}
void MacroAssembler::BranchCompare(Cond c, Width w, Reg x, Reg y, Label l) {
  impl_->a.cmp(RW(w, x), RW(w, y));
  impl_->a.j(CC(c), impl_->L(l));
}
void MacroAssembler::BranchCompareImm(Cond c, Width w, Reg x, int32_t imm, Label l) {
  // Against 0, test sets the flags every condition reads as cmp would.
  if (imm == 0) impl_->a.test(RW(w, x), RW(w, x));
  else impl_->a.cmp(RW(w, x), imm);
  impl_->a.j(CC(c), impl_->L(l));
}

void MacroAssembler::JumpTable(Reg index, std::span<const Label> targets, Label fallback) {
  auto& a = impl_->a;
  Impl::Table t;
  t.at = a.newLabel();
  for (Label l : targets) t.targets.push_back(impl_->L(l));
  a.mov(x86::eax, R32(index));
  a.cmp(x86::eax, static_cast<uint32_t>(targets.size()));
  a.jae(impl_->L(fallback));
  // Entries are 32-bit offsets from the table (position-independent code).
  a.lea(x86::rcx, x86::ptr(t.at));
  a.movsxd(x86::rax, x86::dword_ptr(x86::rcx, x86::rax, 2));
  a.add(x86::rax, x86::rcx);
  a.jmp(x86::rax);
  impl_->tables.push_back(std::move(t));
}

void MacroAssembler::MovImm(Reg dst, uint64_t v) {
  if (v == 0) impl_->a.xor_(R32(dst), R32(dst));
  else if (v <= 0xFFFFFFFFu) impl_->a.mov(R32(dst), static_cast<uint32_t>(v));
  else impl_->a.mov(R64(dst), v);
}
void MacroAssembler::Mov(Reg dst, Reg src) {
  if (dst != src) impl_->a.mov(R64(dst), R64(src));
}
void MacroAssembler::LoadSlot(Reg dst, uint32_t slot) { impl_->a.mov(R64(dst), SlotMem(slot)); }
void MacroAssembler::StoreSlot(uint32_t slot, Reg src) { impl_->a.mov(SlotMem(slot), R64(src)); }
void MacroAssembler::StoreSlotImm(uint32_t slot, uint64_t v) {
  if (v <= 0x7FFFFFFFu || static_cast<int64_t>(v) == static_cast<int32_t>(v)) {
    impl_->a.mov(SlotMem(slot), static_cast<int32_t>(v));
  } else {
    impl_->a.mov(x86::rax, v);
    impl_->a.mov(SlotMem(slot), x86::rax);
  }
}
void MacroAssembler::CopySlot(uint32_t dst, uint32_t src) {
  if (dst == src) return;
  impl_->a.mov(x86::rax, SlotMem(src));
  impl_->a.mov(SlotMem(dst), x86::rax);
}
namespace {
// After an internal call with the callee's frame at fp + arg_slot: the callee
// returned with rbx at its frame; back to ours (lea: the flags stay).
void RestoreFp(x86::Assembler& a, uint32_t arg_slot) {
  if (arg_slot) a.lea(kFp, x86::ptr(kFp, -static_cast<int32_t>(arg_slot * 8)));
}
// dst = instance->jit_*[index], where `table` is that field's offset.
void LoadInstanceEntry(x86::Assembler& a, x86::Gp dst, int32_t table, uint32_t index) {
  a.mov(dst, x86::qword_ptr(kInst, table));
  a.mov(dst, x86::qword_ptr(dst, static_cast<int32_t>(index * 8)));
}
}  // namespace
void MacroAssembler::LoadGlobal(Reg dst, uint32_t globalidx) {
  LoadInstanceEntry(impl_->a, x86::rax, Off().inst_globals, globalidx);
  impl_->a.mov(R64(dst), x86::qword_ptr(x86::rax, Off().global_value));
}
void MacroAssembler::StoreGlobal(uint32_t globalidx, Reg src) {
  LoadInstanceEntry(impl_->a, x86::rax, Off().inst_globals, globalidx);
  impl_->a.mov(x86::qword_ptr(x86::rax, Off().global_value), R64(src));
}
void MacroAssembler::LoadFuncRef(Reg dst, uint32_t funcidx) {
  LoadInstanceEntry(impl_->a, R64(dst), Off().inst_funcs, funcidx);
}

// lea computes in 64 bits; a 32-bit destination keeps the low half,
// zero-extended: i32 addition.
void MacroAssembler::AddTo(Width w, Reg dst, Reg x, Reg y) {
  impl_->a.lea(RW(w, dst), x86::ptr(R64(x), R64(y)));
}
namespace {
uint32_t ShiftCount(Width w, int32_t imm) { return static_cast<uint32_t>(imm) & (w == Width::k64 ? 63 : 31); }
}  // namespace
bool MacroAssembler::HasAluImmTo(AluOp op, Width w, int32_t imm) {
  switch (op) {
    case AluOp::kAdd: case AluOp::kMul: return true;
    case AluOp::kSub: return imm != INT32_MIN;
    case AluOp::kShl: return ShiftCount(w, imm) >= 1 && ShiftCount(w, imm) <= 3;
    default: return false;
  }
}
void MacroAssembler::AluImmTo(AluOp op, Width w, Reg dst, Reg x, int32_t imm) {
  auto& a = impl_->a;
  switch (op) {
    case AluOp::kAdd: a.lea(RW(w, dst), x86::ptr(R64(x), imm)); return;
    case AluOp::kSub: a.lea(RW(w, dst), x86::ptr(R64(x), -imm)); return;
    case AluOp::kMul: a.imul(RW(w, dst), RW(w, x), imm); return;
    case AluOp::kShl: {  // x * 2, 4 or 8 as an index
      uint32_t c = ShiftCount(w, imm);
      if (c == 1) a.lea(RW(w, dst), x86::ptr(R64(x), R64(x)));
      else a.lea(RW(w, dst), x86::ptr(0, R64(x), c));
      return;
    }
    default: impl_->errors.handleError(asmjit::kErrorInvalidArgument, "AluImmTo: no such form", &a);
  }
}
void MacroAssembler::Alu(AluOp op, Width w, Reg dst, Reg src) {
  auto& a = impl_->a;
  x86::Gp d = RW(w, dst), s = RW(w, src);
  switch (op) {
    case AluOp::kAdd: a.add(d, s); return;
    case AluOp::kSub: a.sub(d, s); return;
    case AluOp::kMul: a.imul(d, s); return;
    case AluOp::kAnd: a.and_(d, s); return;
    case AluOp::kOr: a.or_(d, s); return;
    case AluOp::kXor: a.xor_(d, s); return;
    default: break;
  }
  a.mov(x86::ecx, R32(src));
  switch (op) {
    case AluOp::kShl: a.shl(d, x86::cl); break;
    case AluOp::kShrS: a.sar(d, x86::cl); break;
    case AluOp::kShrU: a.shr(d, x86::cl); break;
    case AluOp::kRotl: a.rol(d, x86::cl); break;
    case AluOp::kRotr: a.ror(d, x86::cl); break;
    default: break;
  }
}
void MacroAssembler::AluImm(AluOp op, Width w, Reg dst, int32_t imm) {
  auto& a = impl_->a;
  x86::Gp d = RW(w, dst);
  uint32_t sh = static_cast<uint32_t>(imm) & (w == Width::k64 ? 63 : 31);
  switch (op) {
    case AluOp::kAdd: a.add(d, imm); break;
    case AluOp::kSub: a.sub(d, imm); break;
    case AluOp::kMul: a.imul(d, d, imm); break;
    case AluOp::kAnd: a.and_(d, imm); break;
    case AluOp::kOr: a.or_(d, imm); break;
    case AluOp::kXor: a.xor_(d, imm); break;
    case AluOp::kShl: a.shl(d, sh); break;
    case AluOp::kShrS: a.sar(d, sh); break;
    case AluOp::kShrU: a.shr(d, sh); break;
    case AluOp::kRotl: a.rol(d, sh); break;
    case AluOp::kRotr: a.ror(d, sh); break;
  }
}
void MacroAssembler::Compare(Cond c, Width w, Reg dst, Reg x, Reg y) {
  auto& a = impl_->a;
  a.cmp(RW(w, x), RW(w, y));
  a.set(CC(c), x86::al);
  a.movzx(R32(dst), x86::al);
}
void MacroAssembler::CompareImm(Cond c, Width w, Reg dst, Reg x, int32_t imm) {
  auto& a = impl_->a;
  if (imm == 0) a.test(RW(w, x), RW(w, x));  // the same flags as cmp with 0
  else a.cmp(RW(w, x), imm);
  a.set(CC(c), x86::al);
  a.movzx(R32(dst), x86::al);
}
void MacroAssembler::Eqz(Width w, Reg dst) {
  auto& a = impl_->a;
  a.test(RW(w, dst), RW(w, dst));
  a.sete(x86::al);
  a.movzx(R32(dst), x86::al);
}
void MacroAssembler::ExtendOp(Extend e, Reg dst) {
  auto& a = impl_->a;
  switch (e) {
    case Extend::kWrap: a.mov(R32(dst), R32(dst)); break;
    case Extend::kSign32: a.movsxd(R64(dst), R32(dst)); break;
    case Extend::kSign8: a.movsx(R64(dst), kPool[dst].r8()); break;
    case Extend::kSign16: a.movsx(R64(dst), kPool[dst].r16()); break;
  }
}
void MacroAssembler::Div(DivOp op, Width w, Reg dst, Reg rhs, Label div_zero, Label overflow) {
  auto& a = impl_->a;
  bool is64 = w == Width::k64;
  x86::Gp d = RW(w, dst), s = RW(w, rhs);
  x86::Gp ax = is64 ? x86::Gp(x86::rax) : x86::Gp(x86::eax);
  asmjit::Label done = a.newLabel(), normal = a.newLabel();
  a.test(s, s);
  a.jz(impl_->L(div_zero));
  bool sign = op == DivOp::kDivS || op == DivOp::kRemS;
  if (sign) {
    a.cmp(s, -1);
    a.jne(normal);
    if (op == DivOp::kDivS) {
      if (is64) a.mov(x86::rax, uint64_t{1} << 63);
      else a.mov(x86::eax, 0x80000000u);
      a.cmp(d, ax);
      a.je(impl_->L(overflow));
      a.neg(d);  // x / -1
    } else {
      a.xor_(R32(dst), R32(dst));  // x % -1 == 0
    }
    a.jmp(done);
  }
  a.bind(normal);
  EmitDivide(a, op, w, d, s);
  a.bind(done);
}
void MacroAssembler::DivByConst(DivOp op, Width w, Reg dst, int32_t imm) {
  auto& a = impl_->a;
  const bool is64 = w == Width::k64;
  const uint32_t bits = is64 ? 64 : 32;
  const bool sign = op == DivOp::kDivS || op == DivOp::kRemS;
  const bool quotient = op == DivOp::kDivS || op == DivOp::kDivU;
  x86::Gp d = RW(w, dst);
  x86::Gp ax = is64 ? x86::Gp(x86::rax) : x86::Gp(x86::eax);
  const uint64_t u = is64 ? static_cast<uint64_t>(static_cast<int64_t>(imm)) : static_cast<uint32_t>(imm);
  if (!sign && (u & (u - 1)) == 0 && (quotient || u - 1 <= 0x7FFFFFFFu)) {
    const uint32_t k = static_cast<uint32_t>(__builtin_ctzll(u));
    if (quotient) {
      if (k) a.shr(d, k);
    } else if (u == 1) {
      a.xor_(R32(dst), R32(dst));
    } else {
      a.and_(d, static_cast<int32_t>(u - 1));
    }
    return;
  }
  if (sign && imm > 0 && (imm & (imm - 1)) == 0) {
    // Rounding toward zero: a negative dividend gets 2^k - 1 added first.
    const uint32_t k = static_cast<uint32_t>(__builtin_ctz(static_cast<uint32_t>(imm)));
    if (k == 0) {
      if (!quotient) a.xor_(R32(dst), R32(dst));
      return;
    }
    a.mov(ax, d);
    a.sar(ax, bits - 1);
    a.shr(ax, bits - k);  // 2^k - 1 if negative, else 0
    if (quotient) {
      a.add(d, ax);
      a.sar(d, k);
    } else {
      a.add(ax, d);
      a.and_(ax, -imm);
      a.sub(d, ax);
    }
    return;
  }
  if (is64) a.mov(x86::rcx, static_cast<int64_t>(imm));
  else a.mov(x86::ecx, static_cast<uint32_t>(imm));
  EmitDivide(a, op, w, d, is64 ? x86::Gp(x86::rcx) : x86::Gp(x86::ecx));
}
void MacroAssembler::Select(Reg dst, Reg other, Reg cond) {
  impl_->a.test(R32(cond), R32(cond));
  impl_->a.cmovz(R64(dst), R64(other));
}

void MacroAssembler::LoadSlotF(FReg dst, uint32_t slot) { impl_->a.movsd(F(dst), SlotMem(slot)); }
void MacroAssembler::StoreSlotF(uint32_t slot, FReg src) { impl_->a.movsd(SlotMem(slot), F(src)); }
void MacroAssembler::MovToF(FReg dst, Reg src) { impl_->a.movq(F(dst), R64(src)); }
void MacroAssembler::MovFromF(Reg dst, FReg src) { impl_->a.movq(R64(dst), F(src)); }
void MacroAssembler::MovImmF(FReg dst, uint64_t bits) {
  if (bits == 0) {
    impl_->a.xorps(F(dst), F(dst));
  } else {
    impl_->a.mov(x86::rax, bits);
    impl_->a.movq(F(dst), x86::rax);
  }
}
void MacroAssembler::FloatBin(FloatOp op, bool f64, FReg dst, FReg src) {
  auto& a = impl_->a;
  x86::Xmm d = F(dst), s = F(src);
  if (f64) {
    switch (op) {
      case FloatOp::kAdd: a.addsd(d, s); break;
      case FloatOp::kSub: a.subsd(d, s); break;
      case FloatOp::kMul: a.mulsd(d, s); break;
      case FloatOp::kDiv: a.divsd(d, s); break;
    }
  } else {
    switch (op) {
      case FloatOp::kAdd: a.addss(d, s); break;
      case FloatOp::kSub: a.subss(d, s); break;
      case FloatOp::kMul: a.mulss(d, s); break;
      case FloatOp::kDiv: a.divss(d, s); break;
    }
  }
}
void MacroAssembler::MovF(FReg dst, FReg src) { impl_->a.movaps(F(dst), F(src)); }

void MacroAssembler::FloatUnary(FloatUnOp op, bool f64, FReg reg) {
  auto& a = impl_->a;
  x86::Xmm r = F(reg);
  switch (op) {
    case FloatUnOp::kSqrt:
      if (f64) a.sqrtsd(r, r);
      else a.sqrtss(r, r);
      return;
    case FloatUnOp::kAbs:
    case FloatUnOp::kNeg: {
      // Sign-bit mask in xmm0 (scratch): and-not for abs, xor for neg.
      uint64_t sign = f64 ? uint64_t{1} << 63 : uint64_t{1} << 31;
      a.mov(x86::rax, op == FloatUnOp::kAbs ? ~sign : sign);
      a.movq(x86::xmm0, x86::rax);
      if (op == FloatUnOp::kAbs) a.andpd(r, x86::xmm0);
      else a.xorpd(r, x86::xmm0);
      return;
    }
    case FloatUnOp::kCeil: case FloatUnOp::kFloor: case FloatUnOp::kTrunc:
    case FloatUnOp::kNearest: {
      // Rounding-control immediates; bit 3 suppresses the inexact exception.
      uint32_t mode = op == FloatUnOp::kNearest ? 0 : op == FloatUnOp::kFloor ? 1
                    : op == FloatUnOp::kCeil    ? 2 : 3;
      if (f64) a.roundsd(r, r, mode | 8);
      else a.roundss(r, r, mode | 8);
      return;
    }
  }
}

bool MacroAssembler::HasRoundInstructions() {
  static const bool has = asmjit::CpuInfo::host().features().x86().hasSSE4_1();
  return has;
}

void MacroAssembler::ConvertIntToFloat(IntToFloat op, bool f64, FReg dst, Reg src) {
  auto& a = impl_->a;
  x86::Xmm d = F(dst);
  a.xorps(d, d);  // no false dependency on d's old value
  x86::Gp s = R64(src);
  switch (op) {
    case IntToFloat::kI32S: s = R32(src); break;
    case IntToFloat::kI32U: a.mov(x86::eax, R32(src)); s = x86::rax; break;  // zero-extended
    case IntToFloat::kI64S: break;
  }
  if (f64) a.cvtsi2sd(d, s);
  else a.cvtsi2ss(d, s);
}

void MacroAssembler::FloatResize(bool to_f64, FReg reg) {
  auto& a = impl_->a;
  x86::Xmm r = F(reg);
  if (to_f64) {
    a.cvtss2sd(r, r);
  } else {
    // cvtsd2ss leaves bits 32..127 of its destination as they were (here the
    // f64's high half); an f32 keeps bits 32..63 zero (macro_assembler.h).
    a.xorps(x86::xmm0, x86::xmm0);
    a.cvtsd2ss(x86::xmm0, r);
    a.movaps(r, x86::xmm0);
  }
}

void MacroAssembler::FloatCompare(FCond c, bool f64, Reg dst, FReg x, FReg y) {
  auto& a = impl_->a;
  // Lt/Le compare swapped so that every ordered test is "above" (CF=0, ZF=0),
  // which is false for unordered (NaN) operands.
  bool swap = c == FCond::kLt || c == FCond::kLe;
  x86::Xmm p = F(swap ? y : x), q = F(swap ? x : y);
  if (f64) a.ucomisd(p, q);
  else a.ucomiss(p, q);
  switch (c) {
    case FCond::kEq:
      a.sete(x86::al);
      a.setnp(x86::cl);
      a.and_(x86::al, x86::cl);
      break;
    case FCond::kNe:
      a.setne(x86::al);
      a.setp(x86::cl);
      a.or_(x86::al, x86::cl);
      break;
    case FCond::kLt: case FCond::kGt: a.seta(x86::al); break;
    case FCond::kLe: case FCond::kGe: a.setae(x86::al); break;
  }
  a.movzx(R32(dst), x86::al);
}

void MacroAssembler::BranchFloatCompare(FCond c, bool f64, FReg x, FReg y, bool when_true,
                                        Label l) {
  auto& a = impl_->a;
  // As in FloatCompare: Lt/Le swap their operands so that every ordered test
  // is "above" (CF=0), false for unordered operands, whose negation is
  // "below or equal" (CF=1 or ZF=1), true for them.
  bool swap = c == FCond::kLt || c == FCond::kLe;
  x86::Xmm p = F(swap ? y : x), q = F(swap ? x : y);
  if (f64) a.ucomisd(p, q);
  else a.ucomiss(p, q);
  asmjit::Label target = impl_->L(l);
  bool equal_test = (c == FCond::kEq) == when_true;  // branch on "ordered and equal"
  switch (c) {
    case FCond::kEq:
    case FCond::kNe:
      if (equal_test) {
        asmjit::Label skip = a.newLabel();
        a.jp(skip);
        a.je(target);
        a.bind(skip);
      } else {
        a.jp(target);
        a.jne(target);
      }
      break;
    case FCond::kLt: case FCond::kGt:
      if (when_true) a.ja(target);
      else a.jbe(target);
      break;
    case FCond::kLe: case FCond::kGe:
      if (when_true) a.jae(target);
      else a.jb(target);
      break;
  }
}

namespace {
// Field offsets of MemoryInstance (not standard layout, so no offsetof).
struct MemOffsets {
  int32_t base, size;
  MemOffsets() {
    static MemoryInstance m;
    base = static_cast<int32_t>(reinterpret_cast<char*>(&m.base) - reinterpret_cast<char*>(&m));
    size = static_cast<int32_t>(reinterpret_cast<char*>(&m.size_bytes) - reinterpret_cast<char*>(&m));
  }
};
const MemOffsets& MemOff() {
  static const MemOffsets o;
  return o;
}

// Computes the effective address of an access of `size` bytes into rax (plus
// the returned operand's displacement), checks it when `mem.checked` (jumping
// to `oob`), and returns the memory operand. Uses rax, rcx and rdx.
x86::Mem Address(x86::Assembler& a, const MemRef& mem, Reg addr, uint64_t offset, uint8_t size,
                 asmjit::Label oob) {
  int32_t disp = 0;
  x86::Gp index = x86::rax;
  if (mem.is64) {
    // 64-bit address + 64-bit offset may wrap: that is out of bounds.
    a.mov(x86::rax, R64(addr));
    if (offset != 0) {
      if (offset <= 0x7FFFFFFFu) {
        a.add(x86::rax, static_cast<int32_t>(offset));
      } else {
        a.mov(x86::rdx, offset);
        a.add(x86::rax, x86::rdx);
      }
      a.jc(oob);
    }
  } else {
    // u32 address + u32 offset < 2^33: never wraps. An i32 in a register is
    // zero-extended (macro_assembler.h), so it indexes as it is.
#ifndef NDEBUG
    // Debug builds check that invariant at every access: a violation would
    // index past the guard region.
    asmjit::Label zero_extended = a.newLabel();
    a.mov(x86::eax, R32(addr));
    a.cmp(x86::rax, R64(addr));
    a.je(zero_extended);
    a.ud2();
    a.bind(zero_extended);
#endif
    if (offset <= 0x7FFFFFF0u) {
      index = R64(addr);
      disp = static_cast<int32_t>(offset);
    } else {
      a.mov(x86::eax, R32(addr));
      a.mov(x86::rdx, offset);
      a.add(x86::rax, x86::rdx);
    }
  }
  x86::Gp base = kMem;
  if (mem.memidx) LoadInstanceEntry(a, x86::rcx, Off().inst_memories, mem.memidx);
  if (mem.checked) {
    x86::Mem limit = mem.memidx ? x86::qword_ptr(x86::rcx, MemOff().size)
                                : x86::qword_ptr(kInst, Off().mem_size);
    if (mem.is64) {
      a.lea(x86::rdx, x86::ptr(x86::rax, size));
      a.cmp(x86::rdx, x86::rax);  // rax + size wrapped
      a.jb(oob);
    } else {
      a.lea(x86::rdx, x86::ptr(index, disp + size));
    }
    a.cmp(x86::rdx, limit);
    a.ja(oob);
  }
  if (mem.memidx) {
    a.mov(x86::rcx, x86::qword_ptr(x86::rcx, MemOff().base));
    base = x86::rcx;
  }
  return x86::ptr(base, index, 0, disp);
}
}  // namespace

void MacroAssembler::Load(MemAccess m, Reg dst, Reg addr, uint64_t offset, const MemRef& ref,
                          Label oob) {
  auto& a = impl_->a;
  x86::Mem mem = Address(a, ref, addr, offset, m.size, impl_->LOpt(oob));
  if (!ref.checked) impl_->access_sites.push_back({impl_->Here(), impl_->source_offset});
  bool w64 = m.width == Width::k64;
  switch (m.size) {
    case 1:
      mem.setSize(1);
      if (m.sign) a.movsx(w64 ? R64(dst) : R32(dst), mem);
      else a.movzx(R32(dst), mem);
      break;
    case 2:
      mem.setSize(2);
      if (m.sign) a.movsx(w64 ? R64(dst) : R32(dst), mem);
      else a.movzx(R32(dst), mem);
      break;
    case 4:
      mem.setSize(4);
      if (m.sign && w64) a.movsxd(R64(dst), mem);
      else a.mov(R32(dst), mem);
      break;
    default:
      mem.setSize(8);
      a.mov(R64(dst), mem);
      break;
  }
}
void MacroAssembler::Store(MemAccess m, Reg addr, uint64_t offset, Reg value, const MemRef& ref,
                           Label oob) {
  auto& a = impl_->a;
  x86::Mem mem = Address(a, ref, addr, offset, m.size, impl_->LOpt(oob));
  if (!ref.checked) impl_->access_sites.push_back({impl_->Here(), impl_->source_offset});
  switch (m.size) {
    case 1: mem.setSize(1); a.mov(mem, kPool[value].r8()); break;
    case 2: mem.setSize(2); a.mov(mem, kPool[value].r16()); break;
    case 4: mem.setSize(4); a.mov(mem, R32(value)); break;
    default: mem.setSize(8); a.mov(mem, R64(value)); break;
  }
}
void MacroAssembler::LoadF(bool f64, FReg dst, Reg addr, uint64_t offset, const MemRef& ref,
                           Label oob) {
  auto& a = impl_->a;
  x86::Mem mem = Address(a, ref, addr, offset, f64 ? 8 : 4, impl_->LOpt(oob));
  if (!ref.checked) impl_->access_sites.push_back({impl_->Here(), impl_->source_offset});
  if (f64) a.movsd(F(dst), mem);
  else a.movss(F(dst), mem);
}
void MacroAssembler::StoreF(bool f64, Reg addr, uint64_t offset, FReg value, const MemRef& ref,
                            Label oob) {
  auto& a = impl_->a;
  x86::Mem mem = Address(a, ref, addr, offset, f64 ? 8 : 4, impl_->LOpt(oob));
  if (!ref.checked) impl_->access_sites.push_back({impl_->Here(), impl_->source_offset});
  if (f64) a.movsd(mem, F(value));
  else a.movss(mem, F(value));
}
void MacroAssembler::ReloadMemoryBase() {
  impl_->a.mov(kMem, x86::qword_ptr(kInst, Off().mem_base));
}

void MacroAssembler::CallHelper(const void* fn, std::initializer_list<Arg> args) {
  auto& a = impl_->a;
  static const x86::Gp kArgRegs[6] = {x86::rdi, x86::rsi, x86::rdx, x86::rcx, x86::r8, x86::r9};
  // Register sources first go through the native stack (they may be argument
  // registers themselves), then everything else, then the pops.
  uint32_t i = 0;
  std::vector<uint32_t> popped;
  for (const Arg& g : args) {
    if (g.kind == Arg::kReg) {
      a.push(R64(static_cast<Reg>(g.value)));
      popped.push_back(i);
    }
    ++i;
  }
  i = 0;
  for (const Arg& g : args) {
    x86::Gp r = kArgRegs[i++];
    switch (g.kind) {
      case Arg::kImm: a.mov(r, g.value); break;
      case Arg::kSlot: a.mov(r, SlotMem(static_cast<uint32_t>(g.value))); break;
      case Arg::kSlotAddr: a.lea(r, SlotMem(static_cast<uint32_t>(g.value))); break;
      case Arg::kCtx: a.mov(r, kCtx); break;
      case Arg::kInst: a.mov(r, kInst); break;
      case Arg::kReg: break;
    }
  }
  for (size_t k = popped.size(); k-- > 0;) a.pop(kArgRegs[popped[k]]);
  impl_->CallHelperFn(fn);
}
void MacroAssembler::MovResult(Reg dst) { impl_->a.mov(R64(dst), x86::rax); }
void MacroAssembler::BranchIfResultZero(Label l) {
  impl_->a.test(x86::rax, x86::rax);
  impl_->a.jz(impl_->L(l));
}
void MacroAssembler::BranchIfTrapPending(Label l) {
  impl_->a.cmp(x86::qword_ptr(kCtx, kCtxTrapMessage), 0);
  impl_->a.jne(impl_->L(l));
}

void MacroAssembler::CallWasm(uint32_t callee, uint32_t arg_slot, Label propagate,
                              bool same_instance) {
  auto& a = impl_->a;
  if (callee != kDynamicCallee) LoadInstanceEntry(a, x86::rax, Off().inst_funcs, callee);
  if (same_instance && callee != kDynamicCallee) {
    a.lea(x86::rsi, SlotMem(arg_slot));
    a.call(x86::qword_ptr(x86::rax, Off().jit_internal));  // code or SlowInternalEntry
    impl_->call_sites.push_back({impl_->Here(), impl_->source_offset});
    RestoreFp(a, arg_slot);
    // The callee's epilogue reloaded the memory base.
    a.test(x86::eax, x86::eax);
    a.jnz(impl_->L(propagate));
  } else {
    asmjit::Label stub = a.newLabel(), back = a.newLabel();
    a.mov(x86::rdx, x86::qword_ptr(kCtx, kCtxStoreSerial));
    a.lea(x86::rsi, SlotMem(arg_slot));
    a.cmp(x86::qword_ptr(x86::rax, Off().jit_store), x86::rdx);
    a.jne(stub);
    a.mov(x86::rdi, kCtx);
    a.mov(x86::rdx, x86::qword_ptr(x86::rax, Off().func_instance));
    a.call(x86::qword_ptr(x86::rax, Off().jit_code));  // the external entry keeps rbx
    impl_->call_sites.push_back({impl_->Here(), impl_->source_offset});
    a.bind(back);
    impl_->slow_calls.push_back({stub, back, impl_->source_offset});
    a.test(x86::eax, x86::eax);
    a.jnz(impl_->L(propagate));
    // The external entry restored our memory base register, which the callee
    // (another instance sharing our memory 0, a helper) may have moved.
    a.mov(kMem, x86::qword_ptr(kInst, Off().mem_base));
  }
}

void MacroAssembler::EmitSlowCallStubs() {
  auto& a = impl_->a;
  for (const Impl::SlowCall& s : impl_->slow_calls) {
    a.bind(s.stub);
    // rax and rsi are as the fast path left them; the thunk (or the callee's
    // external entry it jumps to) keeps rbx, so fp needs no restoring.
    a.call(x86::qword_ptr(kCtx, kCtxSlowCallThunk));
    impl_->call_sites.push_back({impl_->Here(), s.source_offset});
    a.jmp(s.back);
  }
  impl_->slow_calls.clear();
}

namespace {
// Builds SlowCallThunk (`internal_entry` false) or SlowInternalEntry (true).
const void* BuildSlowThunk(bool internal_entry) {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host());
  x86::Assembler a(&code);
  asmjit::Label done = a.newLabel();
  a.push(x86::rsi);  // the callee's frame; also aligns rsp for the helper call
  a.mov(x86::rdi, kCtx);
  a.mov(x86::rdx, x86::rax);
  a.mov(x86::rcx, kInst);
  a.mov(x86::rax, reinterpret_cast<uint64_t>(&HelperCallSlow));
  a.call(x86::rax);
  a.pop(x86::rsi);
  a.cmp(x86::eax, 2);  // compiled just now: run its machine code
  a.jne(done);
  a.mov(x86::rax, x86::qword_ptr(kCtx, kCtxRetryCallee));
  if (internal_entry) {
    a.jmp(x86::qword_ptr(x86::rax, Off().jit_internal));
  } else {
    a.mov(x86::rdi, kCtx);
    a.mov(x86::rdx, x86::qword_ptr(x86::rax, Off().func_instance));
    a.jmp(x86::qword_ptr(x86::rax, Off().jit_code));
  }
  a.bind(done);
  if (internal_entry) {
    // Return as an internal entry does: fp as given, the memory base reloaded
    // (an interpreted callee may have grown memory 0).
    a.mov(kFp, x86::rsi);
    a.mov(kMem, x86::qword_ptr(kInst, Off().mem_base));
  }
  a.ret();
  static CodeMemory memory;  // lives as long as the process (Allocate is thread-safe)
  if (code.flatten() != asmjit::kErrorOk || code.resolveUnresolvedLinks() != asmjit::kErrorOk)
    return nullptr;
  std::string error;
  return PlaceCode(code, memory, &error);
}
}  // namespace

const void* SlowCallThunk() {
  static const void* const thunk = BuildSlowThunk(false);
  return thunk;
}
const void* SlowInternalEntry() {
  static const void* const thunk = BuildSlowThunk(true);
  return thunk;
}

void MacroAssembler::TrapStub(Label l, const char* message, uint32_t funcidx,
                              uint32_t wasm_offset) {
  auto& a = impl_->a;
  a.bind(impl_->L(l));
  a.mov(x86::ecx, wasm_offset);
  for (const auto& [m, tail] : impl_->trap_tails) {
    if (m == message) {
      a.jmp(tail);
      return;
    }
  }
  asmjit::Label tail = a.newLabel();
  a.bind(tail);
  impl_->trap_tails.push_back({message, tail});
  if (message) {
    int i = TrapMessageIndex(message);
    if (i < 0) {
      impl_->errors.handleError(asmjit::kErrorInvalidArgument, "message not in kJitTrapMessages", &a);
      return;
    }
    a.mov(x86::rax, x86::qword_ptr(kCtx, kCtxMessages));
    a.mov(x86::rax, x86::qword_ptr(x86::rax, i * 8));
    a.mov(x86::qword_ptr(kCtx, kCtxTrapMessage), x86::rax);
  }
  a.mov(x86::dword_ptr(kCtx, kCtxTrapOffset), x86::ecx);
  a.mov(x86::dword_ptr(kCtx, kCtxTrapFuncidx), funcidx);
  a.mov(x86::qword_ptr(kCtx, kCtxTrapInstance), kInst);
  a.mov(x86::eax, 1);
  a.jmp(impl_->epilogue);
}

void MacroAssembler::TailCallWasm(uint32_t callee, const void* slow, bool same_instance,
                                  bool self) {
  auto& a = impl_->a;
  // The callee enters at its tail entry, on this frame (its saved fp and
  // instance are our caller's, restored by the callee's epilogue), with fp at
  // ours: so the native stack does not grow.
  if (self) {
    a.mov(x86::rsi, kFp);
    a.jmp(impl_->tail);
    return;
  }
  asmjit::Label slow_path = a.newLabel(), fast = a.newLabel();
  if (callee != kDynamicCallee) LoadInstanceEntry(a, x86::rax, Off().inst_funcs, callee);
  a.bind(fast);
  a.mov(x86::rdx, x86::qword_ptr(kCtx, kCtxStoreSerial));
  a.cmp(x86::qword_ptr(x86::rax, Off().jit_store), x86::rdx);
  a.jne(slow_path);
  if (!same_instance) {
    // Another instance's function (or one known only at run time): switch the
    // instance and memory registers to its instance.
    a.mov(kInst, x86::qword_ptr(x86::rax, Off().func_instance));
    a.mov(kMem, x86::qword_ptr(kInst, Off().mem_base));
  }
  a.mov(x86::rsi, kFp);
  a.mov(x86::rax, x86::qword_ptr(x86::rax, Off().jit_internal));
  a.add(x86::rax, kTailEntryOffset);
  a.jmp(x86::rax);
  a.bind(slow_path);
  a.mov(x86::rdi, kCtx);
  a.mov(x86::rsi, kFp);
  a.mov(x86::rdx, x86::rax);
  a.mov(x86::rcx, kInst);
  impl_->CallHelperFn(slow);
  a.cmp(x86::eax, 2);  // compiled just now: jump to its machine code after all
  a.jne(impl_->epilogue);  // eax: the callee's status
  a.mov(x86::rax, x86::qword_ptr(kCtx, kCtxRetryCallee));
  a.jmp(fast);
}

void MacroAssembler::MovCallee(Reg r) { impl_->a.mov(x86::rax, R64(r)); }

void MacroAssembler::CallSelf(uint32_t arg_slot, Label propagate) {
  auto& a = impl_->a;
  a.lea(x86::rsi, SlotMem(arg_slot));
  a.call(impl_->internal);
  impl_->call_sites.push_back({impl_->Here(), impl_->source_offset});
  RestoreFp(a, arg_slot);
  a.test(x86::eax, x86::eax);
  a.jnz(impl_->L(propagate));  // the callee's epilogue reloaded the memory base
}

uint32_t MacroAssembler::ChargeBudget(Label exhausted) {
  auto& a = impl_->a;
  a.mov(x86::rax, x86::qword_ptr(kCtx, kCtxBudget));
  a.sub(x86::qword_ptr(x86::rax), 0x7FFFFFFF);  // imm32, patched
  uint32_t handle = static_cast<uint32_t>(impl_->code.textSection()->buffer().size() - 4);
  a.js(impl_->L(exhausted));
  return handle;
}
void MacroAssembler::PatchCharge(uint32_t handle, uint32_t cost) {
  int32_t v = static_cast<int32_t>(cost > 0x7FFFFFFFu ? 0x7FFFFFFFu : cost);
  std::memcpy(impl_->code.textSection()->buffer().data() + handle, &v, 4);
}

void MacroAssembler::StoreResultToSlot(uint32_t slot) { impl_->a.mov(SlotMem(slot), x86::rax); }

void MacroAssembler::BranchIfException(Label l) {
  impl_->a.cmp(x86::qword_ptr(kCtx, kCtxException), 0);
  impl_->a.jne(impl_->L(l));
}
void MacroAssembler::BranchIfExceptionTag(uint32_t tagidx, Label l) {
  auto& a = impl_->a;
  a.mov(x86::rax, x86::qword_ptr(kCtx, kCtxException));
  LoadInstanceEntry(a, x86::rdx, Off().inst_tags, tagidx);
  static const int32_t tag_offset = [] {
    static Exception e;
    return static_cast<int32_t>(reinterpret_cast<char*>(&e.tag) - reinterpret_cast<char*>(&e));
  }();
  a.cmp(x86::qword_ptr(x86::rax, tag_offset), x86::rdx);
  a.je(impl_->L(l));
}
void MacroAssembler::SetException(Reg r) {
  impl_->a.mov(x86::qword_ptr(kCtx, kCtxException), R64(r));
}
void MacroAssembler::ReturnException() {
  impl_->a.mov(x86::eax, 1);
  impl_->a.jmp(impl_->epilogue);
}
void MacroAssembler::ReloadInstance() {
  impl_->a.mov(kMem, x86::qword_ptr(kInst, Off().mem_base));
}

void MacroAssembler::PropagateStub(Label l, const void* frame_helper, uint32_t funcidx,
                                   uint32_t wasm_offset, Label exception_landing) {
  auto& a = impl_->a;
  a.bind(impl_->L(l));
  if (exception_landing.id != Label{}.id) BranchIfException(exception_landing);
  a.mov(x86::ecx, wasm_offset);
  if (impl_->propagate_tail.isValid()) {
    a.jmp(impl_->propagate_tail);
    return;
  }
  impl_->propagate_tail = a.newLabel();
  a.bind(impl_->propagate_tail);
  a.mov(x86::rdi, kCtx);
  a.mov(x86::rsi, kInst);
  a.mov(x86::edx, funcidx);
  impl_->CallHelperFn(frame_helper);  // ecx: the wasm offset
  a.mov(x86::eax, 1);
  a.jmp(impl_->epilogue);
}

void MacroAssembler::SetSourceOffset(uint32_t wasm_offset) { impl_->source_offset = wasm_offset; }
std::vector<SourceSite> MacroAssembler::TakeAccessSites() { return std::move(impl_->access_sites); }
std::vector<SourceSite> MacroAssembler::TakeCallSites() { return std::move(impl_->call_sites); }

void* MacroAssembler::Finish(CodeMemory& memory, size_t* code_size, std::string* error) {
  auto& a = impl_->a;
  for (Impl::Table& t : impl_->tables) {
    a.align(asmjit::AlignMode::kData, 4);
    a.bind(t.at);
    for (asmjit::Label l : t.targets) a.embedLabelDelta(l, t.at, 4);
  }
  auto& code = impl_->code;
  if (!impl_->errors.failed) {
    code.flatten();
    code.resolveUnresolvedLinks();
  }
  if (impl_->errors.failed) {
    *error = "assembler: " + impl_->errors.text;
    return nullptr;
  }
  uint8_t* p = PlaceCode(code, memory, error);
  if (p == nullptr) return nullptr;
  *code_size = code.codeSize();
  impl_->internal_offset = code.labelOffsetFromBase(impl_->internal) -
                           code.labelOffsetFromBase(impl_->entry);
  if (impl_->tail.isValid() && code.labelOffsetFromBase(impl_->tail) -
                                       code.labelOffsetFromBase(impl_->internal) !=
                                   static_cast<uint64_t>(kTailEntryOffset)) {
    *error = "tail-call entry not at its fixed offset";
    return nullptr;
  }
  if (impl_->osr.isValid())
    impl_->osr_offset = code.labelOffsetFromBase(impl_->osr) - code.labelOffsetFromBase(impl_->entry);
  return p;
}

}  // namespace cascade::jit
