// wast_check: parse-level acceptance check of the text format against the spec
// test suite (issue 3, acceptance 1), and the module dumper used by
// diff_encoder.sh (acceptance 3).
//
//   wast_check [--dump DIR] [--verbose] PATH...
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
// Exit status: 0 when there are no parse and module errors.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

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
  std::ofstream(fs::path(dump_dir) / (stem + ".wat")) << m.source << "\n";
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

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--dump" && i + 1 < argc) {
      dump_dir = argv[++i];
      fs::create_directories(dump_dir);
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
