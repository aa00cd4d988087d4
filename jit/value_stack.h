// ValueStack: the baseline compiler's abstract operand stack (V8 Liftoff's
// CacheState / VarState), parallel to the decoder's type stack. Each entry is
//   kStack  in its home slot, fp[home_base + height]
//   kReg    in an allocatable register (owned by exactly this entry)
//   kFReg   in an allocatable float register (f32/f64 values; any class
//           holds any value's bits, moves between classes keep them)
//   kConst  a constant not materialized anywhere yet
//   kCond   an integer comparison not evaluated yet (reg `cond` reg2|imm), so
//           br_if / if / eqz consume it as flags (compare + jcc); anything
//           else materializes it as 0/1 in `reg`. Either operand may be a
//           cached local's register, pinned (only read) until then; the 0/1
//           then goes to the other operand's register or a new one
//   kFCond  the same for a float comparison (float registers reg `fcond`
//           reg2, possibly `negated` by i32.eqz); materializing it takes an
//           integer register
//   kLocal  a local.get served by the local cache: the integer register
//           `reg` that caches the local, shared with the cache and any other
//           such entry, owned by none (Liftoff's register use counts)
//   kFLocal the same in a float register
// Registers are allocated from the MacroAssembler's pool; when none is free,
// the deepest register entry is spilled to its home slot.
//
// Local cache: a *free* register may still hold the current value of a local
// (left there by local.set), so the next local.get of it is a register move
// instead of a load. Locals are always written through to their slots, so
// forgetting the cache is always safe; it is forgotten at every call
// (ForgetLocals), per local when the local is written, and per register when
// the register is allocated. A forward label keeps what all jumps to it and
// the fall-through agree on (the compiler's merges). A loop header keeps the
// cache it was entered with (CacheState), and branches back to it restore
// that cache first: loop-carried locals stay in registers.
//
// Shared registers: a kLocal/kFLocal entry reads its local's caching
// register. Whenever that register stops caching the local (allocation takes
// it, the local is written, a call or a merge drops the cache), the entries
// sharing it are first stored to their home slots (Unshare), so a shared
// register always holds the entry's value. PopToRegRead / PopToFRegRead hand a
// consumer that only reads its operand the shared register itself, pinned
// (pins_) so that allocation cannot take it until Release.
//
// Invariants: used_[r] iff r is held by a kReg entry or by a value popped with
// PopToReg and not yet released (Release / Push); after SpillAll every entry is
// kStack and the only used registers are popped ones. max_height() is the most
// entries ever live (the frame reserves that many home slots). A used_ register
// caches no local (allocation drops it from the cache); a pinned one may, and
// is never used_. Allocation takes neither.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "jit/macro_assembler.h"

namespace cascade::jit {

struct VarState {
  enum Kind : uint8_t { kStack, kReg, kConst, kCond, kFReg, kFCond, kLocal, kFLocal };
  Kind kind = kStack;
  Reg reg = 0;
  uint64_t imm = 0;
  // kCond only: reg <cond> reg2 (or reg <cond> imm when has_imm).
  Cond cond = Cond::kEq;
  Width width = Width::k32;
  Reg reg2 = 0;
  bool has_imm = false;
  // kFCond only: reg <fcond> reg2 on f32 or f64 values, or its negation.
  FCond fcond = FCond::kEq;
  bool f64 = false;
  bool negated = false;
};

class ValueStack {
 public:
  static constexpr uint32_t kNoLocal = 0xFFFFFFFF;  // a register caching no local
  explicit ValueStack(MacroAssembler& masm) : masm_(masm) { ForgetLocals(); }

  void Reset(uint32_t home_base) {
    ForgetLocals();
    s_.clear();
    for (bool& u : used_) u = false;
    for (bool& u : fused_) u = false;
    for (uint8_t& p : pins_) p = 0;
    for (uint8_t& p : fpins_) p = 0;
    home_base_ = home_base;
    max_height_ = 0;
  }
  uint32_t height() const { return static_cast<uint32_t>(s_.size()); }
  uint32_t max_height() const { return max_height_; }
  uint32_t home(uint32_t index) const { return home_base_ + index; }
  VarState& at(uint32_t index) { return s_[index]; }
  VarState& top() { return s_.back(); }

  void PushReg(Reg r) { Push(VarState{VarState::kReg, r, 0}); }
  void PushFReg(FReg r) { Push(VarState{VarState::kFReg, r, 0}); }
  // Pops the top entry into a float register the caller owns.
  FReg PopToFReg();
  // Pops the top entry into a float register for reading only: the register
  // a kFLocal entry shares (pinned; the caller must not write it), or one the
  // caller owns (*owned). Either way ReleaseF ends the use.
  FReg PopToFRegRead(bool* owned = nullptr);
  FReg AllocF();
  // Ends the caller's use of `r`: unpins a pinned register, else frees it.
  void ReleaseF(FReg r) {
    if (fpins_[r] > 0) --fpins_[r];
    else fused_[r] = false;
  }
  void PushConst(uint64_t v) { Push(VarState{VarState::kConst, 0, v}); }
  void PushStack() { Push(VarState{VarState::kStack, 0, 0}); }
  void PushCond(Cond c, Width w, Reg a, Reg b, bool has_imm, int32_t imm) {
    VarState v;
    v.kind = VarState::kCond;
    v.cond = c;
    v.width = w;
    v.reg = a;
    v.reg2 = b;
    v.has_imm = has_imm;
    v.imm = static_cast<uint64_t>(static_cast<int64_t>(imm));
    Push(v);
  }
  void PushFCond(FCond c, bool f64, FReg a, FReg b) {
    VarState v;
    v.kind = VarState::kFCond;
    v.fcond = c;
    v.f64 = f64;
    v.reg = a;
    v.reg2 = b;
    Push(v);
  }
  // Evaluates a kCond or kFCond entry into a register (0/1); other entries
  // unchanged.
  void Materialize(uint32_t index);
  // Drops the top entry (its register becomes free).
  void Drop();
  // Pops the top entry into a register the caller owns until Release/PushReg.
  Reg PopToReg();
  // Pops the top entry into a register for reading only (see PopToFRegRead).
  Reg PopToRegRead(bool* owned = nullptr);
  // Pushes an entry popped with Pop back unchanged (its registers are still held).
  void PushRaw(const VarState& v) { s_.push_back(v); }
  VarState Pop() {
    VarState v = s_.back();
    s_.pop_back();
    return v;
  }
  // Ends the caller's use of `r`: unpins a pinned register, else frees it.
  void Release(Reg r) {
    if (pins_[r] > 0) --pins_[r];
    else used_[r] = false;
  }
  Reg Alloc();
  // Every entry to its home slot.
  void SpillAll();

  // The local cache (see above). LocalGet pushes local `idx`'s value as an
  // entry sharing its caching register (loading it into a free register that
  // then caches it, when none does); LocalSet stores the top entry to the
  // local's slot (`tee`: keeps the entry) and caches the register it was in.
  void LocalGet(uint32_t idx, bool is_float);
  void LocalSet(uint32_t idx, bool tee);
  // Loads local `idx` into a free register caching nothing and caches it
  // there, unless a register caches it already or no more than `spare` such
  // registers of its class are left. Returns whether a register caches it.
  bool CacheLocal(uint32_t idx, bool is_float, uint32_t spare);
  // Forgets every cached local not in `locals`.
  void KeepCached(std::span<const uint32_t> locals);
  // Forgets every cached local: at calls (they clobber the registers) and
  // labels without a merge state.
  void ForgetLocals();
  // Truncates/extends to `height` entries, all kStack (at labels; the local
  // cache is left to the label's merge).
  void ResetTo(uint32_t height);

  // A copy of the local cache: the local each register holds, or kNoLocal.
  // A loop header keeps the cache it is entered with (its merge state), and
  // every other way into the header (a branch back, an OSR entry, a catch
  // clause targeting the loop) first makes the registers hold it again.
  struct CacheState {
    uint32_t cached[kNumRegs];
    uint32_t fcached[kNumFRegs];
    bool empty() const;
    static CacheState None();  // caching nothing
  };
  CacheState SaveCache() const;
  // Makes `s` the cache (binding a label whose every way in leaves the
  // registers holding it). Registers in use stay out of the cache.
  void RestoreCache(const CacheState& s);
  // Drops from `s` what the registers do not hold now (a merge: what both
  // agree on).
  void Intersect(CacheState* s) const;
  // Whether the registers already hold `s` (a branch to the header needs no
  // code for it).
  bool CacheHolds(const CacheState& s) const;
  // Emits the register moves and slot loads that make the registers hold
  // `s`, on a path that jumps to the header next: every stack entry has been
  // stored by then, so any register may be written. `from_cache`: moves may
  // take values from registers caching them now; otherwise everything is
  // loaded from its slot (the registers hold nothing known). The compiler's
  // own cache is left unchanged (after a conditional branch, code goes on
  // without these moves having run).
  void EmitCacheRestore(const CacheState& s, bool from_cache) const;
  // Writes entry `index` to fp[dst] without changing the entry.
  void StoreEntry(uint32_t index, uint32_t dst);

 private:
  // A pushed entry takes over the caller's use of its registers (a pinned
  // operand of a comparison stays pinned until the entry is released).
  void Push(VarState v) {
    s_.push_back(v);
    if (v.kind == VarState::kReg) used_[v.reg] = true;
    if (v.kind == VarState::kCond && pins_[v.reg] == 0) used_[v.reg] = true;
    if (v.kind == VarState::kCond && !v.has_imm && pins_[v.reg2] == 0) used_[v.reg2] = true;
    if (v.kind == VarState::kFReg) fused_[v.reg] = true;
    if (v.kind == VarState::kFCond) {
      if (fpins_[v.reg] == 0) fused_[v.reg] = true;
      if (fpins_[v.reg2] == 0) fused_[v.reg2] = true;
    }
    if (s_.size() > max_height_) max_height_ = static_cast<uint32_t>(s_.size());
  }
  // Releases the registers entry `v` holds (not a kLocal/kFLocal's).
  void ReleaseEntry(const VarState& v);
  void ForgetLocal(uint32_t idx);
  // Stores the entries of `kind` sharing register `r` (kLocal: integer,
  // kFLocal: float) to their home slots: `r` is about to stop caching their
  // local.
  void Unshare(VarState::Kind kind, uint32_t r);
  // Bit r set: some entry of `kind` (kLocal, kFLocal) shares register r.
  uint32_t SharedRegs(VarState::Kind kind) const;
  // Forgets each cached local for which `drop(local)` holds, unsharing its
  // register first (ForgetLocal, ForgetLocals, KeepCached).
  template <class Pred>
  void DropCached(Pred drop);
  bool Free(Reg r) const { return !used_[r] && pins_[r] == 0; }
  bool FreeF(FReg r) const { return !fused_[r] && fpins_[r] == 0; }
  MacroAssembler& masm_;
  std::vector<VarState> s_;
  uint32_t cached_[kNumRegs];    // local held by free register r, or kNoLocal
  uint32_t fcached_[kNumFRegs];
  bool used_[kNumRegs] = {};
  bool fused_[kNumFRegs] = {};
  uint8_t pins_[kNumRegs] = {};    // readers of a shared register (PopToRegRead)
  uint8_t fpins_[kNumFRegs] = {};
  uint32_t home_base_ = 0;
  uint32_t max_height_ = 0;
};

}  // namespace cascade::jit
