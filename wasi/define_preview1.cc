// DefinePreview1: registers every wasi_snapshot_preview1 function of
// preview1.h as a host function, through one thunk per function that finds
// the caller's memory, runs the function and writes its errno result.
//
// Invariants: the host functions hold a WasiState* (HostFunc data) that the
// caller keeps alive (wasi.h); the core-wasm types come from the table in
// preview1.h, so a module importing a function with another signature fails to
// link ("incompatible import type") instead of reading garbage slots.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/runtime/host_func.h"
#include "engine/runtime/linker.h"
#include "wasi/preview1.h"
#include "wasi/wasi.h"

namespace cascade::wasi {
namespace {

constexpr char kModule[] = "wasi_snapshot_preview1";

template <Preview1Func F>
bool Thunk(HostContext& hc, const uint64_t* args, uint64_t* results, Trap* trap) {
  WasiState& state = *static_cast<WasiState*>(hc.data);
  Call call{state, state.MemoryOf(hc.caller), trap};
  results[0] = static_cast<uint16_t>(F(call, args));
  return true;
}

// proc_exit never returns to the guest: it ends the call with an exit status.
bool ProcExitThunk(HostContext&, const uint64_t* args, uint64_t*, Trap* trap) {
  int status = static_cast<int>(static_cast<uint32_t>(args[0]));
  trap->message = "exit with status " + std::to_string(status);
  trap->exit_status = status;
  return false;
}

// Whether `importer` imports wasi_snapshot_preview1.`name` and `linker` has no
// definition for it yet (an earlier one, e.g. a module preloaded under that
// name, wins).
bool Imports(const Module& importer, const Linker& linker, std::string_view name) {
  for (const Import& import : importer.imports) {
    if (import.module == kModule && import.name == name) {
      return linker.Resolve(kModule, name).object == nullptr;
    }
  }
  return false;
}

}  // namespace

Errno proc_exit(Call&, const uint64_t*) { return Errno::k_nosys; }  // see ProcExitThunk

namespace {

// Defines the functions `importer` imports (see Imports), or all of them when
// it is null.
void DefineSome(Store& store, Linker& linker, WasiContext& ctx, const Module* importer) {
  void* data = &ctx.state();
  std::vector<ValType> params;
  const ValType errno_result[] = {kWasmI32};
  // 46 functions share 20 signatures: canonicalize each signature once.
  std::vector<std::pair<std::string_view, uint32_t>> type_ids;
  auto define = [&](const char* name, const char* sig, HostFunc fn, bool has_result) {
    if (importer != nullptr && !Imports(*importer, linker, name)) return;
    std::string_view key = has_result ? std::string_view(sig) : std::string_view("-");
    uint32_t id = UINT32_MAX;
    for (const auto& [k, v] : type_ids) {
      if (k == key) id = v;
    }
    if (id == UINT32_MAX) {
      params.clear();
      for (const char* p = sig; *p != 0; ++p) params.push_back(*p == 'I' ? kWasmI64 : kWasmI32);
      std::span<const ValType> results(errno_result, has_result ? 1 : 0);
      id = CanonicalFuncTypeId(params, results);
      type_ids.emplace_back(key, id);
    }
    linker.Define(kModule, name, Extern::Func(store.NewHostFunc(id, std::move(fn), data)));
  };
#define CASCADE_WASI_DEFINE(name, sig) \
  if (std::string_view(#name) != "proc_exit") define(#name, sig, Thunk<&name>, true);
  CASCADE_WASI_PREVIEW1(CASCADE_WASI_DEFINE)
#undef CASCADE_WASI_DEFINE
  define("proc_exit", "i", ProcExitThunk, false);
}

}  // namespace

void DefinePreview1(Store& store, Linker& linker, WasiContext& ctx) {
  DefineSome(store, linker, ctx, nullptr);
}

void DefinePreview1Imports(Store& store, Linker& linker, WasiContext& ctx,
                           const Module& importer) {
  DefineSome(store, linker, ctx, &importer);
}

}  // namespace cascade::wasi
