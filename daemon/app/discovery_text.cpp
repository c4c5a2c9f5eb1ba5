// The wording of autodiscovery's findings (see discovery_text.hpp).
#include "app/discovery_text.hpp"

#include "core/core.hpp"

namespace tributary::app {

std::string feed_link_text(const parse::FeedLink& link) {
  std::string text = core::redact_url(link.url) + " (" + std::string(parse::feed_type_label(link.type));
  if (!link.title.empty()) text += ", \"" + link.title + "\"";
  return text + ")";
}

std::string advertised_feeds_text(const std::vector<parse::FeedLink>& links) {
  if (links.empty())
    return "not a feed: an HTML page that advertises no feed (no <link rel=\"alternate\"> of an RSS, Atom or "
           "JSON Feed type in its head); `tributary add` also tries the usual feed locations of its site";
  std::string text = "an HTML page that advertises these feeds: ";
  for (std::size_t i = 0; i < links.size(); ++i) text += (i == 0 ? "" : ", ") + feed_link_text(links[i]);
  return text;
}

}  // namespace tributary::app
