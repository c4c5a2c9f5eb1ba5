// The control socket (control_socket.hpp): the daemon's accept loop and one
// coroutine per request on the I/O loop; the client's blocking exchange.
#include "app/control_socket.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "net/spawn.hpp"

namespace tributary::app {
namespace {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// A request is one short line, sent at once by our own client.
constexpr std::size_t kMaxRequestBytes = 4096;
constexpr auto kRequestTimeout = std::chrono::seconds(5);

// The longest path a sockaddr_un holds, with its terminating NUL.
constexpr std::size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;

void check_socket_path(const std::filesystem::path& path) {
  if (path.string().size() > kMaxSocketPath)
    throw std::runtime_error(fmt::format(
        "control socket {}: the path is longer than a Unix socket allows ({} bytes); put the database in a shorter "
        "directory",
        path.string(), kMaxSocketPath));
}

// Only our own user (or root) may talk to the daemon: the file's mode says
// so already; the peer's credentials say it again, whatever the mode became.
bool is_trusted_peer(int fd) {
  ucred peer{};
  socklen_t size = sizeof peer;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0) return false;
  return peer.uid == geteuid() || peer.uid == 0;
}

class SocketReply final : public ControlReply {
 public:
  explicit SocketReply(Local::socket& socket) : socket_(socket) {}
  asio::awaitable<void> write_line(std::string line) override {
    // A client that left is no reason to stop answering the others.
    for (char& c : line)
      if (c == '\n' || c == '\r') c = ' ';
    line += '\n';
    co_await asio::async_write(socket_, asio::buffer(line), kUseTuple);
  }

 private:
  Local::socket& socket_;
};

}  // namespace

std::filesystem::path control_socket_path(const std::filesystem::path& database) {
  if (database.empty() || database == ":memory:") return {};
  return std::filesystem::path(database.string() + ".sock");
}

struct ControlServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor io_in, std::filesystem::path path_in, Handler handler_in)
      : io(std::move(io_in)), path(std::move(path_in)), handler(std::move(handler_in)), acceptor(io) {}

  void bind() {
    check_socket_path(path);
    struct stat found {};
    if (lstat(path.c_str(), &found) == 0) {
      if (!S_ISSOCK(found.st_mode))
        throw std::runtime_error(
            fmt::format("control socket {}: a file that is not a socket is in the way", path.string()));
      // Left by a daemon that was killed: we hold the pid file, none runs.
      ::unlink(path.c_str());
    }
    acceptor.open(Local());
    // Made 0600 from the start, not chmod-ed after a moment open to all.
    const mode_t previous = ::umask(0177);
    boost::system::error_code error;
    acceptor.bind(Local::endpoint(path.string()), error);
    ::umask(previous);
    if (error)
      throw std::runtime_error(fmt::format("control socket {}: cannot bind: {}", path.string(), error.message()));
    is_bound = true;
    acceptor.listen(16);
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    while (self->acceptor.is_open()) {
      auto [error, socket] = co_await self->acceptor.async_accept(kUseTuple);
      if (error) {
        if (error == asio::error::operation_aborted || !self->acceptor.is_open()) co_return;
        spdlog::warn("control socket {}: accept failed: {}", self->path.string(), error.message());
        continue;
      }
      asio::co_spawn(self->io, answer(self, std::move(socket)), net::LogFailure("a control socket request"));
    }
  }

  static asio::awaitable<void> answer(std::shared_ptr<Impl> self, Local::socket accepted) {
    const auto socket = std::make_shared<Local::socket>(std::move(accepted));
    SocketReply reply(*socket);
    if (!is_trusted_peer(socket->native_handle())) {
      co_await reply.write_line("error only the daemon's own user may use its control socket");
      co_return;
    }
    asio::streambuf buffer(kMaxRequestBytes);
    // A client that sends no line in time is let go; the timer's handler may
    // run after the read (or the whole answer) is done, and then does nothing.
    const auto is_read = std::make_shared<bool>(false);
    asio::steady_timer deadline(self->io);
    deadline.expires_after(kRequestTimeout);
    deadline.async_wait([weak = std::weak_ptr<Local::socket>(socket), is_read](const boost::system::error_code& error) {
      if (error || *is_read) return;
      if (const auto open = weak.lock()) open->cancel();
    });
    auto [error, size] = co_await asio::async_read_until(*socket, buffer, '\n', kUseTuple);
    *is_read = true;
    deadline.cancel();
    if (error) {
      co_await reply.write_line(fmt::format("error no request line within {} s, or a longer one than {} bytes",
                                            kRequestTimeout.count(), kMaxRequestBytes));
      co_return;
    }
    std::string request(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + size - 1);
    if (!request.empty() && request.back() == '\r') request.pop_back();
    co_await self->handler(std::move(request), reply);
  }

  asio::any_io_executor io;
  std::filesystem::path path;
  Handler handler;
  Local::acceptor acceptor;
  bool is_bound = false;
};

ControlServer::ControlServer(asio::any_io_executor io, std::filesystem::path path, Handler handler)
    : impl_(std::make_shared<Impl>(std::move(io), std::move(path), std::move(handler))) {
  impl_->bind();
}

ControlServer::~ControlServer() {
  stop();
  if (impl_->is_bound) ::unlink(impl_->path.c_str());
}

void ControlServer::start(std::function<void()> fail_daemon) {
  asio::co_spawn(impl_->io, Impl::accept_loop(impl_), net::FailDaemon("the control socket", std::move(fail_daemon)));
}

void ControlServer::stop() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

std::optional<std::string> ask_daemon(const std::filesystem::path& path, const std::string& request,
                                      const std::function<void(const std::string& line)>& on_line,
                                      std::chrono::milliseconds timeout) {
  const auto fail = [&path](const std::string& what) -> std::optional<std::string> {
    std::cerr << "cannot reach the tributary daemon through " << path.string() << ": " << what << "\n";
    return std::nullopt;
  };
  if (path.string().size() > kMaxSocketPath) return fail("the path is longer than a Unix socket allows");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.string().size());
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    return fail(std::strerror(errno));
  const std::string line = request + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return fail(std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string pending;
  std::string last;
  char chunk[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return fail(fmt::format("no answer within {} s", timeout.count() / 1000));
    pollfd waiting{fd, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return fail(std::strerror(errno));
    if (ready == 0) continue;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::strerror(errno));
    if (n == 0) break;
    pending.append(chunk, static_cast<std::size_t>(n));
    for (std::size_t end; (end = pending.find('\n')) != std::string::npos;) {
      last = pending.substr(0, end);
      pending.erase(0, end + 1);
      on_line(last);
    }
  }
  if (!pending.empty()) {
    last = pending;
    on_line(last);
  }
  if (last.empty()) return fail("it closed the connection without an answer");
  return last;
}

}  // namespace tributary::app
