// WasiContext creation (stdio, preopened directories and sockets into the fd
// table) and the fd table operations of WasiState. See wasi_state.h.
#include "wasi/wasi_state.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/runtime/instance.h"
#include "engine/runtime/memory_instance.h"

namespace cascade::wasi {

WasiState::~WasiState() {
  for (FdEntry& e : fds_) {
    if (e.is_open() && e.owned) ::close(e.host_fd);
  }
}

uint32_t WasiState::Insert(FdEntry entry) {
  uint32_t fd = 0;
  while (fd < fds_.size() && fds_[fd].is_open()) ++fd;
  if (fd == fds_.size()) fds_.emplace_back();
  fds_[fd] = std::move(entry);
  return fd;
}

bool WasiState::Close(uint32_t fd) {
  FdEntry* e = Get(fd);
  if (e == nullptr) return false;
  if (e->owned) ::close(e->host_fd);
  *e = FdEntry();
  while (!fds_.empty() && !fds_.back().is_open()) fds_.pop_back();
  return true;
}

bool WasiState::Renumber(uint32_t from, uint32_t to) {
  if (Get(from) == nullptr || Get(to) == nullptr) return false;
  if (from == to) return true;
  FdEntry moved = std::move(fds_[from]);
  fds_[from] = FdEntry();
  Close(to);
  if (to >= fds_.size()) fds_.resize(to + 1);
  fds_[to] = std::move(moved);
  while (!fds_.empty() && !fds_.back().is_open()) fds_.pop_back();
  return true;
}

GuestMemory WasiState::MemoryOf(Instance* caller) {
  if (caller == nullptr || caller->module == nullptr) return GuestMemory();
  // The cache holds only the position of the export in the caller's module;
  // it is re-checked against the live caller on every use, so a stale entry
  // (another module at a reused address) costs a scan, never a dangling pointer.
  const std::vector<Export>& exports = caller->module->exports;
  auto is_memory = [&](size_t pos) {
    return pos < exports.size() && exports[pos].kind == ExternKind::kMemory &&
           exports[pos].name == "memory" && exports[pos].index < caller->memories.size();
  };
  if (caller->module != cached_module_ || !is_memory(cached_export_)) {
    cached_module_ = caller->module;
    cached_export_ = SIZE_MAX;
    for (size_t i = 0; i < exports.size(); ++i) {
      if (exports[i].name == "memory") {
        cached_export_ = i;
        break;
      }
    }
    if (!is_memory(cached_export_)) return GuestMemory();
  }
  const MemoryInstance* mem = caller->memories[exports[cached_export_].index];
  return GuestMemory(mem->base, mem->size_bytes);
}

uint8_t FiletypeOfMode(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return kFiletypeRegularFile;
    case S_IFDIR: return kFiletypeDirectory;
    case S_IFLNK: return kFiletypeSymbolicLink;
    case S_IFCHR: return kFiletypeCharacterDevice;
    case S_IFBLK: return kFiletypeBlockDevice;
    case S_IFSOCK: return kFiletypeSocketStream;
    default: return kFiletypeUnknown;  // FIFOs have no witx filetype
  }
}

uint8_t FiletypeOfFd(int host_fd) {
  struct stat st;
  if (::fstat(host_fd, &st) != 0) return kFiletypeUnknown;
  if (S_ISSOCK(st.st_mode)) {
    int type = 0;
    socklen_t len = sizeof type;
    if (::getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM) {
      return kFiletypeSocketDgram;
    }
    return kFiletypeSocketStream;
  }
  return FiletypeOfMode(st.st_mode);
}

WasiContext::WasiContext() : state_(std::make_unique<WasiState>()) {}
WasiContext::~WasiContext() = default;

std::unique_ptr<WasiContext> WasiContext::Create(const WasiConfig& config, std::string* error) {
  std::unique_ptr<WasiContext> ctx(new WasiContext());
  WasiState& s = *ctx->state_;
  s.args = config.args;
  s.env = config.env;
  for (int host_fd : {config.stdin_fd, config.stdout_fd, config.stderr_fd}) {
    FdEntry e;
    e.host_fd = host_fd;
    e.filetype = FiletypeOfFd(host_fd);
    s.Insert(std::move(e));  // a closed host fd still takes its number; I/O then fails
  }
  for (const Preopen& p : config.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      *error = "failed to open directory '" + p.host_path + "': " + std::strerror(errno);
      return nullptr;
    }
    FdEntry e;
    e.host_fd = fd;
    e.filetype = kFiletypeDirectory;
    e.owned = true;
    e.preopen = true;
    e.preopen_name = p.guest_path;
    s.Insert(std::move(e));
  }
  for (int sock : config.preopened_sockets) {
    FdEntry e;
    e.host_fd = sock;
    e.filetype = FiletypeOfFd(sock);
    s.Insert(std::move(e));
  }
  return ctx;
}

}  // namespace cascade::wasi
