// Linker and Instantiate (see linker.h for the order of steps).
//
// Invariant: the Instance under construction always has, for each index space,
// exactly the entries created so far (imports first), so constant expressions
// evaluated mid-way see the spec's "auxiliary instance" (imported globals,
// earlier globals, all functions).
#include "engine/runtime/linker.h"

#include <algorithm>
#include <cstring>

#include "engine/runtime/instance_init.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/page_populate.h"
#include "engine/runtime/value.h"

namespace cascade {

void Linker::Define(std::string_view module, std::string_view name, Extern value) {
  defs_[{std::string(module), std::string(name)}] = value;
}

void Linker::DefineInstance(std::string_view module_name, const Instance& instance) {
  for (const Export& e : instance.module->exports) {
    Define(module_name, e.name, instance.GetExport(e.name));
  }
}

Extern Linker::Resolve(std::string_view module, std::string_view name) const {
  auto it = defs_.find(std::pair<std::string, std::string>(module, name));
  return it == defs_.end() ? Extern{} : it->second;
}

namespace {

// Limits matching for imports (spec 3.x "Limits"): `actual_min` is the current
// size of the imported object.
bool LimitsMatch(uint64_t actual_min, bool actual_has_max, uint64_t actual_max,
                 const Limits& expected) {
  if (actual_min < expected.min) return false;
  if (expected.has_max) {
    if (!actual_has_max || actual_max > expected.max) return false;
  }
  return true;
}

// Import matching (spec 4.5.2 "Import matching") of `ext` against `imp`.
bool CheckImport(const Module& m_, const Import& imp, const Extern& ext) {
  const TypeCanonicalizer& tc = TypeCanonicalizer::Global();
  switch (imp.kind) {
    case ExternKind::kFunc: {
      uint32_t expected = m_.types[m_.funcs[imp.index].type_index].canonical_id;
      return tc.IsSubtypeId(ext.func()->canonical_type_id, expected);
    }
    case ExternKind::kTable: {
      const Table& want = m_.tables[imp.index];
      const TableInstance* t = ext.table();
      if (t->limits.is64 != want.limits.is64) return false;
      if (t->elem_type != CanonicalValType(m_, want.elem_type)) return false;
      return LimitsMatch(t->size(), t->limits.has_max, t->limits.max, want.limits);
    }
    case ExternKind::kMemory: {
      const Memory& want = m_.memories[imp.index];
      const MemoryInstance* mem = ext.memory();
      if (mem->limits.is64 != want.limits.is64 || mem->limits.shared != want.limits.shared ||
          mem->limits.page_size_log2 != want.limits.page_size_log2) {
        return false;
      }
      return LimitsMatch(mem->pages(), mem->limits.has_max, mem->limits.max, want.limits);
    }
    case ExternKind::kGlobal: {
      const Global& want = m_.globals[imp.index];
      const GlobalInstance* g = ext.global();
      if (g->mut != want.mut) return false;
      ValType expected = CanonicalValType(m_, want.type);
      if (want.mut) return g->type == expected;
      return tc.IsValSubtype(g->type, expected);
    }
    case ExternKind::kTag: {
      uint32_t expected = m_.types[m_.tags[imp.index].type_index].canonical_id;
      return ext.tag()->canonical_type_id == expected;
    }
  }
  return false;
}

class Instantiator {
 public:
  Instantiator(Store& store, const Linker& linker, std::shared_ptr<const Module> module,
               InstantiateError* error)
      : store_(store), linker_(linker), m_(*module), module_(std::move(module)), error_(error) {}

  Instance* Run();

 private:
  bool Fail(std::string msg) {
    error_->link_error = false;
    error_->trap.message = std::move(msg);
    return false;
  }
  bool ResolveImports();
  bool Eval(ByteRange expr, uint64_t out[2]) {
    std::string msg;
    if (!EvalConstExpr(m_, *inst_, expr, out, &msg)) return Fail(msg);
    return true;
  }
  bool CreateDefinitions();
  bool InitSegments();

  Store& store_;
  const Linker& linker_;
  const Module& m_;
  std::shared_ptr<const Module> module_;
  InstantiateError* error_;
  Instance* inst_ = nullptr;
};

bool Instantiator::ResolveImports() {
  std::vector<Extern> externs;
  if (!cascade::ResolveImports(linker_, m_, &externs, error_)) return false;
  for (const Extern& ext : externs) {
    switch (ext.kind) {
      case ExternKind::kFunc: inst_->funcs.push_back(ext.func()); break;
      case ExternKind::kTable: inst_->tables.push_back(ext.table()); break;
      case ExternKind::kMemory: inst_->memories.push_back(ext.memory()); break;
      case ExternKind::kGlobal: inst_->globals.push_back(ext.global()); break;
      case ExternKind::kTag: inst_->tags.push_back(ext.tag()); break;
    }
  }
  return true;
}

bool Instantiator::CreateDefinitions() {
  // Functions first: constant expressions may take ref.func of any of them.
  FuncInstance* defined = store_.NewFuncs(m_.funcs.size() - m_.num_imported_funcs);
  inst_->funcs.reserve(m_.funcs.size());
  for (uint32_t i = m_.num_imported_funcs; i < m_.funcs.size(); ++i) {
    FuncInstance* f = defined++;
    InitFuncInstance(f, m_, inst_, i);
    inst_->funcs.push_back(f);
  }
  for (uint32_t i = m_.num_imported_globals; i < m_.globals.size(); ++i) {
    const Global& g = m_.globals[i];
    uint64_t v[2];
    if (!Eval(g.init, v)) return false;
    GlobalInstance* gi = store_.NewGlobal();
    InitGlobalInstance(gi, m_, g, v);
    inst_->globals.push_back(gi);
  }
  for (uint32_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) {
    const Table& t = m_.tables[i];
    uint64_t init[2] = {0, 0};
    if (t.has_init && !Eval(t.init, init)) return false;
    // The store's limit applies; checked before `min` elements are allocated.
    uint64_t max_elements = std::min(t.limits.has_max ? t.limits.max : TableAddressMax(t.limits),
                                     store_.limits().max_table_elements);
    if (t.limits.min > max_elements) return Fail("table size exceeds implementation limit");
    TableInstance* ti = store_.NewTable();
    InitTableInstance(ti, m_, t, init[0]);
    ti->max_elements = max_elements;
    inst_->tables.push_back(ti);
  }
  for (uint32_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
    MemoryInstance* mem = store_.NewMemory();
    std::string msg;
    if (!mem->Init(m_.memories[i].limits, store_.limits().max_memory_bytes, &msg)) {
      return Fail(msg);
    }
    inst_->memories.push_back(mem);
  }
  for (uint32_t i = m_.num_imported_tags; i < m_.tags.size(); ++i) {
    TagInstance* tag = store_.NewTag();
    InitTagInstance(tag, *inst_, m_.tags[i].type_index);
    inst_->tags.push_back(tag);
  }
  AttachMemory0(inst_);
  // Segment instances.
  inst_->elems.resize(m_.elems.size());
  for (size_t s = 0; s < m_.elems.size(); ++s) {
    std::string msg;
    if (!EvalElemItems(m_, *inst_, m_.elems[s], &inst_->elems[s], &msg)) return Fail(msg);
  }
  inst_->datas.resize(m_.datas.size());
  for (size_t s = 0; s < m_.datas.size(); ++s) {
    inst_->datas[s].bytes = m_.bytes.data() + m_.datas[s].payload.offset;
    inst_->datas[s].size = m_.datas[s].payload.size;
  }
  return true;
}

bool Instantiator::InitSegments() {
  for (size_t s = 0; s < m_.elems.size(); ++s) {
    const ElemSegment& seg = m_.elems[s];
    ElemInstance& ei = inst_->elems[s];
    if (seg.mode == SegmentMode::kActive) {
      uint64_t off[2];
      if (!Eval(seg.offset, off)) return false;
      TableInstance* t = inst_->tables[seg.table_index];
      uint64_t offset = t->limits.is64 ? off[0] : static_cast<uint32_t>(off[0]);
      uint64_t n = ei.items.size();
      if (offset > t->size() || n > t->size() - offset) {
        return Fail(kTrapTableOutOfBounds);
      }
      std::copy(ei.items.begin(), ei.items.end(), t->elements.begin() + offset);
    }
    if (seg.mode != SegmentMode::kPassive) {
      ei.items.clear();
      ei.items.shrink_to_fit();
    }
  }
  for (size_t s = 0; s < m_.datas.size(); ++s) {
    const DataSegment& seg = m_.datas[s];
    if (seg.mode != SegmentMode::kActive) continue;
    uint64_t off[2];
    if (!Eval(seg.offset, off)) return false;
    MemoryInstance* mem = inst_->memories[seg.memory_index];
    uint64_t offset = mem->limits.is64 ? off[0] : static_cast<uint32_t>(off[0]);
    DataInstance& di = inst_->datas[s];
    if (!mem->InBounds(offset, di.size)) return Fail(kTrapMemoryOutOfBounds);
    // A big segment lands on fresh pages: map them in at once (page_populate.h).
    if (di.size >= kPopulateMinBytes) PopulatePages(mem->base + offset, di.size, true);
    if (di.size > 0) std::memcpy(mem->base + offset, di.bytes, di.size);
    di.size = 0;
  }
  return true;
}

Instance* Instantiator::Run() {
  inst_ = store_.NewInstance();
  if (inst_ == nullptr) {
    Fail("instance limit exceeded (StoreLimits::max_instances)");
    return nullptr;
  }
  inst_->module = &m_;
  inst_->module_ref = module_;
  inst_->types.reserve(m_.types.size());
  for (const SubType& t : m_.types) inst_->types.push_back(t.canonical_id);
  if (!ResolveImports() || !CreateDefinitions() || !InitSegments()) return nullptr;
  if (m_.start_func != Module::kNoStart) {
    FuncInstance* start = inst_->funcs[m_.start_func];
    uint64_t slots[2] = {0, 0};
    Trap trap;
    if (!InvokeSlots(store_, start, slots, &trap)) {
      error_->link_error = false;
      error_->trap = std::move(trap);
      return nullptr;
    }
  }
  return inst_;
}

}  // namespace

bool ResolveImports(const Linker& linker, const Module& module, std::vector<Extern>* externs,
                    InstantiateError* error) {
  externs->clear();
  externs->reserve(module.imports.size());
  for (const Import& imp : module.imports) {
    Extern ext = linker.Resolve(imp.module, imp.name);
    const char* msg = nullptr;
    if (ext.object == nullptr) {
      msg = "unknown import";
    } else if (ext.kind != imp.kind || !CheckImport(module, imp, ext)) {
      msg = "incompatible import type";
    }
    if (msg != nullptr) {
      error->link_error = true;
      error->trap.message = msg;
      return false;
    }
    externs->push_back(ext);
  }
  return true;
}

Instance* Instantiate(Store& store, const Linker& linker, std::shared_ptr<const Module> module,
                      InstantiateError* error) {
  return Instantiator(store, linker, std::move(module), error).Run();
}

}  // namespace cascade
