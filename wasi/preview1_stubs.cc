// TEMPORARY stubs (skeleton): functions not yet implemented return nosys.
#include "wasi/preview1.h"
namespace cascade::wasi {
Errno fd_readdir(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_create_directory(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_filestat_get(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_filestat_set_times(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_link(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_open(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_readlink(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_remove_directory(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_rename(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_symlink(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno path_unlink_file(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno poll_oneoff(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno sock_accept(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno sock_recv(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno sock_send(Call&, const uint64_t*) { return Errno::k_nosys; }
Errno sock_shutdown(Call&, const uint64_t*) { return Errno::k_nosys; }
}  // namespace cascade::wasi
