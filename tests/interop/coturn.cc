#include "interop/coturn.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace parley::test {
namespace {

using Clock = Subprocess::Clock;

constexpr std::chrono::seconds kStartBound{20};

// A socket bound to 127.0.0.1:port (0: ephemeral), closed by the destructor.
class BoundSocket {
 public:
  BoundSocket(int type, uint16_t port) {
    fd_ = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    socklen_t length = sizeof address;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~BoundSocket() {
    if (fd_ >= 0) close(fd_);
  }
  BoundSocket(BoundSocket&& other) noexcept : fd_(other.fd_), port_(other.port_) { other.fd_ = -1; }
  BoundSocket(const BoundSocket&) = delete;
  BoundSocket& operator=(const BoundSocket&) = delete;
  bool ok() const { return fd_ >= 0; }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Two distinct loopback ports free for TCP, the first also for UDP. Held (bound) by `holders`
// until the caller releases them right before starting the server.
bool PickPorts(uint16_t* port, uint16_t* tls_port, std::vector<BoundSocket>* holders) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    BoundSocket tcp(SOCK_STREAM, 0);
    if (!tcp.ok()) continue;
    BoundSocket udp(SOCK_DGRAM, tcp.port());
    if (!udp.ok()) continue;
    BoundSocket tls(SOCK_STREAM, 0);
    if (!tls.ok()) continue;
    *port = tcp.port();
    *tls_port = tls.port();
    holders->push_back(std::move(tcp));
    holders->push_back(std::move(udp));
    holders->push_back(std::move(tls));
    return true;
  }
  return false;
}

bool TcpAccepts(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  // Blocking, on loopback: a listening port accepts at once, a closed one refuses at once.
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

std::string Tail(const std::string& text, size_t size = 3000) {
  return text.size() <= size ? text : "..." + text.substr(text.size() - size);
}

int MillisUntil(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left + 1, INT_MAX));
}

}  // namespace

Result<std::unique_ptr<Coturn>> Coturn::Start() {
  if (!IsExecutable(kBinary)) {
    return OperationError(std::string("coturn is not installed (") + kBinary +
                          " not found): run scripts/setup-deps.sh (Debian package coturn)");
  }
  if (!IsExecutable(kOpenssl)) {
    return OperationError(std::string("the openssl CLI is not installed (") + kOpenssl +
                          " not found): run scripts/setup-deps.sh (Debian package openssl)");
  }
  auto server = std::unique_ptr<Coturn>(new Coturn());
  server->dir_ = std::make_unique<TempDir>();
  if (!server->dir_->ok()) return OperationError("cannot create a temporary directory");
  server->cert_file_ = server->dir_->File("cert.pem");
  server->key_file_ = server->dir_->File("key.pem");
  server->log_file_ = server->dir_->File("turnserver.log");

  // A self-signed certificate (its own CA: "openssl req -x509" marks it CA:TRUE) for the name
  // and for 127.0.0.1.
  const std::string openssl_log = server->dir_->File("openssl.log");
  auto openssl = Subprocess::Spawn(
      {kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", server->key_file_, "-out", server->cert_file_, "-days", "2", "-subj",
       std::string("/CN=") + kServerName, "-addext",
       std::string("subjectAltName=DNS:") + kServerName + ",IP:127.0.0.1"},
      {.stdout_file = openssl_log, .stderr_file = openssl_log});
  if (!openssl.ok()) return OperationError("openssl: " + openssl.error().message());
  if (!(*openssl)->WaitForExit(Clock::now() + kStartBound) ||
      (*openssl)->exit_description() != "exit code 0") {
    return OperationError("openssl req failed (" + (*openssl)->exit_description() +
                          "): " + ReadFileText(openssl_log));
  }

  std::string errors;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto launched = server->Launch();
    if (launched.ok()) return server;
    errors += "attempt " + std::to_string(attempt + 1) + ": " + launched.error().message() + "\n";
  }
  return OperationError("turnserver did not start:\n" + errors);
}

Result<void> Coturn::Launch() {
  process_.reset();
  std::vector<BoundSocket> holders;
  if (!PickPorts(&port_, &tls_port_, &holders)) {
    return OperationError("no free loopback ports");
  }
  const std::string config = dir_->File("empty.conf");  // Ignore /etc/turnserver.conf.
  std::ofstream(config).flush();
  std::remove(log_file_.c_str());
  const std::vector<std::string> argv = {
      kBinary,
      "-c",
      config,
      "--listening-ip=127.0.0.1",
      "--relay-ip=127.0.0.1",
      "--listening-port=" + std::to_string(port_),
      "--tls-listening-port=" + std::to_string(tls_port_),
      "--lt-cred-mech",
      std::string("--user=") + kUser + ":" + kPassword,
      std::string("--realm=") + kRealm,
      "--allow-loopback-peers",
      "--no-cli",
      "--no-dtls",
      "--cert=" + cert_file_,
      "--pkey=" + key_file_,
      "--pidfile=" + dir_->File("turnserver.pid"),
      "--userdb=" + dir_->File("turndb"),
      "--log-file=" + log_file_,
      "--simple-log",  // Exactly log_file_, no date suffix.
      "--no-stdout-log",
      "--verbose",
  };
  // Watch the directory before starting, so no write to the log is missed.
  const int inotify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (inotify < 0) return OperationError("inotify_init1 failed");
  struct CloseOnExit {
    int fd;
    ~CloseOnExit() { close(fd); }
  } close_inotify{inotify};
  if (inotify_add_watch(inotify, dir_->path().c_str(), IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE) <
      0) {
    return OperationError("inotify_add_watch failed");
  }
  holders.clear();  // Free the ports for turnserver.
  auto spawned = Subprocess::Spawn(argv, {.stdout_file = dir_->File("turnserver.stdout"),
                                          .stderr_file = dir_->File("turnserver.stdout")});
  if (!spawned.ok()) return spawned.error();
  process_ = std::move(spawned).value();

  const std::string udp_ready = "UDP listener opened on: 127.0.0.1:" + std::to_string(port_);
  const Clock::time_point deadline = Clock::now() + kStartBound;
  while (true) {
    const std::string text = log();
    if (text.find(udp_ready) != std::string::npos && TcpAccepts(port_) && TcpAccepts(tls_port_)) {
      return Ok();
    }
    pollfd fds[2] = {{inotify, POLLIN, 0}, {process_->exit_fd(), POLLIN, 0}};
    const int ready = poll(fds, 2, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      process_->Stop();
      return OperationError("not ready within " + std::to_string(kStartBound.count()) +
                            " s; log:\n" + Tail(log()));
    }
    if ((fds[1].revents & POLLIN) != 0) {
      process_->WaitForExit(Clock::now() + std::chrono::seconds(1));
      const std::string exit = process_->exit_description();
      return OperationError("turnserver exited (" + exit + ") during start-up; log:\n" +
                            Tail(log()) + "\nstdout/stderr:\n" +
                            Tail(ReadFileText(dir_->File("turnserver.stdout"))));
    }
    char events[4096];
    while (read(inotify, events, sizeof events) > 0) {
    }
  }
}

Coturn::~Coturn() {
  if (process_) process_->Stop();
}

std::string Coturn::log() const {
  return ReadFileText(log_file_);
}

size_t CountOccurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

bool Coturn::WaitForLog(const std::string& needle, size_t count,
                        std::chrono::milliseconds bound) const {
  const int inotify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (inotify < 0) return CountOccurrences(log(), needle) >= count;
  struct CloseOnExit {
    int fd;
    ~CloseOnExit() { close(fd); }
  } close_inotify{inotify};
  // Before the first check, so that no write in between goes unnoticed.
  inotify_add_watch(inotify, log_file_.c_str(), IN_MODIFY);
  const Clock::time_point deadline = Clock::now() + bound;
  while (true) {
    if (CountOccurrences(log(), needle) >= count) return true;
    pollfd fd{inotify, POLLIN, 0};
    const int ready = poll(&fd, 1, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return CountOccurrences(log(), needle) >= count;
    char events[4096];
    while (read(inotify, events, sizeof events) > 0) {
    }
  }
}

turn::ServerConfig Coturn::Server(turn::Transport transport) const {
  turn::ServerConfig config;
  config.server = transport == turn::Transport::kTls ? tls_address() : address();
  config.transport = transport;
  config.username = kUser;
  config.password = kPassword;
  if (transport == turn::Transport::kTls) {
    config.tls_server_name = kServerName;
    config.tls_ca_file = cert_file_;
  }
  return config;
}

}  // namespace parley::test
