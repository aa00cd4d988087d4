// The types of wasi_snapshot_preview1 as the witx spec defines them
// (WASI branch wasi-0.1, preview1/witx/typenames.witx): errno values, enum
// and flag values, and the byte layouts of the records the guest reads and
// writes (offsets within a record, and its size).
//
// Invariants: every number here is the witx's (enum values are declaration
// order; flags are bit declaration order); layouts follow the C ABI of wasm32
// (u64 fields 8-aligned, pointers and `size` 4 bytes), as wasi-libc's api.h
// asserts.
#pragma once

#include <cstdint>

namespace cascade::wasi {

// errno (witx `errno`, u16): name, value.
#define CASCADE_WASI_ERRNOS(X)                                                          \
  X(success, 0) X(toobig, 1) X(acces, 2) X(addrinuse, 3) X(addrnotavail, 4)             \
  X(afnosupport, 5) X(again, 6) X(already, 7) X(badf, 8) X(badmsg, 9) X(busy, 10)       \
  X(canceled, 11) X(child, 12) X(connaborted, 13) X(connrefused, 14) X(connreset, 15)   \
  X(deadlk, 16) X(destaddrreq, 17) X(dom, 18) X(dquot, 19) X(exist, 20) X(fault, 21)    \
  X(fbig, 22) X(hostunreach, 23) X(idrm, 24) X(ilseq, 25) X(inprogress, 26)             \
  X(intr, 27) X(inval, 28) X(io, 29) X(isconn, 30) X(isdir, 31) X(loop, 32)             \
  X(mfile, 33) X(mlink, 34) X(msgsize, 35) X(multihop, 36) X(nametoolong, 37)           \
  X(netdown, 38) X(netreset, 39) X(netunreach, 40) X(nfile, 41) X(nobufs, 42)           \
  X(nodev, 43) X(noent, 44) X(noexec, 45) X(nolck, 46) X(nolink, 47) X(nomem, 48)       \
  X(nomsg, 49) X(noprotoopt, 50) X(nospc, 51) X(nosys, 52) X(notconn, 53)               \
  X(notdir, 54) X(notempty, 55) X(notrecoverable, 56) X(notsock, 57) X(notsup, 58)      \
  X(notty, 59) X(nxio, 60) X(overflow, 61) X(ownerdead, 62) X(perm, 63) X(pipe, 64)     \
  X(proto, 65) X(protonosupport, 66) X(prototype, 67) X(range, 68) X(rofs, 69)          \
  X(spipe, 70) X(srch, 71) X(stale, 72) X(timedout, 73) X(txtbsy, 74) X(xdev, 75)       \
  X(notcapable, 76)

enum class Errno : uint16_t {
#define CASCADE_WASI_ERRNO_ENUM(name, value) k_##name = value,
  CASCADE_WASI_ERRNOS(CASCADE_WASI_ERRNO_ENUM)
#undef CASCADE_WASI_ERRNO_ENUM
};

// The witx errno for a host `errno` value (EIO -> io, ...); `io` for values
// witx has no name for.
Errno ErrnoFromHost(int host_errno);

// clockid (u32)
inline constexpr uint32_t kClockRealtime = 0;
inline constexpr uint32_t kClockMonotonic = 1;
inline constexpr uint32_t kClockProcessCputime = 2;
inline constexpr uint32_t kClockThreadCputime = 3;

// filetype (u8)
inline constexpr uint8_t kFiletypeUnknown = 0;
inline constexpr uint8_t kFiletypeBlockDevice = 1;
inline constexpr uint8_t kFiletypeCharacterDevice = 2;
inline constexpr uint8_t kFiletypeDirectory = 3;
inline constexpr uint8_t kFiletypeRegularFile = 4;
inline constexpr uint8_t kFiletypeSocketDgram = 5;
inline constexpr uint8_t kFiletypeSocketStream = 6;
inline constexpr uint8_t kFiletypeSymbolicLink = 7;

// whence (u8)
inline constexpr uint8_t kWhenceSet = 0;
inline constexpr uint8_t kWhenceCur = 1;
inline constexpr uint8_t kWhenceEnd = 2;

// advice (u8)
inline constexpr uint8_t kAdviceNormal = 0;
inline constexpr uint8_t kAdviceSequential = 1;
inline constexpr uint8_t kAdviceRandom = 2;
inline constexpr uint8_t kAdviceWillneed = 3;
inline constexpr uint8_t kAdviceDontneed = 4;
inline constexpr uint8_t kAdviceNoreuse = 5;

// fdflags (u16)
inline constexpr uint16_t kFdflagAppend = 1 << 0;
inline constexpr uint16_t kFdflagDsync = 1 << 1;
inline constexpr uint16_t kFdflagNonblock = 1 << 2;
inline constexpr uint16_t kFdflagRsync = 1 << 3;
inline constexpr uint16_t kFdflagSync = 1 << 4;

// fstflags (u16)
inline constexpr uint16_t kFstflagAtim = 1 << 0;
inline constexpr uint16_t kFstflagAtimNow = 1 << 1;
inline constexpr uint16_t kFstflagMtim = 1 << 2;
inline constexpr uint16_t kFstflagMtimNow = 1 << 3;

// lookupflags (u32)
inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

// oflags (u16)
inline constexpr uint16_t kOflagCreat = 1 << 0;
inline constexpr uint16_t kOflagDirectory = 1 << 1;
inline constexpr uint16_t kOflagExcl = 1 << 2;
inline constexpr uint16_t kOflagTrunc = 1 << 3;

// rights (u64): bit i is the i-th right of the witx list (fd_datasync = 0 ...
// sock_accept = 29). Never enforced; fd_fdstat_get reports what the object
// allows (as wasmtime does), path_open reads fd_read/fd_write as the mode.
inline constexpr uint64_t kRightFdDatasync = uint64_t{1} << 0;
inline constexpr uint64_t kRightFdRead = uint64_t{1} << 1;
inline constexpr uint64_t kRightFdSeek = uint64_t{1} << 2;
inline constexpr uint64_t kRightFdFdstatSetFlags = uint64_t{1} << 3;
inline constexpr uint64_t kRightFdSync = uint64_t{1} << 4;
inline constexpr uint64_t kRightFdTell = uint64_t{1} << 5;
inline constexpr uint64_t kRightFdWrite = uint64_t{1} << 6;
inline constexpr uint64_t kRightFdAdvise = uint64_t{1} << 7;
inline constexpr uint64_t kRightFdAllocate = uint64_t{1} << 8;
inline constexpr uint64_t kRightFdReaddir = uint64_t{1} << 14;
inline constexpr uint64_t kRightFdFilestatGet = uint64_t{1} << 21;
inline constexpr uint64_t kRightFdFilestatSetSize = uint64_t{1} << 22;
inline constexpr uint64_t kRightFdFilestatSetTimes = uint64_t{1} << 23;
inline constexpr uint64_t kRightPollFdReadwrite = uint64_t{1} << 27;
inline constexpr uint64_t kRightSockShutdown = uint64_t{1} << 28;
inline constexpr uint64_t kRightSockAccept = uint64_t{1} << 29;
inline constexpr uint64_t kRightsAll = (uint64_t{1} << 30) - 1;
// The path_* rights a directory reports: path_create_directory (9) ..
// path_filestat_set_times (20) except fd_readdir (14) and
// path_filestat_set_size (19: truncation by path_open's O_TRUNC is not a
// right wasmtime reports either), and path_symlink, path_remove_directory,
// path_unlink_file (24..26).
inline constexpr uint64_t kRightPathFilestatSetSize = uint64_t{1} << 19;
inline constexpr uint64_t kRightsPath =
    ((((uint64_t{1} << 21) - 1) & ~((uint64_t{1} << 9) - 1)) & ~kRightFdReaddir &
     ~kRightPathFilestatSetSize) |
    (uint64_t{7} << 24);

// eventtype (u8), eventrwflags (u16), subclockflags (u16)
inline constexpr uint8_t kEventtypeClock = 0;
inline constexpr uint8_t kEventtypeFdRead = 1;
inline constexpr uint8_t kEventtypeFdWrite = 2;
inline constexpr uint16_t kEventrwflagHangup = 1 << 0;
inline constexpr uint16_t kSubclockflagAbstime = 1 << 0;

// riflags, roflags, sdflags
inline constexpr uint16_t kRiflagRecvPeek = 1 << 0;
inline constexpr uint16_t kRiflagRecvWaitall = 1 << 1;
inline constexpr uint16_t kRoflagRecvDataTruncated = 1 << 0;
inline constexpr uint8_t kSdflagRd = 1 << 0;
inline constexpr uint8_t kSdflagWr = 1 << 1;

// preopentype (u8)
inline constexpr uint8_t kPreopentypeDir = 0;

// Record layouts: k<Record><Field> is the field's byte offset, k<Record>Size
// the record's size.
inline constexpr uint32_t kIovecBuf = 0, kIovecBufLen = 4, kIovecSize = 8;
inline constexpr uint32_t kDirentNext = 0, kDirentIno = 8, kDirentNamlen = 16,
                          kDirentType = 20, kDirentSize = 24;
inline constexpr uint32_t kFdstatFiletype = 0, kFdstatFlags = 2, kFdstatRightsBase = 8,
                          kFdstatRightsInheriting = 16, kFdstatSize = 24;
inline constexpr uint32_t kFilestatDev = 0, kFilestatIno = 8, kFilestatFiletype = 16,
                          kFilestatNlink = 24, kFilestatSize = 32, kFilestatAtim = 40,
                          kFilestatMtim = 48, kFilestatCtim = 56, kFilestatRecordSize = 64;
inline constexpr uint32_t kPrestatTag = 0, kPrestatNameLen = 4, kPrestatSize = 8;
// event: userdata u64, error u16, type u8, fd_readwrite {nbytes u64, flags u16}
inline constexpr uint32_t kEventUserdata = 0, kEventError = 8, kEventType = 10,
                          kEventNbytes = 16, kEventFlags = 24, kEventSize = 32;
// subscription: userdata u64, then the union: tag u8 at 8, payload at 16
// (subscription_clock {id u32, timeout u64, precision u64, flags u16} or
// subscription_fd_readwrite {fd u32}).
inline constexpr uint32_t kSubscriptionUserdata = 0, kSubscriptionTag = 8,
                          kSubscriptionClockId = 16, kSubscriptionClockTimeout = 24,
                          kSubscriptionClockPrecision = 32, kSubscriptionClockFlags = 40,
                          kSubscriptionFd = 16, kSubscriptionSize = 48;

}  // namespace cascade::wasi
