// The JIT's compilation cache on disk (code_cache_file.h).
#include "jit/code_cache_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "engine/runtime/page_populate.h"
#include "engine/runtime/trap.h"
#include "jit/macro_assembler.h"
#include "jit/runtime_helpers.h"

namespace cascade::jit {

namespace {

constexpr uint32_t kMagic = 0x54494A43;  // "CJIT"
constexpr uint32_t kVersion = 3;

// File layout: Header, `count` records (RecordHead + tables), padding to a
// page, the code blob (`code_size` bytes at `code_offset`, each function's
// code at its `code_at`), then the xxh3-64 of [0, code_offset). Each
// function's code has its own xxh3-64 (`code_hash`), checked when it is
// installed: a run reads only the pages of the functions it uses.
struct Header {
  uint32_t magic, version;
  uint64_t engine;
  uint64_t module_lo, module_hi;
  uint32_t count;
  uint32_t features;  // FeatureBits: what the bodies were validated with
  uint64_t code_offset, code_size;
};
struct RecordHead {
  uint64_t key;
  uint64_t code_at;                            // offset in the code blob
  uint64_t code_hash;                          // xxh3-64 of the code bytes
  uint32_t size, internal_offset, osr_offset;  // osr_offset 0: no OSR entry
  uint32_t num_loops, num_access, num_calls;
};
static_assert(sizeof(Header) == 56 && sizeof(RecordHead) == 48);

// The optional proposals a module was decoded and validated with.
uint32_t FeatureBits(const Module& m) {
  return uint32_t{m.features.custom_page_sizes} | uint32_t{m.features.wide_arithmetic} << 1;
}

size_t PageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

uint64_t EngineHash() {
  static const uint64_t hash = [] {
    struct {
      uint64_t version, dev, ino, size, mtime_s, mtime_ns, sse41, helpers;
    } id = {};
    id.version = kVersion;
    struct stat st;
    if (stat("/proc/self/exe", &st) == 0) {
      id.dev = st.st_dev;
      id.ino = st.st_ino;
      id.size = static_cast<uint64_t>(st.st_size);
      id.mtime_s = static_cast<uint64_t>(st.st_mtim.tv_sec);
      id.mtime_ns = static_cast<uint64_t>(st.st_mtim.tv_nsec);
    }
    id.sse41 = MacroAssembler::HasRoundInstructions();
    while (kJitHelpers[id.helpers] != nullptr) ++id.helpers;
    return XXH3_64bits(&id, sizeof id);
  }();
  return hash;
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

template <typename T>
void Put(std::vector<uint8_t>* out, const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out->insert(out->end(), p, p + sizeof v);
}

// Reads `n` elements of T at *p into *out and advances *p past them.
template <typename T>
void ReadArray(const uint8_t** p, uint32_t n, std::vector<T>* out) {
  out->resize(n);
  if (n) std::memcpy(out->data(), *p, size_t{n} * sizeof(T));
  *p += size_t{n} * sizeof(T);
}

}  // namespace

// A loaded file: its mapping (read-only, for the records), the code blob
// mapped again read+execute (the code runs from the page cache, never
// copied), and per key where its record starts. Records were bounds-checked
// when the file was loaded.
struct SavedCode {
  const uint8_t* data = nullptr;  // the whole file, read-only (pages read on use)
  size_t size = 0;
  const uint8_t* code = nullptr;  // the executable mapping of the code blob
  size_t code_size = 0;
  bool code_populated = false;  // all of `code` mapped in at load (MAP_POPULATE)
  std::unordered_map<uint64_t, const uint8_t*> records;
  ~SavedCode() {
    if (code) munmap(const_cast<uint8_t*>(code), code_size);
    if (data) munmap(const_cast<uint8_t*>(data), size);
  }
};

ContentHash HashModuleBytes(std::span<const uint8_t> bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.low64, h.high64};
}

const std::string& EngineId() {
  static const std::string id = Hex(EngineHash());
  return id;
}

std::string DefaultCacheDir() {
  if (const char* d = std::getenv("CASCADE_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/cascade";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/cascade";
  return "";
}

std::string CacheFilePath(const std::string& dir, ContentHash module) {
  return dir + "/" + Hex(module.hi) + Hex(module.lo) + "-" + EngineId() + ".cjit";
}

namespace {

// Checks one record at `p` (within [p, end)) against a code blob of
// `code_size` bytes and returns the byte after it, or null when it does not
// fit or its offsets point outside its code.
const uint8_t* CheckRecord(const uint8_t* p, const uint8_t* end, uint64_t code_size) {
  if (static_cast<size_t>(end - p) < sizeof(RecordHead)) return nullptr;
  RecordHead h;
  std::memcpy(&h, p, sizeof h);
  uint64_t tables = uint64_t{h.num_loops} * 4 + (uint64_t{h.num_access} + h.num_calls) * 8;
  if (sizeof h + tables > static_cast<uint64_t>(end - p)) return nullptr;
  if (h.size == 0 || h.internal_offset >= h.size || h.osr_offset >= h.size ||
      h.code_at > code_size || h.size > code_size - h.code_at || (h.code_at & 15) != 0) {
    return nullptr;
  }
  const uint8_t* t = p + sizeof h;
  for (uint32_t i = 0; i < h.num_loops; ++i, t += 4) {
    uint32_t off;
    std::memcpy(&off, t, 4);
    if (off >= h.size) return nullptr;
  }
  for (uint32_t i = 0; i < h.num_access + h.num_calls; ++i, t += 8) {
    SourceSite s;
    std::memcpy(&s, t, 8);
    if (s.code_offset > h.size) return nullptr;
  }
  return t;
}

}  // namespace

bool LoadModuleCode(const Module& m, ContentHash module_hash, const std::string& path,
                    std::string* why) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *why = "no cache file";
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(Header) + 8)) {
    close(fd);
    *why = "cache file too short";
    return false;
  }
  auto saved = std::make_shared<SavedCode>();
  saved->size = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, saved->size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    close(fd);
    *why = std::string("cannot map the cache file: ") + std::strerror(errno);
    return false;
  }
  saved->data = static_cast<const uint8_t*>(map);
  const uint8_t* data = saved->data;
  const size_t size = saved->size;
  uint64_t checksum;
  std::memcpy(&checksum, data + size - 8, 8);
  Header h;
  std::memcpy(&h, data, sizeof h);
  if (h.magic != kMagic || h.version != kVersion || h.engine != EngineHash() ||
      h.module_lo != module_hash.lo || h.module_hi != module_hash.hi ||
      h.features != FeatureBits(m)) {
    close(fd);
    *why = "cache file of another engine build or module";
    return false;
  }
  if (h.code_offset % PageSize() != 0 || h.code_offset < sizeof h || h.code_offset > size - 8 ||
      h.code_size != size - 8 - h.code_offset || XXH3_64bits(data, h.code_offset) != checksum) {
    close(fd);
    *why = "cache file damaged";
    return false;
  }
  const uint8_t* p = data + sizeof h;
  const uint8_t* end = data + h.code_offset;
  for (uint32_t i = 0; i < h.count; ++i) {
    const uint8_t* next = CheckRecord(p, end, h.code_size);
    uint64_t key = 0;
    if (next) std::memcpy(&key, p, 8);
    if (next == nullptr || (key >> 2) >= m.funcs.size() || (key >> 2) < m.num_imported_funcs) {
      close(fd);
      *why = "cache file damaged (record " + std::to_string(i) + ")";
      return false;
    }
    saved->records[key] = p;
    p = next;
  }
  if (h.code_size > 0) {
    // The code runs from here: mapped read+execute, never writable.
    // Up to kPopulateCodeMaxBytes the whole blob is mapped in at once: one
    // batch of page-cache pages instead of a fault or an madvise per function
    // installed (a warm yosys run installs ~3,200: 5 ms less). Larger blobs,
    // whose runs likely use a small part, are mapped in function by function.
    constexpr size_t kPopulateCodeMaxBytes = size_t{256} << 20;
    saved->code_populated = h.code_size <= kPopulateCodeMaxBytes;
    void* code = mmap(nullptr, h.code_size, PROT_READ | PROT_EXEC,
                      MAP_PRIVATE | (saved->code_populated ? MAP_POPULATE : 0), fd,
                      static_cast<off_t>(h.code_offset));
    if (code == MAP_FAILED) {
      close(fd);
      *why = std::string("cannot map the cached code: ") + std::strerror(errno);
      return false;
    }
    saved->code = static_cast<const uint8_t*>(code);
    saved->code_size = h.code_size;
  }
  futimens(fd, nullptr);  // used now: trimming drops least recently used files first
  close(fd);
  ModuleCode& mc = CodeOf(m);
  std::lock_guard<std::mutex> lock(mc.mu);
  if (mc.saved) {  // installed code may point into it: it stays
    *why = "a cache file is already loaded for this module";
    return false;
  }
  mc.saved = std::move(saved);
  return true;
}

bool SavedHas(const SavedCode& saved, uint64_t key) { return saved.records.count(key) != 0; }

bool InstallSaved(const SavedCode& saved, uint64_t key, ModuleCode::Entry* e) {
  auto it = saved.records.find(key);
  if (it == saved.records.end()) return false;
  const uint8_t* p = it->second;
  RecordHead h;
  std::memcpy(&h, p, sizeof h);
  p += sizeof h;
  std::vector<uint32_t> loops;
  ReadArray(&p, h.num_loops, &loops);
  ReadArray(&p, h.num_access, &e->access_sites);
  ReadArray(&p, h.num_calls, &e->call_sites);
  auto* base = const_cast<uint8_t*>(saved.code + h.code_at);
  if (!saved.code_populated) {  // its pages in one go rather than a fault each (the hash reads them all)
    const uintptr_t page = PageSize();
    uintptr_t from = reinterpret_cast<uintptr_t>(base) & ~(page - 1);
    uintptr_t to = (reinterpret_cast<uintptr_t>(base) + h.size + page - 1) & ~(page - 1);
    PopulatePages(reinterpret_cast<void*>(from), to - from, /*write=*/false);
  }
  if (XXH3_64bits(base, h.size) != h.code_hash) {  // damaged: compile it instead
    e->access_sites.clear();
    e->call_sites.clear();
    return false;
  }
  e->ok = true;
  e->from_file = true;
  e->entry = base;
  e->size = h.size;
  e->internal = base + h.internal_offset;
  e->osr_entry = h.osr_offset ? base + h.osr_offset : nullptr;
  for (uint32_t off : loops) e->loop_headers.push_back(base + off);
  return true;
}

namespace {
// Writes `pieces` to `fd` in order (writev, IOV_MAX pieces at a time,
// resuming after short writes). Returns false on an error.
bool WriteAll(int fd, std::vector<iovec>& pieces) {
  size_t i = 0;
  while (i < pieces.size()) {
    int count = static_cast<int>(std::min<size_t>(pieces.size() - i, IOV_MAX));
    ssize_t n = writev(fd, &pieces[i], count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    auto left = static_cast<size_t>(n);
    while (i < pieces.size() && left >= pieces[i].iov_len) left -= pieces[i++].iov_len;
    if (left > 0) {  // a piece written in part: the rest of it next
      pieces[i].iov_base = static_cast<uint8_t*>(pieces[i].iov_base) + left;
      pieces[i].iov_len -= left;
    }
  }
  return true;
}
}  // namespace

bool SaveModuleCode(const Module& m, ContentHash module_hash, const std::string& path,
                    std::string* why) {
  TierCache* c = m.jit_cache.get();
  if (c == nullptr) return true;
  auto& mc = *static_cast<ModuleCode*>(c);
  // The records go into `out`; the code blob is written straight from where
  // each function's code lives (code memory or the loaded file's mapping),
  // one iovec per piece: copying a 14 MB blob into a buffer (fresh pages)
  // cost more than the rest of a warm yosys run.
  std::vector<uint8_t> out;
  std::vector<iovec> blob;
  uint64_t blob_size = 0;
  {
    std::lock_guard<std::mutex> lock(mc.mu);
    if (mc.compiled == 0) return true;
    Header h{kMagic, kVersion, EngineHash(), module_hash.lo, module_hash.hi, 0, FeatureBits(m), 0, 0};
    Put(&out, h);
    static const uint8_t kZeros[16] = {};
    // One record: its head and tables into `out`, its code bytes into `blob`.
    auto add = [&](uint64_t key, const uint8_t* bytes, uint32_t size, uint64_t code_hash,
                   uint32_t internal, uint32_t osr, std::span<const uint32_t> loops,
                   std::span<const SourceSite> access, std::span<const SourceSite> calls) {
      if (uint64_t pad = (16 - blob_size % 16) % 16) {
        blob.push_back({const_cast<uint8_t*>(kZeros), pad});
        blob_size += pad;
      }
      RecordHead r{key, blob_size, code_hash, size, internal, osr,
                   static_cast<uint32_t>(loops.size()), static_cast<uint32_t>(access.size()),
                   static_cast<uint32_t>(calls.size())};
      Put(&out, r);
      for (uint32_t l : loops) Put(&out, l);
      for (const SourceSite& s : access) Put(&out, s);
      for (const SourceSite& s : calls) Put(&out, s);
      blob.push_back({const_cast<uint8_t*>(bytes), size});
      blob_size += size;
      ++h.count;
    };
    std::vector<uint32_t> loops;
    for (const auto& [key, e] : mc.entries) {
      if (!e.ok) continue;
      const auto* base = static_cast<const uint8_t*>(e.entry);
      loops.clear();
      for (void* l : e.loop_headers)
        loops.push_back(static_cast<uint32_t>(static_cast<const uint8_t*>(l) - base));
      add(key, base, static_cast<uint32_t>(e.size), XXH3_64bits(base, e.size),
          static_cast<uint32_t>(static_cast<const uint8_t*>(e.internal) - base),
          e.osr_entry ? static_cast<uint32_t>(static_cast<const uint8_t*>(e.osr_entry) - base) : 0,
          loops, e.access_sites, e.call_sites);
    }
    // Saved functions this process did not run stay in the file.
    if (mc.saved) {
      std::vector<SourceSite> access, calls;
      for (const auto& [key, rec] : mc.saved->records) {
        if (mc.entries.count(key)) continue;
        RecordHead r;
        std::memcpy(&r, rec, sizeof r);
        const uint8_t* t = rec + sizeof r;
        ReadArray(&t, r.num_loops, &loops);
        ReadArray(&t, r.num_access, &access);
        ReadArray(&t, r.num_calls, &calls);
        const uint8_t* bytes = mc.saved->code + r.code_at;
        if (XXH3_64bits(bytes, r.size) != r.code_hash) continue;  // damaged: dropped
        add(key, bytes, r.size, r.code_hash, r.internal_offset, r.osr_offset, loops, access, calls);
      }
    }
    h.code_offset = (out.size() + PageSize() - 1) / PageSize() * PageSize();
    h.code_size = blob_size;
    std::memcpy(out.data(), &h, sizeof h);
  }
  out.resize(out.size() + (PageSize() - out.size() % PageSize()) % PageSize());
  uint64_t checksum = XXH3_64bits(out.data(), out.size());
  // mkdir -p, private.
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      std::string part = dir.substr(0, i);
      if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
        *why = "cannot create " + part + ": " + std::strerror(errno);
        return false;
      }
    }
  }
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *why = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  blob.insert(blob.begin(), {out.data(), out.size()});
  blob.push_back({&checksum, sizeof checksum});
  bool ok = WriteAll(fd, blob);
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    *why = "cannot write " + path + ": " + std::strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  TrimCacheDir(dir, path, kCacheSoftLimitBytes);
  return true;
}

void TrimCacheDir(const std::string& dir, const std::string& keep, uint64_t max_bytes) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  std::string keep_name = keep.substr(keep.rfind('/') + 1);
  struct File {
    std::string path;
    uint64_t bytes;
    int64_t mtime;
  };
  std::vector<File> files;
  uint64_t total = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".cjit") != 0 || name == keep_name)
      continue;
    std::string p = dir + "/" + name;
    struct stat st;
    if (stat(p.c_str(), &st) != 0) continue;
    files.push_back({p, static_cast<uint64_t>(st.st_size), static_cast<int64_t>(st.st_mtime)});
    total += static_cast<uint64_t>(st.st_size);
  }
  closedir(d);
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.mtime < b.mtime; });
  for (const File& f : files) {  // oldest first
    if (total <= max_bytes) break;
    if (unlink(f.path.c_str()) == 0) total -= f.bytes;
  }
}

}  // namespace cascade::jit
