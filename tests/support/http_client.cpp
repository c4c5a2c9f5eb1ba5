// Blocking test HTTP client over Beast.
#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tributary::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpReply http_request(const std::string& host, std::uint16_t port, const std::string& method,
                       const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers,
                       std::chrono::milliseconds timeout, const std::string& body) {
  HttpReply reply;
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) {
    reply.error = "resolve: " + ec.message();
    return reply;
  }
  stream.expires_after(timeout);
  // The synchronous calls below do not honor expires_after; run them as
  // async operations on this private io_context, bounded by run_for().
  stream.async_connect(endpoints, [&](beast::error_code e, auto) { ec = e; });
  io.run_for(timeout);
  if (ec || !stream.socket().is_open()) {
    reply.error = "connect: " + (ec ? ec.message() : "timed out");
    return reply;
  }
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, host + ":" + std::to_string(port));
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST") {
    request.body() = body;
    request.prepare_payload();
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  io.restart();
  http::async_write(stream, request, [&](beast::error_code e, std::size_t) {
    ec = e;
    if (!e)
      http::async_read(stream, buffer, parser, [&](beast::error_code read_error, std::size_t) { ec = read_error; });
  });
  io.run_for(timeout);
  if (ec || !parser.is_done()) {
    reply.error = "exchange: " + (ec ? ec.message() : "timed out");
    return reply;
  }
  const auto& response = parser.get();
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = response.body();
  return reply;
}

}  // namespace tributary::testing
