// The interpreter's translated code, shared per module: every instance of a
// module, in every store, runs the same InterpCode of each function, so a
// second instantiation costs no translation (issue 7's InstancePre builds on
// it). The cache hangs off Module::interp_cache and dies with the module.
//
// Invariants:
//  * Translated code never embeds instance or store pointers (functions,
//    globals, tables, memories are reached by index through the running
//    instance), so it is valid for any instance of its module.
//  * The one instance-dependent choice is whether memory 0 is guarded (then
//    memory-0 accesses are unchecked; translator.h): each defined function has
//    one slot per variant, and modules whose memory 0 cannot be guarded (none,
//    memory64, custom page sizes) use the unguarded slot only.
//  * Slots are filled at most once (compare-and-swap; a thread that loses the
//    race frees its copy), and a published InterpCode is immutable, so readers
//    need no lock.
#pragma once

#include <cstdint>

#include "engine/interp/code.h"
#include "engine/module.h"

namespace cascade::interp {

// The code of defined function `funcidx` of the validated `module` for an
// instance whose memory 0 is (`mem0_guarded`) or is not guarded, translating
// it on first use. Thread-safe; never returns null. The result lives as long
// as `module`.
const InterpCode* GetCode(const Module& module, uint32_t funcidx, bool mem0_guarded);

}  // namespace cascade::interp
