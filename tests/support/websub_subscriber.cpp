// WebSubSubscriber: a Beast server on a FakeServer (see websub_subscriber.hpp).
#include "support/websub_subscriber.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>

#include "support/fake_server.hpp"
#include "support/wait.hpp"
#include "support/websub_peer.hpp"

namespace tributary::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// The fields of a request target's query.
std::map<std::string, std::string> query_fields(std::string_view target) {
  const auto question = target.find('?');
  return question == std::string_view::npos ? std::map<std::string, std::string>{}
                                            : form_fields(target.substr(question + 1));
}

}  // namespace

struct WebSubSubscriber::Impl {
  explicit Impl(std::string secret_in) : secret(std::move(secret_in)), server(FakeServerOptions{}) {}

  http::response<http::string_body> answer(const http::request<http::string_body>& request) {
    std::lock_guard lock(mutex);
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "text/plain");
    if (request.method() == http::verb::get) {
      const auto fields = query_fields(request.target());
      const auto field = [&fields](const char* name) {
        const auto found = fields.find(name);
        return found == fields.end() ? std::string() : found->second;
      };
      verifications.push_back({field("hub.mode"), field("hub.topic"), field("hub.challenge"),
                               field("hub.lease_seconds"), std::string(request.target())});
      if (challenge_answer == ChallengeAnswer::not_found) {
        response.result(http::status::not_found);
        response.body() = "no such subscription";
      } else {
        response.body() = challenge_answer == ChallengeAnswer::echo ? field("hub.challenge") : "not-the-challenge";
      }
    } else {
      ReceivedPost post;
      post.target = std::string(request.target());
      post.body = request.body();
      post.content_type = std::string(request[http::field::content_type]);
      post.link = std::string(request[http::field::link]);
      post.signature = std::string(request["X-Hub-Signature"]);
      post.is_signature_valid = !secret.empty() && post.signature == "sha256=" + hmac_sha256_hex(secret, post.body);
      post.answered = post_status;
      posts.push_back(std::move(post));
      response.result(static_cast<http::status>(post_status));
    }
    response.prepare_payload();
    return response;
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      stream.expires_after(std::chrono::seconds(30));
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      if (read_error) break;
      const http::request<http::string_body> request = parser.release();
      http::response<http::string_body> response = answer(request);
      response.keep_alive(request.keep_alive());
      auto [write_error, written] = co_await http::async_write(stream, response, kUseTuple);
      if (write_error || !request.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  // Declared before the server: its io_context destroys suspended sessions.
  const std::string secret;
  mutable std::mutex mutex;  // the test thread vs the server thread
  ChallengeAnswer challenge_answer = ChallengeAnswer::echo;
  int post_status = 202;
  std::vector<ReceivedVerification> verifications;
  std::vector<ReceivedPost> posts;
  FakeServer server;
};

WebSubSubscriber::WebSubSubscriber(std::string secret) : impl_(std::make_unique<Impl>(std::move(secret))) {
  impl_->server.start([impl = impl_.get()](tcp::socket socket) { return impl->session(std::move(socket)); });
}

WebSubSubscriber::~WebSubSubscriber() { impl_->server.stop(); }

std::string WebSubSubscriber::url(const std::string& path) const {
  return "http://" + impl_->server.url_host() + ":" + std::to_string(impl_->server.port()) + path;
}

const std::string& WebSubSubscriber::secret() const { return impl_->secret; }

void WebSubSubscriber::answer_challenges(ChallengeAnswer answer) {
  std::lock_guard lock(impl_->mutex);
  impl_->challenge_answer = answer;
}

void WebSubSubscriber::answer_posts(int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->post_status = status;
}

std::vector<ReceivedVerification> WebSubSubscriber::verifications() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->verifications;
}

std::vector<ReceivedPost> WebSubSubscriber::posts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->posts;
}

bool WebSubSubscriber::wait_for_verifications(std::size_t count, std::chrono::milliseconds timeout) const {
  return wait_until([&] { return verifications().size() >= count; }, timeout, std::chrono::milliseconds(20));
}

bool WebSubSubscriber::wait_for_posts(std::size_t count, std::chrono::milliseconds timeout) const {
  return wait_until([&] { return posts().size() >= count; }, timeout, std::chrono::milliseconds(20));
}

}  // namespace tributary::testing
