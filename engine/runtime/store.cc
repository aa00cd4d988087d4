// Store: ownership of runtime objects and the lazily reserved value stack.
//
// Invariant: the value stack is one anonymous mapping of max_stack_slots slots
// (MAP_NORESERVE, so untouched pages cost nothing), freed with the Store or
// kept (resident, not zeroed) in a small pool for the next Store. Leases are a doubly linked
// list (newest first) so DropInstance unlinks in O(1).
#include "engine/runtime/store.h"

#include <sys/mman.h>

#include <cstdlib>
#include <mutex>

#include "engine/runtime/instance_init.h"
#include "engine/runtime/page_populate.h"
#include "engine/runtime/trap.h"

namespace cascade {

namespace {

// Recycled anonymous mappings (value stacks, tier frame stacks; see store.h),
// found by exact size.
constexpr uint64_t kPooledStackSlots = uint64_t{1} << 20;
constexpr size_t kMaxPooledMappings = 32;

struct MappingPool {
  std::mutex mu;
  void* ptr[kMaxPooledMappings];
  size_t bytes[kMaxPooledMappings];
  size_t count = 0;
};
MappingPool& Mappings() {
  static MappingPool* pool = new MappingPool();  // never destroyed: Stores may outlive statics
  return *pool;
}

}  // namespace

void* Store::TakeRecycledMapping(size_t bytes) {
  MappingPool& p = Mappings();
  std::lock_guard<std::mutex> lock(p.mu);
  for (size_t i = p.count; i-- > 0;) {
    if (p.bytes[i] != bytes) continue;
    void* m = p.ptr[i];
    --p.count;
    p.ptr[i] = p.ptr[p.count];
    p.bytes[i] = p.bytes[p.count];
    return m;
  }
  return nullptr;
}

bool Store::RecycleMapping(void* mapping, size_t bytes) {
  MappingPool& p = Mappings();
  std::lock_guard<std::mutex> lock(p.mu);
  if (p.count == kMaxPooledMappings) return false;
  p.ptr[p.count] = mapping;
  p.bytes[p.count] = bytes;
  ++p.count;
  return true;
}

namespace {
uint64_t* TakePooledStack() {
  return static_cast<uint64_t*>(Store::TakeRecycledMapping(kPooledStackSlots * sizeof(uint64_t)));
}
bool ReturnPooledStack(uint64_t* stack) {
  return Store::RecycleMapping(stack, kPooledStackSlots * sizeof(uint64_t));
}
}  // namespace

Store::Store(StoreLimits limits) : limits_(limits) {
  if (tier_osr != nullptr) {  // tiering by default (jit::EnableTieringByDefault)
    interrupt.sampling = true;
    interrupt.Refill(interrupt.Total());
  }
}

Store::~Store() {
  // Memory 0 of an instance may outlive this store (a shared memory imported
  // from another); it must not keep pointing at our instances.
  for (auto& inst : instances_) DetachMemory0(inst.get());
  // Pooled instances first (their slots are reset and returned to their pools).
  while (leases_ != nullptr) {
    StoreLease* l = leases_;
    leases_ = l->next_lease;
    l->Release();
  }
  // Tier state may reference functions/instances; drop it first.
  interp_state.reset();
  jit_state.reset();
  // FuncInstance::code borrows from the module's shared code (engine/interp/code_cache.h).
  if (stack_base_ != nullptr) {
    size_t bytes = limits_.max_stack_slots * sizeof(uint64_t);
    // Pooled stacks stay resident (no madvise: page-table changes are the
    // expensive part of a Store per request). Stale slots are harmless: the
    // interpreter writes every slot of a frame (params, zeroed locals, operand
    // results) before reading it.
    bool pooled = limits_.max_stack_slots == kPooledStackSlots &&
                  ReturnPooledStack(stack_base_);
    if (!pooled) munmap(stack_base_, bytes);
  }
}

bool Store::AddLease(StoreLease* lease) {
  if (instance_count_ >= limits_.max_instances) return false;
  ++instance_count_;
  lease->prev_lease = nullptr;
  lease->next_lease = leases_;
  if (leases_ != nullptr) leases_->prev_lease = lease;
  leases_ = lease;
  return true;
}

bool Store::DropInstance(Instance* instance) {
  StoreLease* l = instance->lease;
  if (l == nullptr || instance->store != this) return false;
  if (l->prev_lease != nullptr) {
    l->prev_lease->next_lease = l->next_lease;
  } else {
    if (leases_ != l) return false;
    leases_ = l->next_lease;
  }
  if (l->next_lease != nullptr) l->next_lease->prev_lease = l->prev_lease;
  --instance_count_;
  l->Release();
  return true;
}

uint64_t* Store::stack_base() {
  if (stack_base_ == nullptr) [[unlikely]] {
    size_t bytes = limits_.max_stack_slots * sizeof(uint64_t);
    void* p = limits_.max_stack_slots == kPooledStackSlots ? TakePooledStack() : nullptr;
    if (p == nullptr) {
      p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED) std::abort();  // cannot run anything without a stack
    }
    stack_base_ = static_cast<uint64_t*>(p);
    stack_end_ = stack_base_ + limits_.max_stack_slots;
    stack_top = stack_base_;
  }
  return stack_base_;
}

Instance* Store::NewInstance() {
  if (instance_count_ >= limits_.max_instances) return nullptr;
  ++instance_count_;
  instances_.push_back(std::make_unique<Instance>());
  instances_.back()->store = this;
  return instances_.back().get();
}
FuncInstance* Store::NewFunc() {
  funcs_.push_back(std::make_unique<FuncInstance>());
  return funcs_.back().get();
}
FuncInstance* Store::NewFuncs(size_t count) {
  if (count == 0) return nullptr;
  std::vector<FuncInstance>& block = func_blocks_.emplace_back();
  block.reserve(count);
  if (count * sizeof(FuncInstance) >= kPopulateMinBytes) {
    PopulatePages(block.data(), count * sizeof(FuncInstance), /*write=*/true);
  }
  block.resize(count);
  return block.data();
}
TableInstance* Store::NewTable() {
  tables_.push_back(std::make_unique<TableInstance>());
  return tables_.back().get();
}
MemoryInstance* Store::NewMemory() {
  memories_.push_back(std::make_unique<MemoryInstance>());
  return memories_.back().get();
}
GlobalInstance* Store::NewGlobal() {
  globals_.push_back(std::make_unique<GlobalInstance>());
  return globals_.back().get();
}
TagInstance* Store::NewTag() {
  tags_.push_back(std::make_unique<TagInstance>());
  return tags_.back().get();
}
Exception* Store::NewException(TagInstance* tag, const uint64_t* payload) {
  exceptions_.push_back(std::make_unique<Exception>());
  Exception* ex = exceptions_.back().get();
  ex->tag = tag;
  ex->payload.assign(payload, payload + tag->param_slots);
  return ex;
}

// ------------------------------------------------------------ interruption
void InterruptState::Refill(int64_t total) {
  bool deadline = epoch_deadline != std::numeric_limits<uint64_t>::max();
  budget = deadline && total > kEpochSlice ? kEpochSlice : total;
  if (sampling && budget > kTierSlice) budget = kTierSlice;
  reserve = total - budget;
}

const char* InterruptState::OnExhausted() {
  int64_t total = Total();
  if (total < 0) {  // metered: the charge did not fit
    budget = 0;
    reserve = 0;
    return kTrapOutOfFuel;
  }
  if (CurrentEpoch() >= epoch_deadline) {
    budget = 0;  // come back here at the next check
    reserve = fuel_enabled ? total : 0;
    return kTrapInterrupt;
  }
  Refill(total);
  return nullptr;
}

void Store::SetFuel(uint64_t units) {
  interrupt.fuel_enabled = true;
  interrupt.Refill(units > static_cast<uint64_t>(InterruptState::kUnmetered)
                       ? InterruptState::kUnmetered
                       : static_cast<int64_t>(units));
}

uint64_t Store::fuel_remaining() const {
  if (!interrupt.fuel_enabled) return std::numeric_limits<uint64_t>::max();
  int64_t total = interrupt.Total();
  return total < 0 ? 0 : static_cast<uint64_t>(total);
}

void Store::DisableFuel() {
  interrupt.fuel_enabled = false;
  interrupt.Refill(InterruptState::kUnmetered);
}

void Store::SetEpochDeadline(uint64_t ticks_from_now) {
  uint64_t now = CurrentEpoch();
  uint64_t max = std::numeric_limits<uint64_t>::max();
  interrupt.epoch_deadline = ticks_from_now >= max - now ? max : now + ticks_from_now;
  // Look at the epoch at the next check (the deadline may have passed already).
  int64_t total = interrupt.Total();
  interrupt.budget = 0;
  interrupt.reserve = total;
}

void Store::DisableEpochDeadline() {
  interrupt.epoch_deadline = std::numeric_limits<uint64_t>::max();
  interrupt.Refill(interrupt.Total());
}

FuncInstance* Store::NewHostFunc(uint32_t canonical_type_id, HostFunc fn, void* data) {
  FuncInstance* f = NewFunc();
  f->canonical_type_id = canonical_type_id;
  f->type = &TypeCanonicalizer::Global().Get(canonical_type_id);
  f->host = std::move(fn);
  f->host_data = data;
  for (ValType t : f->type->params()) f->param_slots += t.kind() == ValType::kV128 ? 2 : 1;
  for (ValType t : f->type->results()) f->result_slots += t.kind() == ValType::kV128 ? 2 : 1;
  return f;
}

}  // namespace cascade
