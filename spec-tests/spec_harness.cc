// spec_harness: runs .wast scripts of the official spec test suite and prints
// per-file results and a final "N passed, N failed" line (skips are counted and
// printed, never silent).
//
//   spec_harness [--root DIR] [--json FILE] [--manifest FILE]
//                [--write-manifest FILE] [--quiet] [--compiler=interp|jit|tiered] PATH...
//
// PATH is a .wast file or a directory searched recursively. Case ids are
// "path:line" with paths relative to --root (default: as given).
// --manifest FILE: the checked-in list of cases expected to fail (one id per
//   line, `#` comments). The exit status is then non-zero when a case fails that
//   is not listed (a regression) or a listed case passes (shrink the list).
//   Listed cases of files that were not run are ignored.
// --write-manifest FILE: writes the current failures as a manifest.
// --json FILE: a machine-readable report of every file and failure.
//
// Exit status without --manifest: 0 iff nothing failed.
#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "spec-tests/wast_runner.h"
#if CASCADE_JIT
#include "jit/jit.h"
#endif

namespace fs = std::filesystem;
using cascade::spec::CaseResult;
using cascade::spec::FileResult;
using cascade::spec::Outcome;

namespace {

std::string JsonEscape(const std::string& s) {
  std::string o;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o.push_back('\\');
      o.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o.push_back(static_cast<char>(c));
    }
  }
  return o;
}

std::string Relative(const fs::path& p, const std::string& root) {
  if (root.empty()) return p.string();
  return fs::path(p).lexically_relative(root).string();
}

}  // namespace

int main(int argc, char** argv) {
  std::string root, json_path, manifest_path, write_manifest_path;
  bool quiet = false;
  std::vector<fs::path> files;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--root" && i + 1 < argc) root = argv[++i];
    else if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a == "--manifest" && i + 1 < argc) manifest_path = argv[++i];
    else if (a == "--write-manifest" && i + 1 < argc) write_manifest_path = argv[++i];
    else if (a == "--quiet") quiet = true;
    else if (a == "--compiler=interp") {
    } else if (a == "--compiler=jit") {
      // Every Store the scripts create runs wasm through the baseline JIT
      // (functions it cannot compile still run in the interpreter).
#if CASCADE_JIT
      cascade::jit::EnableJitByDefault(true);
#else
      std::cerr << "spec_harness: built without the JIT (jit/)\n";
      return 2;
#endif
    } else if (a == "--compiler=tiered") {
      // Interpreted first, compiled once hot (jit::EnableTiering).
#if CASCADE_JIT
      cascade::jit::EnableTieringByDefault(true);
#else
      std::cerr << "spec_harness: built without the JIT (jit/)\n";
      return 2;
#endif
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: spec_harness [--root DIR] [--json FILE] [--manifest FILE] "
                   "[--write-manifest FILE] [--quiet] [--compiler=interp|jit|tiered] PATH...\n";
      return 0;
    } else {
      inputs.push_back(a);
    }
  }
  for (const std::string& in : inputs) {
    fs::path p = root.empty() || fs::exists(in) ? fs::path(in) : fs::path(root) / in;
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && e.path().extension() == ".wast") files.push_back(e.path());
      }
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());

  std::set<std::string> expected;
  if (!manifest_path.empty()) {
    std::ifstream m(manifest_path);
    std::string line;
    while (std::getline(m, line)) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      expected.insert(line);
    }
  }

  uint64_t passed = 0, failed = 0, skipped = 0;
  uint64_t regressions = 0, fixed = 0;
  std::vector<FileResult> results;
  std::set<std::string> run_files;
  std::vector<std::string> failures;
  std::map<std::string, std::array<uint64_t, 3>> by_command;  // passed, failed, skipped
  for (const fs::path& f : files) {
    FileResult r = cascade::spec::RunWastFile(f.string());
    std::string rel = Relative(f, root);
    run_files.insert(rel);
    for (const CaseResult& c : r.cases) {
      ++by_command[c.command][static_cast<size_t>(c.outcome)];
      std::string id = rel + ":" + std::to_string(c.line);
      bool listed = expected.count(id) != 0;
      if (c.outcome == Outcome::kFailed) {
        failures.push_back(id);
        if (manifest_path.empty() || !listed) {
          if (!manifest_path.empty()) ++regressions;
          std::cout << id << ": " << c.command << ": FAIL " << c.detail
                    << (manifest_path.empty() ? "" : " (not in the manifest)") << "\n";
        }
      } else if (c.outcome == Outcome::kPassed && listed) {
        ++fixed;
        std::cout << id << ": " << c.command << ": passes but is listed in the manifest\n";
      }
    }
    if (!quiet) {
      std::cout << rel << ": " << r.passed << " passed, " << r.failed << " failed, " << r.skipped
                << " skipped\n";
    }
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    results.push_back(std::move(r));
  }

  if (!write_manifest_path.empty()) {
    std::ofstream m(write_manifest_path);
    m << "# Spec-test cases expected to fail (spec_harness --manifest). One path:line\n"
         "# per line, paths relative to the suite root. Regenerate with\n"
         "# spec_harness --root SUITE --write-manifest FILE core proposals custom\n";
    for (const std::string& id : failures) m << id << "\n";
  }
  if (!json_path.empty()) {
    std::ofstream j(json_path);
    j << "{\n  \"passed\": " << passed << ", \"failed\": " << failed << ", \"skipped\": " << skipped
      << ",\n  \"files\": [\n";
    for (size_t i = 0; i < results.size(); ++i) {
      const FileResult& r = results[i];
      j << "    {\"path\": \"" << JsonEscape(Relative(r.path, root)) << "\", \"passed\": " << r.passed
        << ", \"failed\": " << r.failed << ", \"skipped\": " << r.skipped << ", \"failures\": [";
      bool first = true;
      for (const CaseResult& c : r.cases) {
        if (c.outcome != Outcome::kFailed) continue;
        j << (first ? "" : ", ") << "{\"line\": " << c.line << ", \"command\": \""
          << JsonEscape(c.command) << "\", \"detail\": \"" << JsonEscape(c.detail) << "\"}";
        first = false;
      }
      j << "]}" << (i + 1 < results.size() ? "," : "") << "\n";
    }
    j << "  ]\n}\n";
  }

  for (const auto& [command, n] : by_command) {
    std::cout << "  " << command << ": " << n[0] << " passed, " << n[1] << " failed, " << n[2]
              << " skipped\n";
  }
  std::cout << passed << " passed, " << failed << " failed (" << skipped
            << " skipped: not implemented)\n";
  if (!manifest_path.empty()) {
    std::cout << "manifest: " << regressions << " unexpected failures, " << fixed
              << " listed cases now pass\n";
    return regressions == 0 && fixed == 0 ? 0 : 1;
  }
  return failed == 0 ? 0 : 1;
}
