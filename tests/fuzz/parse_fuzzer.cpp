// libFuzzer target: arbitrary bytes through parse_feed and, when a feed comes
// out, normalize_feed. The first byte picks the HTTP charset the caller
// claims, so the encoding paths are fuzzed too. Built by scripts/fuzz.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "normalized_invariants.hpp"
#include "parse/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::array<std::string_view, 8> kCharsets = {"",       "utf-8",     "iso-8859-1", "utf-16",
                                                                "koi8-r", "shift_jis", "utf-16be",   "nonsense"};
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  tributary::parse::ParseOptions options;
  options.document_url = "https://fuzz.example/feeds/feed.xml";
  options.charset = size > 0 ? kCharsets[data[0] % kCharsets.size()] : "";
  options.limits.max_document_bytes = 1024 * 1024;
  const tributary::parse::ParseOutcome outcome = tributary::parse::parse_feed(bytes, options);
  if (outcome.feed) {
    const tributary::core::Timestamp now = tributary::core::from_unix_seconds(1766000000);
    // Invariants a crash would not reveal.
    tributary::fuzz::require_valid(tributary::normalize::normalize_feed(*outcome.feed, {options.document_url, now}));
  } else if (outcome.error.empty()) {
    __builtin_trap();
  }
  return 0;
}
