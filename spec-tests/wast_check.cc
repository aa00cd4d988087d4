// wast_check: parse-level acceptance check of the text format against the spec
// test suite (issue 3, acceptance 1), and the module dumper used by
// diff_encoder.sh (acceptance 3).
//
//   wast_check [--dump DIR] [--verbose] PATH...
//   wast_check --compare-dir DIR
//
// PATH is a .wast file or a directory searched recursively for .wast files.
// For each script it reports:
//   * script-level parse errors (lexing, command syntax)          -> "parse error"
//   * text modules that fail to encode, outside assert_malformed  -> "module error"
//   * assert_malformed (module quote ...) cases: the quoted text must fail to
//     parse with a message containing the expected one               -> "malformed"
// and prints a final "N files, N parse errors, N module errors, malformed N/N".
// With --dump, every text module outside assert_malformed is written to
// DIR/<script>.<line>.wat (its source) and DIR/<script>.<line>.wasm (our bytes).
//
// With --compare-dir, every DIR/X.wasm that has a DIR/X.jco.wasm (written by
// jco_parse_all.mjs) is compared with it: "identical" when the bytes agree after
// dropping custom sections, else "equivalent" when both decode (DecodeModule) to
// the same module (element segments normalized: a funcidx item equals the
// expression `ref.func funcidx`), else "differ". Prints each differing pair and
// a final "N compared, N identical, N equivalent, N differ".
//
// Exit status: 0 when there are no parse and module errors (resp. differences).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/decoder.h"
#include "engine/module.h"
#include "engine/text/wast_script.h"
#include "engine/text/wat_parser.h"

namespace fs = std::filesystem;
using cascade::text::TextError;
using cascade::text::WastCommand;
using cascade::text::WastModule;
using cascade::text::WastScript;

namespace {

struct Totals {
  int files = 0, parse_errors = 0, module_errors = 0, modules = 0;
  int malformed = 0, malformed_ok = 0;
};

bool verbose = false;
std::string dump_dir;

void Dump(const fs::path& file, const WastModule& m) {
  if (dump_dir.empty() || m.form != WastModule::Form::kText || m.has_text_error) return;
  std::string stem = file.parent_path().filename().string() + "_" + file.stem().string() + "." +
                     std::to_string(m.line);
  // Tools without `module definition` support get the plain module.
  std::string source = m.source;
  if (m.is_definition) {
    size_t at = source.find("definition");
    if (at != std::string::npos) source.erase(at, 10);
  }
  std::ofstream(fs::path(dump_dir) / (stem + ".wat")) << source << "\n";
  std::ofstream out(fs::path(dump_dir) / (stem + ".wasm"), std::ios::binary);
  out.write(reinterpret_cast<const char*>(m.bytes.data()), static_cast<std::streamsize>(m.bytes.size()));
}

void CheckCommands(const fs::path& file, const std::vector<WastCommand>& cmds, Totals* t) {
  for (const WastCommand& c : cmds) {
    if (c.kind == WastCommand::Kind::kThread) {
      CheckCommands(file, c.commands, t);
      continue;
    }
    if (!c.has_module) continue;
    const WastModule& m = c.module;
    if (c.kind == WastCommand::Kind::kAssertMalformed) {
      if (m.form == WastModule::Form::kBinary) continue;
      ++t->malformed;
      std::vector<uint8_t> bytes;
      TextError err;
      bool ok = m.form == WastModule::Form::kQuote ? cascade::text::ParseWat(m.quote, &bytes, &err)
                                                   : !m.has_text_error;
      if (m.form == WastModule::Form::kText) err = m.text_error;
      if (ok) {
        std::cout << file.string() << ":" << c.line << ": malformed: accepted, expected \""
                  << c.message << "\"\n";
      } else if (err.message.find(c.message) == std::string::npos) {
        std::cout << file.string() << ":" << c.line << ": malformed: got \"" << err.message
                  << "\", expected \"" << c.message << "\"\n";
      } else {
        ++t->malformed_ok;
      }
      continue;
    }
    if (m.form != WastModule::Form::kText) continue;
    ++t->modules;
    if (m.has_text_error) {
      ++t->module_errors;
      std::cout << file.string() << ":" << c.line << ": module error: "
                << m.text_error.ToString() << "\n";
      continue;
    }
    Dump(file, m);
  }
}

void CheckFile(const fs::path& file, Totals* t) {
  ++t->files;
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string source = ss.str();
  WastScript script;
  TextError err;
  if (!cascade::text::ParseWast(source, &script, &err)) {
    ++t->parse_errors;
    std::cout << file.string() << ":" << err.ToString() << ": parse error\n";
    return;
  }
  if (verbose) std::cout << file.string() << ": " << script.commands.size() << " commands\n";
  CheckCommands(file, script.commands, t);
}


// ---- --compare-dir ---------------------------------------------------------

std::vector<uint8_t> ReadBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

uint32_t ReadLeb(const std::vector<uint8_t>& b, size_t* i) {
  uint32_t r = 0;
  int shift = 0;
  while (*i < b.size()) {
    uint8_t x = b[(*i)++];
    r |= uint32_t(x & 0x7F) << shift;
    shift += 7;
    if (!(x & 0x80)) break;
  }
  return r;
}

std::vector<uint8_t> StripCustomSections(const std::vector<uint8_t>& b) {
  if (b.size() < 8) return b;
  std::vector<uint8_t> out(b.begin(), b.begin() + 8);
  size_t i = 8;
  while (i < b.size()) {
    size_t start = i;
    uint8_t id = b[i++];
    uint32_t n = ReadLeb(b, &i);
    size_t end = std::min(b.size(), i + n);
    if (id != 0) out.insert(out.end(), b.begin() + static_cast<long>(start), b.begin() + static_cast<long>(end));
    i = end;
  }
  return out;
}

std::string Hex(std::span<const uint8_t> s) {
  static const char* kDigits = "0123456789abcdef";
  std::string r;
  for (uint8_t c : s) {
    r.push_back(kDigits[c >> 4]);
    r.push_back(kDigits[c & 15]);
  }
  return r;
}

// A complete, order-preserving description of a decoded module, one entity per
// line; custom sections and names are left out.
std::string Describe(const cascade::Module& m) {
  using namespace cascade;
  std::ostringstream o;
  auto vt = [](ValType t) { return std::to_string(t.bits()); };
  auto limits = [](const Limits& l) {
    return std::to_string(l.min) + "," + (l.has_max ? std::to_string(l.max) : "-") + "," +
           std::to_string(l.shared) + std::to_string(l.is64) + "," + std::to_string(l.page_size_log2);
  };
  for (size_t i = 0; i < m.types.size(); ++i) {
    const SubType& t = m.types[i];
    o << "type " << i << " k" << int(t.kind) << " f" << t.is_final << " s" << int64_t(t.supertype == SubType::kNoSupertype ? -1 : t.supertype)
      << " r" << t.rec_group_start << "/" << t.rec_group_size << " :";
    if (t.kind == CompositeKind::kFunc) {
      for (ValType p : m.params(t)) o << " " << vt(p);
      o << " ->";
      for (ValType r : m.results(t)) o << " " << vt(r);
    } else {
      for (const FieldType& f : m.fields(t)) o << " " << vt(f.type) << (f.mut ? "m" : "");
    }
    o << "\n";
  }
  for (const Import& im : m.imports) o << "import " << im.module << "." << im.name << " " << int(im.kind) << " " << im.index << "\n";
  for (size_t i = 0; i < m.funcs.size(); ++i) {
    const Function& f = m.funcs[i];
    o << "func " << i << " t" << f.type_index << " i" << f.imported;
    if (!f.imported) {
      o << " locals";
      for (const LocalDecl& d : m.locals(f)) for (uint32_t k = 0; k < d.count; ++k) o << " " << vt(d.type);
      o << " body " << Hex(m.span(f.body));
    }
    o << "\n";
  }
  for (const Table& t : m.tables) o << "table " << vt(t.elem_type) << " " << limits(t.limits) << " i" << t.imported << " init " << (t.has_init ? Hex(m.span(t.init)) : "-") << "\n";
  for (const Memory& mem : m.memories) o << "memory " << limits(mem.limits) << " i" << mem.imported << "\n";
  for (const Global& g : m.globals) o << "global " << vt(g.type) << " m" << g.mut << " i" << g.imported << " " << (g.imported ? "" : Hex(m.span(g.init))) << "\n";
  for (const Tag& t : m.tags) o << "tag t" << t.type_index << " i" << t.imported << "\n";
  for (const Export& e : m.exports) o << "export " << e.name << " " << int(e.kind) << " " << e.index << "\n";
  if (m.start_func != Module::kNoStart) o << "start " << m.start_func << "\n";
  for (const ElemSegment& e : m.elems) {
    o << "elem mode" << int(e.mode) << " " << vt(e.elem_type) << " table" << e.table_index << " offset "
      << (e.mode == SegmentMode::kActive ? Hex(m.span(e.offset)) : "-") << " items";
    for (uint32_t k = 0; k < e.item_count; ++k) {
      if (e.uses_exprs) {
        o << " " << Hex(m.span(m.elem_exprs[e.items_offset + k]));
      } else {
        // funcidx item == `ref.func funcidx end`
        std::vector<uint8_t> expr = {0xD2};
        uint32_t v = m.elem_func_indices[e.items_offset + k];
        do {
          uint8_t byte = v & 0x7F;
          v >>= 7;
          if (v) byte |= 0x80;
          expr.push_back(byte);
        } while (v);
        expr.push_back(0x0B);
        o << " " << Hex(expr);
      }
    }
    o << "\n";
  }
  for (const DataSegment& d : m.datas) {
    o << "data mode" << int(d.mode) << " mem" << d.memory_index << " offset "
      << (d.mode == SegmentMode::kActive ? Hex(m.span(d.offset)) : "-") << " " << Hex(m.span(d.payload)) << "\n";
  }
  return o.str();
}

int CompareDir(const fs::path& dir) {
  int compared = 0, identical = 0, equivalent = 0, differ = 0;
  std::vector<fs::path> pairs;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.size() > 9 && name.substr(name.size() - 9) == ".jco.wasm") pairs.push_back(e.path());
  }
  std::sort(pairs.begin(), pairs.end());
  for (const fs::path& jco : pairs) {
    std::string name = jco.filename().string();
    fs::path ours = jco.parent_path() / (name.substr(0, name.size() - 9) + ".wasm");
    if (!fs::exists(ours)) continue;
    ++compared;
    std::vector<uint8_t> a = ReadBytes(ours), b = ReadBytes(jco);
    if (StripCustomSections(a) == StripCustomSections(b)) {
      ++identical;
      continue;
    }
    cascade::Module ma, mb;
    cascade::Error ea, eb;
    bool oka = cascade::DecodeModule(a, &ma, &ea);
    bool okb = cascade::DecodeModule(b, &mb, &eb);
    if (oka && okb && Describe(ma) == Describe(mb)) {
      ++equivalent;
      continue;
    }
    ++differ;
    std::cout << "differ: " << ours.string();
    if (!oka) std::cout << " (ours does not decode: " << ea.ToString() << ")";
    if (!okb) std::cout << " (jco's does not decode: " << eb.ToString() << ")";
    if (oka && okb) {
      std::istringstream da(Describe(ma)), db(Describe(mb));
      std::string la, lb;
      while (true) {
        bool ga = static_cast<bool>(std::getline(da, la)), gb = static_cast<bool>(std::getline(db, lb));
        if (!ga && !gb) break;
        if (!ga || !gb || la != lb) {
          std::cout << "\n    ours: " << (ga ? la : "<end>") << "\n    jco:  " << (gb ? lb : "<end>");
          break;
        }
      }
    }
    std::cout << "\n";
  }
  std::cout << compared << " compared, " << identical << " identical, " << equivalent
            << " equivalent, " << differ << " differ\n";
  return differ == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--dump" && i + 1 < argc) {
      dump_dir = argv[++i];
      fs::create_directories(dump_dir);
    } else if (arg == "--compare-dir" && i + 1 < argc) {
      return CompareDir(argv[i + 1]);
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (fs::is_directory(arg)) {
      for (const auto& e : fs::recursive_directory_iterator(arg)) {
        if (e.is_regular_file() && e.path().extension() == ".wast") files.push_back(e.path());
      }
    } else {
      files.emplace_back(arg);
    }
  }
  std::sort(files.begin(), files.end());
  Totals t;
  for (const fs::path& f : files) CheckFile(f, &t);
  std::cout << t.files << " files, " << t.parse_errors << " parse errors, " << t.modules
            << " text modules, " << t.module_errors << " module errors, malformed "
            << t.malformed_ok << "/" << t.malformed << " rejected with the expected message\n";
  return t.parse_errors == 0 && t.module_errors == 0 ? 0 : 1;
}
