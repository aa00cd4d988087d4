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
    fused_[v.reg] = fused_[v.reg2] = false;
    v.kind = VarState::kReg;
    v.reg = r;
    return;
  }
  if (v.kind != VarState::kCond) return;
  if (v.has_imm) {
    masm_.CompareImm(v.cond, v.width, v.reg, v.reg, static_cast<int32_t>(v.imm));
  } else {
    masm_.Compare(v.cond, v.width, v.reg, v.reg, v.reg2);
    used_[v.reg2] = false;
  }
  v.kind = VarState::kReg;
}

void ValueStack::Drop() {
  VarState& v = s_.back();
  if (v.kind == VarState::kReg || v.kind == VarState::kCond) used_[v.reg] = false;
  if (v.kind == VarState::kCond && !v.has_imm) used_[v.reg2] = false;
  if (v.kind == VarState::kFReg) fused_[v.reg] = false;
  if (v.kind == VarState::kFCond) fused_[v.reg] = fused_[v.reg2] = false;
  s_.pop_back();
}

FReg ValueStack::AllocF() {
  // A free register caching no local first, then a caching one.
  for (int pass = 0; pass < 2; ++pass) {
    for (FReg r = 0; r < kNumFRegs; ++r) {
      if (!fused_[r] && (pass == 1 || fcached_[r] == kNoLocal)) {
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
  if (v.kind == VarState::kReg || v.kind == VarState::kCond || v.kind == VarState::kFCond) {
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

Reg ValueStack::Alloc() {
  // A free register caching no local first, then a caching one.
  for (int pass = 0; pass < 2; ++pass) {
    for (Reg r = 0; r < kNumRegs; ++r) {
      if (!used_[r] && (pass == 1 || cached_[r] == kNoLocal)) {
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
  Reg r = Alloc();
  if (v.kind == VarState::kFReg) {
    masm_.MovFromF(r, v.reg);
    fused_[v.reg] = false;
    return r;
  }
  if (v.kind == VarState::kConst) masm_.MovImm(r, v.imm);
  else masm_.LoadSlot(r, home(static_cast<uint32_t>(s_.size())));
  return r;
}

void ValueStack::StoreEntry(uint32_t index, uint32_t dst) {
  Materialize(index);
  const VarState& v = s_[index];
  switch (v.kind) {
    case VarState::kReg: masm_.StoreSlot(dst, v.reg); break;
    case VarState::kConst: masm_.StoreSlotImm(dst, v.imm); break;
    case VarState::kStack: masm_.CopySlot(dst, home(index)); break;
    case VarState::kFReg: masm_.StoreSlotF(dst, v.reg); break;
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
  if (is_float) {
    for (FReg c = 0; c < kNumFRegs; ++c) {
      if (!fused_[c] && fcached_[c] == idx) {
        fused_[c] = true;  // keep it out of AllocF's hands
        FReg n = AllocF();
        fused_[c] = false;
        masm_.MovF(n, c);
        PushFReg(n);
        return;
      }
    }
    FReg n = AllocF();
    masm_.LoadSlotF(n, idx);
    for (FReg c = 0; c < kNumFRegs; ++c) {  // keep a copy in a spare register
      if (!fused_[c] && fcached_[c] == kNoLocal) {
        masm_.MovF(c, n);
        fcached_[c] = idx;
        break;
      }
    }
    PushFReg(n);
    return;
  }
  for (Reg c = 0; c < kNumRegs; ++c) {
    if (!used_[c] && cached_[c] == idx) {
      used_[c] = true;
      Reg n = Alloc();
      used_[c] = false;
      masm_.Mov(n, c);
      PushReg(n);
      return;
    }
  }
  Reg n = Alloc();
  masm_.LoadSlot(n, idx);
  PushReg(n);
}

void ValueStack::LocalSet(uint32_t idx, bool tee) {
  ForgetLocal(idx);
  uint32_t h = height() - 1;
  StoreEntry(h, idx);
  if (tee) {
    // The entry keeps its register; a copy in a spare register (one caching
    // nothing) serves the local.get that usually follows.
    const VarState& v = s_.back();
    if (v.kind == VarState::kFReg) {
      for (FReg c = 0; c < kNumFRegs; ++c) {
        if (!fused_[c] && fcached_[c] == kNoLocal) {
          masm_.MovF(c, v.reg);
          fcached_[c] = idx;
          break;
        }
      }
    }
    return;
  }
  const VarState v = s_.back();
  Drop();
  if (v.kind == VarState::kReg) cached_[v.reg] = idx;
  if (v.kind == VarState::kFReg) fcached_[v.reg] = idx;
}

namespace {

// CacheLocal for one register class: the free register caching nothing with
// the highest number (allocation takes the lowest first), or -1.
template <size_t N>
int SpareRegister(const bool (&used)[N], const uint32_t (&cached)[N], uint32_t idx,
                  uint32_t spare, bool* has) {
  uint32_t free = 0;
  int pick = -1;
  for (uint32_t r = 0; r < N; ++r) {
    if (cached[r] == idx) *has = true;
    if (!used[r] && cached[r] == ValueStack::kNoLocal) {
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
    int r = SpareRegister(fused_, fcached_, idx, spare, &has);
    if (r < 0) return has;
    masm_.LoadSlotF(static_cast<FReg>(r), idx);
    fcached_[r] = idx;
    return true;
  }
  int r = SpareRegister(used_, cached_, idx, spare, &has);
  if (r < 0) return has;
  masm_.LoadSlot(static_cast<Reg>(r), idx);
  cached_[r] = idx;
  return true;
}

void ValueStack::KeepCached(std::span<const uint32_t> locals) {
  auto keep = [&](uint32_t& c) {
    if (c != kNoLocal && std::find(locals.begin(), locals.end(), c) == locals.end()) c = kNoLocal;
  };
  for (auto& c : cached_) keep(c);
  for (auto& c : fcached_) keep(c);
}

void ValueStack::ResetTo(uint32_t height) {
  for (const VarState& v : s_) {
    if (v.kind == VarState::kReg || v.kind == VarState::kCond) used_[v.reg] = false;
    if (v.kind == VarState::kCond && !v.has_imm) used_[v.reg2] = false;
    if (v.kind == VarState::kFReg) fused_[v.reg] = false;
    if (v.kind == VarState::kFCond) fused_[v.reg] = fused_[v.reg2] = false;
  }
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
  for (Reg r = 0; r < kNumRegs; ++r) cached_[r] = used_[r] ? kNoLocal : s.cached[r];
  for (FReg r = 0; r < kNumFRegs; ++r) fcached_[r] = fused_[r] ? kNoLocal : s.fcached[r];
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
// when !from_cache). A register gets a move from a register `want` leaves
// unused, else a load; both write only registers `want` uses, so no move's
// source is overwritten.
template <size_t N, class MoveFn, class LoadFn>
void RestoreClass(const uint32_t (&want)[N], const uint32_t (&have)[N], bool from_cache,
                  MoveFn move, LoadFn load) {
  constexpr uint32_t kNone = ValueStack::kNoLocal;
  for (uint32_t r = 0; r < N; ++r) {
    uint32_t local = want[r];
    if (local == kNone) continue;
    bool done = false;
    if (from_cache) {
      done = have[r] == local;
      for (uint32_t c = 0; c < N && !done; ++c) {
        if (have[c] == local && want[c] == kNone) {
          move(r, c);
          done = true;
        }
      }
    }
    if (!done) load(r, local);
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
