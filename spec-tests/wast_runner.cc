// The spec-test harness; see wast_runner.h.
#include "spec-tests/wast_runner.h"

#include <fstream>
#include <sstream>

#include "engine/decoder.h"
#include "engine/error.h"
#include "engine/module.h"
#include "engine/text/wast_script.h"
#include "engine/text/wat_parser.h"
#include "engine/validator.h"
#include "spec-tests/wast_executor.h"

namespace cascade::spec {
namespace {

using text::WastCommand;
using text::WastModule;
using K = WastCommand::Kind;

const char* CommandName(K k) {
  switch (k) {
    case K::kModule: return "module";
    case K::kModuleInstance: return "module instance";
    case K::kRegister: return "register";
    case K::kAction: return "action";
    case K::kAssertReturn: return "assert_return";
    case K::kAssertTrap: return "assert_trap";
    case K::kAssertExhaustion: return "assert_exhaustion";
    case K::kAssertException: return "assert_exception";
    case K::kAssertInvalid: return "assert_invalid";
    case K::kAssertMalformed: return "assert_malformed";
    case K::kAssertUnlinkable: return "assert_unlinkable";
    case K::kAssertUninstantiable: return "assert_uninstantiable";
    case K::kThread: return "thread";
    case K::kWait: return "wait";
    case K::kAssertMalformedCustom: return "assert_malformed_custom";
    case K::kAssertInvalidCustom: return "assert_invalid_custom";
  }
  return "?";
}

// The binary of a module command: text modules were encoded by the script
// parser, quote modules are parsed now. Returns false with `*why` if the text
// does not parse.
bool ModuleBytes(const WastModule& m, std::vector<uint8_t>* bytes, std::string* why) {
  switch (m.form) {
    case WastModule::Form::kBinary:
      *bytes = m.bytes;
      return true;
    case WastModule::Form::kText:
      if (m.has_text_error) {
        *why = m.text_error.ToString();
        return false;
      }
      *bytes = m.bytes;
      return true;
    case WastModule::Form::kQuote: {
      text::TextError err;
      if (!text::ParseWat(m.quote, bytes, &err)) {
        *why = err.ToString();
        return false;
      }
      return true;
    }
  }
  return false;
}

// Optional proposals for the script being run: a script under proposals/X
// gets every optional proposal (features.h), core scripts get none, like a
// default-configured engine. Set by RunWastSource for the current thread.
thread_local Features tls_features;

Features FeaturesForScript(const std::string& path) {
  return path.find("proposals/") != std::string::npos ? Features::All() : Features();
}

// Decodes and validates; `*stage` says which step failed ("text", "decode",
// "validate") and `*why` its message.
bool Load(const WastModule& m, std::string* stage, std::string* why, Module* out = nullptr) {
  std::vector<uint8_t> bytes;
  if (!ModuleBytes(m, &bytes, why)) {
    *stage = "text";
    return false;
  }
  Module local;
  Module& module = out != nullptr ? *out : local;
  Error error;
  if (!DecodeModule(std::move(bytes), &module, &error, tls_features)) {
    *stage = "decode";
    *why = error.message;
    return false;
  }
  if (!ValidateModule(module, &error)) {
    *stage = "validate";
    *why = error.message;
    return false;
  }
  return true;
}

// Only the message after "line:col: " of a text error is compared.
std::string MessageOf(const std::string& why) {
  size_t colon = why.find(": ");
  if (colon != std::string::npos && colon < 24 && why[0] >= '0' && why[0] <= '9') {
    return why.substr(colon + 2);
  }
  return why;
}

void Record(FileResult* r, CaseResult c) {
  switch (c.outcome) {
    case Outcome::kPassed: ++r->passed; break;
    case Outcome::kFailed: ++r->failed; break;
    case Outcome::kSkipped: ++r->skipped; break;
  }
  r->cases.push_back(std::move(c));
}

void RunCommands(const std::vector<WastCommand>& cmds, FileResult* r, Executor* exec) {
  for (const WastCommand& cmd : cmds) {
    CaseResult c;
    c.line = cmd.line;
    c.command = CommandName(cmd.kind);
    std::string stage, why;
    switch (cmd.kind) {
      case K::kModule:
        if (exec != nullptr) {
          exec->Run(cmd, &c);
        } else if (Load(cmd.module, &stage, &why)) {
          c.outcome = Outcome::kPassed;
        } else {
          c.outcome = Outcome::kFailed;
          c.detail = stage + " error: " + why;
        }
        break;
      case K::kAssertInvalid:
        if (Load(cmd.module, &stage, &why)) {
          c.outcome = Outcome::kFailed;
          c.detail = "module is valid, expected \"" + cmd.message + "\"";
        } else if (stage != "validate") {
          c.outcome = Outcome::kFailed;
          c.detail = stage + " error \"" + why + "\", expected validation error \"" +
                     cmd.message + "\"";
        } else if (why.find(cmd.message) == std::string::npos) {
          c.outcome = Outcome::kFailed;
          c.detail = "got \"" + why + "\", expected \"" + cmd.message + "\"";
        } else {
          c.outcome = Outcome::kPassed;
        }
        break;
      case K::kAssertMalformed:
        if (Load(cmd.module, &stage, &why)) {
          c.outcome = Outcome::kFailed;
          c.detail = "module is well-formed and valid, expected \"" + cmd.message + "\"";
        } else if (stage == "validate" && why.find(cmd.message) == std::string::npos) {
          // Function bodies are decoded during validation (decoder.h), so a
          // malformed body is reported there; only the message must match.
          c.outcome = Outcome::kFailed;
          c.detail = "validation error \"" + why + "\", expected malformed \"" + cmd.message + "\"";
        } else if (MessageOf(why).find(cmd.message) == std::string::npos) {
          c.outcome = Outcome::kFailed;
          c.detail = "got \"" + why + "\", expected \"" + cmd.message + "\"";
        } else {
          c.outcome = Outcome::kPassed;
        }
        break;
      default:
        if (exec != nullptr && Executor::Handles(cmd.kind)) {
          exec->Run(cmd, &c);
        } else {
          c.outcome = Outcome::kSkipped;
          c.detail = "not implemented";
        }
        break;
    }
    Record(r, std::move(c));
  }
}

}  // namespace

FileResult RunWastSource(const std::string& path, const std::string& source) {
  FileResult r;
  r.path = path;
  tls_features = FeaturesForScript(path);
  text::WastScript script;
  text::TextError err;
  if (!text::ParseWast(source, &script, &err)) {
    r.parse_error = true;
    Record(&r, CaseResult{err.line, "script", Outcome::kFailed, "parse error: " + err.ToString()});
    return r;
  }
  Features features = tls_features;
  Executor exec(
      [features](const WastModule& m, Module* out, std::string* stage, std::string* why) {
        tls_features = features;  // thread bodies load on their own threads
        return Load(m, stage, why, out);
      },
      [](const std::vector<WastCommand>& cmds, FileResult* fr, Executor* e) {
        RunCommands(cmds, fr, e);
      },
      &r);
  RunCommands(script.commands, &r, &exec);
  return r;
}

FileResult RunWastFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    FileResult r;
    r.path = path;
    Record(&r, CaseResult{0, "script", Outcome::kFailed, "cannot read file"});
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return RunWastSource(path, ss.str());
}

}  // namespace cascade::spec
