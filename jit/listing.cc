// jit::ListAssembly: each function's code as AsmJit's logger printed it while
// emitting (labels, instructions, machine-code bytes). The Zydis disassembly of
// the installed bytes is disasm.cc (a separate library: Zydis is shared-only).
#include <ostream>
#include <string>

#include "jit/baseline_compiler.h"
#include "jit/code_memory.h"
#include "jit/jit.h"

namespace cascade::jit {

uint32_t ListAssembly(const Module& module, std::ostream& os) {
  CodeMemory memory;
  uint32_t failed = 0;
  for (uint32_t f = module.num_imported_funcs; f < module.funcs.size(); ++f) {
    std::string listing, why;
    CompileEnv env;
    env.listing = &listing;
    CompiledCode code;
    os << "func " << f << ":\n";
    if (!CompileFunction(module, f, env, memory, &code, &why)) {
      os << "  ; not compiled (" << why << "): runs in the interpreter\n\n";
      ++failed;
      continue;
    }
    os << listing << "  ; " << code.size << " bytes\n\n";
  }
  return failed;
}

}  // namespace cascade::jit
