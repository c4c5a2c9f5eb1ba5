// The HTTP rules the server applies, as pure functions: how a request's
// body is framed and which requests are refused before any route sees them
// (RFC 9112 §6, RFC 9110 §15.5.6), content coding negotiation and
// conditional requests (RFC 9110 §12.5.3, §13), request targets, query
// strings and numbers in them (RFC 3986), and the access token.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace tributary::serve {

// How a request says its body is delimited (RFC 9112 §6.3). The server
// reads no bodies, so it only needs to know whether one follows, and to
// refuse any framing it cannot be sure of: a request whose end two parties
// could see in different places is how requests are smuggled past a proxy.
struct BodyFraming {
  enum class Kind { none, length, chunked, invalid };
  Kind kind = Kind::none;
  std::uint64_t length = 0;  // Kind::length
  std::string problem;       // Kind::invalid: why, for the 400's text

  bool has_body() const { return kind == Kind::chunked || (kind == Kind::length && length > 0); }
};

// From the request's version (10, 11) and the values of all its
// Transfer-Encoding and Content-Length field lines, in order. Only a lone
// "chunked" is understood; another coding, chunked not last or twice, a
// Transfer-Encoding in HTTP/1.0 or next to a Content-Length, and a
// Content-Length that is not one decimal number are invalid.
BodyFraming request_body_framing(unsigned version, std::span<const std::string_view> transfer_encodings,
                                 std::span<const std::string_view> content_lengths);

// What the server answers itself, before any route, or nullopt to pass
// the request on: 400 for a framing it refuses, 405 for a method other
// than GET and HEAD (whatever the body: the method is what is wrong), 413
// for a GET or HEAD with a body. Where `max_post_body` is not 0 (the
// WebSub endpoints, W3C WebSub §5.1 and §7), a POST passes too, with a
// body of at most that many bytes (a longer Content-Length: 413; a chunked
// body is held to it while it is read). `must_close`: the body (if any)
// was not read, so nothing after it on the connection can be trusted.
struct Refusal {
  int status = 400;
  std::string text;
  bool must_close = true;
};
std::optional<Refusal> refuse_request(std::string_view method, const BodyFraming& framing,
                                      std::uint64_t max_post_body = 0);
inline constexpr std::string_view kAllowedMethods = "GET, HEAD";

// True when Accept-Encoding allows gzip (q > 0), explicitly or through "*".
bool accepts_gzip(std::string_view accept_encoding);

// If-None-Match against our strong ETag, with the weak comparison that
// §13.1.2 prescribes for this header; "*" matches any.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// If-Modified-Since: true when the resource has not changed since then.
bool is_unmodified_since(std::string_view if_modified_since, core::Timestamp last_modified);

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// "/feed.atom?tag=a&q=x%20y" → path "/feed.atom" and the decoded pairs, in
// order ('+' is a space, as HTML forms send it). Nullopt for a path that is
// not origin-form or has an invalid percent escape.
struct Target {
  std::string path;
  QueryParameters query;
};
std::optional<Target> parse_target(std::string_view target);

// The value of `name`, all of them, or whether it is present.
std::vector<std::string> query_values(const QueryParameters& query, std::string_view name);

// A whole number written in decimal digits only (no sign, no spaces) that
// fits in 64 bits; nullopt otherwise.
std::optional<std::uint64_t> parse_whole_number(std::string_view text);

// Percent-encodes a query value (RFC 3986 unreserved characters stay).
std::string encode_query_value(std::string_view value);
// What a request sent (a path, a query value), as an error answer quotes
// it: one clean line of at most 200 bytes (decoded, it may hold anything).
std::string quoted_request_text(std::string_view text);

// The password of an "Authorization: Basic …" header; nullopt otherwise.
std::optional<std::string> basic_auth_password(std::string_view authorization);

// Compares secrets in time independent of where they differ (and of their
// lengths: both are hashed first).
bool secrets_equal(std::string_view given, std::string_view expected);

}  // namespace tributary::serve
