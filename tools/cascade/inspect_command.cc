// `cascade inspect FILE`: a short `wasm-objdump -x`. Prints the section table
// (id, name, offset, size, count) and then each index space in order: types
// (with rec groups and supertypes), imports, functions (with names from the
// name section), tables, memories, globals, tags, exports, start, element and
// data segments, custom sections.
//
// Invariants: reads only the decoded Module plus the section headers in
// Module::bytes; long lists (element items, data bytes) are abbreviated so the
// output stays proportional to the number of entities, not to their size.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "engine/reader.h"
#include "tools/cascade/cli.h"
#include "tools/cascade/type_printer.h"

namespace cascade::cli {
namespace {

constexpr uint32_t kMaxElemItemsShown = 8;
constexpr uint32_t kMaxDataBytesShown = 16;

const char* SectionName(SectionId id) {
  switch (id) {
    case SectionId::kCustom: return "custom";
    case SectionId::kType: return "type";
    case SectionId::kImport: return "import";
    case SectionId::kFunction: return "function";
    case SectionId::kTable: return "table";
    case SectionId::kMemory: return "memory";
    case SectionId::kGlobal: return "global";
    case SectionId::kExport: return "export";
    case SectionId::kStart: return "start";
    case SectionId::kElement: return "elem";
    case SectionId::kCode: return "code";
    case SectionId::kData: return "data";
    case SectionId::kDataCount: return "datacount";
    case SectionId::kTag: return "tag";
  }
  return "?";
}

const char* KindName(ExternKind kind) {
  switch (kind) {
    case ExternKind::kFunc: return "func";
    case ExternKind::kTable: return "table";
    case ExternKind::kMemory: return "memory";
    case ExternKind::kGlobal: return "global";
    case ExternKind::kTag: return "tag";
  }
  return "?";
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

class Inspector {
 public:
  explicit Inspector(const Module& m) : m_(m) {}

  void Print(std::string_view path) {
    std::printf("%.*s: WebAssembly binary module, %zu bytes\n", static_cast<int>(path.size()),
                path.data(), m_.bytes.size());
    if (!m_.names.module_name.empty()) {
      std::printf("module name: %s\n", Quoted(m_.names.module_name).c_str());
    }
    PrintSections();
    PrintTypes();
    PrintImports();
    PrintFunctions();
    PrintTables();
    PrintMemories();
    PrintGlobals();
    PrintTags();
    PrintExports();
    PrintStart();
    PrintElems();
    PrintDatas();
    PrintCustoms();
  }

 private:
  // The count at the start of a vector section's payload, or -1 when the
  // section has none (custom, start).
  int64_t SectionCount(const SectionInfo& s) const {
    if (s.id == SectionId::kCustom || s.id == SectionId::kStart) return -1;
    const uint8_t* base = m_.bytes.data();
    Reader r(base, base + s.range.offset, base + s.range.end());
    uint32_t n = r.u32();
    return r.ok() ? n : -1;
  }

  std::string CustomName(const SectionInfo& s) const {
    const uint8_t* base = m_.bytes.data();
    Reader r(base, base + s.range.offset, base + s.range.end());
    std::string_view name = r.name();
    return r.ok() ? Quoted(name) : "<bad name>";
  }

  std::string FuncName(uint32_t funcidx) const {
    const auto& names = m_.names.functions;
    auto it = std::lower_bound(names.begin(), names.end(), funcidx,
                               [](const NameAssoc& a, uint32_t i) { return a.index < i; });
    if (it == names.end() || it->index != funcidx) return "";
    return " <" + std::string(it->name) + ">";
  }

  std::string TypeRef(uint32_t typeidx) const {
    std::string s = "type=" + std::to_string(typeidx);
    if (typeidx < m_.types.size()) s += " " + SubTypeText(m_, m_.types[typeidx]);
    return s;
  }

  static std::string LimitsText(const Limits& l, bool memory) {
    std::string s = memory ? "pages: initial=" : "initial=";
    s += std::to_string(l.min);
    if (l.has_max) s += " max=" + std::to_string(l.max);
    if (l.is64) s += " i64";
    if (l.shared) s += " shared";
    if (memory && l.page_size_log2 != 16) {
      s += " pagesize=" + std::to_string(uint64_t{1} << l.page_size_log2);
    }
    return s;
  }

  std::string TableText(const Table& t) const {
    std::string s = ValTypeText(t.elem_type) + " " + LimitsText(t.limits, false);
    if (t.has_init) s += " init=(" + ConstExprText(m_, t.init) + ")";
    return s;
  }

  std::string GlobalText(const Global& g) const {
    std::string s = (g.mut ? "(mut " + ValTypeText(g.type) + ")" : ValTypeText(g.type));
    if (!g.imported) s += " init=(" + ConstExprText(m_, g.init) + ")";
    return s;
  }

  // The description of entity `index` of `kind`, used by imports and exports.
  std::string EntityText(ExternKind kind, uint32_t index) const {
    std::string s = std::string(KindName(kind)) + "[" + std::to_string(index) + "]";
    switch (kind) {
      case ExternKind::kFunc:
        if (index < m_.funcs.size()) s += FuncName(index) + " " + TypeRef(m_.funcs[index].type_index);
        break;
      case ExternKind::kTable:
        if (index < m_.tables.size()) s += " " + TableText(m_.tables[index]);
        break;
      case ExternKind::kMemory:
        if (index < m_.memories.size()) s += " " + LimitsText(m_.memories[index].limits, true);
        break;
      case ExternKind::kGlobal:
        if (index < m_.globals.size()) s += " " + GlobalText(m_.globals[index]);
        break;
      case ExternKind::kTag:
        if (index < m_.tags.size()) s += " " + TypeRef(m_.tags[index].type_index);
        break;
    }
    return s;
  }

  void PrintSections() {
    std::printf("\nSections:\n");
    for (const SectionInfo& s : m_.sections) {
      std::printf("  %2u %-9s start=0x%08x end=0x%08x (size=0x%08x)", static_cast<unsigned>(s.id),
                  SectionName(s.id), s.range.offset, s.range.end(), s.range.size);
      if (s.id == SectionId::kCustom) {
        std::printf(" %s", CustomName(s).c_str());
      } else if (int64_t n = SectionCount(s); n >= 0) {
        std::printf(" count: %" PRId64, n);
      }
      std::printf("\n");
    }
  }

  void PrintTypes() {
    if (m_.types.empty()) return;
    std::printf("\nTypes (%zu):\n", m_.types.size());
    for (uint32_t i = 0; i < m_.types.size(); ++i) {
      const SubType& t = m_.types[i];
      bool in_group = t.rec_group_size > 1;
      if (in_group && i == t.rec_group_start) {
        std::printf("  - rec group of %u types [%u..%u]:\n", t.rec_group_size, i,
                    i + t.rec_group_size - 1);
      }
      std::printf("%s  - type[%u] %s\n", in_group ? "  " : "", i, SubTypeText(m_, t).c_str());
    }
  }

  void PrintImports() {
    if (m_.imports.empty()) return;
    std::printf("\nImports (%zu):\n", m_.imports.size());
    for (const Import& imp : m_.imports) {
      std::printf("  - %s <- %s.%s\n", EntityText(imp.kind, imp.index).c_str(),
                  Quoted(imp.module).c_str(), Quoted(imp.name).c_str());
    }
  }

  void PrintFunctions() {
    uint32_t defined = static_cast<uint32_t>(m_.funcs.size()) - m_.num_imported_funcs;
    if (defined == 0) return;
    std::printf("\nFunctions (%u defined):\n", defined);
    for (uint32_t i = m_.num_imported_funcs; i < m_.funcs.size(); ++i) {
      const Function& f = m_.funcs[i];
      std::printf("  - func[%u]%s %s locals=%u body=0x%08x+0x%x\n", i, FuncName(i).c_str(),
                  TypeRef(f.type_index).c_str(), f.num_locals, f.body.offset, f.body.size);
    }
  }

  void PrintTables() {
    if (m_.tables.size() == m_.num_imported_tables) return;
    std::printf("\nTables:\n");
    for (uint32_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) {
      std::printf("  - table[%u] %s\n", i, TableText(m_.tables[i]).c_str());
    }
  }

  void PrintMemories() {
    if (m_.memories.size() == m_.num_imported_memories) return;
    std::printf("\nMemories:\n");
    for (uint32_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
      std::printf("  - memory[%u] %s\n", i, LimitsText(m_.memories[i].limits, true).c_str());
    }
  }

  void PrintGlobals() {
    if (m_.globals.size() == m_.num_imported_globals) return;
    std::printf("\nGlobals:\n");
    for (uint32_t i = m_.num_imported_globals; i < m_.globals.size(); ++i) {
      std::printf("  - global[%u] %s\n", i, GlobalText(m_.globals[i]).c_str());
    }
  }

  void PrintTags() {
    if (m_.tags.size() == m_.num_imported_tags) return;
    std::printf("\nTags:\n");
    for (uint32_t i = m_.num_imported_tags; i < m_.tags.size(); ++i) {
      std::printf("  - tag[%u] %s\n", i, TypeRef(m_.tags[i].type_index).c_str());
    }
  }

  void PrintExports() {
    if (m_.exports.empty()) return;
    std::printf("\nExports (%zu):\n", m_.exports.size());
    for (const Export& e : m_.exports) {
      std::string target = std::string(KindName(e.kind)) + "[" + std::to_string(e.index) + "]";
      if (e.kind == ExternKind::kFunc) target += FuncName(e.index);
      std::printf("  - %s -> %s\n", Quoted(e.name).c_str(), target.c_str());
    }
  }

  void PrintStart() {
    if (m_.start_func == Module::kNoStart) return;
    std::printf("\nStart: func[%u]%s\n", m_.start_func, FuncName(m_.start_func).c_str());
  }

  static const char* ModeName(SegmentMode mode) {
    switch (mode) {
      case SegmentMode::kActive: return "active";
      case SegmentMode::kPassive: return "passive";
      case SegmentMode::kDeclarative: return "declarative";
    }
    return "?";
  }

  void PrintElems() {
    if (m_.elems.empty()) return;
    std::printf("\nElements (%zu):\n", m_.elems.size());
    for (uint32_t i = 0; i < m_.elems.size(); ++i) {
      const ElemSegment& e = m_.elems[i];
      std::printf("  - elem[%u] %s", i, ModeName(e.mode));
      if (e.mode == SegmentMode::kActive) {
        std::printf(" table=%u offset=(%s)", e.table_index, ConstExprText(m_, e.offset).c_str());
      }
      std::printf(" %s count=%u\n", ValTypeText(e.elem_type).c_str(), e.item_count);
      uint32_t shown = std::min(e.item_count, kMaxElemItemsShown);
      for (uint32_t k = 0; k < shown; ++k) {
        uint32_t at = e.items_offset + k;
        if (e.uses_exprs) {
          if (at < m_.elem_exprs.size()) {
            std::printf("    - [%u] %s\n", k, ConstExprText(m_, m_.elem_exprs[at]).c_str());
          }
        } else if (at < m_.elem_func_indices.size()) {
          uint32_t f = m_.elem_func_indices[at];
          std::printf("    - [%u] func[%u]%s\n", k, f, FuncName(f).c_str());
        }
      }
      if (shown < e.item_count) std::printf("    - ... %u more\n", e.item_count - shown);
    }
  }

  void PrintDatas() {
    if (m_.datas.empty()) return;
    std::printf("\nData (%zu):\n", m_.datas.size());
    for (uint32_t i = 0; i < m_.datas.size(); ++i) {
      const DataSegment& d = m_.datas[i];
      std::printf("  - data[%u] %s", i, ModeName(d.mode));
      if (d.mode == SegmentMode::kActive) {
        std::printf(" memory=%u offset=(%s)", d.memory_index, ConstExprText(m_, d.offset).c_str());
      }
      std::printf(" size=%u", d.payload.size);
      if (d.payload.end() <= m_.bytes.size() && d.payload.size > 0) {
        std::printf(" bytes:");
        uint32_t shown = std::min(d.payload.size, kMaxDataBytesShown);
        for (uint32_t k = 0; k < shown; ++k) std::printf(" %02x", m_.bytes[d.payload.offset + k]);
        if (shown < d.payload.size) std::printf(" ...");
      }
      std::printf("\n");
    }
  }

  void PrintCustoms() {
    if (m_.customs.empty()) return;
    std::printf("\nCustom sections (%zu):\n", m_.customs.size());
    for (const CustomSection& c : m_.customs) {
      std::printf("  - %s payload=0x%08x+0x%x\n", Quoted(c.name).c_str(), c.payload.offset,
                  c.payload.size);
    }
  }

  const Module& m_;
};

}  // namespace

int InspectCommand(const std::vector<std::string_view>& args) {
  std::vector<std::string_view> files;
  bool validate = true;
  bool options_done = false;
  for (std::string_view a : args) {
    if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && a == "--no-validate") {
      validate = false;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      return UsageError("inspect", "unexpected argument '" + std::string(a) + "' found");
    } else {
      files.push_back(a);
    }
  }
  if (files.size() != 1) {
    return UsageError("inspect", files.empty()
                                     ? "the following required arguments were not provided: <FILE>"
                                     : "unexpected argument '" + std::string(files[1]) + "' found");
  }
  Module module;
  LoadError error;
  if (LoadModule(files[0], validate, &module, &error) != LoadResult::kOk) {
    PrintLoadError(files[0], error);
    return kExitRejected;
  }
  Inspector(module).Print(files[0]);
  return kExitOk;
}

}  // namespace cascade::cli
