// The response head (see response_head.hpp). Beast supplies only the
// reason phrases, so that they stay the ones it sent.
#include "serve/response_head.hpp"

#include <array>
#include <boost/beast/http/status.hpp>
#include <charconv>

#include "core/text.hpp"
#include "core/version.hpp"

namespace tributary::serve {
namespace {

const std::string& server_field() {
  static const std::string value = "Tributary/" + std::string(core::kVersion);
  return value;
}

void append_number(std::string& out, std::uint64_t number) {
  std::array<char, 24> digits;
  const auto [end, error] = std::to_chars(digits.data(), digits.data() + digits.size(), number);
  out.append(digits.data(), end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

// Whether a site's field from `first` on names `name` (in any case).
// Beast's fields::set() replaced a field of the same name: a field is sent
// only if no later one names it again.
bool is_named_from(const Response& response, std::size_t first, std::string_view name) {
  for (std::size_t index = first; index < response.headers.size(); ++index)
    if (core::equals_ignore_case(response.headers[index].first, name)) return true;
  return false;
}

}  // namespace

bool status_allows_body(int status) { return !(status == 304 || status == 204 || status < 200); }

void append_response_head(std::string& out, const Response& response, unsigned version, bool keep_alive,
                          std::string_view date) {
  out += "HTTP/";
  append_number(out, version / 10);
  out += '.';
  append_number(out, version % 10);
  out += ' ';
  append_number(out, static_cast<std::uint64_t>(response.status));
  out += ' ';
  const auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
  const bool allows_body = status_allows_body(response.status);
  const std::size_t count = response.headers.size();
  if (!is_named_from(response, 0, "Server")) append_field(out, "Server", server_field());
  if (!is_named_from(response, 0, "Date")) append_field(out, "Date", date);
  out += response.document_fields;
  for (std::size_t index = 0; index < count; ++index) {
    const auto& [name, value] = response.headers[index];
    // The server's own fields come after the site's and win over them.
    const bool is_servers = (allows_body && core::equals_ignore_case(name, "Content-Length")) ||
                            core::equals_ignore_case(name, "Connection");
    if (!is_servers && !is_named_from(response, index + 1, name)) append_field(out, name, value);
  }
  if (allows_body) {
    out += "Content-Length: ";
    append_number(out, response.body().size());
    out += "\r\n";
  }
  // HTTP/1.1 is persistent unless it says close; 1.0 only if it says
  // keep-alive (RFC 9112 §9.3).
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  out += "\r\n";
}

}  // namespace tributary::serve
