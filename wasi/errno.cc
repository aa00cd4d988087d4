// Host errno -> witx errno (wasi_types.h). Linux's errno names match witx's
// one for one where both have the name; EWOULDBLOCK == EAGAIN and
// EOPNOTSUPP == ENOTSUP on Linux, so each appears once.
#include <cerrno>

#include "wasi/wasi_types.h"

namespace cascade::wasi {

Errno ErrnoFromHost(int e) {
  switch (e) {
    case 0: return Errno::k_success;
    case E2BIG: return Errno::k_toobig;
    case EACCES: return Errno::k_acces;
    case EADDRINUSE: return Errno::k_addrinuse;
    case EADDRNOTAVAIL: return Errno::k_addrnotavail;
    case EAFNOSUPPORT: return Errno::k_afnosupport;
    case EAGAIN: return Errno::k_again;
    case EALREADY: return Errno::k_already;
    case EBADF: return Errno::k_badf;
    case EBADMSG: return Errno::k_badmsg;
    case EBUSY: return Errno::k_busy;
    case ECANCELED: return Errno::k_canceled;
    case ECHILD: return Errno::k_child;
    case ECONNABORTED: return Errno::k_connaborted;
    case ECONNREFUSED: return Errno::k_connrefused;
    case ECONNRESET: return Errno::k_connreset;
    case EDEADLK: return Errno::k_deadlk;
    case EDESTADDRREQ: return Errno::k_destaddrreq;
    case EDOM: return Errno::k_dom;
    case EDQUOT: return Errno::k_dquot;
    case EEXIST: return Errno::k_exist;
    case EFAULT: return Errno::k_fault;
    case EFBIG: return Errno::k_fbig;
    case EHOSTUNREACH: return Errno::k_hostunreach;
    case EIDRM: return Errno::k_idrm;
    case EILSEQ: return Errno::k_ilseq;
    case EINPROGRESS: return Errno::k_inprogress;
    case EINTR: return Errno::k_intr;
    case EINVAL: return Errno::k_inval;
    case EIO: return Errno::k_io;
    case EISCONN: return Errno::k_isconn;
    case EISDIR: return Errno::k_isdir;
    case ELOOP: return Errno::k_loop;
    case EMFILE: return Errno::k_mfile;
    case EMLINK: return Errno::k_mlink;
    case EMSGSIZE: return Errno::k_msgsize;
    case EMULTIHOP: return Errno::k_multihop;
    case ENAMETOOLONG: return Errno::k_nametoolong;
    case ENETDOWN: return Errno::k_netdown;
    case ENETRESET: return Errno::k_netreset;
    case ENETUNREACH: return Errno::k_netunreach;
    case ENFILE: return Errno::k_nfile;
    case ENOBUFS: return Errno::k_nobufs;
    case ENODEV: return Errno::k_nodev;
    case ENOENT: return Errno::k_noent;
    case ENOEXEC: return Errno::k_noexec;
    case ENOLCK: return Errno::k_nolck;
    case ENOLINK: return Errno::k_nolink;
    case ENOMEM: return Errno::k_nomem;
    case ENOMSG: return Errno::k_nomsg;
    case ENOPROTOOPT: return Errno::k_noprotoopt;
    case ENOSPC: return Errno::k_nospc;
    case ENOSYS: return Errno::k_nosys;
    case ENOTCONN: return Errno::k_notconn;
    case ENOTDIR: return Errno::k_notdir;
    case ENOTEMPTY: return Errno::k_notempty;
    case ENOTRECOVERABLE: return Errno::k_notrecoverable;
    case ENOTSOCK: return Errno::k_notsock;
    case ENOTSUP: return Errno::k_notsup;
    case ENOTTY: return Errno::k_notty;
    case ENXIO: return Errno::k_nxio;
    case EOVERFLOW: return Errno::k_overflow;
    case EOWNERDEAD: return Errno::k_ownerdead;
    case EPERM: return Errno::k_perm;
    case EPIPE: return Errno::k_pipe;
    case EPROTO: return Errno::k_proto;
    case EPROTONOSUPPORT: return Errno::k_protonosupport;
    case EPROTOTYPE: return Errno::k_prototype;
    case ERANGE: return Errno::k_range;
    case EROFS: return Errno::k_rofs;
    case ESPIPE: return Errno::k_spipe;
    case ESRCH: return Errno::k_srch;
    case ESTALE: return Errno::k_stale;
    case ETIMEDOUT: return Errno::k_timedout;
    case ETXTBSY: return Errno::k_txtbsy;
    case EXDEV: return Errno::k_xdev;
    default: return Errno::k_io;
  }
}

}  // namespace cascade::wasi
