// libFuzzer target: arbitrary bytes through the HTML sanitizer, the text
// extraction and the date parser. Built by scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "normalize/dates.hpp"
#include "normalize/html.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string clean = tributary::normalize::sanitize_html(input, "https://fuzz.example/a/b");
  // The sanitizer's output is valid UTF-8 with no script element left.
  if (!tributary::core::is_valid_utf8(clean)) __builtin_trap();
  if (tributary::core::to_lower_ascii(clean).find("<script") != std::string::npos) __builtin_trap();
  // Sanitizing is idempotent in what it lets through.
  if (tributary::normalize::sanitize_html(clean, "https://fuzz.example/a/b").find("<script") != std::string::npos)
    __builtin_trap();
  (void)tributary::normalize::html_to_text(input);
  (void)tributary::normalize::clean_text(input);
  (void)tributary::normalize::parse_feed_date(input.substr(0, 128));
  return 0;
}
