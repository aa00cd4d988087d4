// The harness's execution commands; see wast_executor.h.
//
// Result matching follows the reference interpreter's script runner: numbers
// and references exactly (floats bitwise), nan:canonical / nan:arithmetic by
// bit pattern, v128 lane by lane, (ref.func) / (ref.extern) / (ref.null) as
// classes, (either ...) as alternatives. Trap messages match by substring.
#include "spec-tests/wast_executor.h"

#include <cstdio>
#include <cstring>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "engine/runtime/invoke.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/store.h"
#include "engine/runtime/value.h"

namespace cascade::spec {

using text::WastAction;
using text::WastCommand;
using text::WastResult;
using text::WastValue;
using K = WastCommand::Kind;

namespace {
constexpr int kThreadTimeoutSeconds = 5;
}  // namespace

// A running `thread` body.
struct ScriptThread {
  std::vector<WastCommand> body;  // a copy: a timed-out thread may outlive the script
  std::unique_ptr<Executor> exec;
  FileResult result;
  std::thread thread;
  std::atomic<bool> done{false};
};

struct Executor::State {
  LoadFn load;
  BodyFn body;
  FileResult* sink = nullptr;
  std::map<std::string, std::unique_ptr<ScriptThread>, std::less<>> threads;
  bool leak = false;  // a thread timed out and may still use this store
  Store store;
  Linker linker;
  Instance* current = nullptr;
  std::map<std::string, Instance*, std::less<>> instances;
  std::map<std::string, std::shared_ptr<const Module>, std::less<>> definitions;
};

namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

Value ToValue(const WastValue& v) {
  switch (v.kind) {
    case WastValue::Kind::kI32: return Value::I32(static_cast<uint32_t>(v.bits[0]));
    case WastValue::Kind::kI64: return Value::I64(v.bits[0]);
    case WastValue::Kind::kF32: return Value::F32Bits(static_cast<uint32_t>(v.bits[0]));
    case WastValue::Kind::kF64: return Value::F64Bits(v.bits[0]);
    case WastValue::Kind::kV128: return Value::V128(v.bits[0], v.bits[1]);
    case WastValue::Kind::kRefNull: return Value::Ref(ValType::Ref(v.heap, true), 0);
    case WastValue::Kind::kRefExtern:
    case WastValue::Kind::kRefHost: return Value::Ref(kWasmExternRef, BoxHostRef(v.ref));
  }
  return Value{};
}

std::string Describe(const Value& v) {
  switch (v.type.kind()) {
    case ValType::kI32: return "i32:" + Hex(v.lo & 0xFFFFFFFF);
    case ValType::kI64: return "i64:" + Hex(v.lo);
    case ValType::kF32: return "f32:" + Hex(v.lo & 0xFFFFFFFF);
    case ValType::kF64: return "f64:" + Hex(v.lo);
    case ValType::kV128: return "v128:" + Hex(v.lo) + ":" + Hex(v.hi);
    default: return v.lo == 0 ? std::string("ref.null") : "ref:" + Hex(v.lo);
  }
}

bool IsCanonicalNan(uint64_t bits, bool is32) {
  return is32 ? (bits & 0x7FFFFFFF) == 0x7FC00000
              : (bits & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
}
bool IsArithmeticNan(uint64_t bits, bool is32) {
  return is32 ? (bits & 0x7FC00000) == 0x7FC00000
              : (bits & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
}

uint64_t Lane(const Value& v, uint32_t lane, uint32_t lane_bytes) {
  uint8_t bytes[16];
  std::memcpy(bytes, &v.lo, 8);
  std::memcpy(bytes + 8, &v.hi, 8);
  uint64_t out = 0;
  std::memcpy(&out, bytes + lane * lane_bytes, lane_bytes);
  return out;
}

bool Matches(const WastResult& r, const Value& v, const Instance* inst) {
  switch (r.kind) {
    case WastResult::Kind::kValue: {
      const WastValue& w = r.value;
      switch (w.kind) {
        case WastValue::Kind::kI32:
          return v.type.kind() == ValType::kI32 && (v.lo & 0xFFFFFFFF) == (w.bits[0] & 0xFFFFFFFF);
        case WastValue::Kind::kF32:
          return v.type.kind() == ValType::kF32 && (v.lo & 0xFFFFFFFF) == (w.bits[0] & 0xFFFFFFFF);
        case WastValue::Kind::kI64:
          return v.type.kind() == ValType::kI64 && v.lo == w.bits[0];
        case WastValue::Kind::kF64:
          return v.type.kind() == ValType::kF64 && v.lo == w.bits[0];
        case WastValue::Kind::kV128:
          return v.type.kind() == ValType::kV128 && v.lo == w.bits[0] && v.hi == w.bits[1];
        case WastValue::Kind::kRefNull: return v.type.is_ref() && v.lo == 0;
        case WastValue::Kind::kRefExtern:
        case WastValue::Kind::kRefHost: return v.type.is_ref() && v.lo == BoxHostRef(w.ref);
      }
      return false;
    }
    case WastResult::Kind::kNanCanonical:
    case WastResult::Kind::kNanArithmetic: {
      bool is32 = r.float_type.kind() == ValType::kF32;
      if (v.type.kind() != (is32 ? ValType::kF32 : ValType::kF64)) return false;
      return r.kind == WastResult::Kind::kNanCanonical ? IsCanonicalNan(v.lo, is32)
                                                       : IsArithmeticNan(v.lo, is32);
    }
    case WastResult::Kind::kV128Lanes: {
      if (v.type.kind() != ValType::kV128) return false;
      uint32_t n = static_cast<uint32_t>(r.lane_kinds.size());
      if (n == 0) return false;
      uint32_t lane_bytes = 16 / n;
      bool is32 = lane_bytes == 4;
      uint64_t mask = lane_bytes == 8 ? ~uint64_t{0} : (uint64_t{1} << (lane_bytes * 8)) - 1;
      for (uint32_t i = 0; i < n; ++i) {
        uint64_t got = Lane(v, i, lane_bytes);
        switch (r.lane_kinds[i]) {
          case WastResult::Kind::kNanCanonical:
            if (!IsCanonicalNan(got, is32)) return false;
            break;
          case WastResult::Kind::kNanArithmetic:
            if (!IsArithmeticNan(got, is32)) return false;
            break;
          default:
            if (got != (r.lane_bits[i] & mask)) return false;
        }
      }
      return true;
    }
    case WastResult::Kind::kRefNullAny: return v.type.is_ref() && v.lo == 0;
    case WastResult::Kind::kRefFunc:
      if (!v.type.is_ref() || v.lo == 0) return false;
      if (r.has_index && inst != nullptr && r.index < inst->funcs.size()) {
        return v.lo == reinterpret_cast<uintptr_t>(inst->funcs[r.index]);
      }
      return true;
    case WastResult::Kind::kRefExtern:
    case WastResult::Kind::kRefStruct:
    case WastResult::Kind::kRefArray:
    case WastResult::Kind::kRefI31:
    case WastResult::Kind::kRefEq:
    case WastResult::Kind::kRefAny:
    case WastResult::Kind::kRefExn:
      return v.type.is_ref() && v.lo != 0;
    case WastResult::Kind::kEither:
      for (const WastResult& alt : r.alternatives) {
        if (Matches(alt, v, inst)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace

Executor::Executor(LoadFn load, BodyFn body, FileResult* sink) : s_(std::make_unique<State>()) {
  s_->load = std::move(load);
  s_->body = std::move(body);
  s_->sink = sink;
  DefineSpectest(s_->store, s_->linker);
}

Executor::~Executor() {
  if (s_->leak) {
    (void)s_.release();  // a detached thread may still run on our objects
    return;
  }
  for (auto& [name, t] : s_->threads) {
    if (t->thread.joinable()) t->thread.join();
  }
}

bool Executor::Handles(K kind) {
  switch (kind) {
    case K::kModule: case K::kModuleInstance: case K::kRegister: case K::kAction:
    case K::kAssertReturn: case K::kAssertTrap: case K::kAssertExhaustion:
    case K::kAssertException: case K::kAssertUnlinkable: case K::kAssertUninstantiable:
    case K::kThread: case K::kWait:
      return true;
    default:
      return false;
  }
}

namespace {

struct ActionResult {
  bool ok = false;         // the action ran to completion
  bool bad_action = false; // unknown module/export: the harness's fault
  std::vector<Value> values;
  Trap trap;
  std::string error;       // bad_action reason
  const Instance* instance = nullptr;
};

}  // namespace

void Executor::Run(const WastCommand& cmd, CaseResult* c) {
  State& s = *s_;
  auto fail = [&](std::string why) {
    c->outcome = Outcome::kFailed;
    c->detail = std::move(why);
  };
  auto pass = [&] { c->outcome = Outcome::kPassed; };

  // Loads a module command's module; on failure reports it and returns null.
  auto load = [&](const text::WastModule& wm) -> std::shared_ptr<const Module> {
    auto m = std::make_shared<Module>();
    std::string stage, why;
    if (!s.load(wm, m.get(), &stage, &why)) {
      fail(stage + " error: " + why);
      return nullptr;
    }
    return m;
  };

  auto run_action = [&](const WastAction& a) {
    ActionResult r;
    Instance* inst = s.current;
    if (!a.module.empty()) {
      auto it = s.instances.find(a.module);
      inst = it == s.instances.end() ? nullptr : it->second;
    }
    r.instance = inst;
    if (inst == nullptr) {
      r.bad_action = true;
      r.error = "no instance " + (a.module.empty() ? std::string("(current)") : a.module);
      return r;
    }
    Extern ext = inst->GetExport(a.field);
    if (a.kind == WastAction::Kind::kGet) {
      if (ext.object == nullptr || ext.kind != ExternKind::kGlobal) {
        r.bad_action = true;
        r.error = "no global export \"" + a.field + "\"";
        return r;
      }
      GlobalInstance* g = ext.global();
      r.values.push_back(Value{g->type, g->value[0], g->value[1]});
      r.ok = true;
      return r;
    }
    if (ext.object == nullptr || ext.kind != ExternKind::kFunc) {
      r.bad_action = true;
      r.error = "no function export \"" + a.field + "\"";
      return r;
    }
    std::vector<Value> args;
    for (const WastValue& v : a.args) args.push_back(ToValue(v));
    r.ok = Invoke(s.store, ext.func(), args, &r.values, &r.trap);
    return r;
  };

  auto instantiate = [&](std::shared_ptr<const Module> m, InstantiateError* err) {
    return cascade::Instantiate(s.store, s.linker, std::move(m), err);
  };

  switch (cmd.kind) {
    case K::kModule: {
      auto m = load(cmd.module);
      if (m == nullptr) return;
      if (!cmd.module.name.empty()) s.definitions[cmd.module.name] = m;
      if (cmd.module.is_definition) return pass();
      InstantiateError err;
      Instance* inst = instantiate(m, &err);
      if (inst == nullptr) {
        return fail(std::string(err.link_error ? "link error: " : "instantiation trap: ") +
                    err.trap.message);
      }
      s.current = inst;
      if (!cmd.module.name.empty()) s.instances[cmd.module.name] = inst;
      return pass();
    }
    case K::kModuleInstance: {
      auto it = s.definitions.find(cmd.module_ref);
      if (it == s.definitions.end()) return fail("unknown module definition " + cmd.module_ref);
      InstantiateError err;
      Instance* inst = instantiate(it->second, &err);
      if (inst == nullptr) {
        return fail(std::string(err.link_error ? "link error: " : "instantiation trap: ") +
                    err.trap.message);
      }
      s.current = inst;
      if (!cmd.instance_name.empty()) s.instances[cmd.instance_name] = inst;
      return pass();
    }
    case K::kRegister: {
      Instance* inst = s.current;
      if (!cmd.module_ref.empty()) {
        auto it = s.instances.find(cmd.module_ref);
        inst = it == s.instances.end() ? nullptr : it->second;
      }
      if (inst == nullptr) return fail("register: no such instance");
      s.linker.DefineInstance(cmd.register_as, *inst);
      return pass();
    }
    case K::kAction: {
      ActionResult r = run_action(cmd.action);
      if (r.bad_action) return fail(r.error);
      if (!r.ok) return fail("trap: " + r.trap.message);
      return pass();
    }
    case K::kAssertReturn: {
      ActionResult r = run_action(cmd.action);
      if (r.bad_action) return fail(r.error);
      if (!r.ok) return fail("trap: " + r.trap.message);
      if (r.values.size() != cmd.results.size()) {
        return fail("got " + std::to_string(r.values.size()) + " results, expected " +
                    std::to_string(cmd.results.size()));
      }
      for (size_t i = 0; i < r.values.size(); ++i) {
        if (!Matches(cmd.results[i], r.values[i], r.instance)) {
          return fail("result " + std::to_string(i) + " mismatch: got " + Describe(r.values[i]));
        }
      }
      return pass();
    }
    case K::kAssertTrap:
    case K::kAssertExhaustion:
    case K::kAssertException: {
      Trap trap;
      bool link_error = false;
      if (cmd.has_module) {
        auto m = load(cmd.module);
        if (m == nullptr) return;
        InstantiateError err;
        Instance* inst = instantiate(m, &err);
        if (inst != nullptr) return fail("instantiation succeeded, expected a trap");
        link_error = err.link_error;
        trap = std::move(err.trap);
      } else {
        ActionResult r = run_action(cmd.action);
        if (r.bad_action) return fail(r.error);
        if (r.ok) return fail("returned, expected a trap \"" + cmd.message + "\"");
        trap = std::move(r.trap);
      }
      if (link_error) return fail("link error: " + trap.message);
      if (cmd.kind == K::kAssertException) {
        if (trap.exception == nullptr) return fail("trapped \"" + trap.message + "\", expected an exception");
        return pass();
      }
      if (trap.exception != nullptr) return fail("uncaught exception, expected a trap");
      if (trap.message.find(cmd.message) == std::string::npos) {
        return fail("trap \"" + trap.message + "\", expected \"" + cmd.message + "\"");
      }
      return pass();
    }
    case K::kAssertUnlinkable:
    case K::kAssertUninstantiable: {
      auto m = load(cmd.module);
      if (m == nullptr) return;
      InstantiateError err;
      Instance* inst = instantiate(m, &err);
      if (inst != nullptr) return fail("instantiation succeeded, expected \"" + cmd.message + "\"");
      bool want_link = cmd.kind == K::kAssertUnlinkable;
      if (err.link_error != want_link) {
        return fail(std::string(err.link_error ? "link error" : "trap") + " \"" + err.trap.message +
                    "\", expected " + (want_link ? "link error" : "trap") + " \"" + cmd.message + "\"");
      }
      if (err.trap.message.find(cmd.message) == std::string::npos) {
        return fail("got \"" + err.trap.message + "\", expected \"" + cmd.message + "\"");
      }
      return pass();
    }
    case K::kThread: {
      if (s.threads.count(cmd.thread) != 0) return fail("thread " + cmd.thread + " already exists");
      auto t = std::make_unique<ScriptThread>();
      t->result.path = c->command;
      t->exec = std::make_unique<Executor>(s.load, s.body, &t->result);
      for (const std::string& name : cmd.shared_modules) {
        auto it = s.instances.find(name);
        if (it == s.instances.end()) return fail("thread: no instance " + name);
        t->exec->s_->instances[name] = it->second;
        t->exec->s_->current = it->second;
      }
      ScriptThread* raw = t.get();
      raw->body = cmd.commands;
      BodyFn run = s.body;
      raw->thread = std::thread([raw, run] {
        run(raw->body, &raw->result, raw->exec.get());
        raw->done.store(true, std::memory_order_release);
      });
      s.threads[cmd.thread] = std::move(t);
      return pass();
    }
    case K::kWait: {
      auto it = s.threads.find(cmd.thread);
      if (it == s.threads.end()) return fail("wait: no thread " + cmd.thread);
      ScriptThread* t = it->second.get();
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kThreadTimeoutSeconds);
      while (!t->done.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() > deadline) {
          // Leave the thread running, detached, with its state leaked.
          t->thread.detach();
          (void)it->second.release();
          s.leak = true;
          s.threads.erase(it);
          return fail("thread " + cmd.thread + " did not finish in time");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      t->thread.join();
      for (CaseResult& r : t->result.cases) {
        switch (r.outcome) {
          case Outcome::kPassed: ++s.sink->passed; break;
          case Outcome::kFailed: ++s.sink->failed; break;
          case Outcome::kSkipped: ++s.sink->skipped; break;
        }
        s.sink->cases.push_back(std::move(r));
      }
      s.threads.erase(it);
      return pass();
    }
    default:
      c->outcome = Outcome::kSkipped;
      c->detail = "not handled by the executor";
      return;
  }
}

}  // namespace cascade::spec
