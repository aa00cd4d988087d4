// Printing error chains and trap backtraces in wasmtime's shape (error_chain.h).
#include "tools/cascade/error_chain.h"

#include <unistd.h>

#include <cstdio>

#include "engine/runtime/instance.h"

namespace cascade::cli {

void PrintErrorChain(const ErrorChain& chain) {
  if (chain.empty()) return;
  std::string out = "Error: " + chain[0] + "\n";
  if (chain.size() > 1) {
    out += "\nCaused by:\n";
    bool numbered = chain.size() > 2;
    for (size_t i = 1; i < chain.size(); ++i) {
      std::string prefix = "    ";
      if (numbered) {
        char num[24];
        std::snprintf(num, sizeof num, "%zu: ", i - 1);
        prefix += num;
      }
      std::string indent(prefix.size(), ' ');
      out += prefix;
      const std::string& cause = chain[i];
      for (size_t pos = 0; pos < cause.size();) {
        size_t nl = cause.find('\n', pos);
        if (nl == std::string::npos) nl = cause.size();
        if (pos != 0) out += indent;
        out.append(cause, pos, nl - pos);
        out += '\n';
        pos = nl + 1;
      }
    }
  }
  std::fflush(stdout);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

void AppendTrapCauses(const Trap& trap, ErrorChain* chain) {
  if (!trap.backtrace.empty()) {
    std::string bt = "error while executing at wasm backtrace:";
    for (size_t i = 0; i < trap.backtrace.size(); ++i) {
      const TrapFrame& f = trap.backtrace[i];
      char head[64];
      std::snprintf(head, sizeof head, "\n  %3zu: ", i);
      bt += head;
      if (f.code_offset != 0) {
        char off[32];
        std::snprintf(off, sizeof off, "%#6x - ", f.code_offset);
        bt += off;
      }
      const Module* m = f.instance != nullptr ? f.instance->module : nullptr;
      std::string_view module_name = m != nullptr ? m->names.module_name : std::string_view();
      bt += module_name.empty() ? std::string("<unknown>") : std::string(module_name);
      bt += '!';
      std::string_view func_name = m != nullptr ? m->function_name(f.funcidx) : std::string_view();
      if (func_name.empty()) {
        bt += "<wasm function " + std::to_string(f.funcidx) + ">";
      } else {
        bt += func_name;
      }
    }
    chain->push_back(std::move(bt));
  }
  chain->push_back("wasm trap: " + trap.message);
}

}  // namespace cascade::cli
