// The server against hostile clients and a damaged store, through the real
// binary: request smuggling by Transfer-Encoding and Content-Length (RFC
// 9112 §6.3), methods and bodies, header and number limits, channel names
// probed without the token, idle connections that try to take every slot,
// and /healthz when the database file is deleted, moved or overwritten.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "abuse-test-token-0123456789";

std::string small_rss() {
  std::string rss =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Abuse</title><link>https://abuse.example/</link>"
      "<description>x</description>";
  for (int i = 0; i < 6; ++i)
    rss += "<item><title>Story " + std::to_string(i) + "</title><link>https://abuse.example/" + std::to_string(i) +
           "</link><guid>abuse-" + std::to_string(i) + "</guid></item>";
  return rss + "</channel></rss>";
}

int count_of(const std::string& text, const std::string& needle) {
  int count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

int count_lines_with(const std::string& text, const std::string& needle) {
  int count = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) count += line.find(needle) != std::string::npos;
  return count;
}

// One tributary daemon on 127.0.0.1 with one source, its database in its own
// directory, and `server` lines added to [server].
class Daemon {
 public:
  // `wrapper`: words before the binary (e.g. prlimit and its options).
  explicit Daemon(const std::string& server_lines, std::vector<std::string> wrapper = {}) {
    upstream_.serve("/feed.xml", {200, {{"Content-Type", "application/rss+xml"}}, small_rss(), {}, {}});
    DaemonConfig config(database());
    config.server(server_lines).channel("name = \"news\"").source(upstream_.url("/feed.xml"), "Abuse");
    process_ = std::make_unique<DaemonProcess>(dir_.write("tributary.toml", config.text()), dir_.path() / "daemon.log",
                                               DaemonOptions{.wrapper = std::move(wrapper)});
    is_up_ = process_->wait_until_listening();
  }

  bool is_up() const { return is_up_; }
  std::uint16_t port() const { return process_->port(); }
  std::filesystem::path database() const { return dir_.path() / "db" / "tributary.db"; }
  std::string output() const { return process_->output(); }

  HttpReply get(const std::string& target, std::chrono::milliseconds timeout = 5s) {
    return process_->get(target, {}, timeout);
  }

  // Asks for `target` every 200 ms until it answers `status` (at most `timeout`).
  HttpReply wait_for_status(const std::string& target, int status, std::chrono::milliseconds timeout) {
    return process_->wait_for_status(target, status, timeout);
  }

 private:
  FakeUpstream upstream_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> process_;
  bool is_up_ = false;
};

// What the server sends back on one connection for `request`, until it
// closes (or 5 s pass).
std::string exchange(std::uint16_t port, const std::string& request) {
  RawConnection connection("127.0.0.1", port);
  if (!connection.is_open()) return "(no connection)";
  connection.send(request);
  return connection.receive(5s);
}

// The process's own descriptors (the idle-connection tests hold thousands),
// raised as far as the hard limit allows; whether they reach `wanted`.
bool raise_own_file_limit(rlim_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(limit.rlim_max, wanted);
  return setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= wanted;
}

// ---- one daemon with a token and the shipped connection limit ----

class ServeAbuse : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Before the daemon starts: it inherits this limit, and takes what the
    // shipped max_connections needs from there.
    raise_own_file_limit(8192);
    daemon_ = std::make_unique<Daemon>("token = \"" + std::string(kToken) + "\"\nheader_timeout = \"3s\"");
    if (!daemon_->is_up()) return;
    daemon_->wait_for_status("/feed.atom?token=" + std::string(kToken), 200, 30s);
  }
  static void TearDownTestSuite() { daemon_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(daemon_ && daemon_->is_up()) << "the daemon did not come up\n" << (daemon_ ? daemon_->output() : "");
  }
  static std::uint16_t port() { return daemon_->port(); }
  static std::string with_token(const std::string& target) {
    return target + (target.find('?') == std::string::npos ? "?" : "&") + "token=" + kToken;
  }

  static inline std::unique_ptr<Daemon> daemon_;
};

TEST_F(ServeAbuse, ChunkedThatIsNotTheFinalCodingIs400AndCloses) {
  // RFC 9112 §6.3: the body's end is unknown, so what follows the header
  // must never be read as a request of its own.
  for (const std::string coding : {"chunked, gzip", "gzip", "xchunked", "chunked;x=1", "gzip, chunked"}) {
    const std::string answer = exchange(port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding +
                                                    "\r\n\r\n"
                                                    "GET /healthz?smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << coding << "\n" << answer;
    EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1) << coding << ": the bytes after the header were answered\n" << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << coding;
  }
  // Two field lines make one list: chunked is not last.
  const std::string split = exchange(port(),
                                     "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                     "Transfer-Encoding: gzip\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(split.starts_with("HTTP/1.1 400")) << split;
  EXPECT_EQ(count_of(split, "HTTP/1.1 "), 1) << split;
}

TEST_F(ServeAbuse, AmbiguousLengthsAre400AndClose) {
  for (const std::string fields :
       {"Content-Length: 5\r\nTransfer-Encoding: chunked", "Transfer-Encoding: chunked\r\nContent-Length: 5",
        "Transfer-Encoding: gzip\r\nContent-Length: 5", "Content-Length: 5, 6",
        "Content-Length: 5\r\nContent-Length: 6", "Content-Length: -5", "Content-Length: 99999999999999999999"}) {
    const std::string answer =
        exchange(port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << fields << "\n" << answer;
    EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1) << fields << "\n" << answer;
  }
  const std::string old_version =
      exchange(port(), "GET /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_TRUE(old_version.starts_with("HTTP/1.0 400")) << old_version;
}

TEST_F(ServeAbuse, OtherMethodsAre405WithAllowWhateverTheBody) {
  for (const std::string request : {"POST /feed.atom HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
                                    "POST /feed.atom HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    "5\r\nhello\r\n0\r\n\r\n",
                                    "PUT /c/news.atom HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"}) {
    const std::string answer = exchange(port(), request);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 405")) << request << "\n" << answer;
    EXPECT_NE(answer.find("Allow: GET, HEAD\r\n"), std::string::npos) << answer;
    EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1) << "the unread body closes the connection\n" << answer;
  }
  // Without a body the connection goes on; the path is not looked at, so
  // nothing is learned about which ones exist.
  RawConnection connection("127.0.0.1", port());
  ASSERT_TRUE(connection.is_open());
  connection.send("DELETE /no-such-path HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answers = connection.receive_until("\r\n\r\nok\n", 1, 5s);
  EXPECT_TRUE(answers.starts_with("HTTP/1.1 405")) << answers;
  EXPECT_NE(answers.find("HTTP/1.1 200"), std::string::npos) << answers;
  // A GET with a body is still refused for the body.
  EXPECT_TRUE(
      exchange(port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").starts_with("HTTP/1.1 413"));
}

TEST_F(ServeAbuse, OneHugeHeaderFieldIs431AndALongRequestLine414) {
  const std::string big_field =
      exchange(port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n");
  EXPECT_TRUE(big_field.starts_with("HTTP/1.1 431")) << big_field.substr(0, 200);
  const std::string long_line =
      exchange(port(), "GET /healthz?" + std::string(20 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(long_line.starts_with("HTTP/1.1 414")) << long_line.substr(0, 200);
  const std::string long_target =
      exchange(port(), "GET /healthz?" + std::string(10 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(long_target.starts_with("HTTP/1.1 414")) << long_target.substr(0, 200);
}

TEST_F(ServeAbuse, NumbersOutOfRangeAre400) {
  for (const char* target :
       {"/feed.atom?before=99999999999999999999-1", "/feed.atom?before=1765000000-99999999999999999999",
        "/feed.json?limit=99999999999999999999", "/c/news.atom?limit=18446744073709551616", "/feed.atom?limit=-1",
        "/feed.atom?limit=1e3"}) {
    const HttpReply reply = daemon_->get(with_token(target));
    EXPECT_EQ(reply.status, 400) << target << "\n" << reply.body;
  }
  // In range: a cursor far in the future, and a limit above the maximum (the maximum).
  EXPECT_EQ(daemon_->get(with_token("/feed.atom?before=9999999999-1")).status, 200);
  EXPECT_EQ(daemon_->get(with_token("/feed.atom?limit=100000")).status, 200);
}

TEST_F(ServeAbuse, TheTokenComesBeforeAnyNotFound) {
  for (const char* target : {"/c/unknown.atom", "/c/news.atom", "/c/unknown.json", "/no-such-path", "/feed.atom/x"}) {
    const HttpReply reply = daemon_->get(target);
    EXPECT_EQ(reply.status, 401) << target;
    EXPECT_EQ(reply.body.find("unknown"), std::string::npos) << reply.body;
  }
  EXPECT_EQ(daemon_->get(with_token("/c/unknown.atom")).status, 404);
  EXPECT_EQ(daemon_->get(with_token("/c/news.atom")).status, 200);
  EXPECT_EQ(daemon_->get(with_token("/no-such-path")).status, 404);
  EXPECT_EQ(daemon_->get("/healthz").status, 200) << "the health check needs no token";
}

TEST_F(ServeAbuse, TwoThousandOneHundredIdleConnectionsDoNotLockReadersOut) {
  // The shipped max_connections (2048) and 52 more: every slot is taken by
  // a socket that never sends a byte.
  constexpr int kIdle = 2100;
  if (!raise_own_file_limit(kIdle + 256)) GTEST_SKIP() << "the open file limit is below " << kIdle + 256;
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(std::make_unique<RawConnection>("127.0.0.1", port()));
    ASSERT_TRUE(idle.back()->is_open()) << i;
  }
  const auto started = Clock::now();
  const HttpReply feed = http_request("127.0.0.1", port(), "GET", with_token("/feed.atom"), {}, 5s);
  EXPECT_EQ(feed.status, 200) << feed.error;
  EXPECT_LT(Clock::now() - started, 3s);
  // The ones idle longest made room; the newest are still open.
  EXPECT_TRUE(idle.front()->is_closed_by_peer(2s));
  EXPECT_FALSE(idle.back()->is_closed_by_peer(100ms));
  idle.clear();
  EXPECT_EQ(daemon_->get("/healthz").status, 200);
}

// ---- a small connection limit ----

class ServeConnectionLimit : public ::testing::Test {
 protected:
  static constexpr int kLimit = 16;
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>("max_connections = " + std::to_string(kLimit) + "\nheader_timeout = \"4s\"");
    ASSERT_TRUE(daemon_->is_up()) << daemon_->output();
    ASSERT_EQ(daemon_->wait_for_status("/feed.atom", 200, 30s).status, 200);
  }
  std::unique_ptr<RawConnection> connect() {
    auto connection = std::make_unique<RawConnection>("127.0.0.1", daemon_->port());
    EXPECT_TRUE(connection->is_open());
    return connection;
  }
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(ServeConnectionLimit, ANewReaderTakesTheSlotOfTheLongestIdle) {
  // One client is in the middle of a request: it is never the one to go.
  auto busy = connect();
  busy->send("GET /healthz HTTP/1.1\r\n");
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 3 * kLimit; ++i) {
    idle.push_back(connect());
    std::this_thread::sleep_for(5ms);  // a clear order of arrival
  }
  const HttpReply feed = http_request("127.0.0.1", daemon_->port(), "GET", "/feed.atom", {}, 5s);
  EXPECT_EQ(feed.status, 200) << feed.error;
  // The oldest idle ones were closed, the newest kept.
  for (int i = 0; i < kLimit; ++i) EXPECT_TRUE(idle[i]->is_closed_by_peer(2s)) << i;
  for (int i = 3 * kLimit - kLimit / 2; i < 3 * kLimit; ++i) EXPECT_FALSE(idle[i]->is_closed_by_peer(50ms)) << i;
  busy->send("Host: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(busy->receive(5s).starts_with("HTTP/1.1 200"));
  const std::string metrics = daemon_->get("/metrics").body;
  EXPECT_NE(metrics.find("tributary_http_connections_evicted_total "), std::string::npos) << metrics;
}

TEST_F(ServeConnectionLimit, OnlyWhenEveryConnectionIsBusyIsOneRefused) {
  std::vector<std::unique_ptr<RawConnection>> busy;
  for (int i = 0; i < kLimit; ++i) {
    busy.push_back(connect());
    busy.back()->send("GET /healthz HTTP/1.1\r\n");
  }
  std::this_thread::sleep_for(300ms);  // every request has begun
  RawConnection refused("127.0.0.1", daemon_->port());
  ASSERT_TRUE(refused.is_open()) << "the kernel accepts; the daemon closes";
  EXPECT_TRUE(refused.is_closed_by_peer(2s));
  // header_timeout (4 s) ends the busy ones; then there is room again.
  EXPECT_EQ(daemon_->wait_for_status("/healthz", 200, 10s).status, 200);
  // (Beast's stream closes a connection whose deadline passed: no 408 reaches it.)
  for (auto& connection : busy) EXPECT_TRUE(connection->is_closed_by_peer(5s));
}

// ---- fewer file descriptors than max_connections ----

TEST(ServeFileLimit, ReadersAreAnsweredWhenDescriptorsRunOut) {
  // The hard limit (128) is far below max_connections (2048): the daemon
  // holds at most a quarter of it for readers, so that they never take the
  // descriptors its polls and its database need, and the longest idle
  // connection makes room as at max_connections. (Before that cap, accept
  // failed with EMFILE; UBSan's own checks need a pipe() then and failed
  // with "invalid vptr" reports: the sanitizer build is the canary.)
  Daemon daemon("", {"/usr/bin/prlimit", "--nofile=128:128", "--"});
  ASSERT_TRUE(daemon.is_up()) << daemon.output();
  ASSERT_EQ(daemon.wait_for_status("/feed.atom", 200, 30s).status, 200) << daemon.output();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<RawConnection>("127.0.0.1", daemon.port()));
    ASSERT_TRUE(idle.back()->is_open()) << i;
  }
  const HttpReply feed = http_request("127.0.0.1", daemon.port(), "GET", "/feed.atom", {}, 5s);
  EXPECT_EQ(feed.status, 200) << feed.error << "\n" << daemon.output();
  EXPECT_TRUE(idle.front()->is_closed_by_peer(2s));
  EXPECT_TRUE(idle.back()->is_open());
  EXPECT_NE(daemon.output().find("open files are limited to 128"), std::string::npos) << daemon.output();
  EXPECT_NE(daemon.output().find("at most 32 HTTP connections at once"), std::string::npos) << daemon.output();
}

// ---- /healthz and the database file ----

class ServeHealth : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>("");
    ASSERT_TRUE(daemon_->is_up()) << daemon_->output();
    ASSERT_EQ(daemon_->wait_for_status("/healthz", 200, 30s).status, 200) << daemon_->output();
  }
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(ServeHealth, ADeletedDatabaseIs503AndLoggedOnce) {
  std::filesystem::remove(daemon_->database());
  const HttpReply unhealthy = daemon_->wait_for_status("/healthz", 503, 10s);
  ASSERT_EQ(unhealthy.status, 503) << daemon_->output();
  EXPECT_NE(unhealthy.body.find("deleted"), std::string::npos) << unhealthy.body;
  EXPECT_EQ(unhealthy.body.find(daemon_->database().string()), std::string::npos) << "no paths to strangers";
  // Probed again (a verdict is reused for a second), still one log line.
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(1100ms);
    EXPECT_EQ(daemon_->get("/healthz").status, 503);
  }
  const std::string log = daemon_->output();
  EXPECT_EQ(count_lines_with(log, "healthz: unhealthy"), 1) << log;
  const std::size_t logged = log.find("healthz: unhealthy");
  ASSERT_NE(logged, std::string::npos);
  const std::string line = log.substr(logged, log.find('\n', logged) - logged);
  EXPECT_NE(line.find("deleted"), std::string::npos) << line;
  EXPECT_NE(line.find(daemon_->database().string()), std::string::npos) << "the log names the file: " << line;
}

TEST_F(ServeHealth, ADatabaseMovedAwayAndBackRecovers) {
  const auto aside = daemon_->database().string() + ".aside";
  std::filesystem::rename(daemon_->database(), aside);
  EXPECT_EQ(daemon_->wait_for_status("/healthz", 503, 10s).status, 503);
  std::filesystem::rename(aside, daemon_->database());
  EXPECT_EQ(daemon_->wait_for_status("/healthz", 200, 10s).status, 200) << daemon_->output();
  const std::string log = daemon_->output();
  // The move is logged once. A search pass that ran while the file was
  // away failed (the indexer reads the store's file): until its retry a
  // second later /healthz gives that reason instead, and the change is
  // logged too. Nothing else.
  const int moved = count_lines_with(log, "healthz: unhealthy, /healthz answers 503: the database file was deleted");
  const int index_failed = count_lines_with(log, "healthz: unhealthy, /healthz answers 503: the full-text index");
  EXPECT_EQ(moved, 1) << log;
  EXPECT_LE(index_failed, 1) << log;
  EXPECT_EQ(count_lines_with(log, "healthz: unhealthy"), moved + index_failed) << log;
  EXPECT_EQ(count_lines_with(log, "healthz: healthy again"), 1) << log;
}

TEST_F(ServeHealth, GarbageOverTheDatabaseIs503) {
  {
    std::ofstream file(daemon_->database(), std::ios::binary | std::ios::trunc);
    std::uint32_t state = 12345;
    for (int i = 0; i < 256 * 1024; ++i) {
      state = state * 1103515245u + 12345u;
      file.put(static_cast<char>(state >> 24));
    }
  }
  const HttpReply unhealthy = daemon_->wait_for_status("/healthz", 503, 10s);
  EXPECT_EQ(unhealthy.status, 503) << daemon_->output();
  EXPECT_NE(unhealthy.body.find("no longer an SQLite database"), std::string::npos) << unhealthy.body;
  EXPECT_EQ(count_lines_with(daemon_->output(), "healthz: unhealthy"), 1) << daemon_->output();
}

}  // namespace
}  // namespace tributary::testing
