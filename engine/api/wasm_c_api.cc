// The wasm.h C API and cascade.h extras over the C++ API (cascade.hh) and, for
// what the C++ API does not expose (positional imports, type reflection,
// creating globals/tables/memories from the host), the runtime directly.
//
// Object model:
//  * Every reference type (func, global, table, memory, extern, instance,
//    trap, foreign, module) derives from wasm_ref_t (virtual destructor, host
//    info + finalizer). wasm_func_t/global/table/memory derive from
//    wasm_extern_t, so X_as_extern is an upcast and extern_as_X a checked
//    downcast; an extern handle is always allocated as its most derived type.
//  * A handle names a runtime object owned by the store (`store->store`);
//    deleting the handle leaves the object alone.
//  * Types (valtype, functype, ...) derive from wasm_externtype_t where the
//    standard allows the conversion; they own their parts.
// Invariants: vectors of pointers own their elements (vec_delete deletes them,
// vec_copy deep-copies); wasm_store_t runs the finalizers of
// wasm_func_new_with_env environments after its runtime objects are gone.
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/api_impl.h"
#include "engine/include/cascade.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/value.h"
#include "engine/text/wat_parser.h"

namespace api = cascade::api;
namespace rt = ::cascade;
using cascade::api::internal::FromTrap;
using cascade::api::internal::ToKind;
using cascade::api::internal::ToValType;

// ------------------------------------------------------------------ objects
struct wasm_config_t {
  api::Engine::Config config;
};
struct wasm_engine_t {
  api::Engine engine;
};
struct wasm_store_t {
  explicit wasm_store_t(const api::Engine& e, api::StoreLimits limits = {}) : store(std::in_place, e, limits) {}
  ~wasm_store_t() {
    store.reset();
    for (auto& [fn, env] : finalizers) fn(env);
  }
  std::optional<api::Store> store;
  std::vector<std::pair<void (*)(void*), void*>> finalizers;
  uint64_t next_foreign = 1;
  api::Store& s() { return *store; }
  rt::Store& rts() { return *store->impl(); }
};

struct wasm_ref_t {
  virtual ~wasm_ref_t() {
    if (finalizer != nullptr) finalizer(host_info);
  }
  virtual wasm_ref_t* Clone() const = 0;
  virtual const void* Identity() const = 0;
  void* host_info = nullptr;
  void (*finalizer)(void*) = nullptr;
};

struct wasm_extern_t : wasm_ref_t {
  wasm_extern_t(wasm_externkind_t k, wasm_store_t* s, void* o) : kind(k), store(s), obj(o) {}
  wasm_ref_t* Clone() const override;
  const void* Identity() const override { return obj; }
  wasm_externkind_t kind;
  wasm_store_t* store;
  void* obj;  // rt::FuncInstance*, GlobalInstance*, TableInstance*, MemoryInstance*
};
struct wasm_func_t : wasm_extern_t {
  wasm_func_t(wasm_store_t* s, void* o) : wasm_extern_t(WASM_EXTERN_FUNC, s, o) {}
  rt::FuncInstance* f() const { return static_cast<rt::FuncInstance*>(obj); }
};
struct wasm_global_t : wasm_extern_t {
  wasm_global_t(wasm_store_t* s, void* o) : wasm_extern_t(WASM_EXTERN_GLOBAL, s, o) {}
  rt::GlobalInstance* g() const { return static_cast<rt::GlobalInstance*>(obj); }
};
struct wasm_table_t : wasm_extern_t {
  wasm_table_t(wasm_store_t* s, void* o) : wasm_extern_t(WASM_EXTERN_TABLE, s, o) {}
  rt::TableInstance* t() const { return static_cast<rt::TableInstance*>(obj); }
};
struct wasm_memory_t : wasm_extern_t {
  wasm_memory_t(wasm_store_t* s, void* o) : wasm_extern_t(WASM_EXTERN_MEMORY, s, o) {}
  rt::MemoryInstance* m() const { return static_cast<rt::MemoryInstance*>(obj); }
};

namespace {
wasm_extern_t* NewExtern(wasm_externkind_t kind, wasm_store_t* store, void* obj) {
  switch (kind) {
    case WASM_EXTERN_FUNC: return new wasm_func_t(store, obj);
    case WASM_EXTERN_GLOBAL: return new wasm_global_t(store, obj);
    case WASM_EXTERN_TABLE: return new wasm_table_t(store, obj);
    default: return new wasm_memory_t(store, obj);
  }
}
}  // namespace

wasm_ref_t* wasm_extern_t::Clone() const { return NewExtern(kind, store, obj); }

struct wasm_foreign_t : wasm_ref_t {
  explicit wasm_foreign_t(uint64_t w) : word(w) {}
  wasm_ref_t* Clone() const override { return new wasm_foreign_t(word); }
  const void* Identity() const override { return reinterpret_cast<const void*>(word); }
  uint64_t word;  // the externref slot value (never 0)
};

struct wasm_frame_t {
  uint32_t func_index = 0;
  size_t module_offset = 0;
};

struct wasm_trap_t : wasm_ref_t {
  wasm_ref_t* Clone() const override { return new wasm_trap_t(*this); }
  const void* Identity() const override { return this; }
  std::string message;
  std::vector<wasm_frame_t> frames;
  std::optional<int> exit_status;
};

struct wasm_module_t : wasm_ref_t {
  explicit wasm_module_t(api::Module m) : module(std::move(m)) {}
  wasm_ref_t* Clone() const override { return new wasm_module_t(module); }
  const void* Identity() const override { return module.impl_.get(); }
  const rt::Module& rt() const { return *module.impl_->module; }
  api::Module module;
};
struct wasm_shared_module_t {
  api::Module module;
};

struct wasm_instance_t : wasm_ref_t {
  wasm_instance_t(wasm_store_t* s, rt::Instance* i) : store(s), inst(i) {}
  wasm_ref_t* Clone() const override { return new wasm_instance_t(store, inst); }
  const void* Identity() const override { return inst; }
  wasm_store_t* store;
  rt::Instance* inst;
};

struct cascade_instance_pre_t {
  std::shared_ptr<rt::InstancePre> pre;
};

// ------------------------------------------------------------------ types
struct wasm_valtype_t {
  wasm_valkind_t kind;
};
struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
  virtual wasm_externtype_t* Clone() const = 0;
  wasm_externkind_t kind;
};

namespace {
void ValtypeVecCopy(wasm_valtype_vec_t* out, const wasm_valtype_vec_t* in);
}

struct wasm_functype_t : wasm_externtype_t {
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  ~wasm_functype_t() override {
    wasm_valtype_vec_delete(&params);
    wasm_valtype_vec_delete(&results);
  }
  wasm_externtype_t* Clone() const override {
    auto* t = new wasm_functype_t();
    ValtypeVecCopy(&t->params, &params);
    ValtypeVecCopy(&t->results, &results);
    return t;
  }
  wasm_valtype_vec_t params{0, nullptr};
  wasm_valtype_vec_t results{0, nullptr};
};
struct wasm_globaltype_t : wasm_externtype_t {
  wasm_globaltype_t(wasm_valtype_t* c, wasm_mutability_t m)
      : wasm_externtype_t(WASM_EXTERN_GLOBAL), content(c), mut(m) {}
  ~wasm_globaltype_t() override { delete content; }
  wasm_externtype_t* Clone() const override {
    return new wasm_globaltype_t(new wasm_valtype_t(*content), mut);
  }
  wasm_valtype_t* content;
  wasm_mutability_t mut;
};
struct wasm_tabletype_t : wasm_externtype_t {
  wasm_tabletype_t(wasm_valtype_t* e, wasm_limits_t l)
      : wasm_externtype_t(WASM_EXTERN_TABLE), element(e), limits(l) {}
  ~wasm_tabletype_t() override { delete element; }
  wasm_externtype_t* Clone() const override {
    return new wasm_tabletype_t(new wasm_valtype_t(*element), limits);
  }
  wasm_valtype_t* element;
  wasm_limits_t limits;
};
struct wasm_memorytype_t : wasm_externtype_t {
  explicit wasm_memorytype_t(wasm_limits_t l) : wasm_externtype_t(WASM_EXTERN_MEMORY), limits(l) {}
  wasm_externtype_t* Clone() const override { return new wasm_memorytype_t(limits); }
  wasm_limits_t limits;
};
struct wasm_importtype_t {
  wasm_name_t module, name;
  wasm_externtype_t* type;
};
struct wasm_exporttype_t {
  wasm_name_t name;
  wasm_externtype_t* type;
};

// ------------------------------------------------------------------ vectors
namespace {

template <typename V, typename T>
void VecNewUninit(V* out, size_t n) {
  out->size = n;
  out->data = n == 0 ? nullptr : new T[n]();
}
template <typename V, typename T>
void VecNew(V* out, size_t n, const T* src) {
  VecNewUninit<V, T>(out, n);
  for (size_t i = 0; i < n; ++i) out->data[i] = src[i];
}

wasm_val_t CopyVal(const wasm_val_t& v);
void DeleteVal(wasm_val_t& v);

}  // namespace

#define CASCADE_VALUE_VEC(name, T, COPY, DEL)                                                   \
  extern "C" void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) { out->size = 0; out->data = nullptr; } \
  extern "C" void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t n) {    \
    VecNewUninit<wasm_##name##_vec_t, T>(out, n);                                               \
  }                                                                                             \
  extern "C" void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t n, T const src[]) {   \
    VecNew<wasm_##name##_vec_t, T>(out, n, src);                                                \
  }                                                                                             \
  extern "C" void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* in) { \
    VecNewUninit<wasm_##name##_vec_t, T>(out, in->size);                                        \
    for (size_t i = 0; i < in->size; ++i) out->data[i] = COPY(in->data[i]);                     \
  }                                                                                             \
  extern "C" void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) {                            \
    for (size_t i = 0; i < v->size; ++i) DEL(v->data[i]);                                       \
    delete[] v->data;                                                                           \
    v->data = nullptr;                                                                          \
    v->size = 0;                                                                                \
  }

#define CASCADE_IDENTITY(x) (x)
#define CASCADE_NOTHING(x) (void)(x)
CASCADE_VALUE_VEC(byte, wasm_byte_t, CASCADE_IDENTITY, CASCADE_NOTHING)
CASCADE_VALUE_VEC(val, wasm_val_t, CopyVal, DeleteVal)
CASCADE_VALUE_VEC(valtype, wasm_valtype_t*, wasm_valtype_copy, wasm_valtype_delete)
CASCADE_VALUE_VEC(functype, wasm_functype_t*, wasm_functype_copy, wasm_functype_delete)
CASCADE_VALUE_VEC(globaltype, wasm_globaltype_t*, wasm_globaltype_copy, wasm_globaltype_delete)
CASCADE_VALUE_VEC(tabletype, wasm_tabletype_t*, wasm_tabletype_copy, wasm_tabletype_delete)
CASCADE_VALUE_VEC(memorytype, wasm_memorytype_t*, wasm_memorytype_copy, wasm_memorytype_delete)
CASCADE_VALUE_VEC(externtype, wasm_externtype_t*, wasm_externtype_copy, wasm_externtype_delete)
CASCADE_VALUE_VEC(importtype, wasm_importtype_t*, wasm_importtype_copy, wasm_importtype_delete)
CASCADE_VALUE_VEC(exporttype, wasm_exporttype_t*, wasm_exporttype_copy, wasm_exporttype_delete)
CASCADE_VALUE_VEC(frame, wasm_frame_t*, wasm_frame_copy, wasm_frame_delete)
CASCADE_VALUE_VEC(extern, wasm_extern_t*, wasm_extern_copy, wasm_extern_delete)

namespace {
void ValtypeVecCopy(wasm_valtype_vec_t* out, const wasm_valtype_vec_t* in) {
  wasm_valtype_vec_copy(out, in);
}

api::ValKind ApiKind(wasm_valkind_t k) {
  switch (k) {
    case WASM_I64: return api::ValKind::kI64;
    case WASM_F32: return api::ValKind::kF32;
    case WASM_F64: return api::ValKind::kF64;
    case WASM_V128: return api::ValKind::kV128;
    case WASM_EXTERNREF: return api::ValKind::kExternRef;
    case WASM_FUNCREF: return api::ValKind::kFuncRef;
    default: return api::ValKind::kI32;
  }
}
wasm_valkind_t CKind(api::ValKind k) {
  switch (k) {
    case api::ValKind::kI64: return WASM_I64;
    case api::ValKind::kF32: return WASM_F32;
    case api::ValKind::kF64: return WASM_F64;
    case api::ValKind::kV128: return WASM_V128;
    case api::ValKind::kExternRef: return WASM_EXTERNREF;
    case api::ValKind::kFuncRef: return WASM_FUNCREF;
    default: return WASM_I32;
  }
}
wasm_valkind_t CKind(rt::ValType t) { return CKind(ToKind(t)); }

wasm_val_t CopyVal(const wasm_val_t& v) {
  wasm_val_t out = v;
  if (wasm_valkind_is_ref(v.kind) && v.of.ref != nullptr) out.of.ref = v.of.ref->Clone();
  return out;
}
void DeleteVal(wasm_val_t& v) {
  if (wasm_valkind_is_ref(v.kind) && v.of.ref != nullptr) {
    delete v.of.ref;
    v.of.ref = nullptr;
  }
}

// A wasm value -> its slot (references: FuncInstance* or the foreign word).
uint64_t ToSlot(const wasm_val_t& v) {
  switch (v.kind) {
    case WASM_I32: return static_cast<uint32_t>(v.of.i32);
    case WASM_I64: return static_cast<uint64_t>(v.of.i64);
    case WASM_F32: { uint32_t b; std::memcpy(&b, &v.of.f32, 4); return b; }
    case WASM_F64: { uint64_t b; std::memcpy(&b, &v.of.f64, 8); return b; }
    default: {
      if (v.of.ref == nullptr) return 0;
      if (auto* e = dynamic_cast<const wasm_extern_t*>(v.of.ref)) {
        return reinterpret_cast<uintptr_t>(e->obj);
      }
      if (auto* f = dynamic_cast<const wasm_foreign_t*>(v.of.ref)) return f->word;
      return 0;
    }
  }
}
// A slot of kind `k` -> a wasm value (references get new handles).
wasm_val_t FromSlot(wasm_valkind_t k, uint64_t s, wasm_store_t* store) {
  wasm_val_t v;
  v.kind = k;
  switch (k) {
    case WASM_I32: v.of.i32 = static_cast<int32_t>(s); break;
    case WASM_I64: v.of.i64 = static_cast<int64_t>(s); break;
    case WASM_F32: { uint32_t b = static_cast<uint32_t>(s); std::memcpy(&v.of.f32, &b, 4); break; }
    case WASM_F64: std::memcpy(&v.of.f64, &s, 8); break;
    case WASM_FUNCREF: v.of.ref = s == 0 ? nullptr : new wasm_func_t(store, reinterpret_cast<void*>(s)); break;
    default: v.of.ref = s == 0 ? nullptr : new wasm_foreign_t(s); break;
  }
  return v;
}

wasm_trap_t* NewTrap(const std::string& message) {
  auto* t = new wasm_trap_t();
  t->message = message;
  return t;
}
wasm_trap_t* TrapFrom(const rt::Trap& trap) {
  wasm_trap_t* t = NewTrap(trap.message);
  t->exit_status = trap.exit_status;
  for (const rt::TrapFrame& f : trap.backtrace) t->frames.push_back({f.funcidx, f.code_offset});
  return t;
}

wasm_limits_t CLimits(const rt::Limits& l) {
  return {static_cast<uint32_t>(l.min), l.has_max ? static_cast<uint32_t>(l.max) : wasm_limits_max_default};
}
rt::Limits RtLimits(const wasm_limits_t& l) {
  rt::Limits r;
  r.min = l.min;
  r.has_max = l.max != wasm_limits_max_default;
  r.max = r.has_max ? l.max : 0;
  return r;
}

wasm_functype_t* FuncTypeOf(const rt::CanonicalType& t) {
  auto* ft = new wasm_functype_t();
  wasm_valtype_vec_new_uninitialized(&ft->params, t.params().size());
  for (size_t i = 0; i < t.params().size(); ++i) ft->params.data[i] = wasm_valtype_new(CKind(t.params()[i]));
  wasm_valtype_vec_new_uninitialized(&ft->results, t.results().size());
  for (size_t i = 0; i < t.results().size(); ++i) ft->results.data[i] = wasm_valtype_new(CKind(t.results()[i]));
  return ft;
}

// The type of import/export `index` of `kind` in module `m`; null for tags.
wasm_externtype_t* ModuleExternType(const rt::Module& m, rt::ExternKind kind, uint32_t index) {
  switch (kind) {
    case rt::ExternKind::kFunc:
      return FuncTypeOf(rt::TypeCanonicalizer::Global().Get(
          m.types[m.funcs[index].type_index].canonical_id));
    case rt::ExternKind::kGlobal:
      return new wasm_globaltype_t(wasm_valtype_new(CKind(m.globals[index].type)),
                                   m.globals[index].mut ? WASM_VAR : WASM_CONST);
    case rt::ExternKind::kTable:
      return new wasm_tabletype_t(wasm_valtype_new(CKind(m.tables[index].elem_type)),
                                  CLimits(m.tables[index].limits));
    case rt::ExternKind::kMemory: return new wasm_memorytype_t(CLimits(m.memories[index].limits));
    case rt::ExternKind::kTag: return nullptr;
  }
  return nullptr;
}

rt::Extern RtExtern(const wasm_extern_t* e) {
  switch (e->kind) {
    case WASM_EXTERN_FUNC: return rt::Extern::Func(static_cast<rt::FuncInstance*>(e->obj));
    case WASM_EXTERN_GLOBAL: return rt::Extern::Global(static_cast<rt::GlobalInstance*>(e->obj));
    case WASM_EXTERN_TABLE: return rt::Extern::Table(static_cast<rt::TableInstance*>(e->obj));
    default: return rt::Extern::Memory(static_cast<rt::MemoryInstance*>(e->obj));
  }
}

// A linker binding the module's imports, in order, to `imports`. Returns
// false (and a trap) when the count is wrong or an import is null.
bool BindImports(const rt::Module& m, const wasm_extern_vec_t* imports, rt::Linker* linker,
                 wasm_trap_t** trap) {
  size_t n = 0;
  for (const rt::Import& imp : m.imports) {
    if (imp.kind == rt::ExternKind::kTag) continue;
    if (imports == nullptr || n >= imports->size || imports->data[n] == nullptr) {
      if (trap) *trap = NewTrap("wrong number of imports");
      return false;
    }
    linker->Define(imp.module, imp.name, RtExtern(imports->data[n++]));
  }
  return true;
}

}  // namespace

extern "C" {

// ------------------------------------------------------------------ runtime
wasm_config_t* wasm_config_new(void) { return new wasm_config_t(); }
void wasm_config_delete(wasm_config_t* c) { delete c; }
wasm_engine_t* wasm_engine_new(void) { return new wasm_engine_t(); }
wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* c) {
  auto* e = new wasm_engine_t{api::Engine(c->config)};
  delete c;
  return e;
}
void wasm_engine_delete(wasm_engine_t* e) { delete e; }
wasm_store_t* wasm_store_new(wasm_engine_t* e) { return new wasm_store_t(e->engine); }
void wasm_store_delete(wasm_store_t* s) { delete s; }

// ------------------------------------------------------------------ types
wasm_valtype_t* wasm_valtype_new(wasm_valkind_t k) { return new wasm_valtype_t{k}; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) { return t->kind; }
void wasm_valtype_delete(wasm_valtype_t* t) { delete t; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) { return new wasm_valtype_t(*t); }

wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  auto* t = new wasm_functype_t();
  t->params = *params;
  t->results = *results;
  params->size = results->size = 0;
  params->data = results->data = nullptr;
  return t;
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* t) { return &t->params; }
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* t) { return &t->results; }
void wasm_functype_delete(wasm_functype_t* t) { delete t; }
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* t) {
  return static_cast<wasm_functype_t*>(t->Clone());
}

wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* c, wasm_mutability_t m) {
  return new wasm_globaltype_t(c, m);
}
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* t) { return t->content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* t) { return t->mut; }
void wasm_globaltype_delete(wasm_globaltype_t* t) { delete t; }
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* t) {
  return static_cast<wasm_globaltype_t*>(t->Clone());
}

wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* e, const wasm_limits_t* l) {
  return new wasm_tabletype_t(e, *l);
}
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) { return t->element; }
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) { return &t->limits; }
void wasm_tabletype_delete(wasm_tabletype_t* t) { delete t; }
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* t) {
  return static_cast<wasm_tabletype_t*>(t->Clone());
}

wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* l) { return new wasm_memorytype_t(*l); }
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* t) { return &t->limits; }
void wasm_memorytype_delete(wasm_memorytype_t* t) { delete t; }
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* t) {
  return static_cast<wasm_memorytype_t*>(t->Clone());
}

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) { return t->kind; }
void wasm_externtype_delete(wasm_externtype_t* t) { delete t; }
wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* t) { return t->Clone(); }

#define CASCADE_EXTERNTYPE_CAST(name, KIND)                                                      \
  wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* t) { return t; }               \
  const wasm_externtype_t* wasm_##name##_as_externtype_const(const wasm_##name##_t* t) { return t; } \
  wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* t) {                             \
    return t->kind == KIND ? static_cast<wasm_##name##_t*>(t) : nullptr;                         \
  }                                                                                              \
  const wasm_##name##_t* wasm_externtype_as_##name##_const(const wasm_externtype_t* t) {         \
    return t->kind == KIND ? static_cast<const wasm_##name##_t*>(t) : nullptr;                   \
  }
CASCADE_EXTERNTYPE_CAST(functype, WASM_EXTERN_FUNC)
CASCADE_EXTERNTYPE_CAST(globaltype, WASM_EXTERN_GLOBAL)
CASCADE_EXTERNTYPE_CAST(tabletype, WASM_EXTERN_TABLE)
CASCADE_EXTERNTYPE_CAST(memorytype, WASM_EXTERN_MEMORY)

wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new wasm_importtype_t{*module, *name, type};
  module->size = name->size = 0;
  module->data = name->data = nullptr;
  return t;
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) { return &t->module; }
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) { return &t->name; }
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) { return t->type; }
void wasm_importtype_delete(wasm_importtype_t* t) {
  wasm_name_delete(&t->module);
  wasm_name_delete(&t->name);
  delete t->type;
  delete t;
}
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  auto* c = new wasm_importtype_t{{0, nullptr}, {0, nullptr}, t->type->Clone()};
  wasm_name_copy(&c->module, &t->module);
  wasm_name_copy(&c->name, &t->name);
  return c;
}

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new wasm_exporttype_t{*name, type};
  name->size = 0;
  name->data = nullptr;
  return t;
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) { return &t->name; }
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) { return t->type; }
void wasm_exporttype_delete(wasm_exporttype_t* t) {
  wasm_name_delete(&t->name);
  delete t->type;
  delete t;
}
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  auto* c = new wasm_exporttype_t{{0, nullptr}, t->type->Clone()};
  wasm_name_copy(&c->name, &t->name);
  return c;
}

// ------------------------------------------------------------------ values
void wasm_val_delete(wasm_val_t* v) { DeleteVal(*v); }
void wasm_val_copy(wasm_val_t* out, const wasm_val_t* v) { *out = CopyVal(*v); }

// ------------------------------------------------------------------ references
#define CASCADE_REF_BASE(name, T)                                                                \
  void wasm_##name##_delete(T* r) { delete r; }                                                  \
  T* wasm_##name##_copy(const T* r) { return static_cast<T*>(r->Clone()); }                      \
  bool wasm_##name##_same(const T* a, const T* b) { return a->Identity() == b->Identity(); }     \
  void* wasm_##name##_get_host_info(const T* r) { return r->host_info; }                        \
  void wasm_##name##_set_host_info(T* r, void* info) { r->host_info = info; r->finalizer = nullptr; } \
  void wasm_##name##_set_host_info_with_finalizer(T* r, void* info, void (*fin)(void*)) {        \
    r->host_info = info;                                                                         \
    r->finalizer = fin;                                                                          \
  }
#define CASCADE_REF(name, T)                                                                     \
  CASCADE_REF_BASE(name, T)                                                                      \
  wasm_ref_t* wasm_##name##_as_ref(T* r) { return r; }                                           \
  const wasm_ref_t* wasm_##name##_as_ref_const(const T* r) { return r; }                         \
  T* wasm_ref_as_##name(wasm_ref_t* r) { return dynamic_cast<T*>(r); }                           \
  const T* wasm_ref_as_##name##_const(const wasm_ref_t* r) { return dynamic_cast<const T*>(r); }

CASCADE_REF_BASE(ref, wasm_ref_t)
CASCADE_REF(trap, wasm_trap_t)
CASCADE_REF(foreign, wasm_foreign_t)
CASCADE_REF(module, wasm_module_t)
CASCADE_REF(func, wasm_func_t)
CASCADE_REF(global, wasm_global_t)
CASCADE_REF(table, wasm_table_t)
CASCADE_REF(memory, wasm_memory_t)
CASCADE_REF(extern, wasm_extern_t)
CASCADE_REF(instance, wasm_instance_t)

// ------------------------------------------------------------------ frames, traps
void wasm_frame_delete(wasm_frame_t* f) { delete f; }
wasm_frame_t* wasm_frame_copy(const wasm_frame_t* f) { return new wasm_frame_t(*f); }
wasm_instance_t* wasm_frame_instance(const wasm_frame_t*) { return nullptr; }
uint32_t wasm_frame_func_index(const wasm_frame_t* f) { return f->func_index; }
size_t wasm_frame_func_offset(const wasm_frame_t*) { return 0; }
size_t wasm_frame_module_offset(const wasm_frame_t* f) { return f->module_offset; }

wasm_trap_t* wasm_trap_new(wasm_store_t*, const wasm_message_t* message) {
  std::string m(message->data, message->size);
  if (!m.empty() && m.back() == '\0') m.pop_back();
  return NewTrap(m);
}
void wasm_trap_message(const wasm_trap_t* t, wasm_message_t* out) {
  wasm_byte_vec_new(out, t->message.size() + 1, t->message.c_str());
}
wasm_frame_t* wasm_trap_origin(const wasm_trap_t* t) {
  return t->frames.empty() ? nullptr : new wasm_frame_t(t->frames[0]);
}
void wasm_trap_trace(const wasm_trap_t* t, wasm_frame_vec_t* out) {
  wasm_frame_vec_new_uninitialized(out, t->frames.size());
  for (size_t i = 0; i < t->frames.size(); ++i) out->data[i] = new wasm_frame_t(t->frames[i]);
}

wasm_foreign_t* wasm_foreign_new(wasm_store_t* s) {
  return new wasm_foreign_t(rt::BoxHostRef(s->next_foreign++));
}

// ------------------------------------------------------------------ modules
wasm_module_t* wasm_module_new(wasm_store_t* s, const wasm_byte_vec_t* binary) {
  (void)s;
  auto m = api::Module::Compile(
      api::Engine(),
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(binary->data), binary->size));
  if (!m) return nullptr;
  return new wasm_module_t(std::move(*m));
}
bool wasm_module_validate(wasm_store_t* s, const wasm_byte_vec_t* binary) {
  wasm_module_t* m = wasm_module_new(s, binary);
  delete m;
  return m != nullptr;
}
void wasm_module_imports(const wasm_module_t* module, wasm_importtype_vec_t* out) {
  const rt::Module& m = module->rt();
  std::vector<wasm_importtype_t*> v;
  for (const rt::Import& imp : m.imports) {
    wasm_externtype_t* t = ModuleExternType(m, imp.kind, imp.index);
    if (t == nullptr) continue;
    auto* it = new wasm_importtype_t{{0, nullptr}, {0, nullptr}, t};
    wasm_byte_vec_new(&it->module, imp.module.size(), imp.module.data());
    wasm_byte_vec_new(&it->name, imp.name.size(), imp.name.data());
    v.push_back(it);
  }
  wasm_importtype_vec_new(out, v.size(), v.data());
}
void wasm_module_exports(const wasm_module_t* module, wasm_exporttype_vec_t* out) {
  const rt::Module& m = module->rt();
  std::vector<wasm_exporttype_t*> v;
  for (const rt::Export& e : m.exports) {
    wasm_externtype_t* t = ModuleExternType(m, e.kind, e.index);
    if (t == nullptr) continue;
    auto* et = new wasm_exporttype_t{{0, nullptr}, t};
    wasm_byte_vec_new(&et->name, e.name.size(), e.name.data());
    v.push_back(et);
  }
  wasm_exporttype_vec_new(out, v.size(), v.data());
}
void wasm_module_serialize(const wasm_module_t* module, wasm_byte_vec_t* out) {
  const auto& bytes = module->rt().bytes;  // the validated binary is its own serialization
  wasm_byte_vec_new(out, bytes.size(), reinterpret_cast<const wasm_byte_t*>(bytes.data()));
}
wasm_module_t* wasm_module_deserialize(wasm_store_t* s, const wasm_byte_vec_t* bytes) {
  return wasm_module_new(s, bytes);
}
void wasm_shared_module_delete(wasm_shared_module_t* m) { delete m; }
wasm_shared_module_t* wasm_module_share(const wasm_module_t* m) { return new wasm_shared_module_t{m->module}; }
wasm_module_t* wasm_module_obtain(wasm_store_t*, const wasm_shared_module_t* m) {
  return new wasm_module_t(m->module);
}

// ------------------------------------------------------------------ functions
static wasm_func_t* NewCFunc(wasm_store_t* s, const wasm_functype_t* type,
                             std::function<wasm_trap_t*(const wasm_val_vec_t*, wasm_val_vec_t*)> cb) {
  api::FuncType ft;
  std::vector<wasm_valkind_t> pk, rk;
  for (size_t i = 0; i < type->params.size; ++i) {
    pk.push_back(type->params.data[i]->kind);
    ft.params.push_back(ApiKind(pk.back()));
  }
  for (size_t i = 0; i < type->results.size; ++i) {
    rk.push_back(type->results.data[i]->kind);
    ft.results.push_back(ApiKind(rk.back()));
  }
  api::Func f = api::detail::NewStoreHostFunc(
      s->s(), ft,
      [s, pk, rk, cb = std::move(cb)](api::Caller&, const uint64_t* args,
                                      uint64_t* results) -> api::Result<void> {
        wasm_val_vec_t a, r;
        wasm_val_vec_new_uninitialized(&a, pk.size());
        for (size_t i = 0; i < pk.size(); ++i) a.data[i] = FromSlot(pk[i], args[i], s);
        wasm_val_vec_new_uninitialized(&r, rk.size());
        for (size_t i = 0; i < rk.size(); ++i) {
          r.data[i].kind = rk[i];
          r.data[i].of.i64 = 0;
        }
        wasm_trap_t* trap = cb(&a, &r);
        wasm_val_vec_delete(&a);
        api::Result<void> out;
        if (trap != nullptr) {
          if (trap->exit_status) {
            out = api::Error(api::Error::Kind::kExit, trap->message, {}, *trap->exit_status);
          } else {
            out = api::Error(api::Error::Kind::kTrap, trap->message);
          }
          delete trap;
        } else {
          for (size_t i = 0; i < rk.size(); ++i) results[i] = ToSlot(r.data[i]);
        }
        wasm_val_vec_delete(&r);
        return out;
      });
  return new wasm_func_t(s, f.raw());
}

wasm_func_t* wasm_func_new(wasm_store_t* s, const wasm_functype_t* type, wasm_func_callback_t cb) {
  return NewCFunc(s, type, [cb](const wasm_val_vec_t* a, wasm_val_vec_t* r) { return cb(a, r); });
}
wasm_func_t* wasm_func_new_with_env(wasm_store_t* s, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t cb, void* env,
                                    void (*finalizer)(void*)) {
  if (finalizer != nullptr) s->finalizers.push_back({finalizer, env});
  return NewCFunc(s, type, [cb, env](const wasm_val_vec_t* a, wasm_val_vec_t* r) { return cb(env, a, r); });
}
wasm_functype_t* wasm_func_type(const wasm_func_t* f) { return FuncTypeOf(*f->f()->type); }
size_t wasm_func_param_arity(const wasm_func_t* f) { return f->f()->type->params().size(); }
size_t wasm_func_result_arity(const wasm_func_t* f) { return f->f()->type->results().size(); }

wasm_trap_t* wasm_func_call(const wasm_func_t* f, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  rt::FuncInstance* fi = f->f();
  auto params = fi->type->params();
  auto res = fi->type->results();
  if ((args == nullptr ? 0 : args->size) != params.size() ||
      (results == nullptr ? 0 : results->size) < res.size()) {
    return NewTrap("wasm_func_call: wrong number of arguments or results");
  }
  std::vector<uint64_t> slots(std::max(fi->param_slots, fi->result_slots) + 1);
  for (size_t i = 0; i < params.size(); ++i) {
    if (args->data[i].kind != CKind(params[i])) return NewTrap("wasm_func_call: argument type mismatch");
    slots[i] = ToSlot(args->data[i]);
  }
  rt::Trap trap;
  if (!rt::InvokeSlots(f->store->rts(), fi, slots.data(), &trap)) return TrapFrom(trap);
  for (size_t i = 0; i < res.size(); ++i) results->data[i] = FromSlot(CKind(res[i]), slots[i], f->store);
  return nullptr;
}

// ------------------------------------------------------------------ globals
wasm_global_t* wasm_global_new(wasm_store_t* s, const wasm_globaltype_t* type, const wasm_val_t* val) {
  if (val->kind != type->content->kind) return nullptr;
  rt::GlobalInstance* g = s->rts().NewGlobal();
  g->type = ToValType(ApiKind(type->content->kind));
  g->mut = type->mut == WASM_VAR;
  g->value[0] = ToSlot(*val);
  return new wasm_global_t(s, g);
}
wasm_globaltype_t* wasm_global_type(const wasm_global_t* g) {
  return new wasm_globaltype_t(wasm_valtype_new(CKind(g->g()->type)), g->g()->mut ? WASM_VAR : WASM_CONST);
}
void wasm_global_get(const wasm_global_t* g, wasm_val_t* out) {
  *out = FromSlot(CKind(g->g()->type), g->g()->value[0], g->store);
}
void wasm_global_set(wasm_global_t* g, const wasm_val_t* v) {
  if (!g->g()->mut || v->kind != CKind(g->g()->type)) return;  // the standard leaves this undefined
  g->g()->value[0] = ToSlot(*v);
}

// ------------------------------------------------------------------ tables
wasm_table_t* wasm_table_new(wasm_store_t* s, const wasm_tabletype_t* type, wasm_ref_t* init) {
  rt::TableInstance* t = s->rts().NewTable();
  t->elem_type = ToValType(ApiKind(type->element->kind));
  t->limits = RtLimits(type->limits);
  t->max_elements = std::min<uint64_t>(t->limits.has_max ? t->limits.max : 0xFFFFFFFFull,
                                       s->rts().limits().max_table_elements);
  if (t->limits.min > t->max_elements) return nullptr;
  wasm_val_t v;
  v.kind = type->element->kind;
  v.of.ref = init;
  t->elements.assign(t->limits.min, ToSlot(v));
  return new wasm_table_t(s, t);
}
wasm_tabletype_t* wasm_table_type(const wasm_table_t* t) {
  rt::Limits l = t->t()->limits;
  l.min = t->t()->size();
  return new wasm_tabletype_t(wasm_valtype_new(CKind(t->t()->elem_type)), CLimits(l));
}
wasm_ref_t* wasm_table_get(const wasm_table_t* t, wasm_table_size_t index) {
  if (index >= t->t()->size()) return nullptr;
  return FromSlot(CKind(t->t()->elem_type), t->t()->elements[index], t->store).of.ref;
}
bool wasm_table_set(wasm_table_t* t, wasm_table_size_t index, wasm_ref_t* r) {
  if (index >= t->t()->size()) return false;
  wasm_val_t v;
  v.kind = CKind(t->t()->elem_type);
  v.of.ref = r;
  t->t()->elements[index] = ToSlot(v);
  return true;
}
wasm_table_size_t wasm_table_size(const wasm_table_t* t) {
  return static_cast<wasm_table_size_t>(t->t()->size());
}
bool wasm_table_grow(wasm_table_t* t, wasm_table_size_t delta, wasm_ref_t* init) {
  wasm_val_t v;
  v.kind = CKind(t->t()->elem_type);
  v.of.ref = init;
  return t->t()->Grow(delta, ToSlot(v)) >= 0;
}

// ------------------------------------------------------------------ memories
wasm_memory_t* wasm_memory_new(wasm_store_t* s, const wasm_memorytype_t* type) {
  rt::MemoryInstance* m = s->rts().NewMemory();
  std::string err;
  if (!m->Init(RtLimits(type->limits), s->rts().limits().max_memory_bytes, &err)) return nullptr;
  return new wasm_memory_t(s, m);
}
wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* m) {
  rt::Limits l = m->m()->limits;
  l.min = m->m()->pages();
  return new wasm_memorytype_t(CLimits(l));
}
byte_t* wasm_memory_data(wasm_memory_t* m) { return reinterpret_cast<byte_t*>(m->m()->base); }
size_t wasm_memory_data_size(const wasm_memory_t* m) { return m->m()->size_bytes; }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* m) {
  return static_cast<wasm_memory_pages_t>(m->m()->pages());
}
bool wasm_memory_grow(wasm_memory_t* m, wasm_memory_pages_t delta) { return m->m()->Grow(delta) >= 0; }

// ------------------------------------------------------------------ externs
wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) { return e->kind; }
wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) {
  switch (e->kind) {
    case WASM_EXTERN_FUNC: return wasm_func_type(static_cast<const wasm_func_t*>(e));
    case WASM_EXTERN_GLOBAL: return wasm_global_type(static_cast<const wasm_global_t*>(e));
    case WASM_EXTERN_TABLE: return wasm_table_type(static_cast<const wasm_table_t*>(e));
    default: return wasm_memory_type(static_cast<const wasm_memory_t*>(e));
  }
}
#define CASCADE_EXTERN_CAST(name, KIND)                                                          \
  wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* x) { return x; }                       \
  const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* x) { return x; }     \
  wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) {                                     \
    return e->kind == KIND ? static_cast<wasm_##name##_t*>(e) : nullptr;                         \
  }                                                                                              \
  const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* e) {                 \
    return e->kind == KIND ? static_cast<const wasm_##name##_t*>(e) : nullptr;                   \
  }
CASCADE_EXTERN_CAST(func, WASM_EXTERN_FUNC)
CASCADE_EXTERN_CAST(global, WASM_EXTERN_GLOBAL)
CASCADE_EXTERN_CAST(table, WASM_EXTERN_TABLE)
CASCADE_EXTERN_CAST(memory, WASM_EXTERN_MEMORY)

// ------------------------------------------------------------------ instances
wasm_instance_t* wasm_instance_new(wasm_store_t* s, const wasm_module_t* module,
                                   const wasm_extern_vec_t* imports, wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  rt::Linker linker;
  if (!BindImports(module->rt(), imports, &linker, trap)) return nullptr;
  rt::InstantiateError err;
  rt::Instance* inst = rt::Instantiate(s->rts(), linker, module->module.impl_->module, &err);
  if (inst == nullptr) {
    if (trap) *trap = TrapFrom(err.trap);
    return nullptr;
  }
  return new wasm_instance_t(s, inst);
}
void wasm_instance_exports(const wasm_instance_t* i, wasm_extern_vec_t* out) {
  std::vector<wasm_extern_t*> v;
  for (const rt::Export& e : i->inst->module->exports) {
    rt::Extern x = i->inst->GetExport(e.name);
    switch (x.kind) {
      case rt::ExternKind::kFunc: v.push_back(NewExtern(WASM_EXTERN_FUNC, i->store, x.object)); break;
      case rt::ExternKind::kGlobal: v.push_back(NewExtern(WASM_EXTERN_GLOBAL, i->store, x.object)); break;
      case rt::ExternKind::kTable: v.push_back(NewExtern(WASM_EXTERN_TABLE, i->store, x.object)); break;
      case rt::ExternKind::kMemory: v.push_back(NewExtern(WASM_EXTERN_MEMORY, i->store, x.object)); break;
      case rt::ExternKind::kTag: break;
    }
  }
  wasm_extern_vec_new(out, v.size(), v.data());
}

// ------------------------------------------------------------------ cascade.h
bool cascade_wat2wasm(const char* text, size_t len, wasm_byte_vec_t* out, wasm_message_t* error_message) {
  std::vector<uint8_t> bytes;
  rt::text::TextError err;
  if (!rt::text::ParseWat(std::string_view(text, len), &bytes, &err)) {
    if (error_message != nullptr) {
      std::string m = err.ToString();
      wasm_byte_vec_new(error_message, m.size() + 1, m.c_str());
    }
    out->size = 0;
    out->data = nullptr;
    return false;
  }
  wasm_byte_vec_new(out, bytes.size(), reinterpret_cast<const wasm_byte_t*>(bytes.data()));
  return true;
}

wasm_store_t* cascade_store_new_with_limits(wasm_engine_t* e, const cascade_store_limits_t* l) {
  api::StoreLimits limits;
  if (l->max_memory_bytes) limits.max_memory_bytes = l->max_memory_bytes;
  if (l->max_table_elements) limits.max_table_elements = l->max_table_elements;
  if (l->max_instances) limits.max_instances = l->max_instances;
  return new wasm_store_t(e->engine, limits);
}
void cascade_store_set_fuel(wasm_store_t* s, uint64_t units) { s->s().SetFuel(units); }
uint64_t cascade_store_get_fuel(const wasm_store_t* s) { return s->store->fuel_remaining(); }
void cascade_store_set_epoch_deadline(wasm_store_t* s, uint64_t ticks) { s->s().SetEpochDeadline(ticks); }
void cascade_engine_increment_epoch(wasm_engine_t*) { api::Engine::IncrementEpoch(); }
bool cascade_trap_exit_status(const wasm_trap_t* t, int* status) {
  if (!t->exit_status) return false;
  *status = *t->exit_status;
  return true;
}

cascade_instance_pre_t* cascade_instance_pre_new(const wasm_module_t* module, const wasm_extern_vec_t* imports,
                                                 wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  rt::Linker linker;
  if (!BindImports(module->rt(), imports, &linker, trap)) return nullptr;
  rt::InstantiateError err;
  auto pre = rt::InstancePre::Create(linker, module->module.impl_->module, {}, &err);
  if (pre == nullptr) {
    if (trap) *trap = TrapFrom(err.trap);
    return nullptr;
  }
  return new cascade_instance_pre_t{std::move(pre)};
}
void cascade_instance_pre_delete(cascade_instance_pre_t* p) { delete p; }
bool cascade_instance_pre_pooled(const cascade_instance_pre_t* p) { return p->pre->pooled(); }
wasm_instance_t* cascade_instance_pre_instantiate(const cascade_instance_pre_t* p, wasm_store_t* s,
                                                  wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  rt::InstantiateError err;
  rt::Instance* inst = p->pre->Instantiate(s->rts(), &err);
  if (inst == nullptr) {
    if (trap) *trap = TrapFrom(err.trap);
    return nullptr;
  }
  return new wasm_instance_t(s, inst);
}
bool cascade_store_drop_instance(wasm_store_t* s, const wasm_instance_t* i) {
  return s->rts().DropInstance(i->inst);
}

}  // extern "C"
