// The response head the server writes itself, held to what Beast's
// serializer wrote for the same response before (the reference here, built
// the way the server built its messages): status line, field order, a name
// given twice, Content-Length by status, Connection by version and
// keep-alive.
#include "serve/response_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>

#include "core/version.hpp"

namespace tributary::serve {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kDate = "Tue, 15 Nov 1994 08:12:31 GMT";

std::string beast_head(const Response& response, unsigned version, bool keep_alive) {
  http::response<http::span_body<const char>> message{static_cast<http::status>(response.status), version};
  message.set(http::field::server, "Tributary/" + std::string(core::kVersion));
  message.set(http::field::date, kDate);
  // The document's fields, as the site set them before they were made once.
  std::string_view document_fields = response.document_fields;
  while (!document_fields.empty()) {
    const std::size_t end = document_fields.find("\r\n");
    const std::string_view line = document_fields.substr(0, end);
    const std::size_t colon = line.find(": ");
    message.set(line.substr(0, colon), line.substr(colon + 2));
    document_fields.remove_prefix(end + 2);
  }
  for (const auto& [name, value] : response.headers) message.set(name, value);
  const std::string_view body = response.body();
  if (status_allows_body(response.status)) {
    message.body() = boost::span<const char>(body.data(), body.size());
    message.content_length(body.size());
  }
  message.keep_alive(keep_alive);
  std::ostringstream out;
  out << message.base();
  return out.str();
}

std::string our_head(const Response& response, unsigned version, bool keep_alive) {
  std::string out = "(kept from the last response)";
  out.clear();
  append_response_head(out, response, version, keep_alive, kDate);
  return out;
}

constexpr std::string_view kDocumentFields =
    "Content-Type: application/atom+xml; charset=utf-8\r\n"
    "ETag: \"3a7c1f0e9d2b4c68\"\r\n"
    "Last-Modified: Mon, 14 Nov 1994 08:12:31 GMT\r\n";

Response feed_response(int status) {
  Response response;
  response.status = status;
  response.document_fields = kDocumentFields;
  response.headers = {{"Cache-Control", "public, max-age=60"},
                      {"Vary", "Accept-Encoding, Authorization"},
                      {"Content-Encoding", "gzip"},
                      {"Link", "<https://hub.example/>; rel=\"hub\", <https://feeds.example/feed.atom>; rel=\"self\""}};
  if (status == 200) response.owned_body = std::string(1234, 'x');
  return response;
}

TEST(ResponseHead, FeedWithBodyIsWhatBeastWrote) {
  const Response response = feed_response(200);
  const std::string head = our_head(response, 11, true);
  EXPECT_EQ(head, beast_head(response, 11, true));
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\nServer: Tributary/"));
  EXPECT_NE(head.find(std::string(kDate) + "\r\n" + std::string(kDocumentFields) + "Cache-Control: "),
            std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Length: 1234\r\n"), std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n"));
}

TEST(ResponseHead, NotModifiedHasNoContentLength) {
  const Response response = feed_response(304);
  const std::string head = our_head(response, 11, true);
  EXPECT_EQ(head, beast_head(response, 11, true));
  EXPECT_TRUE(head.starts_with("HTTP/1.1 304 Not Modified\r\n"));
  EXPECT_NE(head.find(kDocumentFields), std::string::npos) << "a 304 has the validators of the 200";
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
}

TEST(ResponseHead, ClosingAndHttp10ConnectionsSayConnection) {
  const Response response = feed_response(200);
  for (const unsigned version : {10u, 11u})
    for (const bool keep_alive : {false, true})
      EXPECT_EQ(our_head(response, version, keep_alive), beast_head(response, version, keep_alive))
          << version << " " << keep_alive;
  EXPECT_NE(our_head(response, 11, false).find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(our_head(response, 10, true).find("\r\nConnection: keep-alive\r\n"), std::string::npos);
}

TEST(ResponseHead, ErrorsAndOtherStatusesAreWhatBeastWrote) {
  for (const int status : {204, 400, 401, 404, 405, 408, 413, 414, 431, 503, 202, 299}) {
    Response response = text_response(status, "why\n", "(invalid)");
    if (status == 405) response.headers.emplace_back("Allow", "GET, HEAD");
    if (status == 401)
      response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Tributary\", charset=\"UTF-8\"");
    EXPECT_EQ(our_head(response, 11, status < 400), beast_head(response, 11, status < 400)) << status;
  }
}

TEST(ResponseHead, ANameGivenTwiceKeepsTheLastValueWhereItStands) {
  Response response = text_response(200, "ok\n", "/");
  response.headers.emplace_back("cache-control", "no-cache");
  response.headers.emplace_back("Date", "Wed, 16 Nov 1994 08:12:31 GMT");
  const std::string head = our_head(response, 11, true);
  EXPECT_EQ(head, beast_head(response, 11, true));
  EXPECT_EQ(head.find("no-store"), std::string::npos);
  EXPECT_EQ(head.find(kDate), std::string::npos);
}

TEST(ResponseHead, TheBufferIsAppendedTo) {
  const Response response = feed_response(304);
  std::string out = "earlier bytes";
  append_response_head(out, response, 11, true, kDate);
  EXPECT_EQ(out, "earlier bytes" + beast_head(response, 11, true));
}

}  // namespace
}  // namespace tributary::serve
