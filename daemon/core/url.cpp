// URL helpers on top of Boost.URL.
#include "core/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <array>

#include "core/text.hpp"

namespace tributary::core {
namespace {

namespace urls = boost::urls;

// Percent-encodes bytes that RFC 3986 never allows in a URL but that real
// feeds put there anyway: spaces, quotes, angle brackets, non-ASCII.
std::string encode_stray_bytes(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool is_stray = byte <= 0x20 || byte >= 0x7F || c == '"' || c == '<' || c == '>' ||
                          c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}';
    if (is_stray) {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool is_tracking_parameter(std::string_view key) {
  static constexpr std::array<std::string_view, 12> kExact = {
      "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid",
      "yclid",  "_ga",   "igshid", "mkt_tok", "oly_anon_id", "oly_enc_id"};
  if (starts_with_ignore_case(key, "utm_")) return true;
  for (std::string_view exact : kExact)
    if (equals_ignore_case(key, exact)) return true;
  return false;
}

}  // namespace

UrlCheck check_http_url(std::string_view text) {
  const std::string_view trimmed = trim(text);
  auto parsed = urls::parse_uri(trimmed);
  if (!parsed) return {std::nullopt, "malformed URL \"" + std::string(trimmed) + "\""};
  const auto scheme = parsed->scheme_id();
  if (scheme != urls::scheme::http && scheme != urls::scheme::https)
    return {std::nullopt, "unsupported URL scheme \"" + std::string(parsed->scheme()) + "\" in \"" +
                              std::string(trimmed) + "\" (use http or https)"};
  if (!parsed->has_authority() || parsed->encoded_host().empty())
    return {std::nullopt, "URL \"" + std::string(trimmed) + "\" has no host"};
  if (parsed->has_port() && (parsed->port_number() == 0))
    return {std::nullopt, "URL \"" + std::string(trimmed) + "\" has an invalid port"};
  return {std::string(trimmed), {}};
}

bool is_absolute_uri(std::string_view text) {
  auto parsed = urls::parse_uri(text);
  return parsed.has_value();
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view reference) {
  const std::string encoded_reference = encode_stray_bytes(trim(reference));
  auto absolute = urls::parse_uri(encoded_reference);
  if (absolute) return std::string(absolute->buffer());
  auto relative = urls::parse_uri_reference(encoded_reference);
  const std::string encoded_base = encode_stray_bytes(trim(base));
  auto base_url = urls::parse_uri(encoded_base);
  if (!relative || !base_url) return std::nullopt;
  urls::url resolved(*base_url);
  if (!resolved.resolve(*relative)) return std::nullopt;
  return std::string(resolved.buffer());
}

std::string canonical_url(std::string_view absolute_url) {
  auto parsed = urls::parse_uri(trim(absolute_url));
  if (!parsed) return std::string(absolute_url);
  urls::url url(*parsed);
  url.normalize();
  url.remove_fragment();
  const bool is_default_port = (url.scheme_id() == urls::scheme::http && url.port() == "80") ||
                               (url.scheme_id() == urls::scheme::https && url.port() == "443");
  if (is_default_port || (url.has_port() && url.port().empty())) url.remove_port();
  if (url.has_query()) {
    auto params = url.params();
    for (auto it = params.begin(); it != params.end();) {
      if (is_tracking_parameter((*it).key)) it = params.erase(it);
      else ++it;
    }
    if (params.empty()) url.remove_query();
  }
  // "http://example.com" and "http://example.com/" are the same resource.
  if (url.has_authority() && url.encoded_path().empty()) url.set_encoded_path("/");
  return std::string(url.buffer());
}

std::string url_host(std::string_view absolute_url) {
  auto parsed = urls::parse_uri(trim(absolute_url));
  if (!parsed || !parsed->has_authority()) return {};
  return to_lower_ascii(parsed->encoded_host_address());
}

std::string redact_url(std::string_view absolute_url) {
  auto parsed = urls::parse_uri(trim(absolute_url));
  if (!parsed || !parsed->has_userinfo()) return std::string(absolute_url);
  urls::url url(*parsed);
  url.remove_userinfo();
  return std::string(url.buffer());
}

}  // namespace tributary::core
