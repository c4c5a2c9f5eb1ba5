// Lenient date parsing for feeds: RFC 822/1123 and its real-world variants,
// RFC 3339 / ISO 8601 and theirs. Result in UTC; nullopt when unreadable —
// never a guess and never "now".
#pragma once

#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace tributary::normalize {

std::optional<core::Timestamp> parse_feed_date(std::string_view text);

// The general reader alone, without parse_feed_date's shortcut for RFC
// 1123's own form: for the test that holds the two to one result.
std::optional<core::Timestamp> parse_feed_date_by_tokens(std::string_view text);

}  // namespace tributary::normalize
