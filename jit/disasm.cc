// `cascade compile --disasm`: compiles every defined function as the module's
// code cache would, and prints its machine code with Zydis (AT&T-free Intel syntax).
#include <Zydis/Zydis.h>

#include <ostream>
#include <string>

#include "jit/baseline_compiler.h"
#include "jit/code_memory.h"
#include "jit/jit.h"

namespace cascade::jit {

uint32_t Disassemble(const Module& module, std::ostream& os) {
  CodeMemory memory;
  uint32_t failed = 0;
  ZydisDecoder decoder;
  ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
  ZydisFormatter formatter;
  ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
  for (uint32_t f = module.num_imported_funcs; f < module.funcs.size(); ++f) {
    CompileEnv env;
    CompiledCode code;
    std::string why;
    os << "func " << f << ":\n";
    if (!CompileFunction(module, f, env, memory, &code, &why)) {
      os << "  ; not compiled (" << why << "): runs in the interpreter\n\n";
      ++failed;
      continue;
    }
    auto* p = static_cast<const uint8_t*>(code.entry);
    size_t off = 0;
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    while (off < code.size &&
           ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, p + off, code.size - off, &insn, ops))) {
      char text[256];
      ZydisFormatterFormatInstruction(&formatter, &insn, ops, insn.operand_count_visible, text,
                                      sizeof text, reinterpret_cast<uint64_t>(p + off), nullptr);
      char head[32];
      std::snprintf(head, sizeof head, "  %6zx  ", off);
      os << head << text << "\n";
      off += insn.length;
    }
    if (off < code.size) os << "  " << (code.size - off) << " bytes of data (jump tables)\n";
    os << "\n";
  }
  return failed;
}

}  // namespace cascade::jit
