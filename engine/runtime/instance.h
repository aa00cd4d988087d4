// Module instances (spec 4.2.5): what the interpreter's hot path reads while a
// function of a module runs, plus the exports the host looks up.
//
//   Instance ──┬─ memory0_base / memory0_size   (one load each, synced on grow)
//              ├─ funcs[funcidx]   -> FuncInstance*   (imports first)
//              ├─ tables / memories / globals / tags  (imports first)
//              ├─ types[typeidx]   -> canonical type id
//              ├─ elems[elemidx] / datas[dataidx]     (dropped = emptied)
//              ├─ module, exports
//              └─ jit_funcs / jit_globals / jit_memories / jit_tags  (raw views
//                 of the vectors above for machine code; jit/)
//
// Invariants:
//  * Every pointer in the index-space vectors is non-null and owned by the Store.
//  * memory0_base/size mirror memories[0]->base/size_bytes (nullptr/0 when the
//    module has no memory). MemoryInstance::Grow keeps them in sync.
//  * An instance is only handed to the host after instantiation succeeded; a
//    failed instantiation may still have written into imported tables/memories
//    (Wasm 2.0 partial-initialization semantics).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/module.h"
#include "engine/runtime/func_instance.h"
#include "engine/runtime/global_instance.h"
#include "engine/runtime/memory_instance.h"
#include "engine/runtime/table_instance.h"
#include "engine/runtime/tag_instance.h"

namespace cascade {

class Store;
struct StoreLease;

// An external value (spec 4.2.10): what an import is bound to / an export names.
struct Extern {
  ExternKind kind = ExternKind::kFunc;
  void* object = nullptr;  // FuncInstance*, TableInstance*, MemoryInstance*, GlobalInstance*, TagInstance*

  static Extern Func(FuncInstance* f) { return {ExternKind::kFunc, f}; }
  static Extern Table(TableInstance* t) { return {ExternKind::kTable, t}; }
  static Extern Memory(MemoryInstance* m) { return {ExternKind::kMemory, m}; }
  static Extern Global(GlobalInstance* g) { return {ExternKind::kGlobal, g}; }
  static Extern Tag(TagInstance* t) { return {ExternKind::kTag, t}; }
  FuncInstance* func() const { return static_cast<FuncInstance*>(object); }
  TableInstance* table() const { return static_cast<TableInstance*>(object); }
  MemoryInstance* memory() const { return static_cast<MemoryInstance*>(object); }
  GlobalInstance* global() const { return static_cast<GlobalInstance*>(object); }
  TagInstance* tag() const { return static_cast<TagInstance*>(object); }
};

// An element segment instance: its items evaluated to reference slots at
// instantiation. elem.drop (and instantiation, for active and declarative
// segments) clears `items`.
struct ElemInstance {
  ValType type;
  std::vector<uint64_t> items;
};

// A data segment instance: a view of the payload in the module's bytes.
// data.drop (and instantiation, for active segments) sets size to 0.
struct DataInstance {
  const uint8_t* bytes = nullptr;
  uint32_t size = 0;
};

struct Instance {
  // Hot: memory 0 (nullptr / 0 without memories).
  uint8_t* memory0_base = nullptr;
  uint64_t memory0_size = 0;

  const Module* module = nullptr;
  Store* store = nullptr;

  std::vector<FuncInstance*> funcs;
  std::vector<TableInstance*> tables;
  std::vector<MemoryInstance*> memories;
  std::vector<GlobalInstance*> globals;
  std::vector<TagInstance*> tags;
  std::vector<uint32_t> types;  // typeidx -> canonical id
  std::vector<ElemInstance> elems;
  std::vector<DataInstance> datas;

  std::shared_ptr<const Module> module_ref;  // keeps `module` alive

  // The index-space vectors' data(), read by the JIT's machine code (jit/),
  // which is compiled once per module and finds this instance's functions,
  // globals, memories and tags through its instance register. Set by the JIT
  // (PublishIndexSpaces) before the instance's code first runs; the vectors
  // never change after instantiation.
  FuncInstance* const* jit_funcs = nullptr;
  GlobalInstance* const* jit_globals = nullptr;
  MemoryInstance* const* jit_memories = nullptr;
  TagInstance* const* jit_tags = nullptr;
  void PublishIndexSpaces() {
    jit_funcs = funcs.data();
    jit_globals = globals.data();
    jit_memories = memories.data();
    jit_tags = tags.data();
  }
  // The JIT store serial (jit/jit_tier.cc) for which this instance's own
  // functions' FuncInstance::jit_internal were last pointed at the slow
  // internal entry: machine code calls them without a store check, so the
  // first function the instance installs in a store clears what another
  // store installed. 0: never.
  uint64_t jit_serial = 0;
  // Set for instances made from an InstancePre's pool (instance_pre.h): the
  // slot the Store releases (Store::DropInstance).
  StoreLease* lease = nullptr;

  // The export named `name`, or nullptr-object Extern (object == nullptr).
  Extern GetExport(std::string_view name) const;
};

}  // namespace cascade
