// FakeHub: a Beast server on a FakeServer for the subscription requests,
// and a small Beast client on the same io_context for the verification of
// intent and the pushes.
#include "support/fake_hub.hpp"

#include <openssl/rand.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <future>
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
constexpr auto kRequestTimeout = std::chrono::seconds(5);

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  RAND_bytes(random.data(), static_cast<int>(random.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char byte : random) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

struct Reply {
  int status = 0;
  std::string body;
};

// One request to an http:// URL on loopback, within kRequestTimeout.
asio::awaitable<Reply> exchange(std::string url, http::verb method, std::string body,
                                std::vector<std::pair<std::string, std::string>> headers) {
  Reply reply;
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) co_return reply;
  const std::string host = parsed->host_address();
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(kRequestTimeout);
  tcp::endpoint endpoint(asio::ip::make_address(host), static_cast<unsigned short>(std::stoi(port)));
  auto [connect_error] = co_await stream.async_connect(endpoint, kUseTuple);
  if (connect_error) co_return reply;
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, host + ":" + port);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();
  auto [write_error, written] = co_await http::async_write(stream, request, kUseTuple);
  if (write_error) co_return reply;
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  auto [read_error, read] = co_await http::async_read(stream, buffer, response, kUseTuple);
  if (read_error) co_return reply;
  reply.status = static_cast<int>(response.result_int());
  reply.body = response.body();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return reply;
}

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

struct FakeHub::Impl {
  mutable std::mutex mutex;  // guards what follows (test thread vs server thread)
  std::vector<HubRequest> requests;
  int answer_status = 202;
  bool is_verifying = true;
  std::optional<int> granted_lease;
  FakeServer server{FakeServerOptions{}};

  // §5.3: the GET to the callback; the request's record is updated.
  asio::awaitable<void> verify(std::size_t index) {
    HubRequest request;
    std::optional<int> lease;
    {
      std::lock_guard lock(mutex);
      request = requests[index];
      lease = granted_lease;
    }
    const std::string challenge = random_hex(16);
    std::string query =
        "hub.mode=" + request.mode + "&hub.topic=" + form_encode(request.topic) + "&hub.challenge=" + challenge;
    if (request.mode == "subscribe")
      query += "&hub.lease_seconds=" + (lease ? std::to_string(*lease) : request.lease_seconds);
    const Reply reply = co_await exchange(with_query(request.callback, query), http::verb::get, {}, {});
    std::lock_guard lock(mutex);
    requests[index].verification_status = reply.status;
    requests[index].is_verified = reply.status >= 200 && reply.status < 300 && reply.body == challenge;
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    stream.expires_after(std::chrono::seconds(10));
    http::request<http::string_body> request;
    auto [read_error, read] = co_await http::async_read(stream, buffer, request, kUseTuple);
    if (read_error) co_return;
    const auto fields = form_fields(request.body());
    const auto field = [&](const std::string& name) {
      const auto found = fields.find(name);
      return found == fields.end() ? std::string() : found->second;
    };
    std::size_t index = 0;
    int status = 0;
    bool should_verify = false;
    {
      std::lock_guard lock(mutex);
      status = request.method() == http::verb::post && request.target() == "/hub" ? answer_status : 404;
      requests.push_back({field("hub.mode"), field("hub.topic"), field("hub.callback"), field("hub.secret"),
                          field("hub.lease_seconds"), status, 0, false, std::chrono::steady_clock::now()});
      index = requests.size() - 1;
      should_verify = is_verifying && status == 202;
    }
    http::response<http::string_body> response{static_cast<http::status>(status), request.version()};
    response.set(http::field::content_type, "text/plain");
    response.body() = status == 202 ? "accepted\n" : "refused\n";
    response.keep_alive(false);
    response.prepare_payload();
    co_await http::async_write(stream, response, kUseTuple);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (should_verify) co_await verify(index);
  }

  // The subscriptions a push goes to: per callback, the last request decides.
  std::vector<HubRequest> active(const std::string& topic) const {
    std::lock_guard lock(mutex);
    std::map<std::string, HubRequest> by_callback;
    for (const HubRequest& request : requests)
      if (request.topic == topic && request.is_verified) by_callback[request.callback] = request;
    std::vector<HubRequest> subscribed;
    for (const auto& [callback, request] : by_callback)
      if (request.mode == "subscribe") subscribed.push_back(request);
    return subscribed;
  }
};

FakeHub::FakeHub() : impl_(std::make_unique<Impl>()) {
  Impl* impl = impl_.get();
  impl_->server.start([impl](tcp::socket socket) { return impl->session(std::move(socket)); });
}

FakeHub::~FakeHub() { impl_->server.stop(); }

std::string FakeHub::url() const { return "http://127.0.0.1:" + std::to_string(impl_->server.port()) + "/hub"; }

void FakeHub::set_answer_status(int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->answer_status = status;
}

void FakeHub::set_verifying(bool is_verifying) {
  std::lock_guard lock(impl_->mutex);
  impl_->is_verifying = is_verifying;
}

void FakeHub::set_granted_lease(std::optional<int> seconds) {
  std::lock_guard lock(impl_->mutex);
  impl_->granted_lease = seconds;
}

std::vector<HubRequest> FakeHub::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

bool FakeHub::wait_for_requests(const std::string& mode, std::size_t count, std::chrono::milliseconds timeout) const {
  return wait_until(
      [&] {
        std::size_t seen = 0;
        for (const HubRequest& request : requests()) seen += request.mode == mode ? 1 : 0;
        return seen >= count;
      },
      timeout, std::chrono::milliseconds(20));
}

bool FakeHub::wait_for_verified(const std::string& mode, std::size_t count, std::chrono::milliseconds timeout) const {
  return wait_until(
      [&] {
        std::size_t seen = 0;
        for (const HubRequest& request : requests()) seen += request.mode == mode && request.is_verified ? 1 : 0;
        return seen >= count;
      },
      timeout, std::chrono::milliseconds(20));
}

std::vector<PushReply> FakeHub::publish(const std::string& topic, const std::string& body,
                                        const std::string& content_type, PushSignature signature) {
  std::vector<PushReply> replies;
  for (const HubRequest& subscription : impl_->active(topic)) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", content_type}, {"Link", "<" + url() + ">; rel=\"hub\", <" + topic + ">; rel=\"self\""}};
    if (signature == PushSignature::valid)
      headers.emplace_back("X-Hub-Signature", "sha256=" + hmac_sha256_hex(subscription.secret, body));
    else if (signature == PushSignature::forged)
      headers.emplace_back("X-Hub-Signature", "sha256=" + hmac_sha256_hex("not the secret", body));
    std::future<Reply> sent = asio::co_spawn(
        impl_->server.io(), exchange(subscription.callback, http::verb::post, body, headers), asio::use_future);
    const Reply reply = sent.wait_for(std::chrono::seconds(10)) == std::future_status::ready ? sent.get() : Reply{};
    replies.push_back({subscription.callback, reply.status});
  }
  return replies;
}

}  // namespace tributary::testing
