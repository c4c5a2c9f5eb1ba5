// Request framing and refusals, content negotiation, conditional requests,
// request targets and the access token.
#include "serve/http_rules.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "core/text.hpp"

namespace tributary::serve {
namespace {

// Calls fn(element) for each non-empty element of comma-separated field
// values (RFC 9110 §5.6.1: empty elements are allowed and ignored), trimmed.
template <typename Fn>
void for_each_list_element(std::span<const std::string_view> values, Fn fn) {
  for (std::string_view list : values) {
    while (!list.empty()) {
      const auto comma = list.find(',');
      const std::string_view element = core::trim(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      if (!element.empty()) fn(element);
    }
  }
}

BodyFraming invalid_framing(std::string problem) {
  return BodyFraming{BodyFraming::Kind::invalid, 0, std::move(problem)};
}

// RFC 9112 §6.1, §6.3 items 3 and 4: the only coding we take is a lone
// "chunked"; anything else would leave the end of the body to guesswork.
BodyFraming chunked_framing(unsigned version, std::span<const std::string_view> transfer_encodings,
                            bool has_content_length) {
  if (version < 11) return invalid_framing("Transfer-Encoding is not allowed in an HTTP/1.0 request");
  if (has_content_length) return invalid_framing("a request may not carry both Transfer-Encoding and Content-Length");
  std::vector<std::string_view> codings;
  for_each_list_element(transfer_encodings, [&](std::string_view coding) { codings.push_back(coding); });
  if (codings.empty()) return invalid_framing("Transfer-Encoding names no coding");
  if (!core::equals_ignore_case(codings.back(), "chunked"))
    return invalid_framing("chunked is not the final transfer coding, so the body's end is unknown");
  if (codings.size() > 1) return invalid_framing("transfer codings other than a single chunked are not accepted");
  return BodyFraming{BodyFraming::Kind::chunked, 0, {}};
}

// RFC 9112 §6.3 item 5: a list of equal numbers is one length; anything
// else is an unrecoverable framing error.
BodyFraming length_framing(std::span<const std::string_view> content_lengths) {
  std::optional<std::uint64_t> length;
  bool is_valid = true;
  std::size_t elements = 0;
  for_each_list_element(content_lengths, [&](std::string_view text) {
    ++elements;
    const auto value = parse_whole_number(text);
    if (!value || (length && *length != *value))
      is_valid = false;
    else
      length = value;
  });
  if (!is_valid || elements == 0) return invalid_framing("Content-Length is not one decimal number");
  return BodyFraming{BodyFraming::Kind::length, *length, {}};
}

// Calls fn(token, q) for each element of a comma-separated list with
// optional ";q=" weights.
template <typename Fn>
void for_each_weighted(std::string_view list, Fn fn) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view element = core::trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    double q = 1.0;
    const auto semicolon = element.find(';');
    if (semicolon != std::string_view::npos) {
      std::string_view parameters = element.substr(semicolon + 1);
      element = core::trim(element.substr(0, semicolon));
      const auto q_at = parameters.find("q=");
      if (q_at != std::string_view::npos) q = std::strtod(std::string(parameters.substr(q_at + 2)).c_str(), nullptr);
    }
    if (!element.empty()) fn(element, q);
  }
}

std::string_view opaque_tag(std::string_view tag) {
  tag = core::trim(tag);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

std::optional<std::uint64_t> parse_whole_number(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;  // e.g. out of range
  return value;
}

BodyFraming request_body_framing(unsigned version, std::span<const std::string_view> transfer_encodings,
                                 std::span<const std::string_view> content_lengths) {
  if (!transfer_encodings.empty()) return chunked_framing(version, transfer_encodings, !content_lengths.empty());
  if (!content_lengths.empty()) return length_framing(content_lengths);
  return {};
}

std::optional<Refusal> refuse_request(std::string_view method, const BodyFraming& framing,
                                      std::uint64_t max_post_body) {
  if (framing.kind == BodyFraming::Kind::invalid)
    return Refusal{400, "bad request framing: " + framing.problem + "\n", true};
  if (method == "POST" && max_post_body > 0) {
    if (framing.kind == BodyFraming::Kind::length && framing.length > max_post_body)
      return Refusal{413, "request body larger than " + std::to_string(max_post_body) + " bytes\n", true};
    return std::nullopt;
  }
  // RFC 9110 §9.1: method names are case-sensitive; "get" is not GET.
  if (method != "GET" && method != "HEAD")
    return Refusal{405, "method not allowed: this server answers GET and HEAD only\n", framing.has_body()};
  if (framing.has_body()) return Refusal{413, "request bodies are not accepted\n", true};
  return std::nullopt;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<double> gzip_q, any_q;
  for_each_weighted(accept_encoding, [&](std::string_view coding, double q) {
    if (core::equals_ignore_case(coding, "gzip") || core::equals_ignore_case(coding, "x-gzip"))
      gzip_q = q;
    else if (coding == "*")
      any_q = q;
  });
  if (gzip_q) return *gzip_q > 0;
  return any_q && *any_q > 0;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (core::trim(if_none_match) == "*") return true;
  bool is_match = false;
  for_each_weighted(if_none_match,
                    [&](std::string_view tag, double) { is_match = is_match || opaque_tag(tag) == opaque_tag(etag); });
  return is_match;
}

bool is_unmodified_since(std::string_view if_modified_since, core::Timestamp last_modified) {
  const auto since = core::parse_http_date(if_modified_since);
  return since && last_modified <= *since;
}

namespace {

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int bit_count = 0;
  std::size_t padding = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '+')
      value = 62;
    else if (c == '/')
      value = 63;
    else if (c == '=') {
      ++padding;
      continue;
    } else {
      return std::nullopt;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out += static_cast<char>((bits >> bit_count) & 0xFF);
    }
  }
  if (padding > 2) return std::nullopt;
  return out;
}

}  // namespace

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  const std::size_t end = target.find('#');
  if (end != std::string_view::npos) target = target.substr(0, end);
  const std::size_t question = target.find('?');
  Target parsed;
  auto path = core::percent_decode(target.substr(0, question), false);
  if (!path) return std::nullopt;
  parsed.path = std::move(*path);
  if (question == std::string_view::npos) return parsed;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    auto name = core::percent_decode(pair.substr(0, equals), true);
    auto value =
        core::percent_decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (!name || !value) return std::nullopt;
    parsed.query.emplace_back(std::move(*name), std::move(*value));
  }
  return parsed;
}

std::vector<std::string> query_values(const QueryParameters& query, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : query)
    if (key == name) values.push_back(value);
  return values;
}

std::string quoted_request_text(std::string_view text) {
  constexpr std::size_t kQuotedBytes = 200;
  return core::one_line(text, kQuotedBytes);
}

std::string encode_query_value(std::string_view value) {
  static constexpr core::ByteSet kUnreserved = core::byte_set([](unsigned char byte) {
    return (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
           byte == '-' || byte == '.' || byte == '_' || byte == '~';
  });
  return core::percent_encode(value, kUnreserved);
}

std::optional<std::string> basic_auth_password(std::string_view authorization) {
  authorization = core::trim(authorization);
  const std::size_t space = authorization.find(' ');
  if (space == std::string_view::npos || !core::equals_ignore_case(authorization.substr(0, space), "basic"))
    return std::nullopt;
  const auto decoded = base64_decode(core::trim(authorization.substr(space + 1)));
  if (!decoded) return std::nullopt;
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return decoded->substr(colon + 1);
}

bool secrets_equal(std::string_view given, std::string_view expected) {
  const std::string a = core::sha256_hex(given);
  const std::string b = core::sha256_hex(expected);
  unsigned difference = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    difference |= static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  return difference == 0 && a.size() == b.size();
}

}  // namespace tributary::serve
