// InstancePre and its pool of instance slots (see instance_pre.h).
//
// A Slot owns every object one instance of the module needs (function, global,
// table, memory and tag instances, the Instance record) plus a snapshot of
// their initial state. While leased to a Store it holds a reference to the
// Pool, so the pool (and module, images) outlive every live instance even if
// the InstancePre itself is gone.
//
// Invariants:
//  * Pool::free_ holds reset slots only; a leased slot is in no list but its
//    Store's lease list.
//  * Slot::inst.funcs/globals/tables/memories/tags point at the slot's own
//    objects (defined) or at the pool's resolved imports, in index order.
#include "engine/runtime/instance_pre.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <vector>

#include "engine/runtime/instance_init.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/memory_image.h"
#include "engine/runtime/table_writes.h"

#if __has_include("engine/interp/interpreter.h")
#include "engine/interp/interpreter.h"
#define CASCADE_HAVE_INTERP 1
#else
#define CASCADE_HAVE_INTERP 0
#endif

namespace cascade {
namespace {

struct Slot;

}  // namespace

struct InstancePre::Pool : std::enable_shared_from_this<InstancePre::Pool> {
  std::shared_ptr<const Module> module;
  InstancePreOptions options;
  Linker linker;                 // the full path resolves through this copy
  std::vector<Extern> imports;   // resolved, in import order
  bool pooled = false;
  std::vector<std::unique_ptr<MemoryImage>> images;  // per defined memory, may be null
  std::vector<uint64_t> data_offsets;                // per data segment (active only)
  // Per table: whether an instance can change it (its code writes it, or it is
  // exported); unchanged tables need no reset.
  std::vector<bool> table_writable;

  mutable std::mutex mu;
  std::vector<Slot*> free;

  ~Pool();
  // Builds a slot: objects, images mapped, element segments applied, snapshot.
  // Returns nullptr with `*message` set if something cannot be precomputed.
  Slot* NewSlot(std::string* message);
  Slot* Take();
  void Put(Slot* slot);
};

namespace {

struct Slot final : StoreLease {
  InstancePre::Pool* owner = nullptr;
  std::shared_ptr<InstancePre::Pool> lease_ref;  // set while leased
  Instance inst;
  std::unique_ptr<FuncInstance[]> funcs;
  std::unique_ptr<GlobalInstance[]> globals;
  std::unique_ptr<TableInstance[]> tables;
  std::unique_ptr<MemoryInstance[]> memories;
  std::unique_ptr<TagInstance[]> tags;
  uint32_t num_funcs = 0;
  // Snapshot of the initial state.
  std::vector<std::array<uint64_t, 2>> global_init;
  std::vector<std::vector<uint64_t>> table_init;
  std::vector<std::vector<uint64_t>> elem_init;  // passive segments' items
  std::vector<uint32_t> data_init_size;

  ~Slot() {
#if CASCADE_HAVE_INTERP
    for (uint32_t i = 0; i < num_funcs; ++i) {
      if (funcs[i].code != nullptr) interp::FreeCode(funcs[i].code);
    }
#endif
  }

  // Back to the snapshot. Returns false if the slot cannot be reused.
  bool Reset() {
    const Module& m = *inst.module;
    for (uint32_t i = 0; i < m.memories.size() - m.num_imported_memories; ++i) {
      if (!memories[i].ResetPooled()) return false;
    }
    if (!inst.memories.empty()) {
      inst.memory0_base = inst.memories[0]->base;
      inst.memory0_size = inst.memories[0]->size_bytes;
    }
    for (size_t i = 0; i < global_init.size(); ++i) {
      globals[i].value[0] = global_init[i][0];
      globals[i].value[1] = global_init[i][1];
    }
    for (size_t i = 0; i < table_init.size(); ++i) {
      if (!owner->table_writable[i]) continue;
      std::vector<uint64_t>& e = tables[i].elements;
      if (e.size() != table_init[i].size()) e.resize(table_init[i].size());
      std::copy(table_init[i].begin(), table_init[i].end(), e.begin());
    }
    for (size_t i = 0; i < elem_init.size(); ++i) {
      if (inst.elems[i].items.size() != elem_init[i].size()) inst.elems[i].items = elem_init[i];
    }
    for (size_t i = 0; i < data_init_size.size(); ++i) inst.datas[i].size = data_init_size[i];
    inst.store = nullptr;
    return true;
  }

  void Release() override {
    std::shared_ptr<InstancePre::Pool> pool = std::move(lease_ref);
    pool->Put(this);  // may delete this slot; `pool` may then free the Pool
  }
};

}  // namespace

InstancePre::Pool::~Pool() {
  for (Slot* s : free) delete s;
}

Slot* InstancePre::Pool::Take() {
  std::lock_guard<std::mutex> lock(mu);
  if (free.empty()) return nullptr;
  Slot* s = free.back();
  free.pop_back();
  return s;
}

void InstancePre::Pool::Put(Slot* slot) {
  if (slot->Reset()) {
    std::lock_guard<std::mutex> lock(mu);
    if (free.size() < options.max_free_slots) {
      free.push_back(slot);
      return;
    }
  }
  delete slot;
}

Slot* InstancePre::Pool::NewSlot(std::string* message) {
  const Module& m = *module;
  auto slot = std::make_unique<Slot>();
  slot->owner = this;
  Instance& inst = slot->inst;
  inst.module = &m;
  inst.module_ref = module;
  inst.lease = slot.get();
  inst.types.reserve(m.types.size());
  for (const SubType& t : m.types) inst.types.push_back(t.canonical_id);
  for (const Extern& ext : imports) {
    switch (ext.kind) {
      case ExternKind::kFunc: inst.funcs.push_back(ext.func()); break;
      case ExternKind::kGlobal: inst.globals.push_back(ext.global()); break;
      case ExternKind::kTag: inst.tags.push_back(ext.tag()); break;
      default: *message = "pooled instances cannot import tables or memories"; return nullptr;
    }
  }
  // Functions.
  slot->num_funcs = static_cast<uint32_t>(m.funcs.size() - m.num_imported_funcs);
  slot->funcs.reset(new FuncInstance[slot->num_funcs]);
  inst.funcs.reserve(m.funcs.size());
  for (uint32_t i = m.num_imported_funcs; i < m.funcs.size(); ++i) {
    FuncInstance* f = &slot->funcs[i - m.num_imported_funcs];
    InitFuncInstance(f, m, &inst, i);
    inst.funcs.push_back(f);
  }
  // Globals, in order (initializers may read earlier ones).
  uint32_t num_globals = static_cast<uint32_t>(m.globals.size() - m.num_imported_globals);
  slot->globals.reset(new GlobalInstance[num_globals]);
  for (uint32_t i = 0; i < num_globals; ++i) {
    const Global& g = m.globals[m.num_imported_globals + i];
    uint64_t v[2] = {0, 0};
    if (!EvalConstExpr(m, inst, g.init, v, message)) return nullptr;
    GlobalInstance* gi = &slot->globals[i];
    InitGlobalInstance(gi, m, g, v);
    inst.globals.push_back(gi);
    slot->global_init.push_back({gi->value[0], gi->value[1]});
  }
  // Tables (their maxima are set per store at instantiation).
  uint32_t num_tables = static_cast<uint32_t>(m.tables.size());
  slot->tables.reset(new TableInstance[num_tables]);
  for (uint32_t i = 0; i < num_tables; ++i) {
    const Table& t = m.tables[i];
    uint64_t init[2] = {0, 0};
    if (t.has_init && !EvalConstExpr(m, inst, t.init, init, message)) return nullptr;
    TableInstance* ti = &slot->tables[i];
    InitTableInstance(ti, m, t, init[0]);
    inst.tables.push_back(ti);
  }
  // Memories: reserved, with the image mapped (images are built by Create
  // from the first slot, so slot 0 gets its image afterwards).
  uint32_t num_memories = static_cast<uint32_t>(m.memories.size());
  slot->memories.reset(new MemoryInstance[num_memories]);
  for (uint32_t i = 0; i < num_memories; ++i) {
    const MemoryImage* image = i < images.size() ? images[i].get() : nullptr;
    if (!slot->memories[i].InitPooled(m.memories[i].limits, ~uint64_t{0},
                                      options.max_memory_reservation, image, message)) {
      return nullptr;
    }
    inst.memories.push_back(&slot->memories[i]);
  }
  AttachMemory0(&inst);
  // Tags.
  uint32_t num_tags = static_cast<uint32_t>(m.tags.size() - m.num_imported_tags);
  slot->tags.reset(new TagInstance[num_tags]);
  for (uint32_t i = 0; i < num_tags; ++i) {
    TagInstance* tag = &slot->tags[i];
    InitTagInstance(tag, inst, m.tags[m.num_imported_tags + i].type_index);
    inst.tags.push_back(tag);
  }
  // Element segments: evaluate items, apply active ones, drop non-passive.
  inst.elems.resize(m.elems.size());
  slot->elem_init.resize(m.elems.size());
  for (size_t s = 0; s < m.elems.size(); ++s) {
    const ElemSegment& seg = m.elems[s];
    ElemInstance& ei = inst.elems[s];
    if (!EvalElemItems(m, inst, seg, &ei, message)) return nullptr;
    if (seg.mode == SegmentMode::kActive) {
      uint64_t off[2];
      if (!EvalConstExpr(m, inst, seg.offset, off, message)) return nullptr;
      TableInstance* t = inst.tables[seg.table_index];
      uint64_t offset = t->limits.is64 ? off[0] : static_cast<uint32_t>(off[0]);
      if (offset > t->size() || ei.items.size() > t->size() - offset) {
        *message = "active element segment out of bounds";
        return nullptr;
      }
      std::copy(ei.items.begin(), ei.items.end(), t->elements.begin() + offset);
    }
    if (seg.mode == SegmentMode::kPassive) {
      slot->elem_init[s] = ei.items;
    } else {
      ei.items.clear();
      ei.items.shrink_to_fit();
    }
  }
  // Data segment instances (active ones are dropped: their bytes are in the image).
  inst.datas.resize(m.datas.size());
  for (size_t s = 0; s < m.datas.size(); ++s) {
    inst.datas[s].bytes = m.bytes.data() + m.datas[s].payload.offset;
    inst.datas[s].size = m.datas[s].mode == SegmentMode::kActive ? 0 : m.datas[s].payload.size;
    slot->data_init_size.push_back(inst.datas[s].size);
  }
  for (uint32_t i = 0; i < num_tables; ++i) slot->table_init.push_back(slot->tables[i].elements);
  return slot.release();
}

std::shared_ptr<InstancePre> InstancePre::Create(const Linker& linker,
                                                 std::shared_ptr<const Module> module,
                                                 const InstancePreOptions& options,
                                                 InstantiateError* error) {
  auto pool = std::make_shared<Pool>();
  pool->module = module;
  pool->options = options;
  pool->linker = linker;
  if (!ResolveImports(linker, *module, &pool->imports, error)) return nullptr;
  const Module& m = *module;
  bool eligible = m.num_imported_memories == 0 && m.num_imported_tables == 0;
  for (const Extern& ext : pool->imports) {
    if (ext.kind == ExternKind::kGlobal && ext.global()->mut) eligible = false;
  }
  std::shared_ptr<InstancePre> pre(new InstancePre(pool));
  if (!eligible) return pre;

  std::string message;
  std::unique_ptr<Slot> first(pool->NewSlot(&message));
  if (first == nullptr) return pre;  // the full path will report (or not) the problem
  // Data segment offsets and bounds, then one image per memory.
  std::vector<std::vector<MemoryImage::Segment>> segs(m.memories.size());
  for (const DataSegment& seg : m.datas) {
    if (seg.mode != SegmentMode::kActive) continue;
    uint64_t off[2];
    if (!EvalConstExpr(m, first->inst, seg.offset, off, &message)) return pre;
    const MemoryInstance* mem = first->inst.memories[seg.memory_index];
    uint64_t offset = mem->limits.is64 ? off[0] : static_cast<uint32_t>(off[0]);
    if (!mem->InBounds(offset, seg.payload.size)) return pre;  // traps: full path
    segs[seg.memory_index].push_back(
        {offset, std::span<const uint8_t>(m.bytes.data() + seg.payload.offset, seg.payload.size)});
  }
  pool->images.resize(m.memories.size());
  for (size_t i = 0; i < m.memories.size(); ++i) {
    if (segs[i].empty()) continue;
    MemoryInstance& mem = first->memories[i];
    pool->images[i] = MemoryImage::Build(mem.size_bytes, segs[i]);
    if (pool->images[i] == nullptr || !pool->images[i]->MapAt(mem.base)) {
      error->link_error = false;
      error->trap.message = "cannot build memory image";
      return nullptr;
    }
    mem.image = pool->images[i].get();
  }
  pool->table_writable = TablesWrittenByCode(m);
  for (const Export& e : m.exports) {
    if (e.kind == ExternKind::kTable) pool->table_writable[e.index] = true;
  }
  pool->pooled = true;
  pool->free.push_back(first.release());
  return pre;
}

InstancePre::~InstancePre() = default;

Instance* InstancePre::Instantiate(Store& store, InstantiateError* error) {
  Pool& pool = *pool_;
  if (!pool.pooled) return cascade::Instantiate(store, pool.linker, pool.module, error);
  Slot* slot = pool.Take();
  if (slot == nullptr) {
    std::string message;
    slot = pool.NewSlot(&message);
    if (slot == nullptr) {
      error->link_error = false;
      error->trap.message = message;
      return nullptr;
    }
  }
  Instance& inst = slot->inst;
  const Module& m = *pool.module;
  const StoreLimits& limits = store.limits();
  const char* fail = nullptr;
  for (size_t i = 0; i < m.memories.size() && fail == nullptr; ++i) {
    if (!slot->memories[i].SetStoreLimit(limits.max_memory_bytes)) {
      fail = "memory size exceeds implementation limit";
    }
  }
  for (size_t i = 0; i < m.tables.size() && fail == nullptr; ++i) {
    TableInstance& t = slot->tables[i];
    t.max_elements = std::min(t.limits.has_max ? t.limits.max : TableAddressMax(t.limits),
                              limits.max_table_elements);
    if (t.limits.min > t.max_elements) fail = "table size exceeds implementation limit";
  }
  if (fail == nullptr && !store.AddLease(slot)) {
    fail = "instance limit exceeded (StoreLimits::max_instances)";
  }
  if (fail != nullptr) {
    pool.Put(slot);
    error->link_error = false;
    error->trap.message = fail;
    return nullptr;
  }
  slot->lease_ref = pool_;
  inst.store = &store;
  if (m.start_func != Module::kNoStart) {
    uint64_t slots[2] = {0, 0};
    Trap trap;
    if (!InvokeSlots(store, inst.funcs[m.start_func], slots, &trap)) {
      store.DropInstance(&inst);
      error->link_error = false;
      error->trap = std::move(trap);
      return nullptr;
    }
  }
  return &inst;
}

const Module& InstancePre::module() const { return *pool_->module; }
std::shared_ptr<const Module> InstancePre::module_ref() const { return pool_->module; }
bool InstancePre::pooled() const { return pool_->pooled; }
uint32_t InstancePre::free_slots() const {
  std::lock_guard<std::mutex> lock(pool_->mu);
  return static_cast<uint32_t>(pool_->free.size());
}
bool InstancePre::guarded_memory() const {
  std::lock_guard<std::mutex> lock(pool_->mu);
  if (!pool_->pooled || pool_->free.empty() || pool_->free[0]->inst.memories.empty()) {
    return false;
  }
  return pool_->free[0]->inst.memories[0]->guarded;
}

}  // namespace cascade
