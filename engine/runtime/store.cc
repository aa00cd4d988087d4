// Store: ownership of runtime objects and the lazily reserved value stack.
//
// Invariant: the value stack is one anonymous mapping of max_stack_slots slots
// (MAP_NORESERVE, so untouched pages cost nothing), freed with the Store.
#include "engine/runtime/store.h"

#include <sys/mman.h>

#include <cstdlib>

#if __has_include("engine/interp/interpreter.h")
#include "engine/interp/interpreter.h"
#define CASCADE_HAVE_INTERP 1
#else
#define CASCADE_HAVE_INTERP 0
#endif

namespace cascade {

Store::Store(StoreLimits limits) : limits_(limits) {}

Store::~Store() {
  // Tier state may reference functions/instances; drop it first.
  interp_state.reset();
  jit_state.reset();
#if CASCADE_HAVE_INTERP
  for (auto& f : funcs_) {
    if (f->code != nullptr) interp::FreeCode(f->code);
  }
#endif
  if (stack_base_ != nullptr) {
    munmap(stack_base_, limits_.max_stack_slots * sizeof(uint64_t));
  }
}

uint64_t* Store::stack_base() {
  if (stack_base_ == nullptr) [[unlikely]] {
    size_t bytes = limits_.max_stack_slots * sizeof(uint64_t);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) std::abort();  // cannot run anything without a stack
    stack_base_ = static_cast<uint64_t*>(p);
    stack_end_ = stack_base_ + limits_.max_stack_slots;
    stack_top = stack_base_;
  }
  return stack_base_;
}

Instance* Store::NewInstance() {
  instances_.push_back(std::make_unique<Instance>());
  instances_.back()->store = this;
  return instances_.back().get();
}
FuncInstance* Store::NewFunc() {
  funcs_.push_back(std::make_unique<FuncInstance>());
  return funcs_.back().get();
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
Exception* Store::NewException() {
  exceptions_.push_back(std::make_unique<Exception>());
  return exceptions_.back().get();
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
