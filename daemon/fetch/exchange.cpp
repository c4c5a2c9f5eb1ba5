// One request and its response on an open connection: the GET with its
// headers, the response headers (past 1xx interim responses), the body
// streamed through the decoder under the caps, and what each I/O error
// means (its class and the words a user reads). All of it under the
// fetch's deadline, which the connection's tcp_stream enforces.
#include <algorithm>
#include <array>

#include "core/text.hpp"
#include "fetch/decode.hpp"
#include "fetch/fetcher_impl.hpp"

namespace tributary::fetch {
namespace {

using boost::system::error_code;
using Parser = http::response_parser<http::buffer_body>;

// How much of an error or redirect body is read (to keep the connection)
// and decoded (for the excerpt).
constexpr std::uint64_t kErrorBodyLimit = 64 * 1024;
constexpr std::size_t kReadChunk = 16 * 1024;

std::string seconds_text(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

// The cap on the body as transferred (before decoding).
std::uint64_t transfer_limit(const FetchRequest& request) {
  return request.max_transfer_bytes ? request.max_transfer_bytes : request.max_body_bytes;
}

// Sends the request and reads the headers of the final response into
// `parser`. false: `response` holds the failure.
template <typename Stream>
asio::awaitable<bool> send_and_read_headers(Stream& stream, Connection& connection, const OutgoingRequest& message,
                                            const FetchRequest& request, const std::string& host,
                                            std::optional<Parser>& parser, HopResponse& response) {
  auto [write_error, written] = co_await http::async_write(stream, message, kUseTuple);
  if (write_error) {
    response = failure(classify_io_error(write_error),
                       "sending the request to " + host + " failed: " + describe_io_error(write_error));
    response.is_retryable = write_error != beast::error::timeout;
    co_return false;
  }

  const std::uint64_t max_transfer = transfer_limit(request);
  // 1xx interim responses (103 Early Hints) come before the real one.
  for (int interim = 0;; ++interim) {
    parser.emplace();
    parser->header_limit(kHeaderLimit);
    parser->body_limit(max_transfer);
    auto [read_error, read] = co_await http::async_read_header(stream, connection.buffer, *parser, kUseTuple);
    response.bytes_transferred += read;
    if (read_error) {
      const bool got_nothing = response.bytes_transferred == 0 && !parser->got_some();
      if (read_error == beast::error::timeout) {
        response = failure(FetchError::timeout, "timed out after " + seconds_text(request.timeout) +
                                                    " waiting for the response headers from " + host);
      } else if (read_error == http::error::body_limit) {
        response = failure(FetchError::too_large, "the response from " + host + " announces a body larger than " +
                                                      std::to_string(max_transfer) + " bytes");
      } else if (read_error == http::error::header_limit) {
        response = failure(FetchError::too_large,
                           "the response headers from " + host + " exceed " + std::to_string(kHeaderLimit) + " bytes");
      } else {
        response = failure(classify_io_error(read_error),
                           "reading the response from " + host + " failed: " + describe_io_error(read_error));
      }
      response.is_retryable = got_nothing && read_error != beast::error::timeout;
      co_return false;
    }
    const unsigned status = parser->get().result_int();
    if (status >= 200 || status == 101 || interim >= 5) co_return true;
  }
}

// A validator goes back to the server byte for byte and into the store,
// whose text is UTF-8 (PostgreSQL's cannot hold anything else): one that is
// not UTF-8 free of controls — obs-text of another charset, a stray byte —
// is not kept, as if the server had sent none. Conditional requests are
// then not made; the body's hash still tells an unchanged document.
std::string kept_validator(std::string_view value) {
  const bool has_control = std::any_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
  return has_control || !core::is_valid_utf8(value) ? std::string() : std::string(value);
}

void copy_headers(const http::response_header<>& header, HopResponse& response) {
  response.status = static_cast<int>(header.result_int());
  // The peer's words go to logs, status and /sources.json: one clean line.
  response.reason = core::one_line(header.reason(), kShownReasonBytes);
  response.location = std::string(header[http::field::location]);
  response.content_type = std::string(header[http::field::content_type]);
  response.content_encoding = std::string(header[http::field::content_encoding]);
  response.etag = kept_validator(header[http::field::etag]);
  response.last_modified = kept_validator(header[http::field::last_modified]);
  response.cache_control = std::string(header[http::field::cache_control]);
  response.expires = std::string(header[http::field::expires]);
  response.retry_after = std::string(header[http::field::retry_after]);
  response.date = std::string(header[http::field::date]);
  response.age = std::string(header[http::field::age]);
  const auto [first_link, end_link] = header.equal_range(http::field::link);
  for (auto field = first_link; field != end_link; ++field)
    response.link += (response.link.empty() ? "" : ", ") + std::string(field->value());
}

// The failure of a body read that `read_error` ended.
void set_body_read_failure(const error_code& read_error, const FetchRequest& request, const std::string& host,
                           std::uint64_t body_bytes, HopResponse& response) {
  if (read_error == beast::error::timeout) {
    response.error = FetchError::timeout;
    response.message = "timed out after " + seconds_text(request.timeout) + " reading the body from " + host + " (" +
                       std::to_string(body_bytes) + " bytes received)";
  } else if (read_error == http::error::body_limit) {
    response.error = FetchError::too_large;
    response.message = "the body from " + host + " exceeds the limit of " + std::to_string(transfer_limit(request)) +
                       " transferred bytes";
  } else {
    response.error = classify_io_error(read_error);
    response.message = "reading the body from " + host + " failed after " + std::to_string(body_bytes) +
                       " bytes: " + describe_io_error(read_error);
  }
}

// Streams the body through the decoder into response.body: the whole of a
// 2xx (within max_body_bytes), the start of anything else (for the excerpt).
template <typename Stream>
asio::awaitable<void> read_body(Stream& stream, Connection& connection, Parser& parser, const FetchRequest& request,
                                const std::string& host, HopResponse& response) {
  const bool is_success = response.status >= 200 && response.status < 300;
  const std::uint64_t max_decoded = is_success ? request.max_body_bytes : kErrorBodyLimit;
  BodyDecoder decoder(response.content_encoding, max_decoded);
  if (is_success && !decoder.is_supported()) {
    response.error = FetchError::decode;
    response.message = decoder.error() + " from " + host;
    co_return;
  }

  const auto body_started = Clock::now();
  std::uint64_t body_bytes = 0;
  std::array<char, kReadChunk> chunk{};
  bool is_body_complete = true;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    auto [read_error, read] = co_await http::async_read(stream, connection.buffer, parser, kUseTuple);
    response.bytes_transferred += read;
    if (read_error == http::error::need_buffer) read_error = {};
    if (read_error == ssl::error::stream_truncated && parser.need_eof()) {
      // A body delimited by the end of the connection, closed without
      // TLS close_notify: as browsers do, take it as the end.
      error_code ignored;
      parser.put_eof(ignored);
      read_error = {};
    }
    const std::size_t got = chunk.size() - parser.get().body().size;
    body_bytes += got;
    if (read_error) {
      set_body_read_failure(read_error, request, host, body_bytes, response);
      co_return;
    }
    if (got == 0) continue;
    const DecodeStatus status = decoder.write(std::string_view(chunk.data(), got), response.body);
    if (status == DecodeStatus::ok) continue;
    if (!is_success) {  // an error page: what we have is enough for the excerpt
      is_body_complete = false;
      break;
    }
    response.error = status == DecodeStatus::too_large ? FetchError::too_large : FetchError::decode;
    response.message = decoder.error() + " from " + host;
    co_return;
  }
  if (is_body_complete && decoder.finish(response.body) != DecodeStatus::ok && is_success) {
    response.error = FetchError::decode;
    response.message = decoder.error() + " from " + host;
    co_return;
  }
  response.timing.body = since(body_started);
  response.is_keep_alive = is_body_complete && parser.is_done() && parser.keep_alive() && response.status != 101 &&
                           connection.buffer.size() == 0;
}

template <typename Stream>
asio::awaitable<HopResponse> exchange_on(Stream& stream, Connection& connection, const OutgoingRequest& message,
                                         const FetchRequest& request, Clock::time_point deadline,
                                         const std::string& host) {
  HopResponse response;
  connection.tcp().expires_at(deadline);
  const auto request_started = Clock::now();
  std::optional<Parser> parser;
  if (!co_await send_and_read_headers(stream, connection, message, request, host, parser, response)) co_return response;
  response.timing.first_byte = since(request_started);
  copy_headers(parser->get(), response);
  co_await read_body(stream, connection, *parser, request, host, response);
  co_return response;
}

}  // namespace

HopResponse failure(FetchError error, std::string message) {
  HopResponse response;
  response.error = error;
  response.message = std::move(message);
  return response;
}

std::string describe_io_error(const error_code& ec) {
  if (ec == asio::error::connection_reset) return "the connection was reset by the server";
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == http::error::partial_message ||
      ec == ssl::error::stream_truncated)
    return "the server closed the connection before the response was complete";
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category())
    return "the server did not answer with valid HTTP (" + ec.message() + ")";
  return ec.message();
}

FetchError classify_io_error(const error_code& ec) {
  if (ec == beast::error::timeout) return FetchError::timeout;
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == asio::error::connection_aborted)
    return FetchError::connect;
  if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return FetchError::too_large;
  if (ec == ssl::error::stream_truncated) return FetchError::http;
  if (ec.category() == asio::error::get_ssl_category()) return FetchError::tls;
  return FetchError::http;
}

OutgoingRequest make_request(const Target& target, const FetchRequest& request, bool is_original_origin,
                             bool is_via_proxy, const Route& route) {
  const bool is_post = request.post_body.has_value();
  OutgoingRequest message{is_post ? http::verb::post : http::verb::get,
                          is_via_proxy ? target.absolute_form : target.origin_form, 11};
  message.set(http::field::host, target.host_header());
  message.set(http::field::user_agent, request.user_agent.empty() ? default_user_agent() : request.user_agent);
  message.set(http::field::accept, is_post
                                       ? "*/*"
                                       : "application/atom+xml, application/rss+xml, application/feed+json, "
                                         "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5");
  message.set(http::field::accept_encoding, accepted_encodings());
  if (!request.from.empty()) message.set(http::field::from, request.from);
  if (!request.etag.empty()) message.set(http::field::if_none_match, request.etag);
  if (!request.last_modified.empty()) message.set(http::field::if_modified_since, request.last_modified);
  if (is_via_proxy && !route.proxy->authorization.empty())
    message.set(http::field::proxy_authorization, route.proxy->authorization);
  // Credentials and the source's own headers stay with its origin.
  if (is_original_origin) {
    for (const auto& [name, value] : request.headers) {
      if (is_reserved_header(name)) continue;
      message.set(name, value);
    }
    if (!request.username.empty() || !request.password.empty())
      message.set(http::field::authorization, basic_authorization(request.username, request.password));
    else if (target.has_userinfo)
      message.set(http::field::authorization, basic_authorization(target.username, target.password));
  }
  if (is_post) {
    message.body() = *request.post_body;
    message.prepare_payload();
  }
  return message;
}

asio::awaitable<HopResponse> exchange(Connection& connection, const OutgoingRequest& message,
                                      const FetchRequest& request, Clock::time_point deadline,
                                      const std::string& host) {
  if (connection.secure)
    co_return co_await exchange_on(*connection.secure, connection, message, request, deadline, host);
  co_return co_await exchange_on(*connection.plain, connection, message, request, deadline, host);
}

}  // namespace tributary::fetch
