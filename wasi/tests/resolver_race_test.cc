// resolver_race_test.cc: path resolution beneath a directory fd under a race.
// An attacker thread keeps swapping ROOT/d (a real directory holding
// secret = "INSIDE") with a symlink to OUTSIDE (holding secret = "SECRET"),
// absolute or relative, while the main thread resolves "d/secret" and
// "d/../d/secret" beneath ROOT with OpenBeneath and ResolveParent +
// openat. Every open that succeeds must read "INSIDE"; a failure (perm, noent,
// loop, notdir) is fine. Run once with openat2 and once with the walk
// (CASCADE_WASI_NO_OPENAT2=1). Exit 0 = never escaped; prints the counts.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "wasi/path_resolver.h"

namespace {

void WriteFile(const std::string& path, const char* text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    (void)!::write(fd, text, std::strlen(text));
    ::close(fd);
  }
}

}  // namespace

int main() {
  char tmpl[] = "/tmp/cascade_race_XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  std::string base = tmpl, root = base + "/root", outside = base + "/outside";
  ::mkdir(root.c_str(), 0755);
  ::mkdir(outside.c_str(), 0755);
  ::mkdir((root + "/d").c_str(), 0755);
  WriteFile(root + "/d/secret", "INSIDE");
  WriteFile(outside + "/secret", "SECRET");
  int rootfd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) {
    std::perror("open root");
    return 1;
  }

  constexpr int kIterations = 20000;
  std::atomic<bool> stop{false};
  std::thread attacker([&] {
    const std::string d = root + "/d", real = root + "/d_real";
    for (unsigned i = 0; !stop.load(std::memory_order_relaxed); ++i) {
      ::rename(d.c_str(), real.c_str());
      ::symlink(i % 2 ? outside.c_str() : "../outside", d.c_str());
      ::unlink(d.c_str());
      ::rename(real.c_str(), d.c_str());
    }
  });

  int opened = 0, refused = 0, escaped = 0;
  auto check = [&](int fd) {
    if (fd < 0) {
      ++refused;
      return;
    }
    char buf[16] = {0};
    (void)!::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    ++opened;
    if (std::strcmp(buf, "INSIDE") != 0) ++escaped;
  };
  for (int i = 0; i < kIterations; ++i) {
    cascade::wasi::Errno err;
    check(cascade::wasi::OpenBeneath(rootfd, i % 2 ? "d/secret" : "d/../d/secret", O_RDONLY, 0,
                                     true, &err));
    cascade::wasi::ParentAndName p;
    if (cascade::wasi::ResolveParent(rootfd, "d/secret", &p) == cascade::wasi::Errno::k_success) {
      check(::openat(p.parent.get(), p.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    } else {
      ++refused;
    }
  }
  stop = true;
  attacker.join();
  ::close(rootfd);
  std::string cleanup = "rm -rf '" + base + "'";
  (void)!std::system(cleanup.c_str());
  const char* mode = std::getenv("CASCADE_WASI_NO_OPENAT2");
  std::printf("resolver race (%s): %d opened, %d refused, %d escaped\n",
              mode != nullptr && mode[0] == '1' ? "walk" : "openat2", opened, refused, escaped);
  if (escaped != 0) return 1;
  if (opened == 0) {
    std::printf("FAIL: no resolution succeeded; the race never let one through\n");
    return 1;
  }
  return 0;
}
