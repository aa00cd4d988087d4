// Out-of-line Module accessors and ModuleBytes (module.h).
//
// Invariant: NameSection maps are sorted by index (name_section.cc ensures it),
// so lookups are binary searches.
#include <sys/mman.h>

#include <algorithm>
#include <utility>

#include "engine/module.h"

namespace cascade {

std::string_view Module::function_name(uint32_t funcidx) const {
  const auto& v = names.functions;
  auto it = std::lower_bound(v.begin(), v.end(), funcidx,
                             [](const NameAssoc& a, uint32_t idx) { return a.index < idx; });
  if (it == v.end() || it->index != funcidx) return {};
  return it->name;
}

ModuleBytes& ModuleBytes::operator=(const ModuleBytes& o) {
  if (this != &o) {
    std::vector<uint8_t> copy(o.begin(), o.end());
    Unmap();
    vector_ = std::move(copy);
  }
  return *this;
}

ModuleBytes& ModuleBytes::operator=(ModuleBytes&& o) noexcept {
  if (this != &o) {
    Unmap();
    vector_ = std::move(o.vector_);
    mapped_ = std::exchange(o.mapped_, nullptr);
    mapped_size_ = std::exchange(o.mapped_size_, 0);
  }
  return *this;
}

ModuleBytes::~ModuleBytes() { Unmap(); }

void ModuleBytes::Unmap() {
  if (mapped_) munmap(const_cast<uint8_t*>(mapped_), mapped_size_);
  mapped_ = nullptr;
  mapped_size_ = 0;
}

bool ModuleBytes::MapFile(int fd, size_t size, ModuleBytes* out) {
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) return false;
  out->Unmap();
  out->vector_.clear();
  out->mapped_ = static_cast<const uint8_t*>(p);
  out->mapped_size_ = size;
  return true;
}

std::vector<uint8_t>& ModuleBytes::vector() {
  if (mapped_) {
    std::vector<uint8_t> copy(begin(), end());
    Unmap();
    vector_ = std::move(copy);
  }
  return vector_;
}

}  // namespace cascade
