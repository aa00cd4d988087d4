// TablesWrittenByCode: a FunctionDecoder interface with one hook.
#include "engine/runtime/table_writes.h"

#include "engine/function_decoder.h"

namespace cascade {
namespace {

struct TableWriteScan : BaseInterface {
  std::vector<bool>* written = nullptr;
  void OnTableOp(Opcode op, uint32_t table, uint32_t) {
    switch (op) {
      case Opcode::kTableSet:
      case Opcode::kTableGrow:
      case Opcode::kTableFill:
      case Opcode::kTableInit:
      case Opcode::kTableCopy:  // `table` is the destination
        if (table < written->size()) (*written)[table] = true;
        break;
      default: break;
    }
  }
};

}  // namespace

std::vector<bool> TablesWrittenByCode(const Module& module) {
  std::vector<bool> written(module.tables.size(), false);
  if (written.empty()) return written;
  TableWriteScan scan;
  scan.written = &written;
  FunctionDecoder<NoValidation, TableWriteScan> decoder(module, scan);
  for (uint32_t i = module.num_imported_funcs; i < module.funcs.size(); ++i) {
    if (!decoder.DecodeFunction(i)) {
      written.assign(written.size(), true);  // cannot tell: assume every table
      break;
    }
  }
  return written;
}

}  // namespace cascade
