// Compiling [[filter]] patterns with RE2 under the bounds of
// filter_pattern.hpp.
#include "config/filter_pattern.hpp"

namespace tributary::config {

CompiledPattern compile_filter_pattern(std::string_view pattern) {
  CompiledPattern compiled;
  if (pattern.empty()) {
    compiled.error = "an empty pattern matches every item; write what to match";
    return compiled;
  }
  if (pattern.size() > kMaxFilterPatternBytes) {
    compiled.error = "the pattern is " + std::to_string(pattern.size()) + " bytes, more than the " +
                     std::to_string(kMaxFilterPatternBytes) + " a filter may have; split it into several filters";
    return compiled;
  }
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  options.set_max_mem(kMaxFilterPatternMemory);
  auto regex = std::make_unique<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (regex->ok()) {
    compiled.regex = std::move(regex);
    return compiled;
  }
  if (regex->error_code() == re2::RE2::ErrorPatternTooLarge)
    compiled.error = "the pattern is too complex (its compiled form exceeds " +
                     std::to_string(kMaxFilterPatternMemory / 1024) +
                     " KiB; large repetition counts such as {1000} multiply it); simplify it";
  else
    compiled.error =
        "invalid RE2 pattern: " + regex->error() + " (RE2 syntax: https://github.com/google/re2/wiki/Syntax)";
  return compiled;
}

}  // namespace tributary::config
