// Pure decisions of the fetcher (see policy.hpp). No sockets, no clock.
#include "fetch/policy.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <charconv>

#include "core/text.hpp"
#include "core/url.hpp"

namespace tributary::fetch {
namespace {

namespace ip = boost::asio::ip;
namespace urls = boost::urls;

std::optional<ip::address> parse_ip(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  boost::system::error_code ec;
  const ip::address address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

std::optional<std::int64_t> parse_non_negative(std::string_view text) {
  text = core::trim(text);
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// "08:49:37" on a given day (the obsolete HTTP date forms write it alike).
std::optional<core::Timestamp> make_time(int year, int month, int day, std::string_view hh_mm_ss) {
  if (hh_mm_ss.size() != 8 || hh_mm_ss[2] != ':' || hh_mm_ss[5] != ':') return std::nullopt;
  const auto h = parse_non_negative(hh_mm_ss.substr(0, 2));
  const auto m = parse_non_negative(hh_mm_ss.substr(3, 2));
  const auto s = parse_non_negative(hh_mm_ss.substr(6, 2));
  if (!h || !m || !s) return std::nullopt;
  return core::make_timestamp(year, month, day, static_cast<int>(*h), static_cast<int>(*m), static_cast<int>(*s));
}

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ' ') ++pos;
    if (pos > start) words.push_back(text.substr(start, pos - start));
  }
  return words;
}

std::optional<std::string> blocked_v4_reason(const ip::address_v4& address) {
  const std::uint32_t a = address.to_uint();
  const auto in = [a](std::uint32_t network, int prefix) {
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (a & mask) == network;
  };
  if (a == 0xA9FEA9FEu) return "cloud metadata";  // 169.254.169.254
  if (in(0x00000000u, 8)) return "unspecified";
  if (in(0x7F000000u, 8)) return "loopback";
  if (in(0x0A000000u, 8) || in(0xAC100000u, 12) || in(0xC0A80000u, 16)) return "private";
  if (in(0x64400000u, 10)) return "shared (carrier-grade NAT)";
  if (in(0xA9FE0000u, 16)) return "link-local";
  if (in(0xC0000000u, 24) || in(0xC6120000u, 15) || in(0xF0000000u, 4)) return "reserved";
  if (in(0xE0000000u, 4)) return "multicast";
  return std::nullopt;
}

}  // namespace

// ---- Redirects ----

bool is_redirect_status(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_permanent_redirect_status(int status) { return status == 301 || status == 308; }

RedirectDecision decide_redirect(std::string_view current_url, int status, std::string_view location,
                                 const std::vector<std::string>& visited, int redirects_so_far, int max_redirects) {
  RedirectDecision decision;
  const std::string shown_location = core::redact_url(body_excerpt(location, 200));
  if (core::trim(location).empty()) {
    decision.error = FetchError::http;
    decision.message = "HTTP " + std::to_string(status) + " redirect without a Location header";
    return decision;
  }
  auto next = core::resolve_url(current_url, location);
  const auto check = next ? core::check_http_url(*next) : core::UrlCheck{};
  if (!next || !check.url) {
    decision.error = FetchError::http;
    decision.message =
        "HTTP " + std::to_string(status) + " redirect to an unusable Location \"" + shown_location + "\"";
    return decision;
  }
  // The fragment is not sent, so it does not make another resource.
  if (const auto hash = next->find('#'); hash != std::string::npos) next->erase(hash);
  if (redirects_so_far >= max_redirects) {
    decision.error = FetchError::redirect_loop;
    decision.message =
        "more than " + std::to_string(max_redirects) + " redirects (the last one to " + core::redact_url(*next) + ")";
    return decision;
  }
  if (std::find(visited.begin(), visited.end(), *next) != visited.end()) {
    decision.error = FetchError::redirect_loop;
    decision.message =
        "redirect loop: " + core::redact_url(current_url) + " redirects back to " + core::redact_url(*next);
    return decision;
  }
  decision.next_url = std::move(next);
  return decision;
}

bool is_same_origin(std::string_view a, std::string_view b) {
  const auto left = urls::parse_uri(a);
  const auto right = urls::parse_uri(b);
  if (!left || !right) return false;
  const auto effective_port = [](const urls::url_view& url) -> std::uint16_t {
    if (url.has_port() && !url.port().empty()) return url.port_number();
    return url.scheme_id() == urls::scheme::https ? 443 : 80;
  };
  return left->scheme_id() == right->scheme_id() &&
         core::to_lower_ascii(left->encoded_host()) == core::to_lower_ascii(right->encoded_host()) &&
         effective_port(*left) == effective_port(*right);
}

// ---- Dates, Retry-After and freshness ----

std::optional<core::Timestamp> parse_http_date_lenient(std::string_view text) {
  text = core::trim(text);
  if (auto fixdate = core::parse_http_date(text)) return fixdate;
  const auto words = split_spaces(text);
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT".
  if (words.size() == 4 && words[0].ends_with(',') && words[1].size() == 9 && words[1][2] == '-' &&
      words[1][6] == '-' && words[3] == "GMT") {
    const auto day = parse_non_negative(words[1].substr(0, 2));
    const auto month = core::month_from_abbreviation(words[1].substr(3, 3));
    const auto two_digit_year = parse_non_negative(words[1].substr(7, 2));
    if (!day || !month || !two_digit_year) return std::nullopt;
    // RFC 9110 §5.6.7 says to read it as the most recent year with those
    // digits; every such date seen in practice is 1970-2069.
    const int year = static_cast<int>(*two_digit_year) + (*two_digit_year < 70 ? 2000 : 1900);
    return make_time(year, *month, static_cast<int>(*day), words[2]);
  }
  // asctime: "Sun Nov  6 08:49:37 1994".
  if (words.size() == 5 && words[0].size() == 3) {
    const auto month = core::month_from_abbreviation(words[1]);
    const auto day = parse_non_negative(words[2]);
    const auto year = parse_non_negative(words[4]);
    if (!month || !day || !year || words[4].size() != 4) return std::nullopt;
    return make_time(static_cast<int>(*year), *month, static_cast<int>(*day), words[3]);
  }
  return std::nullopt;
}

std::optional<core::Timestamp> parse_retry_after(std::string_view value, core::Timestamp now) {
  value = core::trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // More than ~30 years of digits is nonsense; a year is as long as we wait.
    const auto seconds = parse_non_negative(value.substr(0, std::min<std::size_t>(value.size(), 12)));
    if (!seconds) return std::nullopt;
    return now + std::chrono::seconds{std::min<std::int64_t>(*seconds, 366 * 24 * 3600)};
  }
  const auto date = parse_http_date_lenient(value);
  if (!date) return std::nullopt;
  return std::max(*date, now);
}

std::optional<std::chrono::seconds> freshness_lifetime(const CachingHeaders& headers, core::Timestamp now) {
  std::optional<std::int64_t> max_age;
  std::size_t pos = 0;
  const std::string_view directives = headers.cache_control;
  while (pos <= directives.size() && !directives.empty()) {
    const std::size_t comma = std::min(directives.find(',', pos), directives.size());
    const std::string_view directive = core::trim(directives.substr(pos, comma - pos));
    pos = comma + 1;
    const std::size_t equals = directive.find('=');
    const std::string name = core::to_lower_ascii(core::trim(directive.substr(0, equals)));
    std::string_view argument =
        equals == std::string_view::npos ? std::string_view{} : core::trim(directive.substr(equals + 1));
    if (argument.size() >= 2 && argument.front() == '"' && argument.back() == '"')
      argument = argument.substr(1, argument.size() - 2);
    if (name == "no-store" || name == "no-cache") return std::chrono::seconds{0};
    if (name == "max-age") {
      const auto value = parse_non_negative(argument);
      max_age = value ? *value : 0;  // an invalid max-age is stale (RFC 9111 §4.2.1)
    }
    if (comma == directives.size()) break;
  }
  if (max_age) {
    const std::int64_t age = parse_non_negative(headers.age).value_or(0);
    return std::chrono::seconds{std::max<std::int64_t>(0, *max_age - age)};
  }
  if (core::trim(headers.expires).empty()) return std::nullopt;
  const auto expires = parse_http_date_lenient(headers.expires);
  if (!expires) return std::chrono::seconds{0};  // "0", "-1": already expired (RFC 9111 §5.3)
  const core::Timestamp base = parse_http_date_lenient(headers.date).value_or(now);
  return std::chrono::seconds{std::max<std::int64_t>(0, (*expires - base).count())};
}

// ---- Requests and responses ----

std::string base64(std::string_view bytes) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                            (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                            std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t n = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) n |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string basic_authorization(std::string_view username, std::string_view password) {
  return "Basic " + base64(std::string(username) + ":" + std::string(password));
}

std::string body_excerpt(std::string_view body, std::size_t max_bytes) {
  // Only the start matters; do not scan a whole error page.
  body = body.substr(0, std::min<std::size_t>(body.size(), max_bytes * 16));
  std::string text;
  bool is_in_tag = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (is_in_tag) {
      if (c == '>') {
        is_in_tag = false;
        text += ' ';
      }
      continue;
    }
    if (c == '<') {
      is_in_tag = true;
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&nbsp;", ' '}};
      bool is_entity = false;
      for (const auto& [entity, replacement] : kEntities) {
        if (body.substr(i, entity.size()) == entity) {
          text += replacement;
          i += entity.size() - 1;
          is_entity = true;
          break;
        }
      }
      if (is_entity) continue;
    }
    text += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  }
  text = core::collapse_whitespace(core::sanitize_utf8(text));
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return text.substr(0, cut) + "…";
}

// ---- Addresses ----

std::optional<std::string> blocked_address_reason(std::string_view text) {
  const auto address = parse_ip(text);
  if (!address) return "unparsable";
  if (address->is_v4()) return blocked_v4_reason(address->to_v4());
  const ip::address_v6 v6 = address->to_v6();
  const auto b = v6.to_bytes();
  const auto embedded_v4 = [&b](std::size_t offset) {
    return ip::make_address_v4(ip::address_v4::bytes_type{b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
  };
  if (v6.is_v4_mapped()) return blocked_v4_reason(embedded_v4(12));
  if (v6.is_unspecified()) return "unspecified";
  if (v6.is_loopback()) return "loopback";
  const bool is_high_zero = std::all_of(b.begin(), b.begin() + 12, [](std::uint8_t x) { return x == 0; });
  if (is_high_zero) return blocked_v4_reason(embedded_v4(12)).value_or("reserved");  // IPv4-compatible
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address inside.
  const bool is_nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
                        std::all_of(b.begin() + 4, b.begin() + 12, [](std::uint8_t x) { return x == 0; });
  if (is_nat64) return blocked_v4_reason(embedded_v4(12));
  if (b[0] == 0x20 && b[1] == 0x02) return blocked_v4_reason(embedded_v4(2));
  if (v6 == ip::make_address_v6("fd00:ec2::254")) return "cloud metadata";
  if ((b[0] & 0xfe) == 0xfc) return "private (unique local)";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "private (site-local)";
  if (b[0] == 0xff) return "multicast";
  if (b[0] == 0x01 && b[1] == 0x00 && std::all_of(b.begin() + 2, b.begin() + 8, [](std::uint8_t x) { return x == 0; }))
    return "reserved";  // 100::/64, discard-only
  return std::nullopt;
}

std::vector<std::size_t> connection_order(const std::vector<bool>& is_ipv6) {
  std::vector<std::size_t> first_family, other_family;
  for (std::size_t i = 0; i < is_ipv6.size(); ++i)
    (is_ipv6[i] == is_ipv6.front() ? first_family : other_family).push_back(i);
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < std::max(first_family.size(), other_family.size()); ++i) {
    if (i < first_family.size()) order.push_back(first_family[i]);
    if (i < other_family.size()) order.push_back(other_family[i]);
  }
  return order;
}

// ---- Proxies ----

ProxyParse parse_proxy_url(std::string_view text) {
  text = core::trim(text);
  ProxyParse result;
  if (text.empty()) {
    result.error = "empty proxy URL";
    return result;
  }
  std::string url(text);
  if (url.find("://") == std::string::npos) url = "http://" + url;
  const auto parsed = urls::parse_uri(url);
  if (!parsed || parsed->encoded_host().empty()) {
    result.error = "malformed proxy URL \"" + core::redact_url(url) + "\"";
    return result;
  }
  if (parsed->scheme_id() != urls::scheme::http) {
    result.error = "unsupported proxy scheme \"" + std::string(parsed->scheme()) + "\" in \"" + core::redact_url(url) +
                   "\" (only http:// proxies are supported; they tunnel https with CONNECT)";
    return result;
  }
  Proxy proxy;
  proxy.host = std::string(parsed->encoded_host_address());
  if (proxy.host.size() > 2 && proxy.host.front() == '[') proxy.host = proxy.host.substr(1, proxy.host.size() - 2);
  proxy.port = parsed->has_port() && !parsed->port().empty() ? std::string(parsed->port()) : "80";
  if (parsed->has_userinfo())
    proxy.authorization = basic_authorization(parsed->user(), parsed->has_password() ? parsed->password() : "");
  proxy.display = core::redact_url(url);
  result.proxy = std::move(proxy);
  return result;
}

bool is_proxy_bypassed(std::string_view host, std::string_view port, const std::vector<std::string>& no_proxy) {
  std::string name = core::to_lower_ascii(host);
  if (name.size() > 2 && name.front() == '[') name = name.substr(1, name.size() - 2);
  while (!name.empty() && name.back() == '.') name.pop_back();
  const auto host_ip = parse_ip(name);
  for (const std::string& raw_entry : no_proxy) {
    std::string entry = core::to_lower_ascii(core::trim(raw_entry));
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry.find('/') != std::string::npos) {
      if (host_ip) {
        if (const auto network = parse_network(entry); network && network_contains(*network, name)) return true;
      }
      continue;
    }
    // An optional port: "host:8080", "[::1]:8080"; a bare IPv6 address has
    // several colons and no port.
    std::string entry_port;
    if (entry.front() == '[') {
      const std::size_t close = entry.find(']');
      if (close == std::string::npos) continue;
      if (close + 1 < entry.size() && entry[close + 1] == ':') entry_port = entry.substr(close + 2);
      entry = entry.substr(1, close - 1);
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
      entry_port = entry.substr(entry.find(':') + 1);
      entry = entry.substr(0, entry.find(':'));
    }
    if (!entry_port.empty() && entry_port != port) continue;
    if (const auto entry_ip = parse_ip(entry)) {
      if (host_ip && *host_ip == *entry_ip) return true;
      continue;
    }
    while (!entry.empty() && (entry.front() == '.' || entry.front() == '*')) entry.erase(0, 1);
    while (!entry.empty() && entry.back() == '.') entry.pop_back();
    if (entry.empty()) continue;
    if (name == entry || (name.size() > entry.size() && name.ends_with("." + entry))) return true;
  }
  return false;
}

std::vector<std::string> split_no_proxy(std::string_view value) {
  std::vector<std::string> entries;
  std::string current;
  for (const char c : value) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!current.empty()) entries.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) entries.push_back(std::move(current));
  return entries;
}

}  // namespace tributary::fetch
