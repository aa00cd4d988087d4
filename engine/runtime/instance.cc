// Instance export lookup.
#include "engine/runtime/instance.h"

namespace cascade {

Extern Instance::GetExport(std::string_view name) const {
  for (const Export& e : module->exports) {
    if (e.name != name) continue;
    switch (e.kind) {
      case ExternKind::kFunc: return Extern::Func(funcs[e.index]);
      case ExternKind::kTable: return Extern::Table(tables[e.index]);
      case ExternKind::kMemory: return Extern::Memory(memories[e.index]);
      case ExternKind::kGlobal: return Extern::Global(globals[e.index]);
      case ExternKind::kTag: return Extern::Tag(tags[e.index]);
    }
  }
  return Extern{};
}

}  // namespace cascade
