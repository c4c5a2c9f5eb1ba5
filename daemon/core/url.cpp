// URL helpers on top of Boost.URL, with fast paths for the plain URLs feeds
// mostly carry (an absolute http(s) URL, a path-absolute link against an
// http(s) base): each of them returns what Boost.URL returns, which
// url_test checks on generated cases, and leaves anything else to Boost.
#include "core/url.hpp"

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "core/text.hpp"

namespace tributary::core {
namespace {

namespace urls = boost::urls;

constexpr bool is_stray_byte(unsigned char byte) {
  return byte <= 0x20 || byte >= 0x7F || byte == '"' || byte == '<' || byte == '>' || byte == '\\' || byte == '^' ||
         byte == '`' || byte == '{' || byte == '|' || byte == '}';
}

constexpr ByteSet kUrlBytes = byte_set([](unsigned char byte) { return !is_stray_byte(byte); });

// Percent-encodes bytes that RFC 3986 never allows in a URL but that real
// feeds put there anyway: spaces, quotes, angle brackets, non-ASCII.
std::string encode_stray_bytes(std::string_view text) { return percent_encode(text, kUrlBytes); }

bool is_tracking_parameter(std::string_view key) {
  static constexpr std::array<std::string_view, 12> kExact = {"fbclid", "gclid",   "dclid",       "msclkid",
                                                              "mc_cid", "mc_eid",  "yclid",       "_ga",
                                                              "igshid", "mkt_tok", "oly_anon_id", "oly_enc_id"};
  if (starts_with_ignore_case(key, "utm_")) return true;
  for (std::string_view exact : kExact)
    if (equals_ignore_case(key, exact)) return true;
  return false;
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Whether percent-encoding may appear in a plain URL: resolution keeps it as
// written, canonicalization rewrites it (and is left to Boost).
enum class Percent { allowed, declined };

// RFC 3986 pchar without pct-encoded, which is checked apart.
constexpr std::array<bool, 256> kPlainPathBytes = [] {
  std::array<bool, 256> table{};
  for (int byte = 0; byte < 256; ++byte)
    table[static_cast<std::size_t>(byte)] =
        (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
        std::string_view("-._~!$&'()*+,;=:@/").find(static_cast<char>(byte)) != std::string_view::npos;
  return table;
}();

bool is_plain_path_char(char c) { return kPlainPathBytes[static_cast<unsigned char>(c)]; }

// Path, query and fragment of a plain URL: pchars and '/', then optionally
// '?' and a query, then optionally '#' and a fragment. No dot segments
// (".", ".."), which resolution and normalization would rewrite.
bool is_plain_path_query_fragment(std::string_view text, Percent percent) {
  bool in_path = true;
  bool in_fragment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      // "%2E" is a dot that dot-segment removal might see; declined too.
      if (percent == Percent::declined || i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2]) ||
          (text[i + 1] == '2' && (text[i + 2] == 'e' || text[i + 2] == 'E')))
        return false;
      i += 2;
      continue;
    }
    if (c == '?' && !in_fragment) {
      in_path = false;
      continue;
    }
    if (c == '#' && !in_fragment) {
      in_path = false;
      in_fragment = true;
      continue;
    }
    if (c == '?' && in_fragment) continue;
    if (!is_plain_path_char(c)) return false;
    if (in_path && c == '.' && i > 0 && text[i - 1] == '/') return false;
  }
  return true;
}

// Where the authority of a plain "http://host[:port]…" or "https://…" URL
// ends, or npos when `url` is not one (then Boost decides).
std::size_t plain_http_authority_end(std::string_view url, Percent percent) {
  std::size_t start = 0;
  if (url.starts_with("http://"))
    start = 7;
  else if (url.starts_with("https://"))
    start = 8;
  else
    return std::string_view::npos;
  std::size_t pos = start;
  while (pos < url.size() && (is_alnum(url[pos]) || url[pos] == '-' || url[pos] == '.')) ++pos;
  if (pos == start) return std::string_view::npos;
  if (pos < url.size() && url[pos] == ':') {
    const std::size_t digits = ++pos;
    while (pos < url.size() && url[pos] >= '0' && url[pos] <= '9') ++pos;
    if (pos == digits || pos - digits > 5) return std::string_view::npos;
  }
  if (pos < url.size() && url[pos] != '/' && url[pos] != '?' && url[pos] != '#') return std::string_view::npos;
  if (!is_plain_path_query_fragment(url.substr(pos), percent)) return std::string_view::npos;
  return pos;
}

// A malformed URL ("http://user:secret@host:99999/") still shows what it
// tried to be, but not its credentials: everything between "://" and the
// last '@' before the query goes. Cutting too much of a broken URL is
// harmless; printing a password is not.
std::string redact_unparsable_url(std::string_view text) {
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::string(text);
  const std::size_t authority_start = scheme_end + 3;
  const std::size_t query_start = std::min(text.find_first_of("?#", authority_start), text.size());
  const std::size_t at = text.substr(0, query_start).rfind('@');
  if (at == std::string_view::npos || at < authority_start) return std::string(text);
  return std::string(text.substr(0, authority_start)) + std::string(text.substr(at + 1));
}

}  // namespace

UrlCheck check_http_url(std::string_view text) {
  const std::string_view trimmed = trim(text);
  // The reasons quote the URL: without its credentials.
  auto parsed = urls::parse_uri(trimmed);
  if (!parsed) return {std::nullopt, "malformed URL \"" + redact_url(trimmed) + "\""};
  const auto scheme = parsed->scheme_id();
  if (scheme != urls::scheme::http && scheme != urls::scheme::https)
    return {std::nullopt, "unsupported URL scheme \"" + std::string(parsed->scheme()) + "\" in \"" +
                              redact_url(trimmed) + "\" (use http or https)"};
  if (!parsed->has_authority() || parsed->encoded_host().empty())
    return {std::nullopt, "URL \"" + redact_url(trimmed) + "\" has no host"};
  if (parsed->has_port() && (parsed->port_number() == 0))
    return {std::nullopt, "URL \"" + redact_url(trimmed) + "\" has an invalid port"};
  return {std::string(trimmed), {}};
}

bool is_absolute_uri(std::string_view text) {
  auto parsed = urls::parse_uri(text);
  return parsed.has_value();
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view reference) {
  // Most references have no stray byte: then they are read where they are
  // rather than copied first (this runs for every link of every article).
  const std::string_view trimmed = trim(reference);
  const bool has_stray_byte =
      std::any_of(trimmed.begin(), trimmed.end(), [](char c) { return !kUrlBytes[static_cast<unsigned char>(c)]; });
  std::string encoded_copy = has_stray_byte ? encode_stray_bytes(trimmed) : std::string();
  const std::string_view encoded = has_stray_byte ? std::string_view(encoded_copy) : trimmed;
  // An absolute plain URL is its own resolution.
  if (plain_http_authority_end(encoded, Percent::allowed) != std::string_view::npos)
    return has_stray_byte ? std::move(encoded_copy) : std::string(encoded);
  // "/path?query" keeps the base's scheme and authority (RFC 3986 §5.2.2).
  if (encoded.starts_with('/') && !encoded.starts_with("//") &&
      is_plain_path_query_fragment(encoded, Percent::allowed)) {
    const std::size_t authority_end = plain_http_authority_end(base, Percent::allowed);
    if (authority_end != std::string_view::npos) {
      std::string resolved;
      resolved.reserve(authority_end + encoded.size());
      resolved.append(base.substr(0, authority_end));
      resolved.append(encoded);
      return resolved;
    }
  }
  return detail::resolve_url_with_boost(base, reference);
}

std::optional<std::string> detail::resolve_url_with_boost(std::string_view base, std::string_view reference) {
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
  const std::string_view url = trim(absolute_url);
  const std::size_t authority_end = plain_http_authority_end(url, Percent::declined);
  // Already normal when the scheme and host are lower-case, there is no
  // port and no percent-encoding (checked above): only the fragment and
  // tracking parameters go.
  const bool is_lower_case_host =
      std::none_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(std::min(authority_end, url.size())),
                   [](char c) { return c >= 'A' && c <= 'Z'; });
  const bool has_port = authority_end != std::string_view::npos && url.substr(0, authority_end).rfind(':') > 5;
  // (An empty path is Boost's: it writes "/" in ways of its own.)
  const bool has_path = authority_end < url.size() && url[authority_end] == '/';
  if (authority_end != std::string_view::npos && is_lower_case_host && !has_port && has_path) {
    std::string_view rest = url.substr(authority_end);
    rest = rest.substr(0, rest.find('#'));
    const std::size_t question = rest.find('?');
    const std::string_view path = rest.substr(0, question);
    std::string canonical;
    canonical.reserve(url.size());  // at most the whole URL: one allocation
    canonical.append(url.substr(0, authority_end));
    canonical.append(path);
    if (question == std::string_view::npos) return canonical;
    const std::string_view query = rest.substr(question + 1);
    std::string kept;
    bool is_plain_query = !query.empty();
    for (std::size_t start = 0; is_plain_query && start <= query.size();) {
      const std::size_t end = std::min(query.find('&', start), query.size());
      const std::string_view parameter = query.substr(start, end - start);
      const std::string_view key = parameter.substr(0, parameter.find('='));
      // Empty parameters and '+' (a space once decoded) are Boost's to read.
      if (parameter.empty() || key.find('+') != std::string_view::npos)
        is_plain_query = false;
      else if (!is_tracking_parameter(key)) {
        if (!kept.empty()) kept += '&';
        kept.append(parameter);
      }
      start = end + 1;
    }
    if (is_plain_query) {
      if (!kept.empty()) canonical.append("?").append(kept);
      return canonical;
    }
  }
  return detail::canonical_url_with_boost(absolute_url);
}

std::string detail::canonical_url_with_boost(std::string_view absolute_url) {
  auto parsed = urls::parse_uri(trim(absolute_url));
  if (!parsed) return std::string(absolute_url);
  urls::url url(*parsed);
  url.normalize();
  if (url.has_fragment()) {
    url.remove_fragment();
    // Boost.URL 1.81 miscounts the query's parameters after the fragment
    // goes ("https://x.example/?#f" crashes the loop below): read it anew.
    url = urls::url(url.buffer());
  }
  const bool is_default_port = (url.scheme_id() == urls::scheme::http && url.port() == "80") ||
                               (url.scheme_id() == urls::scheme::https && url.port() == "443");
  if (is_default_port || (url.has_port() && url.port().empty())) url.remove_port();
  if (url.has_query()) {
    auto params = url.params();
    for (auto it = params.begin(); it != params.end();) {
      if (is_tracking_parameter((*it).key))
        it = params.erase(it);
      else
        ++it;
    }
    if (params.empty()) url.remove_query();
  }
  // "http://example.com" and "http://example.com/" are the same resource.
  if (url.has_authority() && url.encoded_path().empty()) url.set_encoded_path("/");
  return std::string(url.buffer());
}

namespace {

// The AMP cache serves "https://outlet-example.cdn.ampproject.org/c/s/outlet.example/path":
// the original is https:// and what follows "/c/s/" ("http://" after "/c/"
// alone); "/v/" is the cache's viewer, read the same way.
std::optional<std::string> amp_cache_origin(std::string_view host, std::string_view path_and_query) {
  if (host != "cdn.ampproject.org" && !host.ends_with(".cdn.ampproject.org")) return std::nullopt;
  for (const std::string_view kind : {std::string_view("/c/"), std::string_view("/v/")}) {
    if (!path_and_query.starts_with(kind)) continue;
    std::string_view rest = path_and_query.substr(kind.size());
    const bool is_https = rest.starts_with("s/");
    if (is_https) rest.remove_prefix(2);
    if (rest.empty() || rest.front() == '/') return std::nullopt;
    return std::string(is_https ? "https://" : "http://") + std::string(rest);
  }
  return std::nullopt;
}

// Parameters that ask for the AMP edition of a page, or that the AMP cache
// adds: the article is the same without them.
bool is_edition_parameter(std::string_view parameter) {
  const std::size_t equals = parameter.find('=');
  const std::string_view key = parameter.substr(0, equals);
  const std::string_view value = equals == std::string_view::npos ? std::string_view() : parameter.substr(equals + 1);
  if (equals_ignore_case(key, "amp") || equals_ignore_case(key, "amp_js_v") || equals_ignore_case(key, "usqp"))
    return true;
  return equals_ignore_case(key, "outputType") && equals_ignore_case(value, "amp");
}

// "www.", "m.", "mobile.", "amp." in front of the outlet's own name.
std::string_view without_edition_host_prefix(std::string_view host) {
  for (bool is_stripped = true; is_stripped;) {
    is_stripped = false;
    for (const std::string_view prefix : {"www.", "m.", "mobile.", "amp."}) {
      // Never down to a single label ("m.example" stays).
      if (host.starts_with(prefix) && host.find('.', prefix.size()) != std::string_view::npos) {
        host.remove_prefix(prefix.size());
        is_stripped = true;
      }
    }
  }
  return host;
}

// The path without an "amp" segment first or last, ".amp" before the last
// segment's extension (or at its end), and a trailing slash.
std::string without_edition_path(std::string_view path) {
  std::string out(path);
  if (out.starts_with("/amp/") || out == "/amp") out.erase(0, 4);
  if (out.ends_with("/amp/"))
    out.erase(out.size() - 4);
  else if (out.ends_with("/amp"))
    out.erase(out.size() - 3);
  const std::size_t segment = out.rfind('/') + 1;  // npos + 1 == 0
  const std::size_t dot = out.rfind('.');
  if (out.ends_with(".amp") && out.size() - 4 >= segment) {
    out.erase(out.size() - 4);
  } else if (dot != std::string::npos && dot >= segment + 4 && out.compare(dot - 4, 4, ".amp") == 0) {
    out.erase(dot - 4, 4);
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  // push_back, not `out = "/"`: g++ 12 at -O3 flags that assignment with a
  // false -Wrestrict (GCC bug 105651).
  if (out.empty()) out.push_back('/');
  return out;
}

}  // namespace

std::string story_url_key(std::string_view absolute_url) {
  const std::string canonical = canonical_url(absolute_url);
  const std::string_view url = canonical;
  std::size_t scheme_end = 0;
  if (url.starts_with("https://"))
    scheme_end = 8;
  else if (url.starts_with("http://"))
    scheme_end = 7;
  else
    return canonical;
  const std::size_t authority_end = std::min(url.find_first_of("/?", scheme_end), url.size());
  const std::string_view authority = url.substr(scheme_end, authority_end - scheme_end);
  const std::string_view path_and_query = url.substr(authority_end);
  // user:password@ and :port stay as they are; only the host name is read.
  const std::size_t at = authority.rfind('@');
  const std::size_t host_start = at == std::string_view::npos ? 0 : at + 1;
  if (host_start < authority.size() && authority[host_start] == '[') return canonical;  // an IPv6 literal
  const std::size_t port = authority.find(':', host_start);
  const std::string_view host = authority.substr(host_start, port == std::string_view::npos ? port : port - host_start);
  if (const auto origin = amp_cache_origin(host, path_and_query)) {
    // Once: an AMP cache URL of an AMP cache URL is not an article.
    if (origin->find(".cdn.ampproject.org") == std::string::npos) return story_url_key(*origin);
    return canonical;
  }
  std::string key = "https://";
  key.append(authority.substr(0, host_start));
  key.append(without_edition_host_prefix(host));
  if (port != std::string_view::npos) key.append(authority.substr(port));
  const std::size_t question = path_and_query.find('?');
  key.append(without_edition_path(path_and_query.substr(0, question)));
  if (question == std::string_view::npos) return key;
  const std::string_view query = path_and_query.substr(question + 1);
  std::string kept;
  for (std::size_t start = 0; start <= query.size();) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string_view parameter = query.substr(start, end - start);
    if (!parameter.empty() && !is_edition_parameter(parameter)) {
      if (!kept.empty()) kept += '&';
      kept.append(parameter);
    }
    start = end + 1;
  }
  if (!kept.empty()) key.append("?").append(kept);
  return key;
}

std::string url_host(std::string_view absolute_url) {
  auto parsed = urls::parse_uri(trim(absolute_url));
  if (!parsed || !parsed->has_authority()) return {};
  return to_lower_ascii(parsed->encoded_host_address());
}

std::string redact_url(std::string_view absolute_url) {
  auto parsed = urls::parse_uri(trim(absolute_url));
  if (!parsed) return redact_unparsable_url(absolute_url);
  if (!parsed->has_userinfo()) return std::string(absolute_url);
  urls::url url(*parsed);
  url.remove_userinfo();
  return std::string(url.buffer());
}

}  // namespace tributary::core
