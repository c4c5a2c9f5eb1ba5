// libFuzzer target: the JSON Feed path, parse + normalize. The first byte
// picks how the rest is used: as a whole document, or as the values of a
// JSON Feed's fields (split at line breaks, put in as JSON string contents,
// so that escapes such as "\u0000" or a lone "\ud800" reach the parser).
// Every normalized feed must pass fuzz::require_valid. Built by scripts/fuzz.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "normalized_invariants.hpp"
#include "parse/parse.hpp"

namespace {

// `piece` inside a JSON string: quotes escaped and raw control bytes as
// \u00XX; backslashes left as they are, so that the input can write escapes.
std::string as_string_contents(std::string_view piece) {
  std::string out;
  for (const char c : piece) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"')
      out += "\\\"";
    else if (byte < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    } else
      out.push_back(c);
  }
  if (!out.empty() && out.back() == '\\' && (out.size() < 2 || out[out.size() - 2] != '\\')) out += '\\';
  return out;
}

std::string feed_of_fields(std::string_view fields) {
  static constexpr std::array<std::string_view, 12> kKeys = {"title",    "content_text", "content_html", "summary",
                                                             "language", "mime_type",    "url",          "name",
                                                             "id",       "tags",         "image",        "version"};
  std::array<std::string, kKeys.size()> values;
  std::size_t index = 0;
  for (std::size_t start = 0; start <= fields.size() && index < values.size(); ++index) {
    const std::size_t end = std::min(fields.find('\n', start), fields.size());
    values[index] = as_string_contents(fields.substr(start, end - start));
    start = end + 1;
  }
  const auto value = [&](std::string_view key) {
    for (std::size_t i = 0; i < kKeys.size(); ++i)
      if (kKeys[i] == key) return "\"" + values[i] + "\"";
    return std::string("\"\"");
  };
  return "{\"version\": " +
         (values[11].empty() ? std::string("\"https://jsonfeed.org/version/1.1\"") : value("version")) +
         ", \"title\": " + value("title") + ", \"home_page_url\": " + value("url") +
         ", \"language\": " + value("language") + ", \"authors\": [{\"name\": " + value("name") +
         ", \"url\": " + value("url") + "}], \"items\": [{\"id\": " + value("id") + ", \"url\": " + value("url") +
         ", \"title\": " + value("title") + ", \"content_text\": " + value("content_text") +
         ", \"content_html\": " + value("content_html") + ", \"summary\": " + value("summary") +
         ", \"language\": " + value("language") + ", \"image\": " + value("image") + ", \"tags\": [" + value("tags") +
         "], \"authors\": [{\"name\": " + value("name") + "}], \"attachments\": [{\"url\": " + value("url") +
         ", \"mime_type\": " + value("mime_type") +
         ", \"size_in_bytes\": 12}]}, {\"id\": \"2\", \"content_text\": " + value("content_text") + "}]}";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string document = data[0] % 2 == 0 ? std::string(rest) : feed_of_fields(rest);
  tributary::parse::ParseOptions options;
  options.document_url = "https://fuzz.example/feeds/feed.json";
  options.limits.max_document_bytes = 1024 * 1024;
  const tributary::parse::ParseOutcome outcome = tributary::parse::parse_feed(document, options);
  if (!outcome.feed) {
    tributary::fuzz::require(!outcome.error.empty());
    return 0;
  }
  const tributary::core::Timestamp now = tributary::core::from_unix_seconds(1766000000);
  tributary::fuzz::require_valid(tributary::normalize::normalize_feed(*outcome.feed, {options.document_url, now}));
  return 0;
}
