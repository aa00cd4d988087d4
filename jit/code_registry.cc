// The registry of installed JIT code (code_registry.h).
#include "jit/code_registry.h"

#include <algorithm>
#include <map>
#include <mutex>


namespace cascade::jit {
namespace {

std::mutex g_mu;
std::map<uintptr_t, CodeRecord>& Records() {
  static auto* records = new std::map<uintptr_t, CodeRecord>();  // never destroyed
  return *records;
}

// The record whose code contains `pc`, or null (under g_mu).
const CodeRecord* Find(uintptr_t pc) {
  auto& records = Records();
  auto it = records.upper_bound(pc);
  if (it == records.begin()) return nullptr;
  --it;
  return pc < it->second.end ? &it->second : nullptr;
}

// The wasm offset of the site at exactly `offset`, else of the last one before.
uint32_t SiteOffset(const std::vector<SourceSite>& sites, uint32_t offset) {
  auto it = std::upper_bound(sites.begin(), sites.end(), offset,
                             [](uint32_t o, const SourceSite& s) { return o < s.code_offset; });
  if (it == sites.begin()) return 0;
  return std::prev(it)->wasm_offset;
}

}  // namespace

void RegisterCode(CodeRecord record) {
  std::lock_guard<std::mutex> lock(g_mu);
  uintptr_t begin = record.begin;
  Records()[begin] = std::move(record);
}

void UnregisterCode(uintptr_t begin, uintptr_t end) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto& records = Records();
  records.erase(records.lower_bound(begin), records.lower_bound(end));
}

void FaultBacktrace(uintptr_t pc, const Instance* instance, const uintptr_t* stack, int num_words,
                    std::vector<TrapFrame>* frames) {
  std::lock_guard<std::mutex> lock(g_mu);
  const CodeRecord* r = Find(pc);
  if (r == nullptr || r->module == nullptr) return;
  frames->push_back(
      {instance, r->funcidx, SiteOffset(r->access_sites, static_cast<uint32_t>(pc - r->begin))});
  // Walk: a function body's frame holds [caller's instance][return address].
  constexpr int kFrameWords = 2;
  int at = 0;
  for (int guard = 0; guard < 1024; ++guard) {
    if (at + kFrameWords > num_words) return;
    const auto* caller_instance = reinterpret_cast<const Instance*>(stack[at]);
    uintptr_t ret = stack[at + 1];
    const CodeRecord* caller = Find(ret);
    if (caller == nullptr) return;
    at += kFrameWords;
    if (caller->osr != 0 && ret >= caller->osr) return;  // the OSR entry: entered from C++
    if (ret < caller->internal) {
      // The external-entry trampoline (pushed rbp, rbx, r12, r13, r14, r15
      // and 8 bytes of padding, then called the body): the r13 it saved is its
      // caller's instance; its own return address follows.
      if (at + 8 > num_words) return;
      const auto* outer_instance = reinterpret_cast<const Instance*>(stack[at + 3]);
      uintptr_t outer = stack[at + 7];
      const CodeRecord* c = Find(outer);
      if (c == nullptr) return;  // entered from C++ (RunCompiled, a helper)
      at += 8;
      frames->push_back({outer_instance, c->funcidx,
                         SiteOffset(c->call_sites, static_cast<uint32_t>(outer - c->begin))});
      continue;  // `outer` returns into c's body, whose frame continues the walk
    }
    frames->push_back({caller_instance, caller->funcidx,
                       SiteOffset(caller->call_sites, static_cast<uint32_t>(ret - caller->begin))});
  }
}

}  // namespace cascade::jit
