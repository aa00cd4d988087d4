// InterpTranslator: the FunctionDecoder interface that emits interpreter code.
//
// It keeps an abstract operand stack parallel to the decoder's type stack. Each
// entry is where the value lives right now:
//   kHome   in its home slot, num_locals + height (the frame's operand area)
//   kLocal  still in local `local` (a local.get not yet copied anywhere)
//   kConst  a constant not yet written anywhere
// Operands of an instruction are read straight from wherever their entry lives,
// so local.get / *.const cost nothing; results are written to the home slot of
// their height (or straight into a local, when a local.set follows).
//
// Invariants:
//  * At every label (block/loop/if/try_table entry, else, end) all entries are
//    kHome; branches copy the label's values into the target's home slots
//    without changing entries (they may be on a conditional path).
//  * Before a local is written, every entry aliasing it is copied to its home
//    slot (alias_count_ makes the common no-alias case a single test).
//  * A value-producing instruction may be retargeted (dst rewritten) or fused
//    with a following branch only while it is the last emitted instruction and
//    no label was placed after it (last_end_ == code_.size()).
//  * After an instruction that ends control flow (br, return, unreachable,
//    throw, an unsupported op), hooks are ignored until the block's end, where
//    the stack is rebuilt from the block type.
#include "engine/interp/translator.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "engine/function_decoder.h"
#include "engine/interp/dispatch.h"

namespace cascade::interp {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFF;
constexpr uint32_t kHiddenSlot = 0x80000000;  // marks a hidden-slot index until Finish

struct Entry {
  enum Kind : uint8_t { kHome, kLocal, kConst };
  Kind kind;
  uint32_t local;
  uint64_t value;
};

// A minimal growable array for the translator's two hottest buffers (emitted
// code, abstract stack): push_back is a compare and a store inline, growth is
// out of line, and the capacity is kept from one function to the next.
// T is trivially copyable.
template <typename T>
class FastBuffer {
 public:
  FastBuffer() = default;
  FastBuffer(const FastBuffer&) = delete;
  FastBuffer& operator=(const FastBuffer&) = delete;
  ~FastBuffer() { std::free(data_); }

  [[gnu::always_inline]] void push_back(const T& v) {
    if (size_ == cap_) [[unlikely]] Grow();
    data_[size_++] = v;
  }
  void pop_back() { --size_; }
  T& back() { return data_[size_ - 1]; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }
  const T* data() const { return data_; }
  void clear() { size_ = 0; }
  void resize(size_t n) {  // shrinking only (dropping emitted instructions)
    size_ = static_cast<uint32_t>(n);
  }

 private:
  [[gnu::noinline, gnu::cold]] void Grow() {
    cap_ = cap_ ? cap_ * 2 : 1024;
    void* p = std::realloc(data_, size_t{cap_} * sizeof(T));
    if (p == nullptr) std::abort();
    data_ = static_cast<T*>(p);
  }

  T* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t cap_ = 0;
};

struct Fixup {
  uint32_t instr;  // header of the branching instruction
  uint32_t pos;    // unit to patch with (target - instr)
  uint32_t next;   // next fixup of the same label, or kNone
};

struct Block {
  ControlKind kind;
  bool dead = false;        // opened in code that is never reached
  bool has_else = false;
  uint32_t base = 0;        // height of the block's first param
  uint32_t num_params = 0;
  uint32_t num_results = 0;
  uint32_t loop_pc = kNone; // loops: code offset of the header
  uint32_t cost_fixups = kNone;  // loops: back-edges' cost operands (Fixup::pos)
  uint32_t outer_cost = 0;  // loops: the enclosing region's cost so far
  uint32_t fixups = kNone;  // forward branches to the end
  Fixup else_fixup{0, kNone, kNone};  // if: the branch to the else arm
  uint32_t start_pc = 0;    // code offset where the block's code begins
  uint32_t try_begin = 0;   // try_table / try: first body unit
  bool has_catch = false;   // try: a catch clause was seen
  uint32_t body_end = 0;    // try: end of the try body (first catch)
  uint32_t legacy_slot = 0; // try: index of its hidden caught-exception slot
  uint32_t catch_first = 0, catch_count = 0;  // try_table: pending catch sites
};

bool IsI32Compare(IOp op) {
  switch (op) {
    case IOp::kI32Eq: case IOp::kI32Ne: case IOp::kI32LtS: case IOp::kI32LtU:
    case IOp::kI32GtS: case IOp::kI32GtU: case IOp::kI32LeS: case IOp::kI32LeU:
    case IOp::kI32GeS: case IOp::kI32GeU:
    case IOp::kI32EqImm: case IOp::kI32NeImm: case IOp::kI32LtSImm: case IOp::kI32LtUImm:
    case IOp::kI32GtSImm: case IOp::kI32GtUImm: case IOp::kI32LeSImm: case IOp::kI32LeUImm:
    case IOp::kI32GeSImm: case IOp::kI32GeUImm:
      return true;
    default:
      return false;
  }
}

// The fused branch for compare `op`, or its negation.
IOp FusedBranch(IOp op, bool negate) {
  bool imm = false;
  IOp base = op;
  switch (op) {
#define CASE(N) case IOp::k##N##Imm: imm = true; base = IOp::k##N; break;
    CASE(I32Eq) CASE(I32Ne) CASE(I32LtS) CASE(I32LtU) CASE(I32GtS) CASE(I32GtU)
    CASE(I32LeS) CASE(I32LeU) CASE(I32GeS) CASE(I32GeU)
#undef CASE
    default: break;
  }
  if (negate) {
    switch (base) {
      case IOp::kI32Eq: base = IOp::kI32Ne; break;
      case IOp::kI32Ne: base = IOp::kI32Eq; break;
      case IOp::kI32LtS: base = IOp::kI32GeS; break;
      case IOp::kI32LtU: base = IOp::kI32GeU; break;
      case IOp::kI32GtS: base = IOp::kI32LeS; break;
      case IOp::kI32GtU: base = IOp::kI32LeU; break;
      case IOp::kI32LeS: base = IOp::kI32GtS; break;
      case IOp::kI32LeU: base = IOp::kI32GtU; break;
      case IOp::kI32GeS: base = IOp::kI32LtS; break;
      case IOp::kI32GeU: base = IOp::kI32LtU; break;
      default: break;
    }
  }
  switch (base) {
#define CASE(N) case IOp::k##N: return imm ? IOp::kBrIf##N##Imm : IOp::kBrIf##N;
    CASE(I32Eq) CASE(I32Ne) CASE(I32LtS) CASE(I32LtU) CASE(I32GtS) CASE(I32GtU)
    CASE(I32LeS) CASE(I32LeU) CASE(I32GeS) CASE(I32GeU)
#undef CASE
    default: return IOp::kCount;
  }
}

// The fused float compare + branch for compare `op` (plain or Imm form),
// branching when the compare is true (`when_true`) or false; kCount if `op` is
// not a float compare.
IOp FusedFloatBranch(IOp op, bool when_true) {
  switch (op) {
#define FCMPBR(Name, g, e)                                                   \
  case IOp::k##Name: return when_true ? IOp::kBrIf##Name : IOp::kBrUnless##Name; \
  case IOp::k##Name##Imm: return when_true ? IOp::kBrIf##Name##Imm : IOp::kBrUnless##Name##Imm;
#include "engine/interp/ops.def"
    default: return IOp::kCount;
  }
}

// Simple (fixed-signature) wasm opcodes with a one-to-one IOp; kCount otherwise.
struct SimpleMap {
  IOp op[kOpcodeCount];
  IOp imm[kOpcodeCount];  // the Imm variant, or kCount
  constexpr SimpleMap() : op(), imm() {
    for (uint32_t i = 0; i < kOpcodeCount; ++i) op[i] = imm[i] = IOp::kCount;
#define IUN(Name, g, p, e) op[static_cast<uint32_t>(Opcode::k##Name)] = IOp::k##Name;
#define IBIN(Name, g, p, e) op[static_cast<uint32_t>(Opcode::k##Name)] = IOp::k##Name;
#define IBINI(Name, g, p, e)                                     \
  op[static_cast<uint32_t>(Opcode::k##Name)] = IOp::k##Name;     \
  imm[static_cast<uint32_t>(Opcode::k##Name)] = IOp::k##Name##Imm;
#define IOP(Name)
#include "engine/interp/ops.def"
    // Trapping numerics have hand-written bodies but the same operand shape.
#define T(Name) op[static_cast<uint32_t>(Opcode::k##Name)] = IOp::k##Name;
    T(I32DivS) T(I32DivU) T(I32RemS) T(I32RemU) T(I64DivS) T(I64DivU) T(I64RemS) T(I64RemU)
    T(I32TruncF32S) T(I32TruncF32U) T(I32TruncF64S) T(I32TruncF64U)
    T(I64TruncF32S) T(I64TruncF32U) T(I64TruncF64S) T(I64TruncF64U)
#undef T
  }
};
constexpr SimpleMap kSimpleMap;

bool Traps(IOp op) {
  switch (op) {
    case IOp::kI32DivS: case IOp::kI32DivU: case IOp::kI32RemS: case IOp::kI32RemU:
    case IOp::kI64DivS: case IOp::kI64DivU: case IOp::kI64RemS: case IOp::kI64RemU:
    case IOp::kI32TruncF32S: case IOp::kI32TruncF32U: case IOp::kI32TruncF64S:
    case IOp::kI32TruncF64U: case IOp::kI64TruncF32S: case IOp::kI64TruncF32U:
    case IOp::kI64TruncF64S: case IOp::kI64TruncF64U:
      return true;
    default:
      return false;
  }
}

struct LoadStoreMap {
  IOp fast[kOpcodeCount];
  IOp general[kOpcodeCount];
  constexpr LoadStoreMap() : fast(), general() {
    for (uint32_t i = 0; i < kOpcodeCount; ++i) fast[i] = general[i] = IOp::kCount;
#define ILOAD(Name, c, p)                                        \
  fast[static_cast<uint32_t>(Opcode::k##Name)] = IOp::k##Name;   \
  general[static_cast<uint32_t>(Opcode::k##Name)] = IOp::k##Name##M;
#define ISTORE(Name, c, g) ILOAD(Name, c, g)
#include "engine/interp/ops.def"
  }
};
constexpr LoadStoreMap kLoadStoreMap;

class InterpTranslator : public BaseInterface {
 public:
  using Decoder = FunctionDecoder<NoValidation, InterpTranslator>;

  explicit InterpTranslator(const Module& m) : module_(m), words_(HandlerWords()) {}
  void set_decoder(Decoder* d) { decoder_ = d; }

  void Start(uint32_t funcidx, bool mem0_guarded) {
    const Function& f = module_.funcs[funcidx];
    const SubType& sig = module_.types[f.type_index];
    num_params_ = sig.param_count;
    num_results_ = sig.result_count;
    num_locals_ = num_params_ + f.num_locals;
    code_.clear();
    stack_.clear();
    blocks_.clear();
    fixups_.clear();
    trap_sites_.clear();
    catches_.clear();
    pending_catches_.clear();
    hidden_patches_.clear();
    legacy_depth_ = max_legacy_ = 0;
    alias_count_ = 0;
    max_height_ = 0;
    num_loops_ = 0;
    loop_headers_.clear();
    reachable_ = true;
    last_end_ = kNone;
    cost_ = 0;
    mem0_fast_ = mem0_guarded && !module_.memories.empty() &&
                 !module_.memories[0].limits.is64 &&
                 module_.memories[0].limits.page_size_log2 == 16;
  }

  // Copies the result into one block from `arena`, or malloc'd without one.
  InterpCode* Finish(CodeArena* arena) {
    // Hidden slots (caught exceptions of legacy try blocks) sit above the
    // operand stack.
    uint32_t hidden_base = num_locals_ + max_height_;
    for (uint32_t p : hidden_patches_) code_[p] = hidden_base + (code_[p] & ~kHiddenSlot);
    for (CatchSite& site : catches_)
      if (site.exn_slot != kNoTarget) site.exn_slot = hidden_base + (site.exn_slot & ~kHiddenSlot);
    // Block layout: InterpCode | trap sites | code units | catch sites | loop headers.
    static_assert(sizeof(InterpCode) % 8 == 0 && alignof(CatchSite) <= 4);
    size_t sites_bytes = trap_sites_.size() * sizeof(trap_sites_[0]);
    size_t code_bytes = code_.size() * 4;
    size_t loops_bytes = loop_headers_.size() * 4;
    size_t bytes = sizeof(InterpCode) + sites_bytes + code_bytes +
                   catches_.size() * sizeof(CatchSite) + loops_bytes;
    void* block = arena ? arena->Allocate(bytes) : std::malloc(bytes);
    if (block == nullptr) std::abort();
    auto* out = new (block) InterpCode();
    char* p = static_cast<char*>(block) + sizeof(InterpCode);
    if (sites_bytes) std::memcpy(p, trap_sites_.data(), sites_bytes);
    out->trap_sites = reinterpret_cast<const std::pair<uint32_t, uint32_t>*>(p);
    out->num_trap_sites = static_cast<uint32_t>(trap_sites_.size());
    p += sites_bytes;
    std::memcpy(p, code_.data(), code_bytes);
    out->code = reinterpret_cast<const uint32_t*>(p);
    out->code_units = static_cast<uint32_t>(code_.size());
    p += code_bytes;
    if (!catches_.empty()) std::memcpy(p, catches_.data(), catches_.size() * sizeof(CatchSite));
    out->catches = reinterpret_cast<const CatchSite*>(p);
    out->num_catches = static_cast<uint32_t>(catches_.size());
    p += catches_.size() * sizeof(CatchSite);
    if (loops_bytes) std::memcpy(p, loop_headers_.data(), loops_bytes);
    out->loop_headers = reinterpret_cast<const uint32_t*>(p);
    out->num_params = num_params_;
    out->num_locals = num_locals_;
    out->num_results = num_results_;
    out->frame_slots = num_locals_ + max_height_ + max_legacy_ + 2;
    out->entry_cost = cost_ > 0 ? cost_ : 1;
    out->num_loops = num_loops_;
    return out;
  }

  // ------------------------------------------------------------------ hooks
  void OnFunctionStart(std::span<const ValType>) {
    Block& b = blocks_.emplace_back();
    b.kind = ControlKind::kFunction;
    b.num_results = num_results_;
  }
  void OnFunctionEnd() {
    if (reachable_) {
      EmitReturnMoves();
      Begin(IOp::kReturn);
    }
    blocks_.pop_back();
  }

  void OnBlock(Decoder::Control& c) { OpenBlock(c, ControlKind::kBlock); }
  // A loop body is a fuel region: every back-edge charges the body's
  // instruction count (patched in at the loop's end); the first iteration is
  // charged by the enclosing region.
  void OnLoop(Decoder::Control& c) {
    OpenBlock(c, ControlKind::kLoop);
    if (reachable_) {
      Block& b = blocks_.back();
      b.loop_pc = Here();
      ++num_loops_;
      loop_headers_.push_back(b.loop_pc);
      b.outer_cost = cost_;
      cost_ = 0;
      last_end_ = kNone;
    }
  }
  void OnIf(Decoder::Control& c) {
    if (!reachable_) return OpenBlock(c, ControlKind::kIf);
    uint32_t h = Height() - 1;
    // Materialize everything below the condition, then branch on it.
    for (uint32_t i = 0; i < h; ++i) Materialize(i);
    Fixup fix = EmitCondBranch(h, /*negate=*/true);
    Pop();
    OpenBlock(c, ControlKind::kIf);
    blocks_.back().else_fixup = fix;
  }
  void OnElse(Decoder::Control&) {
    Block& b = blocks_.back();
    if (b.dead) return;
    if (reachable_) {
      MaterializeTop(b.num_results);
      uint32_t at = Begin(IOp::kBr);
      AddFixup(b, at);
      U(0);
    }
    b.has_else = true;
    if (b.else_fixup.pos != kNone) {
      PatchHere(b.else_fixup);
      b.else_fixup.pos = kNone;
    }
    ResetStack(b.base, b.num_params);
  }
  void OnEnd(Decoder::Control&) {
    Block b = blocks_.back();
    if (b.dead) {
      blocks_.pop_back();
      return;
    }
    if (reachable_) MaterializeTop(b.num_results);
    if (b.kind == ControlKind::kTryTable) {
      for (uint32_t i = 0; i < b.catch_count; ++i) {
        CatchSite s = pending_catches_[b.catch_first + i];
        s.begin = b.try_begin;
        s.end = static_cast<uint32_t>(code_.size());
        catches_.push_back(s);
      }
      pending_catches_.resize(b.catch_first);
    }
    if (b.else_fixup.pos != kNone) PatchHere(b.else_fixup);
    if (b.kind == ControlKind::kLoop && b.loop_pc != kNone) {
      uint32_t body = cost_ > 0 ? cost_ : 1;
      for (uint32_t f = b.cost_fixups; f != kNone; f = fixups_[f].next) code_[fixups_[f].pos] = body;
      cost_ = b.outer_cost + body;
    }
    if (b.kind == ControlKind::kTry) --legacy_depth_;
    for (uint32_t f = b.fixups; f != kNone; f = fixups_[f].next) Patch(fixups_[f], Here());
    last_end_ = kNone;
    blocks_.pop_back();
    ResetStack(b.base, b.num_results);
  }

  void OnTryTable(Decoder::Control& c, std::span<const CatchClause> catches) {
    bool live = reachable_;
    if (live) MaterializeAll();
    // Landing pads first (jumped over on entry): each clause's pad branches to
    // its label; the unwinder writes the delivered values before jumping.
    uint32_t first = static_cast<uint32_t>(pending_catches_.size());
    if (live && !catches.empty()) {
      uint32_t skip = Begin(IOp::kBr);
      U(0);
      for (const CatchClause& cc : catches) {
        CatchSite s;
        s.kind = cc.kind;
        s.tagidx = cc.tagidx;
        s.target = Here();
        Block& t = blocks_[blocks_.size() - 1 - cc.depth];
        if (t.kind == ControlKind::kFunction) {
          s.dest_slot = 0;
          Begin(IOp::kReturn);
        } else {
          s.dest_slot = Home(t.base);
          EmitJumpTo(t);
        }
        pending_catches_.push_back(s);
      }
      Patch(Fixup{skip, skip + kHeaderUnits, kNone}, Here());
      last_end_ = kNone;
    }
    OpenBlock(c, ControlKind::kTryTable);
    Block& b = blocks_.back();
    b.try_begin = Here();
    b.catch_first = first;
    b.catch_count = static_cast<uint32_t>(pending_catches_.size()) - first;
  }
  // Legacy exception handling: a try body's range gets one catch site per
  // clause (the caught exception also goes to a hidden slot for rethrow) or
  // one delegate site that re-aims the search at the target label's start.
  void OnTry(Decoder::Control& c) {
    OpenBlock(c, ControlKind::kTry);
    Block& b = blocks_.back();
    if (b.dead) return;
    // A one-jump pad puts the body strictly after the start of every enclosing
    // block, so a delegate's re-aimed search position is never inside it.
    uint32_t pad = Begin(IOp::kBr);
    U(kHeaderUnits + 1);
    (void)pad;
    b.try_begin = Here();
    b.legacy_slot = legacy_depth_++;
    if (legacy_depth_ > max_legacy_) max_legacy_ = legacy_depth_;
  }
  void OnCatch(Decoder::Control&, uint32_t tagidx) {
    uint32_t n = module_.types[module_.tags[tagidx].type_index].param_count;
    LegacyCatch(CatchClause::kCatch, tagidx, n);
  }
  void OnCatchAll(Decoder::Control&) { LegacyCatch(CatchClause::kCatchAll, 0, 0); }
  void LegacyCatch(uint8_t kind, uint32_t tagidx, uint32_t num_values) {
    Block& b = blocks_.back();
    if (b.dead) return;
    if (reachable_) {
      MaterializeTop(b.num_results);
      uint32_t at = Begin(IOp::kBr);
      AddFixup(b, at);
      U(0);
    }
    if (!b.has_catch) {
      b.has_catch = true;
      b.body_end = Here();
    }
    CatchSite site;
    site.kind = kind;
    site.tagidx = tagidx;
    site.begin = b.try_begin;
    site.end = b.body_end;
    site.dest_slot = Home(b.base);
    site.exn_slot = kHiddenSlot | b.legacy_slot;
    site.target = Here();
    catches_.push_back(site);
    last_end_ = kNone;
    ResetStack(b.base, num_values);
  }
  void OnDelegate(Decoder::Control&, uint32_t depth) {
    Block b = blocks_.back();
    if (b.dead) {
      blocks_.pop_back();
      return;
    }
    if (reachable_) MaterializeTop(b.num_results);
    CatchSite site;
    site.kind = kDelegateSite;
    site.begin = b.try_begin;
    site.end = Here();
    const Block& t = blocks_[blocks_.size() - 2 - depth];
    // A legacy try in its body: its own clauses apply (search from its body);
    // any other label: the handlers around that label's start.
    site.target = t.kind == ControlKind::kFunction ? kNoTarget
                  : t.kind == ControlKind::kTry && !t.has_catch ? t.try_begin
                                                                : t.start_pc;
    catches_.push_back(site);
    for (uint32_t f = b.fixups; f != kNone; f = fixups_[f].next) Patch(fixups_[f], Here());
    last_end_ = kNone;
    --legacy_depth_;
    blocks_.pop_back();
    ResetStack(b.base, b.num_results);
  }
  void OnRethrow(uint32_t depth) {
    if (!reachable_) return;
    const Block& t = Target(depth);
    uint32_t at = Begin(IOp::kThrowRef);
    hidden_patches_.push_back(Here());
    U(kHiddenSlot | t.legacy_slot);
    TrapSite(at);
    reachable_ = false;
  }

  void OnBr(uint32_t depth) {
    if (!reachable_) return;
    Block& t = Target(depth);
    if (t.kind == ControlKind::kFunction) {
      EmitReturnMoves();
      Begin(IOp::kReturn);
    } else {
      EmitBranchMoves(t, Height());
      EmitJumpTo(t);
    }
    reachable_ = false;
  }
  void OnBrIf(uint32_t depth) {
    if (!reachable_) return;
    uint32_t h = Height() - 1;
    Block& t = Target(depth);
    if (t.kind != ControlKind::kFunction && !NeedsMoves(t, h)) {
      Fixup f = EmitCondBranch(h, false, t.kind == ControlKind::kLoop);
      if (t.kind == ControlKind::kLoop) {
        Patch(f, t.loop_pc);
        MakeBackEdge(t, f.instr);
      } else {
        AddFixupRaw(t, f.instr, f.pos);
      }
      Pop();
      return;
    }
    Fixup skip = EmitCondBranch(h, true);
    Pop();
    if (t.kind == ControlKind::kFunction) {
      EmitReturnMoves();
      Begin(IOp::kReturn);
    } else {
      EmitBranchMoves(t, Height());
      EmitJumpTo(t);
    }
    PatchHere(skip);
  }
  void OnBrTable(std::span<const uint32_t> targets, uint32_t def) {
    if (!reachable_) return;
    uint32_t h = Height() - 1;
    uint32_t index = Use(h);
    Pop();
    uint32_t n = static_cast<uint32_t>(targets.size());
    uint32_t at = Begin(IOp::kBrTable);
    U(index);
    U(n);
    uint32_t table = Here();
    for (uint32_t i = 0; i <= n; ++i) U(0);
    // Each distinct target gets a landing pad unless no moves are needed.
    std::vector<std::pair<uint32_t, uint32_t>>& pads = scratch_pads_;
    pads.clear();
    for (uint32_t i = 0; i <= n; ++i) {
      uint32_t depth = i < n ? targets[i] : def;
      Block& t = Target(depth);
      uint32_t slot = table + i;
      // Loops get a pad too: its back-edge branch charges the loop's cost.
      if (t.kind != ControlKind::kFunction && t.kind != ControlKind::kLoop &&
          !NeedsMoves(t, Height())) {
        AddFixupRaw(t, at, slot);
        continue;
      }
      uint32_t pad = kNone;
      for (auto& p : pads)
        if (p.first == depth) pad = p.second;
      if (pad == kNone) {
        pad = Here();
        pads.emplace_back(depth, pad);
        if (t.kind == ControlKind::kFunction) {
          EmitReturnMoves();
          Begin(IOp::kReturn);
        } else {
          EmitBranchMoves(t, Height());
          EmitJumpTo(t);
        }
      }
      code_[slot] = pad - at;
    }
    reachable_ = false;
  }
  void OnReturn() {
    if (!reachable_) return;
    EmitReturnMoves();
    Begin(IOp::kReturn);
    reachable_ = false;
  }

  void OnUnreachable() {
    if (!reachable_) return;
    TrapSite(Begin(IOp::kUnreachable));
    reachable_ = false;
  }
  void OnNop() {}
  void OnDrop(ValType) {
    if (!reachable_) return;
    Pop();
  }
  void OnSelect(ValType) {
    if (!reachable_) return;
    uint32_t h = Height() - 3;
    uint32_t a = Use(h), b = Use(h + 1), c = Use(h + 2);
    Pop();
    Pop();
    Pop();
    EmitValue(IOp::kSelect, h, {a, b, c});
  }

  // ------------------------------------------------------------------ calls
  void OnCall(uint32_t funcidx, bool tail) {
    if (!reachable_) return;
    const SubType& sig = module_.types[module_.funcs[funcidx].type_index];
    uint32_t argbase = PrepareArgs(sig.param_count, 0);
    uint32_t at = Begin(tail ? IOp::kReturnCall : IOp::kCall);
    U(funcidx);
    U(argbase);
    FinishCall(at, sig, tail);
  }
  void OnCallIndirect(uint32_t typeidx, uint32_t tableidx, bool tail) {
    if (!reachable_) return;
    const SubType& sig = module_.types[typeidx];
    uint32_t index = Use(Height() - 1);
    Pop();
    uint32_t argbase = PrepareArgs(sig.param_count, 0);
    uint32_t at = Begin(tail ? IOp::kReturnCallIndirect : IOp::kCallIndirect);
    U(typeidx);
    U(tableidx);
    U(argbase);
    U(index);
    FinishCall(at, sig, tail);
  }
  void OnCallRef(uint32_t typeidx, bool tail) {
    if (!reachable_) return;
    const SubType& sig = module_.types[typeidx];
    uint32_t ref = Use(Height() - 1);
    Pop();
    uint32_t argbase = PrepareArgs(sig.param_count, 0);
    uint32_t at = Begin(tail ? IOp::kReturnCallRef : IOp::kCallRef);
    U(argbase);
    U(ref);
    FinishCall(at, sig, tail);
  }
  void OnThrow(uint32_t tagidx) {
    if (!reachable_) return;
    const SubType& sig = module_.types[module_.tags[tagidx].type_index];
    uint32_t argbase = PrepareArgs(sig.param_count, 0);
    uint32_t at = Begin(IOp::kThrow);
    U(tagidx);
    U(argbase);
    TrapSite(at);
    reachable_ = false;
  }
  void OnThrowRef() {
    if (!reachable_) return;
    uint32_t s = Use(Height() - 1);
    Pop();
    TrapSite(Begin(IOp::kThrowRef));
    U(s);
    reachable_ = false;
  }

  // -------------------------------------------------------------- variables
  void OnLocalGet(uint32_t idx, ValType) {
    if (!reachable_) return;
    ++cost_;
    Push(Entry{Entry::kLocal, idx, 0});
    ++alias_count_;
  }
  void OnLocalSet(uint32_t idx, ValType) {
    if (!reachable_) return;
    SetLocal(idx);
  }
  void OnLocalTee(uint32_t idx, ValType) {
    if (!reachable_) return;
    ++cost_;
    SetLocal(idx);
    Push(Entry{Entry::kLocal, idx, 0});
    ++alias_count_;
  }
  void OnGlobalGet(uint32_t idx, ValType) {
    if (!reachable_) return;
    EmitValue(IOp::kGlobalGet, Height(), {idx}, /*dst_first=*/true);
  }
  void OnGlobalSet(uint32_t idx, ValType) {
    if (!reachable_) return;
    uint32_t s = Use(Height() - 1);
    Pop();
    Begin(IOp::kGlobalSet);
    U(s);
    U(idx);
  }

  // -------------------------------------------------------------- constants
  void OnI32Const(int32_t v) { PushConst(static_cast<uint32_t>(v)); }
  void OnI64Const(int64_t v) { PushConst(static_cast<uint64_t>(v)); }
  void OnF32Const(uint32_t bits) { PushConst(bits); }
  void OnF64Const(uint64_t bits) { PushConst(bits); }
  void OnRefNull(ValType) { PushConst(0); }

  // ------------------------------------------------------------- numerics
  void OnSimpleOp(Opcode op) {
    if (!reachable_) return;
    uint32_t i = static_cast<uint32_t>(op);
    IOp iop = kSimpleMap.op[i];
    if (iop == IOp::kCount) return OnMultiResultOp(op);
    const OpSignature& sig = GetOpcodeInfo(op).sig;
    if (sig.num_params == 2) {
      uint32_t h = Height() - 2;
      IOp imm = kSimpleMap.imm[i];
      Entry& b = stack_[h + 1];
      // A constant right operand becomes an immediate: 32 bits for i32 and f32
      // (the bits), i64 when it sign-extends from 32 bits, both halves for f64.
      if (imm != IOp::kCount && b.kind == Entry::kConst &&
          (sig.params[1] != ValType::kI64 ||
           static_cast<int64_t>(b.value) == static_cast<int32_t>(b.value))) {
        uint32_t lo = static_cast<uint32_t>(b.value), hi = static_cast<uint32_t>(b.value >> 32);
        bool wide = sig.params[1] == ValType::kF64;
        uint32_t a = Use(h);
        Pop();
        Pop();
        if (wide) EmitValue(imm, h, {a, lo, hi});
        else EmitValue(imm, h, {a, lo});
        return;
      }
      if (FuseMultiplyAdd(iop, h)) return;
      uint32_t a = Use(h), bs = Use(h + 1);
      Pop();
      Pop();
      uint32_t at = EmitValue(iop, h, {a, bs});
      if (Traps(iop)) TrapSite(at);
    } else {
      uint32_t h = Height() - 1;
      uint32_t a = Use(h);
      Pop();
      uint32_t at = EmitValue(iop, h, {a});
      if (Traps(iop)) TrapSite(at);
    }
  }

  // f32/f64 add or sub (entries h, h + 1) of the product the last instruction
  // made (a temporary, consumed here) and a value already in a slot: replaces
  // the multiply by one MulAdd / MulSub / SubMul op. Returns false otherwise.
  bool FuseMultiplyAdd(IOp op, uint32_t h) {
    bool f64 = op == IOp::kF64Add || op == IOp::kF64Sub;
    if (!f64 && op != IOp::kF32Add && op != IOp::kF32Sub) return false;
    if (last_end_ != Here() || last_op_ != (f64 ? IOp::kF64Mul : IOp::kF32Mul)) return false;
    uint32_t m = code_[last_dst_];
    bool mul_left = stack_[h].kind == Entry::kHome && m == Home(h);
    bool mul_right = stack_[h + 1].kind == Entry::kHome && m == Home(h + 1);
    if (mul_left == mul_right) return false;
    uint32_t other = mul_left ? h + 1 : h;
    if (stack_[other].kind == Entry::kConst) return false;  // would emit a Const after the mul
    uint32_t x = code_[last_dst_ + 1], y = code_[last_dst_ + 2];
    uint32_t c = Use(other);
    bool add = op == IOp::kF64Add || op == IOp::kF32Add;
    IOp fused = add ? (f64 ? IOp::kF64MulAdd : IOp::kF32MulAdd)
                : mul_left ? (f64 ? IOp::kF64MulSub : IOp::kF32MulSub)
                           : (f64 ? IOp::kF64SubMul : IOp::kF32SubMul);
    code_.resize(last_start_);
    last_end_ = kNone;
    Pop();
    Pop();
    EmitValue(fused, h, {x, y, c});
    return true;
  }

  // Wide arithmetic: two results in consecutive home slots.
  void OnMultiResultOp(Opcode op) {
    IOp iop;
    uint32_t np;
    switch (op) {
      case Opcode::kI64Add128: iop = IOp::kI64Add128; np = 4; break;
      case Opcode::kI64Sub128: iop = IOp::kI64Sub128; np = 4; break;
      case Opcode::kI64MulWideS: iop = IOp::kI64MulWideS; np = 2; break;
      case Opcode::kI64MulWideU: iop = IOp::kI64MulWideU; np = 2; break;
      default: return NotImplemented(op);
    }
    uint32_t h = Height() - np;
    uint32_t s[4];
    for (uint32_t k = 0; k < np; ++k) s[k] = Use(h + k);
    for (uint32_t k = 0; k < np; ++k) Pop();
    Begin(iop);
    U(Home(h));
    for (uint32_t k = 0; k < np; ++k) U(s[k]);
    Push(Entry{Entry::kHome, 0, 0});
    Push(Entry{Entry::kHome, 0, 0});
  }

  // --------------------------------------------------------------- memory
  void OnLoad(Opcode op, const MemArg& m, ValType) {
    if (!reachable_) return;
    uint32_t i = static_cast<uint32_t>(op);
    if (kLoadStoreMap.fast[i] == IOp::kCount) return NotImplemented(op);
    uint32_t h = Height() - 1;
    uint32_t addr = Use(h);
    Pop();
    uint32_t at;
    if (m.memidx == 0 && mem0_fast_) {
      at = EmitValue(kLoadStoreMap.fast[i], h, {addr, static_cast<uint32_t>(m.offset)});
    } else {
      at = EmitValue(kLoadStoreMap.general[i], h,
                     {addr, m.memidx, static_cast<uint32_t>(m.offset),
                      static_cast<uint32_t>(m.offset >> 32)});
    }
    TrapSite(at);
  }
  void OnStore(Opcode op, const MemArg& m) {
    if (!reachable_) return;
    uint32_t i = static_cast<uint32_t>(op);
    if (kLoadStoreMap.fast[i] == IOp::kCount) return NotImplemented(op);
    uint32_t h = Height() - 2;
    uint32_t addr = Use(h), v = Use(h + 1);
    Pop();
    Pop();
    uint32_t at;
    if (m.memidx == 0 && mem0_fast_) {
      at = Begin(kLoadStoreMap.fast[i]);
      U(addr);
      U(v);
      U(static_cast<uint32_t>(m.offset));
    } else {
      at = Begin(kLoadStoreMap.general[i]);
      U(addr);
      U(v);
      U(m.memidx);
      U(static_cast<uint32_t>(m.offset));
      U(static_cast<uint32_t>(m.offset >> 32));
    }
    TrapSite(at);
  }
  void OnAtomic(Opcode op, const MemArg& m) {
    if (!reachable_) return;
    const OpcodeInfo& info = GetOpcodeInfo(op);
    uint32_t size = 1u << info.align_log2;
    uint32_t lo = static_cast<uint32_t>(m.offset), hi = static_cast<uint32_t>(m.offset >> 32);
    uint32_t np = info.sig.num_params;
    uint32_t h = Height() - np;
    uint32_t s[4];
    for (uint32_t k = 0; k < np; ++k) s[k] = Use(h + k);
    for (uint32_t k = 0; k < np; ++k) Pop();
    uint32_t at;
    if (op == Opcode::kMemoryAtomicNotify) {
      at = EmitValue(IOp::kAtomicNotify, h, {s[0], s[1], m.memidx, lo, hi});
    } else if (op == Opcode::kMemoryAtomicWait32 || op == Opcode::kMemoryAtomicWait64) {
      at = EmitValue(IOp::kAtomicWait, h, {s[0], s[1], s[2], m.memidx, lo, hi, size});
    } else if (np == 3) {
      at = EmitValue(IOp::kAtomicCmpxchg, h,
                     {s[0], s[1], s[2], m.memidx, lo, hi, static_cast<uint32_t>(op)});
    } else if (info.sig.num_results == 1 && np == 2) {
      at = EmitValue(IOp::kAtomicRmw, h, {s[0], s[1], m.memidx, lo, hi, static_cast<uint32_t>(op)});
    } else {
      // Atomic loads and stores: an alignment/bounds check, then the plain access.
      TrapSite(Begin(IOp::kAtomicCheck));
      U(s[0]);
      U(m.memidx);
      U(lo);
      U(hi);
      U(size);
      Opcode plain = PlainOf(op);
      uint32_t pi = static_cast<uint32_t>(plain);
      if (np == 1) {
        at = EmitValue(kLoadStoreMap.general[pi], h, {s[0], m.memidx, lo, hi});
      } else {
        at = Begin(kLoadStoreMap.general[pi]);
        U(s[0]);
        U(s[1]);
        U(m.memidx);
        U(lo);
        U(hi);
      }
    }
    TrapSite(at);
  }
  void OnAtomicFence() {}

  void OnMemoryOp(Opcode op, uint32_t memidx, uint32_t other) {
    if (!reachable_) return;
    uint32_t h;
    uint32_t at;
    switch (op) {
      case Opcode::kMemorySize:
        EmitValue(IOp::kMemorySize, Height(), {memidx}, true);
        return;
      case Opcode::kMemoryGrow: {
        h = Height() - 1;
        uint32_t d = Use(h);
        Pop();
        at = EmitValue(IOp::kMemoryGrow, h, {d, memidx});
        break;
      }
      case Opcode::kMemoryFill:
        at = Emit3(IOp::kMemoryFill, {memidx});
        break;
      case Opcode::kMemoryCopy:
        at = Emit3(IOp::kMemoryCopy, {memidx, other});
        break;
      case Opcode::kMemoryInit:
        at = Emit3(IOp::kMemoryInit, {memidx, other});
        break;
      default:  // data.drop
        at = Begin(IOp::kDataDrop);
        U(other);
        break;
    }
    TrapSite(at);
  }

  void OnTableOp(Opcode op, uint32_t t, uint32_t other) {
    if (!reachable_) return;
    uint32_t h, at;
    switch (op) {
      case Opcode::kTableGet: {
        h = Height() - 1;
        uint32_t i = Use(h);
        Pop();
        at = EmitValue(IOp::kTableGet, h, {i, t});
        break;
      }
      case Opcode::kTableSet: {
        h = Height() - 2;
        uint32_t i = Use(h), v = Use(h + 1);
        Pop();
        Pop();
        at = Begin(IOp::kTableSet);
        U(i);
        U(v);
        U(t);
        break;
      }
      case Opcode::kTableSize:
        EmitValue(IOp::kTableSize, Height(), {t}, true);
        return;
      case Opcode::kTableGrow: {
        h = Height() - 2;
        uint32_t init = Use(h), delta = Use(h + 1);
        Pop();
        Pop();
        at = EmitValue(IOp::kTableGrow, h, {init, delta, t});
        break;
      }
      case Opcode::kTableFill:
        at = Emit3(IOp::kTableFill, {t});
        break;
      case Opcode::kTableCopy:
        at = Emit3(IOp::kTableCopy, {t, other});
        break;
      case Opcode::kTableInit:
        at = Emit3(IOp::kTableInit, {t, other});
        break;
      default:  // elem.drop
        at = Begin(IOp::kElemDrop);
        U(other);
        break;
    }
    TrapSite(at);
  }

  // ------------------------------------------------------------- references
  void OnRefIsNull(ValType) { OnSimpleOpRaw(IOp::kRefIsNull, 1); }
  void OnRefEq() { OnSimpleOpRaw(IOp::kRefEq, 2); }
  void OnRefFunc(uint32_t funcidx) {
    if (!reachable_) return;
    EmitValue(IOp::kRefFunc, Height(), {funcidx}, true);
  }
  void OnRefAsNonNull(ValType) {
    if (!reachable_) return;
    uint32_t s = Use(Height() - 1);
    TrapSite(Begin(IOp::kRefAsNonNull));
    U(s);
  }
  void OnBrOnNull(uint32_t depth, ValType) {
    if (!reachable_) return;
    uint32_t h = Height() - 1;
    uint32_t r = Use(h);
    Block& t = Target(depth);
    if (t.kind != ControlKind::kFunction && t.kind != ControlKind::kLoop &&
        !NeedsMoves(t, h)) {
      uint32_t at = Begin(IOp::kBrOnNull);
      U(r);
      EmitBranchOperand(t, at);
      return;
    }
    uint32_t at = Begin(IOp::kBrOnNonNull);
    U(r);
    uint32_t skip = Here();
    U(0);
    EmitTakenBranch(t, h);
    Patch(Fixup{at, skip, kNone}, Here());
    last_end_ = kNone;
  }
  void OnBrOnNonNull(uint32_t depth, ValType) {
    if (!reachable_) return;
    uint32_t h = Height() - 1;
    uint32_t r = Use(h);
    Block& t = Target(depth);
    if (t.kind != ControlKind::kFunction && t.kind != ControlKind::kLoop &&
        !NeedsMoves(t, h + 1)) {
      uint32_t at = Begin(IOp::kBrOnNonNull);
      U(r);
      EmitBranchOperand(t, at);
    } else {
      uint32_t at = Begin(IOp::kBrOnNull);
      U(r);
      uint32_t skip = Here();
      U(0);
      EmitTakenBranch(t, h + 1);
      Patch(Fixup{at, skip, kNone}, Here());
      last_end_ = kNone;
    }
    Pop();
  }

  // ---------------------------------------------------- not implemented yet
  void OnLoadLane(Opcode op, const MemArg&, uint32_t) { NotImplementedOp(op); }
  void OnStoreLane(Opcode op, const MemArg&, uint32_t) { NotImplementedOp(op); }
  void OnV128Const(const uint8_t*) { NotImplementedOp(Opcode::kV128Const); }
  void OnSimdLane(Opcode op, uint32_t) { NotImplementedOp(op); }
  void OnShuffle(const uint8_t*) { NotImplementedOp(Opcode::kI8x16Shuffle); }
  void OnRefTest(Opcode op, ValType, ValType) { NotImplementedOp(op); }
  void OnRefCast(Opcode op, ValType, ValType) { NotImplementedOp(op); }
  void OnBrOnCast(Opcode op, uint32_t, ValType, ValType) { NotImplementedOp(op); }
  void OnGC(Opcode op, uint32_t, uint32_t) { NotImplementedOp(op); }

 private:
  // ------------------------------------------------------------ emission
  uint32_t Here() const { return static_cast<uint32_t>(code_.size()); }
  uint32_t Begin(IOp op) {
    uint32_t at = Here();
    ++cost_;
    uint64_t w = words_[static_cast<uint32_t>(op)];
    code_.push_back(static_cast<uint32_t>(w));
    if constexpr (kHeaderUnits == 2) code_.push_back(static_cast<uint32_t>(w >> 32));
    return at;
  }
  void U(uint32_t v) { code_.push_back(v); }
  void TrapSite(uint32_t at) { trap_sites_.emplace_back(at, decoder_->op_offset()); }

  // Emits `op dst, operands...` with dst = home(h) and pushes the result.
  uint32_t EmitValue(IOp op, uint32_t h, std::initializer_list<uint32_t> operands,
                     bool dst_first = true) {
    (void)dst_first;
    prev_start_ = last_start_;
    prev_end_ = last_end_;
    prev_dst_ = last_dst_;
    prev_op_ = last_op_;
    uint32_t at = Begin(op);
    last_dst_ = Here();
    U(Home(h));
    for (uint32_t v : operands) U(v);
    last_start_ = at;
    last_op_ = op;
    last_end_ = Here();
    Push(Entry{Entry::kHome, 0, 0});
    return at;
  }
  // Three popped operands (d, s/val, n) followed by immediates.
  uint32_t Emit3(IOp op, std::initializer_list<uint32_t> imms) {
    uint32_t h = Height() - 3;
    uint32_t a = Use(h), b = Use(h + 1), c = Use(h + 2);
    Pop();
    Pop();
    Pop();
    uint32_t at = Begin(op);
    U(a);
    U(b);
    U(c);
    for (uint32_t v : imms) U(v);
    return at;
  }
  void OnSimpleOpRaw(IOp op, uint32_t np) {
    if (!reachable_) return;
    uint32_t h = Height() - np;
    uint32_t a = Use(h), b = np == 2 ? Use(h + 1) : 0;
    Pop();
    if (np == 2) {
      Pop();
      EmitValue(op, h, {a, b});
    } else {
      EmitValue(op, h, {a});
    }
  }
  void NotImplemented(Opcode op) {
    TrapSite(Begin(IOp::kNotImplemented));
    U(static_cast<uint32_t>(op));
    reachable_ = false;
  }
  void NotImplementedOp(Opcode op) {
    if (reachable_) NotImplemented(op);
  }

  void EmitCopy(uint32_t dst, uint32_t src) {
    if (dst == src) return;
    Begin(IOp::kCopy);
    U(dst);
    U(src);
  }
  void EmitConst(uint32_t dst, uint64_t v) {
    if (v <= 0xFFFFFFFFu) {
      Begin(IOp::kConst32);
      U(dst);
      U(static_cast<uint32_t>(v));
    } else {
      Begin(IOp::kConst64);
      U(dst);
      U(static_cast<uint32_t>(v));
      U(static_cast<uint32_t>(v >> 32));
    }
  }
  // Writes entry h's value into `dst` without changing the entry.
  void EmitMoveTo(uint32_t dst, uint32_t h) {
    const Entry& e = stack_[h];
    if (e.kind == Entry::kConst) EmitConst(dst, e.value);
    else if (e.kind == Entry::kLocal) EmitCopy(dst, e.local);
    else EmitCopy(dst, Home(h));
  }

  // -------------------------------------------------------- abstract stack
  uint32_t Height() const { return static_cast<uint32_t>(stack_.size()); }
  uint32_t Home(uint32_t h) const { return num_locals_ + h; }
  void Push(Entry e) {
    stack_.push_back(e);
    if (stack_.size() > max_height_) max_height_ = static_cast<uint32_t>(stack_.size());
  }
  void PushConst(uint64_t v) {
    if (!reachable_) return;
    ++cost_;
    Push(Entry{Entry::kConst, 0, v});
  }
  void Pop() {
    if (stack_.back().kind == Entry::kLocal) --alias_count_;
    stack_.pop_back();
  }
  void Materialize(uint32_t h) {
    Entry& e = stack_[h];
    if (e.kind == Entry::kHome) return;
    if (e.kind == Entry::kLocal) {
      EmitCopy(Home(h), e.local);
      --alias_count_;
    } else {
      EmitConst(Home(h), e.value);
    }
    e.kind = Entry::kHome;
  }
  void MaterializeAll() {
    for (uint32_t i = 0; i < Height(); ++i) Materialize(i);
  }
  void MaterializeTop(uint32_t n) {
    for (uint32_t i = Height() - n; i < Height(); ++i) Materialize(i);
  }
  // The slot to read entry h from (materializing constants).
  uint32_t Use(uint32_t h) {
    Entry& e = stack_[h];
    if (e.kind == Entry::kLocal) return e.local;
    if (e.kind == Entry::kConst) Materialize(h);
    return Home(h);
  }
  void ResetStack(uint32_t base, uint32_t n) {
    while (Height() > base) Pop();
    for (uint32_t i = 0; i < n; ++i) Push(Entry{Entry::kHome, 0, 0});
    reachable_ = true;
  }

  void SetLocal(uint32_t x) {
    uint32_t h = Height() - 1;
    Entry e = stack_[h];
    Pop();
    if (alias_count_ != 0) {
      for (uint32_t i = 0; i < Height(); ++i)
        if (stack_[i].kind == Entry::kLocal && stack_[i].local == x) Materialize(i);
    }
    if (e.kind == Entry::kHome && last_end_ == Here() && code_[last_dst_] == Home(h)) {
      code_[last_dst_] = x;  // the producer writes the local directly
      last_end_ = kNone;
      return;
    }
    if (e.kind == Entry::kConst) EmitConst(x, e.value);
    else if (e.kind == Entry::kLocal) EmitCopy(x, e.local);
    else EmitCopy(x, Home(h));
  }

  // --------------------------------------------------------------- control
  Block& Target(uint32_t depth) { return blocks_[blocks_.size() - 1 - depth]; }
  void OpenBlock(Decoder::Control& c, ControlKind kind) {
    uint32_t np = static_cast<uint32_t>(c.type.params().size());
    uint32_t nr = static_cast<uint32_t>(c.type.results().size());
    if (!reachable_) {
      Block& b = blocks_.emplace_back();
      b.kind = kind;
      b.dead = true;
      return;
    }
    MaterializeAll();
    Block& b = blocks_.emplace_back();
    b.kind = kind;
    b.start_pc = Here();
    b.base = Height() - np;
    b.num_params = np;
    b.num_results = nr;
    last_end_ = kNone;
  }
  uint32_t Arity(const Block& t) const {
    return t.kind == ControlKind::kLoop ? t.num_params : t.num_results;
  }
  // Whether a branch to `t` with the stack top at `top` must move values.
  bool NeedsMoves(const Block& t, uint32_t top) const {
    uint32_t n = Arity(t);
    if (n == 0) return false;
    if (top - n != t.base) return true;
    for (uint32_t i = t.base; i < top; ++i)
      if (stack_[i].kind != Entry::kHome) return true;
    return false;
  }
  void EmitBranchMoves(const Block& t, uint32_t top) {
    uint32_t n = Arity(t);
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t src = top - n + i, dst = t.base + i;
      if (src == dst && stack_[src].kind == Entry::kHome) continue;
      EmitMoveTo(Home(dst), src);
    }
  }
  void EmitReturnMoves() { EmitReturnMovesFrom(Height()); }
  void EmitReturnMovesFrom(uint32_t top) {
    uint32_t n = num_results_;
    if (n == 1) {
      EmitMoveTo(0, top - 1);
      return;
    }
    // First every non-home value to its home slot (home slots are above all
    // locals), then ascending copies down (destinations never pass sources).
    for (uint32_t i = top - n; i < top; ++i)
      if (stack_[i].kind != Entry::kHome) EmitMoveTo(Home(i), i);
    for (uint32_t i = 0; i < n; ++i) EmitCopy(i, Home(top - n + i));
  }
  // Moves + jump for a taken branch to `t` with the stack top at `top`.
  void EmitTakenBranch(Block& t, uint32_t top) {
    if (t.kind == ControlKind::kFunction) {
      EmitReturnMovesFrom(top);
      Begin(IOp::kReturn);
    } else {
      EmitBranchMoves(t, top);
      EmitJumpTo(t);
    }
  }
  void EmitJumpTo(Block& t) {
    uint32_t at = Begin(IOp::kBr);
    EmitBranchOperand(t, at);
    if (t.kind == ControlKind::kLoop) MakeBackEdge(t, at);
  }
  // Turns the branch at `at`, the last instruction emitted and just aimed at
  // loop `t`'s header, into its ...Back form: appends the cost operand (patched
  // at the loop's end) and makes it a trap site (fuel / epoch traps).
  void MakeBackEdge(Block& t, uint32_t at) {
    static constexpr IOp kPairs[][2] = {
        {IOp::kBr, IOp::kBrBack}, {IOp::kBrIf, IOp::kBrIfBack},
        {IOp::kBrUnless, IOp::kBrUnlessBack},
#define ICMPBR(Name, g, e) {IOp::kBrIf##Name, IOp::kBrIf##Name##Back}, \
                           {IOp::kBrIf##Name##Imm, IOp::kBrIf##Name##ImmBack},
#include "engine/interp/ops.def"
    };
    uint64_t w = LoadHandlerWord(&code_[at]);
    for (const auto& p : kPairs) {
      if (words_[static_cast<uint32_t>(p[0])] != w) continue;
      uint64_t back = words_[static_cast<uint32_t>(p[1])];
      code_[at] = static_cast<uint32_t>(back);
      if constexpr (kHeaderUnits == 2) code_[at + 1] = static_cast<uint32_t>(back >> 32);
      fixups_.push_back(Fixup{at, Here(), t.cost_fixups});
      t.cost_fixups = static_cast<uint32_t>(fixups_.size() - 1);
      U(1);
      TrapSite(at);
      return;
    }
    std::abort();  // only the branch kinds above are ever aimed at a loop header
  }
  // Appends the rel operand of the branch at `at` that targets `t`.
  void EmitBranchOperand(Block& t, uint32_t at) {
    if (t.kind == ControlKind::kLoop) {
      U(t.loop_pc - at);
    } else {
      AddFixupRaw(t, at, Here());
      U(0);
    }
  }
  void AddFixup(Block& t, uint32_t at) { AddFixupRaw(t, at, Here()); }
  void AddFixupRaw(Block& t, uint32_t at, uint32_t pos) {
    fixups_.push_back(Fixup{at, pos, t.fixups});
    t.fixups = static_cast<uint32_t>(fixups_.size() - 1);
  }
  void Patch(const Fixup& f, uint32_t target) { code_[f.pos] = target - f.instr; }
  // Points a forward branch at the next instruction (a label: no fusion across).
  void PatchHere(const Fixup& f) {
    Patch(f, Here());
    last_end_ = kNone;
  }

  // Emits a conditional branch on entry h (taken when the value is nonzero, or
  // zero when `negate`), fusing with the compare that produced it when
  // possible. Returns the branch to patch.
  Fixup EmitCondBranch(uint32_t h, bool negate, bool to_loop = false) {
    Entry& e = stack_[h];
    if (e.kind == Entry::kHome && last_end_ == Here() && code_[last_dst_] == Home(h)) {
      // Float compares fuse with the branch, also through an i32.eqz (not on
      // loop back-edges, which need the ...Back forms).
      if (!to_loop) {
        IOp fused = FusedFloatBranch(last_op_, !negate);
        if (fused != IOp::kCount) return FuseCompare(last_start_, last_dst_, last_end_, fused);
        // (The compare must have written the eqz's operand slot, a temporary:
        // not a local it was tee'd into.)
        if (last_op_ == IOp::kI32Eqz && prev_end_ == last_start_ &&
            code_[last_dst_ + 1] == Home(h) && code_[prev_dst_] == Home(h)) {
          fused = FusedFloatBranch(prev_op_, negate);
          if (fused != IOp::kCount) return FuseCompare(prev_start_, prev_dst_, prev_end_, fused);
        }
      }
      if (IsI32Compare(last_op_)) {
        uint32_t a = code_[last_dst_ + 1], b = code_[last_dst_ + 2];
        code_.resize(last_start_);
        uint32_t at = Begin(FusedBranch(last_op_, negate));
        U(a);
        U(b);
        return CondOperand(at);
      }
      if (last_op_ == IOp::kI32Eqz) {
        uint32_t a = code_[last_dst_ + 1];
        code_.resize(last_start_);
        uint32_t at = Begin(negate ? IOp::kBrIf : IOp::kBrUnless);
        U(a);
        return CondOperand(at);
      }
    }
    uint32_t c = Use(h);
    uint32_t at = Begin(negate ? IOp::kBrUnless : IOp::kBrIf);
    U(c);
    return CondOperand(at);
  }
  // Replaces the code from `start` (a compare with dst at `dst`, operands up to
  // `end`, possibly followed by an i32.eqz of its result) by the fused branch.
  Fixup FuseCompare(uint32_t start, uint32_t dst, uint32_t end, IOp fused) {
    uint32_t ops[4];
    uint32_t n = end - dst - 1;
    for (uint32_t i = 0; i < n; ++i) ops[i] = code_[dst + 1 + i];
    code_.resize(start);
    uint32_t at = Begin(fused);
    for (uint32_t i = 0; i < n; ++i) U(ops[i]);
    return CondOperand(at);
  }
  Fixup CondOperand(uint32_t at) {
    uint32_t pos = Here();
    U(0);
    last_end_ = kNone;
    return Fixup{at, pos, kNone};
  }

  const Module& module_;
  const uint64_t* words_;
  Decoder* decoder_ = nullptr;
  uint32_t num_params_ = 0, num_results_ = 0, num_locals_ = 0;
  bool mem0_fast_ = false;

  FastBuffer<uint32_t> code_;
  FastBuffer<Entry> stack_;
  std::vector<Block> blocks_;
  std::vector<Fixup> fixups_;
  std::vector<std::pair<uint32_t, uint32_t>> trap_sites_;
  std::vector<CatchSite> catches_;
  std::vector<CatchSite> pending_catches_;
  std::vector<std::pair<uint32_t, uint32_t>> scratch_pads_;
  std::vector<uint32_t> hidden_patches_;  // code units holding hidden-slot indices
  uint32_t legacy_depth_ = 0, max_legacy_ = 0;
  uint32_t alias_count_ = 0;
  uint32_t max_height_ = 0;
  uint32_t num_loops_ = 0;
  std::vector<uint32_t> loop_headers_;
  bool reachable_ = true;
  // Fuel cost (about one unit per wasm instruction: emitted ops plus folded
  // local.get/tee and constants) of the region being emitted: the function
  // body outside loops, or the innermost open loop's body.
  uint32_t cost_ = 0;

  // The last value-producing instruction (for dst retargeting and fusion), and
  // the one before it (prev_end_ == last_start_ when they are adjacent).
  uint32_t last_start_ = 0, last_end_ = kNone, last_dst_ = 0;
  IOp last_op_ = IOp::kCount;
  uint32_t prev_start_ = 0, prev_end_ = kNone, prev_dst_ = 0;
  IOp prev_op_ = IOp::kCount;

 public:
  static Opcode PlainOf(Opcode op) {
    switch (op) {
      case Opcode::kI32AtomicLoad: return Opcode::kI32Load;
      case Opcode::kI64AtomicLoad: return Opcode::kI64Load;
      case Opcode::kI32AtomicLoad8U: return Opcode::kI32Load8U;
      case Opcode::kI32AtomicLoad16U: return Opcode::kI32Load16U;
      case Opcode::kI64AtomicLoad8U: return Opcode::kI64Load8U;
      case Opcode::kI64AtomicLoad16U: return Opcode::kI64Load16U;
      case Opcode::kI64AtomicLoad32U: return Opcode::kI64Load32U;
      case Opcode::kI32AtomicStore: return Opcode::kI32Store;
      case Opcode::kI64AtomicStore: return Opcode::kI64Store;
      case Opcode::kI32AtomicStore8: return Opcode::kI32Store8;
      case Opcode::kI32AtomicStore16: return Opcode::kI32Store16;
      case Opcode::kI64AtomicStore8: return Opcode::kI64Store8;
      case Opcode::kI64AtomicStore16: return Opcode::kI64Store16;
      case Opcode::kI64AtomicStore32: return Opcode::kI64Store32;
      default: return Opcode::kI32Load;
    }
  }

 private:
  // Call plumbing.
  uint32_t PrepareArgs(uint32_t n, uint32_t) {
    uint32_t h = Height() - n;
    for (uint32_t i = h; i < Height(); ++i) Materialize(i);
    return Home(h);
  }
  void FinishCall(uint32_t at, const SubType& sig, bool tail) {
    TrapSite(at);
    for (uint32_t i = 0; i < sig.param_count; ++i) Pop();
    if (tail) {
      reachable_ = false;
      return;
    }
    for (uint32_t i = 0; i < sig.result_count; ++i) Push(Entry{Entry::kHome, 0, 0});
    last_end_ = kNone;
  }
};

}  // namespace

namespace {
InterpCode* Translate(const Module& module, uint32_t funcidx, bool mem0_guarded,
                      CodeArena* arena) {
  // One translator and decoder per thread and module, so their buffers keep
  // their capacity from one function to the next.
  struct Cache {
    const Module* module = nullptr;
    std::unique_ptr<InterpTranslator> t;
    std::unique_ptr<InterpTranslator::Decoder> d;
  };
  static thread_local Cache cache;
  if (cache.module != &module || !cache.t) {
    cache.d.reset();
    cache.t = std::make_unique<InterpTranslator>(module);
    cache.d = std::make_unique<InterpTranslator::Decoder>(module, *cache.t);
    cache.t->set_decoder(cache.d.get());
    cache.module = &module;
  }
  cache.t->Start(funcidx, mem0_guarded);
  cache.d->DecodeFunction(funcidx);
  return cache.t->Finish(arena);
}
}  // namespace

InterpCodePtr TranslateFunction(const Module& module, uint32_t funcidx, bool mem0_guarded) {
  return InterpCodePtr(Translate(module, funcidx, mem0_guarded, nullptr));
}

InterpCode* TranslateFunction(const Module& module, uint32_t funcidx, bool mem0_guarded,
                              CodeArena& arena) {
  return Translate(module, funcidx, mem0_guarded, &arena);
}

uint32_t InterpCode::WasmOffset(uint32_t off) const {
  const auto* end = trap_sites + num_trap_sites;
  const auto* it = std::lower_bound(trap_sites, end, std::make_pair(off, uint32_t{0}));
  if (it != end && it->first == off) return it->second;
  return 0;
}

}  // namespace cascade::interp
