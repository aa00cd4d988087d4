/* sockets.c: sock_accept / sock_recv / sock_send / sock_shutdown on a
 * listening socket pre-opened by the embedder as guest fd 3 (run by
 * socket_test.cc, whose client thread sends "ping", expects "PONG", then
 * closes). */
#include "wasi_test.h"

int main(void) {
  __wasi_fdstat_t st;
  CHECK_EQ(__wasi_fd_fdstat_get(3, &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM);
  __wasi_prestat_t ps;
  CHECK_EQ(__wasi_fd_prestat_get(3, &ps), __WASI_ERRNO_BADF); /* a socket is no preopened dir */
  __wasi_fd_t conn;
  CHECK_EQ(__wasi_sock_accept(3, 0, &conn), __WASI_ERRNO_SUCCESS);
  CHECK(conn > 3);
  CHECK_EQ(__wasi_fd_fdstat_get(conn, &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM);

  /* Peek, then read: the same 4 bytes (waitall: the client may send in pieces). */
  char buf[16] = {0};
  __wasi_iovec_t iov = {(uint8_t*)buf, 4};
  __wasi_size_t n;
  __wasi_roflags_t ro;
  CHECK_EQ(__wasi_sock_recv(conn, &iov, 1, __WASI_RIFLAGS_RECV_PEEK | __WASI_RIFLAGS_RECV_WAITALL, &n, &ro),
           __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 4);
  CHECK(memcmp(buf, "ping", 4) == 0);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(__wasi_sock_recv(conn, &iov, 1, __WASI_RIFLAGS_RECV_WAITALL, &n, &ro), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 4);
  CHECK_EQ(ro, 0);
  CHECK(memcmp(buf, "ping", 4) == 0);
  /* fd_read / fd_write work on sockets too; send in two iovecs. */
  __wasi_ciovec_t out[2] = {{(const uint8_t*)"PO", 2}, {(const uint8_t*)"NG", 2}};
  CHECK_EQ(__wasi_sock_send(conn, out, 2, 0, &n), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 4);
  CHECK_EQ(__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR), __WASI_ERRNO_SUCCESS);
  /* The client closes after reading PONG: end of stream. */
  CHECK_EQ(__wasi_sock_recv(conn, &iov, 1, 0, &n, &ro), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(n, 0);
  CHECK_EQ(__wasi_sock_shutdown(conn, 0), __WASI_ERRNO_INVAL);
  CHECK_EQ(__wasi_fd_close(conn), __WASI_ERRNO_SUCCESS);
  /* No second client: with the listener made non-blocking, accept says again.
   * (sock_accept's own flags are the new connection's.) */
  CHECK_EQ(__wasi_fd_fdstat_set_flags(3, __WASI_FDFLAGS_NONBLOCK), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(__wasi_fd_fdstat_get(3, &st), __WASI_ERRNO_SUCCESS);
  CHECK_EQ(st.fs_flags, __WASI_FDFLAGS_NONBLOCK);
  CHECK_EQ(__wasi_sock_accept(3, __WASI_FDFLAGS_NONBLOCK, &conn), __WASI_ERRNO_AGAIN);
  CHECK_EQ(__wasi_sock_accept(3, __WASI_FDFLAGS_APPEND, &conn), __WASI_ERRNO_INVAL);
  /* Socket calls on non-sockets. */
  CHECK_EQ(__wasi_sock_accept(1, 0, &conn), __WASI_ERRNO_NOTSOCK);
  CHECK_EQ(__wasi_sock_shutdown(1, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
  CHECK_EQ(__wasi_sock_send(99, out, 1, 0, &n), __WASI_ERRNO_BADF);
  pass("sockets");
  return 0;
}
