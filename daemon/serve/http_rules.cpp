// Content negotiation and conditional request rules.
#include "serve/http_rules.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "core/text.hpp"

namespace tributary::serve {
namespace {

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

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<double> gzip_q, any_q;
  for_each_weighted(accept_encoding, [&](std::string_view coding, double q) {
    if (core::equals_ignore_case(coding, "gzip") || core::equals_ignore_case(coding, "x-gzip")) gzip_q = q;
    else if (coding == "*") any_q = q;
  });
  if (gzip_q) return *gzip_q > 0;
  return any_q && *any_q > 0;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (core::trim(if_none_match) == "*") return true;
  bool is_match = false;
  for_each_weighted(if_none_match, [&](std::string_view tag, double) {
    is_match = is_match || opaque_tag(tag) == opaque_tag(etag);
  });
  return is_match;
}

bool is_unmodified_since(std::string_view if_modified_since, core::Timestamp last_modified) {
  const auto since = core::parse_http_date(if_modified_since);
  return since && last_modified <= *since;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int bit_count = 0;
  std::size_t padding = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '+') value = 62;
    else if (c == '/') value = 63;
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
  auto path = percent_decode(target.substr(0, question), false);
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
    auto name = percent_decode(pair.substr(0, equals), true);
    auto value = percent_decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
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

std::string encode_query_value(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    const bool is_unreserved = std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~';
    if (is_unreserved && byte < 0x80) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
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
