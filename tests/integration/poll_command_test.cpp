// `tributary poll NAME|URL` (issue 20) through the real binary, at the
// shipped politeness defaults (per_host = 2, host_delay = 2s): a source
// pinned to an hour is polled now by the running daemon, through its
// control socket (mode 0600), and its new item is served; two asked for
// at once on one host still leave host_delay apart, and the command says
// why it waited; a Retry-After is respected and reported, not bypassed; a
// name no source has is a usage error; with no daemon the command polls
// that one source itself, and no other; hostile clients of the control
// socket get an error and change nothing; one just added is known as soon
// as the daemon has reloaded.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

std::string rss(const std::string& title, const std::vector<std::string>& items) {
  std::string body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>" + title +
                     "</title><link>https://example.invalid/</link><description>d</description>";
  for (std::size_t i = 0; i < items.size(); ++i)
    body += "<item><title>" + items[i] + "</title><guid>" + title + "-" + items[i] + "</guid></item>";
  return body + "</channel></rss>";
}

FakeResponse feed(const std::string& body) { return {200, {{"Content-Type", "application/rss+xml"}}, body}; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A raw client of the daemon's control socket: sends `request` as is and
// reads until the daemon closes (at most `timeout`).
std::string ask_control_socket(const std::filesystem::path& socket_path, const std::string& request,
                               std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return "socket() failed";
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    if (!request.empty()) (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char chunk[1024];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd waiting{fd, POLLIN, 0};
      if (::poll(&waiting, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      answer.append(chunk, static_cast<std::size_t>(n));
    }
  } else {
    answer = std::string("connect() failed: ") + std::strerror(errno);
  }
  ::close(fd);
  return answer;
}

class PollCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_.serve("/gazette.xml", feed(rss("Gazette", {"Pass reopens"})));
    upstream_.serve("/notes.xml", feed(rss("Notes", {"Ice is thin"})));
    upstream_.serve("/closed.xml", {429, {{"Retry-After", "3600"}}, "slow down"});
    // Every source pinned to an hour: after the first poll, only a poll
    // asked for by hand reaches the upstream within the test.
    DaemonConfig config(dir_.path() / "db/tributary.db");
    config.source(upstream_.url("/gazette.xml"), "Gazette", "interval = \"1h\"")
        .source(upstream_.url("/notes.xml"), "Notes", "interval = \"1h\"")
        .source(upstream_.url("/closed.xml"), "Closed", "interval = \"1h\"");
    database_ = config.database();
    config_ = dir_.write("tributary.toml", config.text());
  }

  CommandResult tributary(std::vector<std::string> words) const {
    words.insert(words.begin(), {tributary_binary().string(), "--config", config_.string()});
    return run_command(std::move(words), 60s);
  }
  std::unique_ptr<ChildProcess> start_tributary(std::vector<std::string> words, const std::string& log_name) const {
    words.insert(words.begin(), {tributary_binary().string(), "--config", config_.string()});
    return std::make_unique<ChildProcess>(std::move(words), dir_.path() / log_name);
  }
  std::unique_ptr<DaemonProcess> start_daemon() const {
    auto daemon = std::make_unique<DaemonProcess>(config_, dir_.path() / "daemon.log");
    EXPECT_TRUE(daemon->wait_until_listening(60s)) << daemon->output();
    EXPECT_TRUE(daemon->wait_until_sources_polled(3, SourcesPolled::at_all, 60s)) << daemon->output();
    return daemon;
  }

  TempDir dir_;
  FakeUpstream upstream_;
  std::filesystem::path database_;
  std::filesystem::path config_;
};

TEST_F(PollCommand, TheRunningDaemonPollsAPinnedSourceNowAndServesWhatItBrought) {
  const auto daemon = start_daemon();
  ASSERT_EQ(upstream_.hits("/gazette.xml"), 1);
  const std::filesystem::path socket = database_.string() + ".sock";
  ASSERT_TRUE(std::filesystem::is_socket(socket)) << daemon->output();
  EXPECT_EQ(std::filesystem::status(socket).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  upstream_.serve("/gazette.xml", feed(rss("Gazette", {"Avalanche warning lifted", "Pass reopens"})));
  const CommandResult polled = tributary({"poll", "Gazette"});
  ASSERT_EQ(polled.exit_code, 0) << polled.output;
  EXPECT_TRUE(contains(polled.output, "asking the tributary daemon (pid " + std::to_string(daemon->pid()) + ")"))
      << polled.output;
  EXPECT_TRUE(contains(polled.output, "poll Gazette (" + upstream_.url("/gazette.xml") + "): HTTP 200, 1 new"))
      << polled.output;
  EXPECT_EQ(upstream_.hits("/gazette.xml"), 2);
  EXPECT_EQ(upstream_.hits("/notes.xml"), 1);  // only the source asked for
  const HttpReply served = daemon->wait_until_http(
      "/feed.atom", [](const HttpReply& reply) { return contains(reply.body, "Avalanche warning lifted"); }, 10s);
  EXPECT_TRUE(contains(served.body, "Avalanche warning lifted")) << served.body;
  EXPECT_TRUE(daemon->wait_for_log("poll Gazette (" + upstream_.url("/gazette.xml") + ") asked for by hand", 5s));

  // By its URL too, and still polite: the answer names its host's wait.
  const CommandResult by_url = tributary({"poll", upstream_.url("/notes.xml")});
  EXPECT_EQ(by_url.exit_code, 0) << by_url.output;
  EXPECT_TRUE(contains(by_url.output, "poll Notes (" + upstream_.url("/notes.xml") + "): ")) << by_url.output;
  EXPECT_EQ(upstream_.hits("/notes.xml"), 2);

  // The socket goes with the daemon.
  EXPECT_EQ(daemon->stop(), 0);
  EXPECT_FALSE(std::filesystem::exists(socket));
}

TEST_F(PollCommand, TheControlSocketAnswersHostileClientsAndGoesOn) {
  const auto daemon = start_daemon();
  const std::filesystem::path socket = database_.string() + ".sock";
  // Not a request it knows; an empty name; a line far too long; no line at all (it waits 5 s).
  EXPECT_TRUE(ask_control_socket(socket, "reload\n", 10s).starts_with("error this daemon answers one request"));
  EXPECT_TRUE(ask_control_socket(socket, "poll \n", 10s).starts_with("error this daemon answers one request"));
  EXPECT_TRUE(ask_control_socket(socket, std::string(10000, 'x'), 10s).starts_with("error no request line"));
  EXPECT_TRUE(ask_control_socket(socket, "poll Gaz", 15s).starts_with("error no request line within 5 s"));
  EXPECT_TRUE(ask_control_socket(socket, "poll Nobody\r\n", 10s).starts_with("unknown no source is named"));
  // Control characters in a name are not echoed raw.
  const std::string echoed = ask_control_socket(socket, "poll \x1b[31mred\n", 10s);
  EXPECT_TRUE(echoed.starts_with("unknown ")) << echoed;
  EXPECT_EQ(echoed.find('\x1b'), std::string::npos) << echoed;
  // None of it stopped the daemon or polled anything.
  EXPECT_TRUE(daemon->is_running());
  EXPECT_EQ(upstream_.hits("/gazette.xml"), 1);
  const CommandResult polled = tributary({"poll", "Gazette"});
  EXPECT_EQ(polled.exit_code, 0) << polled.output;
}

TEST_F(PollCommand, TwoAskedForAtOnceOnOneHostStillLeaveHostDelayApartAndTheWaitIsSaid) {
  const auto daemon = start_daemon();
  auto gazette = start_tributary({"poll", "Gazette"}, "poll-gazette.log");
  auto notes = start_tributary({"poll", "Notes"}, "poll-notes.log");
  ASSERT_EQ(gazette->wait(60s), 0) << gazette->output();
  ASSERT_EQ(notes->wait(60s), 0) << notes->output();
  // Whichever came second waited for host_delay (2 s at the defaults) and said so.
  const std::string both = gazette->output() + notes->output();
  EXPECT_TRUE(contains(both, "host_delay 2s: the next request to " + upstream_.host() + " may leave in")) << both;
  const auto gazette_requests = upstream_.requests("/gazette.xml");
  const auto notes_requests = upstream_.requests("/notes.xml");
  ASSERT_EQ(gazette_requests.size(), 2u);
  ASSERT_EQ(notes_requests.size(), 2u);
  const auto apart = gazette_requests.back().received_at > notes_requests.back().received_at
                         ? gazette_requests.back().received_at - notes_requests.back().received_at
                         : notes_requests.back().received_at - gazette_requests.back().received_at;
  EXPECT_GE(apart, 2s - 100ms);
}

TEST_F(PollCommand, ASourceJustAddedCanBePolledRightAway) {
  const auto daemon = start_daemon();
  upstream_.serve("/fresh.xml", feed(rss("Fresh", {"First light"})));
  const CommandResult added = tributary({"add", upstream_.url("/fresh.xml"), "--name", "Fresh", "--interval", "1h"});
  ASSERT_EQ(added.exit_code, 0) << added.output;
  // The daemon may still be reloading: the command asks again until it knows the source.
  const CommandResult polled = tributary({"poll", "Fresh"});
  ASSERT_EQ(polled.exit_code, 0) << polled.output << daemon->output();
  EXPECT_TRUE(contains(polled.output, "poll Fresh (" + upstream_.url("/fresh.xml") + "): ")) << polled.output;
  const HttpReply served = daemon->wait_until_http(
      "/feed.atom", [](const HttpReply& reply) { return contains(reply.body, "First light"); }, 10s);
  EXPECT_TRUE(contains(served.body, "First light")) << served.body;
}

TEST_F(PollCommand, ARetryAfterIsRespectedAndSaidNotBypassed) {
  const auto daemon = start_daemon();
  ASSERT_EQ(upstream_.hits("/closed.xml"), 1);
  const CommandResult refused = tributary({"poll", "Closed"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, "Closed (" + upstream_.url("/closed.xml") + ") asked for no requests before"))
      << refused.output;
  EXPECT_TRUE(contains(refused.output, "(Retry-After, ")) << refused.output;
  EXPECT_EQ(upstream_.hits("/closed.xml"), 1);
}

TEST_F(PollCommand, ANameNoSourceHasIsAUsageErrorAndPollsNothing) {
  const CommandResult unknown = tributary({"poll", "Gazete"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_TRUE(contains(unknown.output, "is named \"Gazete\" or has that URL")) << unknown.output;
  const CommandResult neither = tributary({"poll"});
  EXPECT_EQ(neither.exit_code, 2) << neither.output;
  const CommandResult both = tributary({"poll", "--once", "Gazette"});
  EXPECT_EQ(both.exit_code, 2) << both.output;
  EXPECT_EQ(upstream_.hits("/gazette.xml"), 0);
}

TEST_F(PollCommand, WithoutADaemonTheCommandPollsThatOneSourceItself) {
  const CommandResult polled = tributary({"poll", "Gazette"});
  ASSERT_EQ(polled.exit_code, 0) << polled.output;
  EXPECT_TRUE(contains(polled.output,
                       "no tributary daemon is running with " + config_.string() + "; polling Gazette once here"))
      << polled.output;
  EXPECT_TRUE(contains(polled.output, "poll Gazette (" + upstream_.url("/gazette.xml") + "): HTTP 200, 1 new"))
      << polled.output;
  EXPECT_EQ(upstream_.hits("/gazette.xml"), 1);
  EXPECT_EQ(upstream_.hits("/notes.xml"), 0);
  EXPECT_EQ(upstream_.hits("/closed.xml"), 0);
  EXPECT_FALSE(std::filesystem::exists(database_.string() + ".sock"));

  // What it stored is what a daemon started later serves.
  const auto daemon = start_daemon();
  const HttpReply served = daemon->wait_until_http(
      "/feed.atom", [](const HttpReply& reply) { return contains(reply.body, "Pass reopens"); }, 10s);
  EXPECT_TRUE(contains(served.body, "Pass reopens")) << served.body;
  // The stored poll counts: the daemon waits its hour for Gazette.
  EXPECT_EQ(upstream_.hits("/gazette.xml"), 1);
}

}  // namespace
}  // namespace tributary::testing
