// socket_test.cc: runs wasi/tests/sockets.wasm through the embedding API with
// a listening TCP socket on 127.0.0.1 given as WasiConfig::preopened_sockets
// (`cascade run` has no flag for it), while a client thread plays the peer:
// sends "ping", expects "PONG" and end of stream, then closes.
// Also checks that fds the embedder lends (the listener) stay open after the
// context is gone. Usage: wasi_socket_test PATH/sockets.wasm; exit 0 = pass.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/decoder.h"
#include "engine/runtime/invoke.h"
#include "engine/runtime/linker.h"
#include "engine/runtime/store.h"
#include "engine/validator.h"
#include "wasi/wasi.h"

namespace {

int Fail(const std::string& why) {
  std::fprintf(stderr, "FAIL: %s\n", why.c_str());
  return 1;
}

// The peer: connect, send "ping", read everything until EOF into *reply.
void Client(uint16_t port, std::string* reply) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(s);
    return;
  }
  (void)!::send(s, "ping", 4, MSG_NOSIGNAL);
  char buf[64];
  ssize_t n;
  while ((n = ::recv(s, buf, sizeof buf, 0)) > 0) reply->append(buf, static_cast<size_t>(n));
  ::close(s);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return Fail("usage: wasi_socket_test sockets.wasm");
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) return Fail(std::string("cannot read ") + argv[1]);
  auto module = std::make_shared<cascade::Module>();
  cascade::Error error;
  if (!cascade::DecodeModule(std::move(bytes), module.get(), &error) ||
      !cascade::ValidateModule(*module, &error)) {
    return Fail("invalid module: " + error.message);
  }

  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 4) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::printf("SKIP: cannot listen on 127.0.0.1: %s\n", std::strerror(errno));
    return 77;
  }
  std::string reply;
  std::thread client(Client, ntohs(addr.sin_port), &reply);

  bool ok = true;
  std::string why;
  {
    cascade::Store store;
    cascade::Linker linker;
    cascade::wasi::WasiConfig config;
    config.args = {"sockets.wasm"};
    config.preopened_sockets = {listener};
    std::string err;
    auto ctx = cascade::wasi::WasiContext::Create(config, &err);
    if (ctx == nullptr) return Fail(err);
    cascade::wasi::DefinePreview1(store, linker, *ctx);
    cascade::InstantiateError ierr;
    cascade::Instance* instance = cascade::Instantiate(store, linker, module, &ierr);
    if (instance == nullptr) return Fail("instantiation: " + ierr.trap.message);
    cascade::Extern start = instance->GetExport("_start");
    if (start.object == nullptr) return Fail("no _start");
    std::vector<cascade::Value> results;
    cascade::Trap trap;
    if (!cascade::Invoke(store, start.func(), {}, &results, &trap) &&
        !(trap.exit_status.has_value() && *trap.exit_status == 0)) {
      ok = false;
      why = "guest failed: " + trap.message;
    }
  }
  client.join();
  if (!ok) return Fail(why);
  if (reply != "PONG") return Fail("client got \"" + reply + "\", want \"PONG\"");
  if (::fcntl(listener, F_GETFD) < 0) return Fail("the lent listener was closed by the context");
  ::close(listener);
  std::printf("ok socket_test\n");
  return 0;
}
