// The one rule for compiling a [[filter]] pattern with RE2, shared by the
// config check (an invalid pattern is a FILE:LINE:COL error) and the filter
// module that runs it, so that what `check` accepts is what the daemon runs.
// RE2 matches in time linear in the text (no backtracking), so hostile feed
// text cannot stall the writer; the pattern's own size and its compiled
// program are bounded here.
#pragma once

#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tributary::config {

inline constexpr std::size_t kMaxFilterPatternBytes = 4096;
// RE2's budget for one compiled pattern (its default is 8 MiB); a pattern
// such as "\pL{1000}" (a thousand letters of any script) exceeds it and
// is refused at load.
inline constexpr std::int64_t kMaxFilterPatternMemory = 1 << 20;

struct CompiledPattern {
  std::unique_ptr<const re2::RE2> regex;  // null when `error` is set
  std::string error;                      // why the pattern is refused, for a message
};

// UTF-8, no logging of errors (they are returned), bounded memory.
CompiledPattern compile_filter_pattern(std::string_view pattern);

}  // namespace tributary::config
