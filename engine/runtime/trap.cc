// Trap::ToString: the message plus a backtrace with names from the name section.
#include "engine/runtime/trap.h"

#include <cstdio>

#include "engine/runtime/instance.h"

namespace cascade {

std::string Trap::ToString() const {
  std::string out = message;
  for (const TrapFrame& f : backtrace) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "\n  at func %u", f.funcidx);
    out += buf;
    if (f.instance != nullptr && f.instance->module != nullptr) {
      std::string_view name = f.instance->module->function_name(f.funcidx);
      if (!name.empty()) {
        out += " ($";
        out += name;
        out += ")";
      }
    }
    if (f.code_offset != 0) {
      std::snprintf(buf, sizeof buf, " @0x%x", f.code_offset);
      out += buf;
    }
  }
  return out;
}

}  // namespace cascade
