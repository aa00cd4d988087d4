// Which tables of a module its own code can change: a pass over every defined
// function body with the shared FunctionDecoder (validation compiled away)
// that records the tables named by table.set, table.grow, table.fill,
// table.init and (as destination) table.copy. InstancePre uses it to skip
// resetting tables no instance can have written.
//
// Invariant: the answer is conservative for the module's code (dead code
// counts as live); writes from outside the module (the host through an
// export, another module importing the table) are the caller's to consider.
#pragma once

#include <vector>

#include "engine/module.h"

namespace cascade {

// One flag per table of validated `module` (imports first): true when some
// instruction in a defined function may write that table.
std::vector<bool> TablesWrittenByCode(const Module& module);

}  // namespace cascade
