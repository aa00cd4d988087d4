// The C++ embedding API (engine/include/cascade/cascade.hh) over the runtime:
// handles wrap runtime objects (FuncInstance*, MemoryInstance*, ...) as opaque
// pointers; the Impl structs own the runtime Store, Module, Linker and
// InstancePre.
//
// Invariants:
//  * detail::StoreImpl derives from the runtime Store, so a host function
//    called with HostContext::store can find its API Store (`owner`). Host
//    functions made by this API are only ever called from API stores.
//  * Host functions defined in a Linker live in the Linker's own runtime Store
//    (`host_store`), shared by every Linker copy, InstancePre and API Store
//    that instantiated with them (StoreImpl::keep), so they outlive their users.
#include <cstring>
#include <string>

#include "engine/decoder.h"
#include "engine/api/api_impl.h"
#include "engine/include/cascade/cascade.hh"
#include "engine/runtime/host_func.h"
#include "engine/runtime/instance_pre.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/store.h"
#include "engine/runtime/value.h"
#include "engine/text/wat_parser.h"
#include "engine/validator.h"

namespace cascade::api {

using namespace internal;

namespace {

rt::Extern ToExtern(const Extern& e) {
  if (auto* f = std::get_if<Func>(&e)) return rt::Extern::Func(static_cast<rt::FuncInstance*>(f->raw()));
  if (auto* m = std::get_if<Memory>(&e)) return rt::Extern::Memory(static_cast<rt::MemoryInstance*>(m->raw()));
  if (auto* t = std::get_if<Table>(&e)) return rt::Extern::Table(static_cast<rt::TableInstance*>(t->raw()));
  return rt::Extern::Global(static_cast<rt::GlobalInstance*>(std::get<Global>(e).raw()));
}

std::optional<Extern> FromExtern(const rt::Extern& e) {
  if (e.object == nullptr) return std::nullopt;
  switch (e.kind) {
    case rt::ExternKind::kFunc: return Extern(Func(e.object));
    case rt::ExternKind::kMemory: return Extern(Memory(e.object));
    case rt::ExternKind::kTable: return Extern(Table(e.object));
    case rt::ExternKind::kGlobal: return Extern(Global(e.object));
    case rt::ExternKind::kTag: return std::nullopt;  // tags are not exposed (yet)
  }
  return std::nullopt;
}

}  // namespace

rt::FuncInstance* internal::NewHostFunc(rt::Store& owner, const FuncType& type, detail::SlotCallback cb) {
  std::vector<rt::ValType> params, results;
  for (ValKind k : type.params) params.push_back(ToValType(k));
  for (ValKind k : type.results) results.push_back(ToValType(k));
  auto shared = std::make_shared<detail::SlotCallback>(std::move(cb));
  return rt::NewHostFunc(
      owner, params, results,
      [shared](rt::HostContext& ctx, const uint64_t* args, uint64_t* res, rt::Trap* trap) {
        auto& si = static_cast<detail::StoreImpl&>(ctx.store);
        Caller caller(si.owner, ctx.caller);
        Result<void> r = (*shared)(caller, args, res);
        if (r.ok()) return true;
        trap->message = r.error().message();
        if (r.error().kind() == Error::Kind::kExit) trap->exit_status = r.error().exit_status();
        return false;
      });
}

// ------------------------------------------------------------------ values
Val Val::F32(float v) { Val r{ValKind::kF32, 0, 0}; uint32_t b; std::memcpy(&b, &v, 4); r.lo = b; return r; }
Val Val::F64(double v) { Val r{ValKind::kF64, 0, 0}; std::memcpy(&r.lo, &v, 8); return r; }
Val Val::FuncRef(const Func* f) {
  return {ValKind::kFuncRef, f ? reinterpret_cast<uintptr_t>(f->raw()) : 0, 0};
}
float Val::f32() const { uint32_t b = static_cast<uint32_t>(lo); float f; std::memcpy(&f, &b, 4); return f; }
double Val::f64() const { double d; std::memcpy(&d, &lo, 8); return d; }
std::optional<Func> Val::funcref() const {
  if (kind != ValKind::kFuncRef || lo == 0) return std::nullopt;
  return Func(reinterpret_cast<void*>(static_cast<uintptr_t>(lo)));
}

namespace detail {

Result<void> CallSlots(Store& store, void* func, uint64_t* slots) {
  rt::Trap trap;
  if (rt::InvokeSlots(*store.impl(), static_cast<rt::FuncInstance*>(func), slots, &trap)) return {};
  return FromTrap(trap);
}

bool HasType(void* func, std::span<const ValKind> params, std::span<const ValKind> results) {
  const rt::CanonicalType* t = static_cast<rt::FuncInstance*>(func)->type;
  if (t->params().size() != params.size() || t->results().size() != results.size()) return false;
  for (size_t i = 0; i < params.size(); ++i) {
    if (t->params()[i] != ToValType(params[i])) return false;
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (t->results()[i] != ToValType(results[i])) return false;
  }
  return true;
}

Func NewStoreHostFunc(Store& store, const FuncType& type, SlotCallback cb) {
  return Func(NewHostFunc(*store.impl(), type, std::move(cb)));
}

}  // namespace detail

// ------------------------------------------------------------------ Func
Result<std::vector<Val>> Func::Call(Store& store, std::span<const Val> args) const {
  auto* f = static_cast<rt::FuncInstance*>(func_);
  auto params = f->type->params();
  if (args.size() != params.size()) {
    return Error(Error::Kind::kUsage, "call: wrong number of arguments");
  }
  std::vector<uint64_t> slots(std::max(f->param_slots, f->result_slots) + 1);
  size_t at = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].kind != ToKind(params[i])) {
      return Error(Error::Kind::kUsage, "call: argument " + std::to_string(i) + " has the wrong type");
    }
    slots[at++] = args[i].lo;
    if (args[i].kind == ValKind::kV128) slots[at++] = args[i].hi;
  }
  Result<void> r = detail::CallSlots(store, func_, slots.data());
  if (!r) return r.error();
  std::vector<Val> out;
  at = 0;
  for (rt::ValType t : f->type->results()) {
    Val v{ToKind(t), slots[at++], 0};
    if (v.kind == ValKind::kV128) v.hi = slots[at++];
    out.push_back(v);
  }
  return out;
}

FuncType Func::type() const {
  auto* f = static_cast<rt::FuncInstance*>(func_);
  FuncType t;
  for (rt::ValType v : f->type->params()) t.params.push_back(ToKind(v));
  for (rt::ValType v : f->type->results()) t.results.push_back(ToKind(v));
  return t;
}

// ------------------------------------------------------------------ Memory
uint8_t* Memory::data(Store&) const { return static_cast<rt::MemoryInstance*>(mem_)->base; }
uint64_t Memory::size(Store&) const { return static_cast<rt::MemoryInstance*>(mem_)->size_bytes; }
uint64_t Memory::pages(Store&) const { return static_cast<rt::MemoryInstance*>(mem_)->pages(); }
Result<uint64_t> Memory::Grow(Store&, uint64_t delta_pages) const {
  int64_t old = static_cast<rt::MemoryInstance*>(mem_)->Grow(delta_pages);
  if (old < 0) return Error(Error::Kind::kLimit, "memory cannot grow by " + std::to_string(delta_pages) + " pages");
  return static_cast<uint64_t>(old);
}

// ------------------------------------------------------------------ Table
uint64_t Table::size(Store&) const { return static_cast<rt::TableInstance*>(table_)->size(); }
Result<Val> Table::Get(Store&, uint64_t index) const {
  auto* t = static_cast<rt::TableInstance*>(table_);
  if (index >= t->size()) return Error(Error::Kind::kTrap, rt::kTrapTableOutOfBounds);
  return Val{ToKind(t->elem_type), t->elements[index], 0};
}
Result<void> Table::Set(Store&, uint64_t index, const Val& value) const {
  auto* t = static_cast<rt::TableInstance*>(table_);
  if (value.kind != ToKind(t->elem_type)) return Error(Error::Kind::kUsage, "table set: wrong value type");
  if (index >= t->size()) return Error(Error::Kind::kTrap, rt::kTrapTableOutOfBounds);
  t->elements[index] = value.lo;
  return {};
}
Result<uint64_t> Table::Grow(Store&, uint64_t delta, const Val& init) const {
  auto* t = static_cast<rt::TableInstance*>(table_);
  if (init.kind != ToKind(t->elem_type)) return Error(Error::Kind::kUsage, "table grow: wrong value type");
  int64_t old = t->Grow(delta, init.lo);
  if (old < 0) return Error(Error::Kind::kLimit, "table cannot grow by " + std::to_string(delta));
  return static_cast<uint64_t>(old);
}

// ------------------------------------------------------------------ Global
Val Global::Get(Store&) const {
  auto* g = static_cast<rt::GlobalInstance*>(global_);
  return Val{ToKind(g->type), g->value[0], g->value[1]};
}
Result<void> Global::Set(Store&, const Val& value) const {
  auto* g = static_cast<rt::GlobalInstance*>(global_);
  if (!g->mut) return Error(Error::Kind::kUsage, "global set: immutable global");
  if (value.kind != ToKind(g->type)) return Error(Error::Kind::kUsage, "global set: wrong value type");
  g->value[0] = rt::CanonicalSlot(g->type, value.lo);
  g->value[1] = value.kind == ValKind::kV128 ? value.hi : 0;
  return {};
}
ValKind Global::kind() const { return ToKind(static_cast<rt::GlobalInstance*>(global_)->type); }
bool Global::mutable_() const { return static_cast<rt::GlobalInstance*>(global_)->mut; }

// ------------------------------------------------------------------ Engine
Engine::Engine() : Engine(Config{}) {}
Engine::Engine(Config config) : impl_(std::make_shared<Impl>()) { impl_->config = config; }
const Engine::Config& Engine::config() const { return impl_->config; }
void Engine::IncrementEpoch() { rt::IncrementEpoch(); }

// ------------------------------------------------------------------ Module
Result<Module> Module::Compile(const Engine& engine, std::string_view text_or_binary) {
  return Compile(engine, std::span<const uint8_t>(
                             reinterpret_cast<const uint8_t*>(text_or_binary.data()),
                             text_or_binary.size()));
}

Result<Module> Module::Compile(const Engine&, std::span<const uint8_t> bytes) {
  std::vector<uint8_t> binary;
  bool text = false;
  for (uint8_t c : bytes) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    text = c == '(' || c == ';';
    break;
  }
  if (text) {
    rt::text::TextError terr;
    std::string_view src(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!rt::text::ParseWat(src, &binary, &terr)) {
      return Error(Error::Kind::kCompile, terr.ToString());
    }
  } else {
    binary.assign(bytes.begin(), bytes.end());
  }
  auto m = std::make_shared<rt::Module>();
  rt::Error err;
  if (!rt::DecodeModule(std::move(binary), m.get(), &err) || !rt::ValidateModule(*m, &err)) {
    return Error(Error::Kind::kCompile, err.ToString());
  }
  Module out;
  out.impl_ = std::make_shared<Impl>();
  out.impl_->module = std::move(m);
  return out;
}

std::vector<Module::ExternInfo> Module::imports() const {
  std::vector<ExternInfo> out;
  for (const rt::Import& i : impl_->module->imports) {
    out.push_back({std::string(i.module), std::string(i.name), static_cast<ExternInfo::Kind>(i.kind)});
  }
  return out;
}
std::vector<Module::ExternInfo> Module::exports() const {
  std::vector<ExternInfo> out;
  for (const rt::Export& e : impl_->module->exports) {
    out.push_back({"", std::string(e.name), static_cast<ExternInfo::Kind>(e.kind)});
  }
  return out;
}

// ------------------------------------------------------------------ Store
namespace {
rt::StoreLimits ToLimits(const StoreLimits& l) {
  rt::StoreLimits r;
  r.max_memory_bytes = l.max_memory_bytes;
  r.max_table_elements = l.max_table_elements;
  r.max_instances = l.max_instances;
  r.max_stack_slots = l.max_stack_slots;
  r.max_call_depth = l.max_call_depth;
  return r;
}
}  // namespace

Store::Store(const Engine&, StoreLimits limits)
    : impl_(std::make_unique<detail::StoreImpl>(ToLimits(limits), this)) {}
Store::~Store() = default;
Store::Store(Store&& o) noexcept : impl_(std::move(o.impl_)) {
  if (impl_) impl_->owner = this;
}
Store& Store::operator=(Store&& o) noexcept {
  impl_ = std::move(o.impl_);
  if (impl_) impl_->owner = this;
  return *this;
}
void Store::SetFuel(uint64_t units) { impl_->SetFuel(units); }
uint64_t Store::fuel_remaining() const { return impl_->fuel_remaining(); }
void Store::DisableFuel() { impl_->DisableFuel(); }
void Store::SetEpochDeadline(uint64_t ticks) { impl_->SetEpochDeadline(ticks); }
bool Store::Drop(const Instance& instance) {
  return impl_->DropInstance(static_cast<rt::Instance*>(instance.raw()));
}
uint32_t Store::instance_count() const { return impl_->instance_count(); }

// ------------------------------------------------------------------ Instance
std::optional<Extern> Instance::GetExport(Store&, std::string_view name) const {
  return FromExtern(static_cast<rt::Instance*>(inst_)->GetExport(name));
}
std::optional<Func> Instance::GetFunc(Store& s, std::string_view name) const {
  auto e = GetExport(s, name);
  if (!e || !std::holds_alternative<Func>(*e)) return std::nullopt;
  return std::get<Func>(*e);
}
std::optional<Memory> Instance::GetMemory(Store& s, std::string_view name) const {
  auto e = GetExport(s, name);
  if (!e || !std::holds_alternative<Memory>(*e)) return std::nullopt;
  return std::get<Memory>(*e);
}
std::optional<Table> Instance::GetTable(Store& s, std::string_view name) const {
  auto e = GetExport(s, name);
  if (!e || !std::holds_alternative<Table>(*e)) return std::nullopt;
  return std::get<Table>(*e);
}
std::optional<Global> Instance::GetGlobal(Store& s, std::string_view name) const {
  auto e = GetExport(s, name);
  if (!e || !std::holds_alternative<Global>(*e)) return std::nullopt;
  return std::get<Global>(*e);
}

// ------------------------------------------------------------------ Caller
std::optional<Extern> Caller::GetExport(std::string_view name) const {
  if (instance_ == nullptr) return std::nullopt;
  return FromExtern(static_cast<rt::Instance*>(instance_)->GetExport(name));
}
std::optional<Memory> Caller::GetMemory(std::string_view name) const {
  auto e = GetExport(name);
  if (!e || !std::holds_alternative<Memory>(*e)) return std::nullopt;
  return std::get<Memory>(*e);
}

// ------------------------------------------------------------------ Linker
Linker::Linker(const Engine& engine) : impl_(std::make_shared<Impl>()) {
  impl_->config = engine.config();
}

void Linker::DefineSlotFunc(std::string_view module, std::string_view name, const FuncType& type,
                            detail::SlotCallback cb) {
  rt::FuncInstance* f = NewHostFunc(*impl_->host_store, type, std::move(cb));
  impl_->linker.Define(module, name, rt::Extern::Func(f));
}

void Linker::FuncNew(std::string_view module, std::string_view name, const FuncType& type,
                     HostCallback callback) {
  FuncType t = type;
  DefineSlotFunc(module, name, type,
                 [t, callback = std::move(callback)](Caller& caller, const uint64_t* args,
                                                     uint64_t* results) -> Result<void> {
                   std::vector<Val> a(t.params.size()), r(t.results.size());
                   size_t at = 0;
                   for (size_t i = 0; i < a.size(); ++i) {
                     a[i] = Val{t.params[i], args[at++], 0};
                     if (t.params[i] == ValKind::kV128) a[i].hi = args[at++];
                   }
                   for (size_t i = 0; i < r.size(); ++i) r[i].kind = t.results[i];
                   Result<void> res = callback(caller, a, r);
                   if (!res) return res;
                   at = 0;
                   for (size_t i = 0; i < r.size(); ++i) {
                     results[at++] = r[i].lo;
                     if (t.results[i] == ValKind::kV128) results[at++] = r[i].hi;
                   }
                   return {};
                 });
}

void Linker::Define(std::string_view module, std::string_view name, const Extern& item) {
  impl_->linker.Define(module, name, ToExtern(item));
}

void Linker::DefineInstance(Store&, std::string_view module, const Instance& instance) {
  impl_->linker.DefineInstance(module, *static_cast<rt::Instance*>(instance.raw()));
}

Result<Instance> Linker::Instantiate(Store& store, const Module& module) const {
  rt::InstantiateError err;
  rt::Instance* inst = rt::Instantiate(*store.impl(), impl_->linker, module.impl_->module, &err);
  if (inst == nullptr) return FromInstantiate(err);
  store.impl()->Keep(impl_->host_store);
  return Instance(inst);
}

Result<InstancePre> Linker::InstantiatePre(const Module& module) const {
  rt::InstancePreOptions options;
  options.max_memory_reservation = impl_->config.max_memory_reservation;
  options.max_free_slots = impl_->config.max_free_slots;
  rt::InstantiateError err;
  auto pre = rt::InstancePre::Create(impl_->linker, module.impl_->module, options, &err);
  if (pre == nullptr) return FromInstantiate(err);
  InstancePre out;
  out.impl_ = std::make_shared<InstancePre::Impl>();
  out.impl_->pre = std::move(pre);
  out.impl_->host_store = impl_->host_store;
  return out;
}

// ------------------------------------------------------------------ InstancePre
Result<Instance> InstancePre::Instantiate(Store& store) const {
  rt::InstantiateError err;
  rt::Instance* inst = impl_->pre->Instantiate(*store.impl(), &err);
  if (inst == nullptr) return FromInstantiate(err);
  store.impl()->Keep(impl_->host_store);
  return Instance(inst);
}

bool InstancePre::pooled() const { return impl_->pre->pooled(); }

}  // namespace cascade::api
