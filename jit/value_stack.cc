// ValueStack: register allocation and spilling (see value_stack.h).
#include "jit/value_stack.h"

#include <algorithm>
#include <iterator>

namespace cascade::jit {

void ValueStack::Materialize(uint32_t index) {
  VarState& v = s_[index];
  if (v.kind == VarState::kFCond) {
    Reg r = Alloc();  // never spills or evaluates a kFCond entry
    masm_.FloatCompare(v.fcond, v.f64, r, v.reg, v.reg2);
    if (v.negated) masm_.Eqz(Width::k32, r);
    ReleaseF(v.reg);
    ReleaseF(v.reg2);
    v.kind = VarState::kReg;
    v.reg = r;
    return;
  }
  if (v.kind != VarState::kCond) return;
  // The 0/1 goes to the left operand's register, unless that is a cached
  // local's, only read (pinned): then to the right operand's if owned, else
  // to a new one (the entry is no candidate for Alloc's evaluations meanwhile).
  Reg dst = v.reg;
  if (pins_[v.reg] > 0) {
    if (!v.has_imm && pins_[v.reg2] == 0) {
      dst = v.reg2;
    } else {
      v.kind = VarState::kStack;
      dst = Alloc();
      v.kind = VarState::kCond;
    }
  }
  if (v.has_imm) {
    masm_.CompareImm(v.cond, v.width, dst, v.reg, static_cast<int32_t>(v.imm));
  } else {
    masm_.Compare(v.cond, v.width, dst, v.reg, v.reg2);
    if (dst != v.reg2) Release(v.reg2);
  }
  if (dst != v.reg) Release(v.reg);
  v.kind = VarState::kReg;
  v.reg = dst;
}

void ValueStack::ReleaseEntry(const VarState& v) {
  if (v.kind == VarState::kReg) used_[v.reg] = false;
  if (v.kind == VarState::kCond) Release(v.reg);
  if (v.kind == VarState::kCond && !v.has_imm) Release(v.reg2);
  if (v.kind == VarState::kFReg) fused_[v.reg] = false;
  if (v.kind == VarState::kFCond) {
    ReleaseF(v.reg);
    ReleaseF(v.reg2);
  }
}

void ValueStack::Drop() {
  ReleaseEntry(s_.back());
  s_.pop_back();
}

uint32_t ValueStack::SharedRegs(VarState::Kind kind) const {
  uint32_t mask = 0;
  for (const VarState& v : s_) {
    if (v.kind == kind) mask |= 1u << v.reg;
  }
  return mask;
}

void ValueStack::Unshare(VarState::Kind kind, uint32_t r) {
  for (uint32_t i = 0; i < s_.size(); ++i) {
    if (s_[i].kind == kind && s_[i].reg == r) {
      StoreEntry(i, home(i));
      s_[i].kind = VarState::kStack;
    }
  }
}

template <class Pred>
void ValueStack::DropCached(Pred drop) {
  // One look at the stack for sharing entries, not one per register (after a
  // SpillAll there are none).
  const uint32_t shared = SharedRegs(VarState::kLocal), fshared = SharedRegs(VarState::kFLocal);
  for (Reg r = 0; r < kNumRegs; ++r) {
    if (cached_[r] != kNoLocal && drop(cached_[r])) {
      if (shared & (1u << r)) Unshare(VarState::kLocal, r);
      cached_[r] = kNoLocal;
    }
  }
  for (FReg r = 0; r < kNumFRegs; ++r) {
    if (fcached_[r] != kNoLocal && drop(fcached_[r])) {
      if (fshared & (1u << r)) Unshare(VarState::kFLocal, r);
      fcached_[r] = kNoLocal;
    }
  }
}

void ValueStack::ForgetLocal(uint32_t idx) {
  DropCached([idx](uint32_t local) { return local == idx; });
}

void ValueStack::ForgetLocals() {
  DropCached([](uint32_t) { return true; });
}

FReg ValueStack::AllocF() {
  // A free register caching no local first, then a caching one no entry
  // shares, then any caching one.
  uint32_t shared = 0;
  for (int pass = 0; pass < 3; ++pass) {
    if (pass == 1) shared = SharedRegs(VarState::kFLocal);
    for (FReg r = 0; r < kNumFRegs; ++r) {
      if (FreeF(r) && (pass == 2 || fcached_[r] == kNoLocal ||
                       (pass == 1 && !(shared & (1u << r))))) {
        if (shared & (1u << r)) Unshare(VarState::kFLocal, r);
        fused_[r] = true;
        fcached_[r] = kNoLocal;
        return r;
      }
    }
  }
  for (uint32_t i = 0; i < s_.size(); ++i) {
    if (s_[i].kind == VarState::kFReg) {
      FReg r = s_[i].reg;
      masm_.StoreSlotF(home(i), r);
      s_[i].kind = VarState::kStack;
      return r;
    }
  }
  // Only pending float comparisons hold float registers: evaluate one.
  for (uint32_t i = 0; i < s_.size(); ++i) {
    if (s_[i].kind == VarState::kFCond) {
      Materialize(i);
      return AllocF();
    }
  }
  return 0;  // unreachable: at most two float registers are held outside the stack
}

FReg ValueStack::PopToFReg() {
  VarState v = s_.back();
  if (v.kind == VarState::kFReg) {
    s_.pop_back();
    return v.reg;
  }
  if (v.kind == VarState::kFLocal) {  // a copy of the shared register
    s_.pop_back();
    ++fpins_[v.reg];
    FReg f = AllocF();
    --fpins_[v.reg];
    masm_.MovF(f, v.reg);
    return f;
  }
  if (v.kind == VarState::kReg || v.kind == VarState::kCond || v.kind == VarState::kFCond ||
      v.kind == VarState::kLocal) {
    Reg g = PopToReg();
    FReg f = AllocF();
    masm_.MovToF(f, g);
    used_[g] = false;
    return f;
  }
  s_.pop_back();
  FReg f = AllocF();
  if (v.kind == VarState::kConst) masm_.MovImmF(f, v.imm);
  else masm_.LoadSlotF(f, home(static_cast<uint32_t>(s_.size())));
  return f;
}

FReg ValueStack::PopToFRegRead(bool* owned) {
  const VarState v = s_.back();
  bool shared = v.kind == VarState::kFLocal;
  if (owned) *owned = !shared;
  if (!shared) return PopToFReg();
  s_.pop_back();
  ++fpins_[v.reg];
  return v.reg;
}

Reg ValueStack::Alloc() {
  // A free register caching no local first, then a caching one no entry
  // shares, then any caching one.
  uint32_t shared = 0;
  for (int pass = 0; pass < 3; ++pass) {
    if (pass == 1) shared = SharedRegs(VarState::kLocal);
    for (Reg r = 0; r < kNumRegs; ++r) {
      if (Free(r) && (pass == 2 || cached_[r] == kNoLocal ||
                      (pass == 1 && !(shared & (1u << r))))) {
        if (shared & (1u << r)) Unshare(VarState::kLocal, r);
        used_[r] = true;
        cached_[r] = kNoLocal;
        return r;
      }
    }
  }
  // A pending comparison holding two registers gives one back when evaluated.
  for (uint32_t i = 0; i < s_.size(); ++i) {
    if (s_[i].kind == VarState::kCond && !s_[i].has_imm) {
      Materialize(i);
      return Alloc();
    }
  }
  // Spill the deepest register entry; its register changes owner. (A kFCond
  // entry holds no integer register and is left pending: Materialize of one
  // calls Alloc.)
  for (uint32_t i = 0; i < s_.size(); ++i) {
    if (s_[i].kind == VarState::kCond) Materialize(i);
    if (s_[i].kind == VarState::kReg) {
      Reg r = s_[i].reg;
      masm_.StoreSlot(home(i), r);
      s_[i].kind = VarState::kStack;
      return r;
    }
  }
  return 0;  // unreachable: at most a few registers are held outside the stack
}

Reg ValueStack::PopToReg() {
  Materialize(static_cast<uint32_t>(s_.size() - 1));
  VarState v = s_.back();
  s_.pop_back();
  if (v.kind == VarState::kReg) return v.reg;
  if (v.kind == VarState::kLocal) {  // a copy of the shared register
    ++pins_[v.reg];
    Reg r = Alloc();
    --pins_[v.reg];
    masm_.Mov(r, v.reg);
    return r;
  }
  if (v.kind == VarState::kFLocal) ++fpins_[v.reg];
  Reg r = Alloc();
  if (v.kind == VarState::kFLocal) {
    --fpins_[v.reg];
    masm_.MovFromF(r, v.reg);
    return r;
  }
  if (v.kind == VarState::kFReg) {
    masm_.MovFromF(r, v.reg);
    fused_[v.reg] = false;
    return r;
  }
  if (v.kind == VarState::kConst) masm_.MovImm(r, v.imm);
  else masm_.LoadSlot(r, home(static_cast<uint32_t>(s_.size())));
  return r;
}

Reg ValueStack::PopToRegRead(bool* owned) {
  const VarState v = s_.back();
  bool shared = v.kind == VarState::kLocal;
  if (owned) *owned = !shared;
  if (!shared) return PopToReg();
  s_.pop_back();
  ++pins_[v.reg];
  return v.reg;
}

void ValueStack::StoreEntry(uint32_t index, uint32_t dst) {
  Materialize(index);
  const VarState& v = s_[index];
  switch (v.kind) {
    case VarState::kReg: case VarState::kLocal: masm_.StoreSlot(dst, v.reg); break;
    case VarState::kConst: masm_.StoreSlotImm(dst, v.imm); break;
    case VarState::kStack: masm_.CopySlot(dst, home(index)); break;
    case VarState::kFReg: case VarState::kFLocal: masm_.StoreSlotF(dst, v.reg); break;
    case VarState::kCond: case VarState::kFCond: break;  // materialized above
  }
}

void ValueStack::SpillAll() {
  for (uint32_t i = 0; i < s_.size(); ++i) {
    VarState& v = s_[i];
    if (v.kind == VarState::kStack) continue;
    StoreEntry(i, home(i));
    if (v.kind == VarState::kReg) used_[v.reg] = false;
    if (v.kind == VarState::kFReg) fused_[v.reg] = false;
    v.kind = VarState::kStack;
  }
}

void ValueStack::LocalGet(uint32_t idx, bool is_float) {
  // Not cached: loaded into a free register caching nothing, which then
  // caches it; with none, into a register of the entry's own (caching it
  // would push out a local cached for longer, e.g. around a loop).
  VarState v;
  if (is_float) {
    v.kind = VarState::kFLocal;
    FReg c = 0;
    while (c < kNumFRegs && fcached_[c] != idx) ++c;
    if (c == kNumFRegs) {
      c = 0;
      while (c < kNumFRegs && !(FreeF(c) && fcached_[c] == kNoLocal)) ++c;
      if (c == kNumFRegs) {
        FReg n = AllocF();
        masm_.LoadSlotF(n, idx);
        PushFReg(n);
        return;
      }
      masm_.LoadSlotF(c, idx);
      fcached_[c] = idx;
    }
    v.reg = c;
  } else {
    v.kind = VarState::kLocal;
    Reg c = 0;
    while (c < kNumRegs && cached_[c] != idx) ++c;
    if (c == kNumRegs) {
      c = 0;
      while (c < kNumRegs && !(Free(c) && cached_[c] == kNoLocal)) ++c;
      if (c == kNumRegs) {
        Reg n = Alloc();
        masm_.LoadSlot(n, idx);
        PushReg(n);
        return;
      }
      masm_.LoadSlot(c, idx);
      cached_[c] = idx;
    }
    v.reg = c;
  }
  Push(v);
}

void ValueStack::LocalSet(uint32_t idx, bool tee) {
  ForgetLocal(idx);
  uint32_t h = height() - 1;
  StoreEntry(h, idx);
  VarState& v = s_.back();
  if (tee) {
    // The entry's register now caches the local too: the entry shares it.
    if (v.kind == VarState::kReg) {
      used_[v.reg] = false;
      cached_[v.reg] = idx;
      v.kind = VarState::kLocal;
    } else if (v.kind == VarState::kFReg) {
      fused_[v.reg] = false;
      fcached_[v.reg] = idx;
      v.kind = VarState::kFLocal;
    }
    return;
  }
  // A value in a register of its own: that register caches the local now.
  // One sharing another local's register: a copy in a free register caching
  // nothing does, if there is one (a register caches one local; evicting
  // another local for the copy costs more than it saves).
  if (v.kind == VarState::kLocal) {
    for (Reg n = 0; n < kNumRegs; ++n) {
      if (Free(n) && cached_[n] == kNoLocal) {
        masm_.Mov(n, v.reg);
        cached_[n] = idx;
        break;
      }
    }
  } else if (v.kind == VarState::kFLocal) {
    for (FReg n = 0; n < kNumFRegs; ++n) {
      if (FreeF(n) && fcached_[n] == kNoLocal) {
        masm_.MovF(n, v.reg);
        fcached_[n] = idx;
        break;
      }
    }
  }
  const VarState w = v;
  Drop();
  if (w.kind == VarState::kReg) cached_[w.reg] = idx;
  if (w.kind == VarState::kFReg) fcached_[w.reg] = idx;
}

namespace {

// CacheLocal for one register class: the free register caching nothing with
// the highest number (allocation takes the lowest first), or -1.
template <size_t N, class FreeFn>
int SpareRegister(FreeFn is_free, const uint32_t (&cached)[N], uint32_t idx, uint32_t spare,
                  bool* has) {
  uint32_t free = 0;
  int pick = -1;
  for (uint32_t r = 0; r < N; ++r) {
    if (cached[r] == idx) *has = true;
    if (is_free(r) && cached[r] == ValueStack::kNoLocal) {
      ++free;
      pick = static_cast<int>(r);
    }
  }
  return *has || free <= spare ? -1 : pick;
}

}  // namespace

bool ValueStack::CacheLocal(uint32_t idx, bool is_float, uint32_t spare) {
  bool has = false;
  if (is_float) {
    int r = SpareRegister([&](uint32_t c) { return FreeF(static_cast<FReg>(c)); }, fcached_, idx,
                          spare, &has);
    if (r < 0) return has;
    masm_.LoadSlotF(static_cast<FReg>(r), idx);
    fcached_[r] = idx;
    return true;
  }
  int r = SpareRegister([&](uint32_t c) { return Free(static_cast<Reg>(c)); }, cached_, idx,
                        spare, &has);
  if (r < 0) return has;
  masm_.LoadSlot(static_cast<Reg>(r), idx);
  cached_[r] = idx;
  return true;
}

void ValueStack::KeepCached(std::span<const uint32_t> locals) {
  DropCached([&](uint32_t local) {
    return std::find(locals.begin(), locals.end(), local) == locals.end();
  });
}

void ValueStack::ResetTo(uint32_t height) {
  for (const VarState& v : s_) ReleaseEntry(v);
  s_.assign(height, VarState{});
  if (height > max_height_) max_height_ = height;
}

bool ValueStack::CacheState::empty() const {
  for (uint32_t c : cached) if (c != kNoLocal) return false;
  for (uint32_t c : fcached) if (c != kNoLocal) return false;
  return true;
}

ValueStack::CacheState ValueStack::SaveCache() const {
  CacheState s;
  std::copy(std::begin(cached_), std::end(cached_), s.cached);
  std::copy(std::begin(fcached_), std::end(fcached_), s.fcached);
  return s;
}

ValueStack::CacheState ValueStack::CacheState::None() {
  CacheState s;
  std::fill(std::begin(s.cached), std::end(s.cached), kNoLocal);
  std::fill(std::begin(s.fcached), std::end(s.fcached), kNoLocal);
  return s;
}

void ValueStack::RestoreCache(const CacheState& s) {
  for (Reg r = 0; r < kNumRegs; ++r) {
    uint32_t want = Free(r) ? s.cached[r] : kNoLocal;
    if (cached_[r] != want && cached_[r] != kNoLocal) Unshare(VarState::kLocal, r);
    cached_[r] = want;
  }
  for (FReg r = 0; r < kNumFRegs; ++r) {
    uint32_t want = FreeF(r) ? s.fcached[r] : kNoLocal;
    if (fcached_[r] != want && fcached_[r] != kNoLocal) Unshare(VarState::kFLocal, r);
    fcached_[r] = want;
  }
}

void ValueStack::Intersect(CacheState* s) const {
  for (Reg r = 0; r < kNumRegs; ++r) {
    if (s->cached[r] != cached_[r]) s->cached[r] = kNoLocal;
  }
  for (FReg r = 0; r < kNumFRegs; ++r) {
    if (s->fcached[r] != fcached_[r]) s->fcached[r] = kNoLocal;
  }
}

bool ValueStack::CacheHolds(const CacheState& s) const {
  for (Reg r = 0; r < kNumRegs; ++r) {
    if (s.cached[r] != kNoLocal && cached_[r] != s.cached[r]) return false;
  }
  for (FReg r = 0; r < kNumFRegs; ++r) {
    if (s.fcached[r] != kNoLocal && fcached_[r] != s.fcached[r]) return false;
  }
  return true;
}

namespace {

// EmitCacheRestore for one register class: `want[r]` is the local register r
// must hold, `have[r]` the local it holds now (kNoLocal: none, or unknown
// when !from_cache). A parallel move: a register whose local another
// register holds gets a move from it, ordered so that no source is
// overwritten before it is read; a cycle of moves is broken by loading one of
// its registers from its local's slot instead (locals are written through, so
// the slot holds the value too). Registers with no source are loaded; loads
// come last, after every move that reads their registers.
template <size_t N, class MoveFn, class LoadFn>
void RestoreClass(const uint32_t (&want)[N], const uint32_t (&have)[N], bool from_cache,
                  MoveFn move, LoadFn load) {
  constexpr uint32_t kNone = ValueStack::kNoLocal;
  constexpr int kDone = -2, kLoad = -1;
  int src[N];
  for (uint32_t r = 0; r < N; ++r) {
    src[r] = kDone;
    if (want[r] == kNone || (from_cache && have[r] == want[r])) continue;
    src[r] = kLoad;
    if (!from_cache) continue;
    for (uint32_t c = 0; c < N; ++c) {
      if (have[c] == want[r]) {
        src[r] = static_cast<int>(c);
        break;
      }
    }
  }
  auto read_by_pending = [&](uint32_t r) {
    for (uint32_t q = 0; q < N; ++q) {
      if (q != r && src[q] == static_cast<int>(r)) return true;
    }
    return false;
  };
  for (;;) {
    bool pending = false, progress = false;
    for (uint32_t r = 0; r < N; ++r) {
      if (src[r] < 0) continue;
      pending = true;
      if (read_by_pending(r)) continue;
      move(r, static_cast<uint32_t>(src[r]));
      src[r] = kDone;
      progress = true;
    }
    if (!pending) break;
    if (!progress) {  // only cycles are left: one register of one loads instead
      for (uint32_t r = 0; r < N; ++r) {
        if (src[r] >= 0) {
          src[r] = kLoad;
          break;
        }
      }
    }
  }
  for (uint32_t r = 0; r < N; ++r) {
    if (src[r] == kLoad) load(r, want[r]);
  }
}

}  // namespace

void ValueStack::EmitCacheRestore(const CacheState& s, bool from_cache) const {
  RestoreClass(s.cached, cached_, from_cache,
               [&](uint32_t d, uint32_t c) { masm_.Mov(static_cast<Reg>(d), static_cast<Reg>(c)); },
               [&](uint32_t d, uint32_t l) { masm_.LoadSlot(static_cast<Reg>(d), l); });
  RestoreClass(s.fcached, fcached_, from_cache,
               [&](uint32_t d, uint32_t c) { masm_.MovF(static_cast<FReg>(d), static_cast<FReg>(c)); },
               [&](uint32_t d, uint32_t l) { masm_.LoadSlotF(static_cast<FReg>(d), l); });
}

}  // namespace cascade::jit
