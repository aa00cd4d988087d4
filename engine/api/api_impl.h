// Private to engine/api/: the definitions behind the public API's opaque
// handles (cascade.hh's Impl structs and detail::StoreImpl), and conversions
// between API and runtime values/errors, shared by the C++ API
// (cascade_api.cc) and the wasm.h C API (wasm_c_api.cc).
//
// Invariant: never included by a public header.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/include/cascade/cascade.hh"
#include "engine/runtime/instance_pre.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/store.h"
#include "engine/runtime/trap.h"

namespace cascade::api {

namespace rt = ::cascade;

namespace detail {
struct StoreImpl : rt::Store {
  StoreImpl(const rt::StoreLimits& limits, api::Store* owner) : rt::Store(limits), owner(owner) {}
  api::Store* owner;
  std::vector<std::shared_ptr<const void>> keep;  // host stores, modules in use

  void Keep(std::shared_ptr<const void> p) {
    for (const auto& k : keep) {
      if (k == p) return;
    }
    keep.push_back(std::move(p));
  }
};
}  // namespace detail

struct Engine::Impl {
  Config config;
};

struct Module::Impl {
  std::shared_ptr<const rt::Module> module;
};

struct Linker::Impl {
  Engine::Config config;
  std::shared_ptr<rt::Store> host_store = std::make_shared<rt::Store>();
  rt::Linker linker;
};

struct InstancePre::Impl {
  std::shared_ptr<rt::InstancePre> pre;
  std::shared_ptr<rt::Store> host_store;
};

namespace internal {


inline rt::ValType ToValType(ValKind k) {
  switch (k) {
    case ValKind::kI32: return rt::kWasmI32;
    case ValKind::kI64: return rt::kWasmI64;
    case ValKind::kF32: return rt::kWasmF32;
    case ValKind::kF64: return rt::kWasmF64;
    case ValKind::kV128: return rt::kWasmV128;
    case ValKind::kFuncRef: return rt::kWasmFuncRef;
    case ValKind::kExternRef: return rt::kWasmExternRef;
  }
  return rt::kWasmI32;
}

inline ValKind ToKind(rt::ValType t) {
  switch (t.kind()) {
    case rt::ValType::kI64: return ValKind::kI64;
    case rt::ValType::kF32: return ValKind::kF32;
    case rt::ValType::kF64: return ValKind::kF64;
    case rt::ValType::kV128: return ValKind::kV128;
    case rt::ValType::kRef: {
      rt::HeapType h = t.heap_type();
      if (h == rt::HeapType(rt::HeapType::kExtern) || h == rt::HeapType(rt::HeapType::kNoExtern)) {
        return ValKind::kExternRef;
      }
      return ValKind::kFuncRef;
    }
    default: return ValKind::kI32;
  }
}

inline Error FromTrap(const rt::Trap& trap) {
  if (trap.exit_status.has_value()) {
    return Error(Error::Kind::kExit, trap.message, {}, *trap.exit_status);
  }
  std::string full = trap.ToString();
  std::string bt = full.size() > trap.message.size() ? full.substr(trap.message.size() + 1) : "";
  return Error(Error::Kind::kTrap, trap.message, bt);
}

inline Error FromInstantiate(const rt::InstantiateError& e) {
  if (e.link_error) return Error(Error::Kind::kLink, e.trap.message);
  const std::string& m = e.trap.message;
  if (m.find("limit") != std::string::npos || m.find("cannot") != std::string::npos ||
      m.find("out of memory") != std::string::npos) {
    return Error(Error::Kind::kLimit, m);
  }
  return FromTrap(e.trap);
}

// A host function in `owner` calling `cb` (the API's slot-level callback).
rt::FuncInstance* NewHostFunc(rt::Store& owner, const FuncType& type, detail::SlotCallback cb);
}  // namespace internal

}  // namespace cascade::api
