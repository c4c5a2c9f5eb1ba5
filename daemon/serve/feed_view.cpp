// What a feed request asks for (see feed_view.hpp).
#include "serve/feed_view.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "core/url.hpp"
#include "serve/http_rules.hpp"
#include "serve/site.hpp"

namespace tributary::serve {
namespace {

std::vector<std::string> intersect(const std::vector<std::string>& configured, const std::vector<std::string>& asked) {
  if (configured.empty()) return asked;
  if (asked.empty()) return configured;
  std::vector<std::string> both;
  for (const std::string& value : asked)
    if (std::find(configured.begin(), configured.end(), value) != configured.end()) both.push_back(value);
  return both;
}

}  // namespace

std::string_view extension_of(FeedFormat format) {
  switch (format) {
    case FeedFormat::atom:
      return ".atom";
    case FeedFormat::json:
      return ".json";
    case FeedFormat::rss:
      return ".rss";
  }
  return ".atom";
}

std::string view_path(const FeedView& view) {
  const std::string_view extension = extension_of(view.format);
  return (view.channel ? "c/" + view.channel->name : std::string("feed")) + std::string(extension);
}

std::string join_query(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += '&';
    out += part;
  }
  return out;
}

std::string raw_query(std::string_view target) {
  const auto mark = target.find('?');
  return mark == std::string_view::npos ? std::string() : std::string(target.substr(mark + 1));
}

std::string with_query(const std::string& url, const std::string& query) {
  return query.empty() ? url : url + "?" + query;
}

std::string read_feed_parameters(const QueryParameters& parameters, const SiteSettings& settings, FeedView& view) {
  std::vector<std::string> source_urls;
  const std::vector<std::string> sources = query_values(parameters, "source");
  for (const std::string& wanted : sources) {
    // By URL (as configured, or without its credentials, as the feeds show
    // it), else by name, which must then name one source.
    const auto& names = settings.source_names;
    const auto by_url = std::find_if(names.begin(), names.end(), [&](const auto& entry) {
      return entry.second == wanted || core::redact_url(entry.second) == wanted;
    });
    if (by_url != names.end()) {
      source_urls.push_back(by_url->second);
      continue;
    }
    const auto named =
        std::count_if(names.begin(), names.end(), [&](const auto& entry) { return entry.first == wanted; });
    if (named == 0) return "unknown source \"" + quoted_request_text(wanted) + "\" (give its name or its URL)";
    if (named > 1)
      return std::to_string(named) + " sources are named \"" + quoted_request_text(wanted) +
             "\" (give the URL of the one you mean)";
    source_urls.push_back(
        std::find_if(names.begin(), names.end(), [&](const auto& entry) { return entry.first == wanted; })->second);
  }
  std::vector<std::string> tags = query_values(parameters, "tag");
  const std::vector<std::string> texts = query_values(parameters, "q");
  std::string text;
  for (const std::string& part : texts) text += (text.empty() ? "" : " ") + part;
  const std::vector<std::string> limits = query_values(parameters, "limit");
  view.query.limit = settings.entries;
  if (!limits.empty()) {
    // Larger numbers ask for the most there is: kMaxLimit.
    const std::optional<std::uint64_t> limit = parse_whole_number(limits.back());
    if (!limit || *limit == 0) return "limit must be a whole number from 1 to " + std::to_string(kMaxLimit);
    view.query.limit = static_cast<std::size_t>(std::min<std::uint64_t>(*limit, kMaxLimit));
    view.limit_query = "limit=" + std::to_string(view.query.limit);
  }
  const std::vector<std::string> befores = query_values(parameters, "before");
  if (!befores.empty()) {
    view.query.before = store::parse_cursor(befores.back());
    if (!view.query.before)
      return "before must be a cursor from a next link, not \"" + quoted_request_text(befores.back()) + "\"";
  }
  view.is_plain = sources.empty() && tags.empty() && texts.empty() && limits.empty() && befores.empty();

  // The filters as a canonical query string: the self link and the cache key.
  // Credentials in a configured URL never reach a link.
  for (const std::string& url : source_urls)
    view.filter_query = join_query({view.filter_query, "source=" + encode_query_value(core::redact_url(url))});
  for (const std::string& tag : tags)
    view.filter_query = join_query({view.filter_query, "tag=" + encode_query_value(tag)});
  if (!core::trim(text).empty()) view.filter_query = join_query({view.filter_query, "q=" + encode_query_value(text)});

  // A channel's own filters narrow further.
  const Channel* channel = view.channel;
  view.query.source_urls = intersect(channel ? channel->source_urls : std::vector<std::string>{}, source_urls);
  view.query.tags = intersect(channel ? channel->tags : std::vector<std::string>{}, tags);
  view.is_empty =
      (!source_urls.empty() && view.query.source_urls.empty()) || (!tags.empty() && view.query.tags.empty());
  view.query.text = channel && !channel->query.empty() ? channel->query + " " + text : text;
  return {};
}

}  // namespace tributary::serve
