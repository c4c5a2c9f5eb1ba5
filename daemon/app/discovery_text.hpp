// How `parse`, `fetch` and `add` word what feed autodiscovery found on a
// page: one line, the same in each command.
#pragma once

#include <string>
#include <vector>

#include "parse/discovery.hpp"

namespace tributary::app {

// "https://…/feed.xml (Atom, "Mountain Gazette")": a candidate as listed.
std::string feed_link_text(const parse::FeedLink& link);
// "an HTML page that advertises these feeds: A, B", or, for none, "not a
// feed: an HTML page that advertises no feed (…)".
std::string advertised_feeds_text(const std::vector<parse::FeedLink>& links);

}  // namespace tributary::app
