// ParsedFeed → NormalizedFeed, item by item.
#include "normalize/normalize.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include "core/text.hpp"
#include "core/url.hpp"
#include "normalize/characters.hpp"
#include "normalize/dates.hpp"
#include "normalize/fingerprint.hpp"
#include "normalize/html.hpp"
#include "normalize/media_types.hpp"

namespace tributary::normalize {
namespace {

using parse::TextType;

std::string plain_text_of(const parse::Text& text) {
  std::string plain = text.type == TextType::text ? clean_text(text.value) : html_to_text(text.value);
  // A no-break space at a title's end ("complexe&nbsp;") is stripped by
  // every reader: keep what they show.
  if (plain.empty()) return plain;
  const auto first = static_cast<unsigned char>(plain.front());
  const auto last = static_cast<unsigned char>(plain.back());
  if (first >= 0x80 || last >= 0x80) return trim_white_space(plain);
  return plain;
}

std::string nested_base(std::string_view outer, std::string_view xml_base);

SanitizedHtml html_of(const parse::Text& text, std::string_view base_url) {
  if (core::trim(text.value).empty()) return {};
  if (text.type == TextType::text) {
    // Plain text shown as HTML: escape it and keep its paragraphs.
    std::string escaped = escape_html(core::trim(without_forbidden_characters(text.value)));
    std::string out;
    for (char c : escaped) {
      if (c == '\n')
        out += "<br />";
      else if (c != '\r')
        out.push_back(c);
    }
    return {std::move(out), std::nullopt};
  }
  const std::string base = nested_base(base_url, text.base);
  return sanitize_html_with_text(text.value, base);
}

bool looks_like_email(std::string_view text) {
  const auto at = text.find('@');
  return at != std::string_view::npos && at > 0 && text.find('.', at) != std::string_view::npos &&
         text.find(' ') == std::string_view::npos;
}

// Dates before 1970 or over a year ahead are typos or placeholders
// ("0001-01-01"), not information; they read as unknown.
std::optional<core::Timestamp> plausible_date(std::string_view text, core::Timestamp now) {
  auto date = parse_feed_date(text);
  if (!date) return std::nullopt;
  if (date->time_since_epoch().count() < 0 || *date > now + std::chrono::days{366}) return std::nullopt;
  return date;
}

std::string resolve(std::string_view base, std::string_view reference) {
  const std::string_view trimmed = core::trim(reference);
  if (trimmed.empty()) return {};
  if (base.empty()) return core::is_absolute_uri(trimmed) ? std::string(trimmed) : std::string();
  return core::resolve_url(base, trimmed).value_or(std::string());
}

bool is_http_url(std::string_view url) {
  return core::starts_with_ignore_case(url, "http://") || core::starts_with_ignore_case(url, "https://");
}

// Every URL that leaves normalize: absolute http or https, else empty. A
// reader follows what a feed links, enclosures and images as much as item
// links; "javascript:" or "data:text/html" there runs in its page. (Other
// schemes a feed might mean harmlessly — ftp, magnet — no reader of the
// merged feed needs, so the rule stays one rule.)
std::string http_url(std::string_view base, std::string_view reference) {
  std::string url = resolve(base, reference);
  if (!is_http_url(url)) url.clear();
  return url;
}

// The base in effect below an xml:base: it resolved against the base
// outside, when that makes an http(s) URL; else the outside base stays. A
// "javascript:" xml:base must not turn the relative hrefs under it into
// scripts (Boost.URL resolves "x" against "javascript:alert(1)//" to a
// "javascript:" URL).
std::string nested_base(std::string_view outer, std::string_view xml_base) {
  if (core::trim(xml_base).empty()) return std::string(outer);
  std::string nested = http_url(outer, xml_base);
  return nested.empty() ? std::string(outer) : nested;
}

// An identifier as the feed wrote it (guid, atom:id): trimmed, clean.
std::string identifier(std::string_view text) { return without_forbidden_characters(core::trim(text)); }

const parse::Link* pick_article_link(const std::vector<parse::Link>& links) {
  const parse::Link* best = nullptr;
  for (const parse::Link& link : links) {
    if (core::trim(link.href).empty()) continue;
    if (link.rel == "alternate") {
      const bool is_html = link.type.empty() || link.type.find("html") != std::string::npos;
      if (!best || best->rel != "alternate" || is_html) {
        best = &link;
        if (is_html) break;
      }
    } else if (!best && link.rel != "self" && link.rel != "replies" && link.rel != "edit" && link.rel != "license") {
      best = &link;
    }
  }
  return best;
}

// One record per person, in document order: a second mention of the same
// name or email ("jo@example.com (Jo)" as author, "Jo" as dc:creator) adds
// what it knows to the first. Keys are looked up, not searched for: an item
// may name 100,000 people.
class AuthorList {
 public:
  explicit AuthorList(std::vector<Author>& authors) : authors_(authors) {}

  void add(Author author) {
    if (author.name.empty() && author.email.empty() && author.uri.empty()) return;
    const std::string name_key = core::to_lower_ascii(author.name);
    const std::string email_key = core::to_lower_ascii(author.email);
    std::size_t index = authors_.size();
    if (const auto found = by_name_.find(name_key); !name_key.empty() && found != by_name_.end())
      index = found->second;
    else if (const auto by_email = by_email_.find(email_key); !email_key.empty() && by_email != by_email_.end())
      index = by_email->second;
    if (index == authors_.size()) authors_.push_back({});
    Author& kept = authors_[index];
    if (kept.name.empty()) kept.name = std::move(author.name);
    if (kept.email.empty()) kept.email = std::move(author.email);
    if (kept.uri.empty()) kept.uri = std::move(author.uri);
    if (!name_key.empty()) by_name_.emplace(name_key, index);
    if (!email_key.empty()) by_email_.emplace(email_key, index);
  }

 private:
  std::vector<Author>& authors_;
  std::unordered_map<std::string, std::size_t> by_name_;
  std::unordered_map<std::string, std::size_t> by_email_;
};

std::vector<Author> authors_of(const std::vector<parse::Person>& people, std::string_view base) {
  std::vector<Author> authors;
  AuthorList list(authors);
  for (const parse::Person& person : people) {
    Author author = person.email.empty() ? split_author(person.name)
                                         : Author{clean_text(person.name), clean_text(person.email), {}};
    author.uri = http_url(base, person.uri);
    list.add(std::move(author));
  }
  return authors;
}

std::vector<std::string> categories_of(const std::vector<std::string>& raw_categories) {
  std::vector<std::string> categories;
  categories.reserve(raw_categories.size());
  // Views of `categories`, which the reserve above keeps from moving.
  std::unordered_set<std::string_view> seen;
  for (const std::string& raw : raw_categories) {
    std::string category = clean_text(raw);
    if (category.empty() || seen.contains(category)) continue;
    categories.push_back(std::move(category));
    seen.insert(categories.back());
  }
  return categories;
}

std::vector<Enclosure> enclosures_of(const std::vector<parse::Enclosure>& raw_enclosures, std::string_view base) {
  std::vector<Enclosure> enclosures;
  std::unordered_set<std::string> seen;
  for (const parse::Enclosure& raw : raw_enclosures) {
    Enclosure enclosure;
    enclosure.url = http_url(nested_base(base, raw.base), raw.url);
    if (enclosure.url.empty() || !seen.insert(enclosure.url).second) continue;
    enclosure.type = media_type(raw.type);
    // Podcast apps refuse an enclosure without a type (podgrab issue 121):
    // the file name tells it when the feed did not.
    if (enclosure.type.empty()) enclosure.type = media_type_of_file(enclosure.url);
    std::int64_t length = 0;
    const std::string_view digits = core::trim(raw.length);
    if (!digits.empty() && std::from_chars(digits.data(), digits.data() + digits.size(), length).ec == std::errc() &&
        length > 0)
      enclosure.length = length;
    enclosures.push_back(std::move(enclosure));
  }
  return enclosures;
}

std::vector<Transcript> transcripts_of(const std::vector<parse::Transcript>& raw_transcripts, std::string_view base) {
  std::vector<Transcript> transcripts;
  for (const parse::Transcript& raw : raw_transcripts) {
    Transcript transcript{http_url(nested_base(base, raw.base), raw.url), media_type(raw.type),
                          language_tag(raw.language), clean_text(raw.rel)};
    if (transcript.url.empty()) continue;
    if (transcript.type.empty()) transcript.type = transcript_type_of_file(transcript.url);
    transcripts.push_back(std::move(transcript));
  }
  return transcripts;
}

EpisodeMeta episode_of(const parse::RawItem& item, std::string_view base, std::string_view feed_explicit_flag) {
  EpisodeMeta episode;
  if (is_canonical_duration(item.duration)) episode.duration_text = std::string(core::trim(item.duration));
  episode.is_explicit = parse_explicit_flag(item.explicit_flag);
  if (!episode.is_explicit) episode.is_explicit = parse_explicit_flag(feed_explicit_flag);
  episode.number = parse_episode_number(item.episode);
  episode.season = parse_episode_number(item.season);
  episode.type = parse_episode_type(item.episode_type);
  episode.transcripts = transcripts_of(item.transcripts, base);
  return episode;
}

// "episode-42.mp3" of "https://cdn.example/pod/episode-42.mp3?x=1": what a
// podcast app shows for an episode without a title.
std::string file_name_of(std::string_view url) {
  url = url.substr(0, std::min(url.find('?'), url.find('#')));
  const std::size_t slash = url.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? url : url.substr(slash + 1);
  return name.empty() ? std::string(url) : std::string(name);
}

IdentityKey identity_key_of(const Entry& entry, std::string_view text) {
  if (!entry.original_id.empty()) return IdentityKey::from_id(entry.original_id);
  if (!entry.canonical_url.empty()) return IdentityKey::from_url(entry.canonical_url);
  const std::string date = entry.published ? core::format_rfc3339(*entry.published) : std::string();
  std::string hashed = entry.title + '\n' + date + '\n' + std::string(text);
  // An item of enclosures only (a podcast episode without title or text):
  // its files tell it apart. (Items with a title or text, kept before such
  // items were, keep the key they had.)
  if (entry.title.empty() && text.empty())
    for (const Enclosure& enclosure : entry.enclosures) hashed += '\n' + enclosure.url;
  return IdentityKey::from_content(hashed);
}

Entry normalize_item(const parse::RawItem& item, const FeedMeta& feed, std::string_view feed_base,
                     const parse::FeedInfo& raw_feed, const NormalizeContext& context) {
  Entry entry;
  // Bases are views of the feed's own base wherever an item does not set
  // one: copying it per item and per link was an allocation each.
  const std::string item_base = item.base.empty() ? std::string() : nested_base(feed_base, item.base);
  const std::string_view base = item.base.empty() ? feed_base : std::string_view(item_base);

  entry.original_id = identifier(item.id);
  entry.title = plain_text_of(item.title);
  if (const parse::Link* link = pick_article_link(item.links)) {
    const std::string link_base = link->base.empty() ? std::string() : nested_base(base, link->base);
    entry.url = http_url(link->base.empty() ? base : std::string_view(link_base), link->href);
  }
  if (!entry.url.empty()) entry.canonical_url = core::canonical_url(entry.url);

  SanitizedHtml content = html_of(item.content, base);
  SanitizedHtml summary = html_of(item.summary, base);
  // The text of the content, else of the summary: the sanitizer wrote it
  // on the way when it could.
  entry.text = !content.html.empty() ? take_text(content) : !summary.html.empty() ? take_text(summary) : std::string();
  const std::string& text = entry.text;
  entry.content_html = std::move(content.html);
  entry.summary_html = std::move(summary.html);
  if (entry.summary_html == entry.content_html) entry.summary_html.clear();

  entry.authors = authors_of(item.authors.empty() ? raw_feed.authors : item.authors, base);
  for (const Author& author : entry.authors) {
    if (author.name.empty() && author.email.empty()) continue;
    entry.author_name = author.name;
    entry.author_email = author.email;
    break;
  }

  entry.categories = categories_of(item.categories);
  entry.enclosures = enclosures_of(item.enclosures, base);
  entry.published = plausible_date(item.published, context.now);
  entry.updated = plausible_date(item.updated, context.now);
  entry.lang = language_tag(item.lang);
  if (entry.lang.empty()) entry.lang = feed.lang;
  entry.is_republished = item.source.has_value();
  entry.image_url = http_url(base, item.image);
  entry.duration = parse_duration_text(item.duration);
  entry.episode = episode_of(item, base, raw_feed.explicit_flag);

  StoryFeatures story = story_features(entry.title, text);
  entry.fingerprint = story.words.fingerprint;
  entry.word_count = story.words.word_count;
  entry.story_keys = std::move(story.keys);
  entry.identity_key = identity_key_of(entry, text);
  // A link-only item (link blogs do this) still needs a title to show; so
  // does an episode that is only its file.
  if (entry.title.empty() && entry.content_html.empty() && entry.summary_html.empty()) {
    if (!entry.url.empty())
      entry.title = entry.url;
    else if (!entry.enclosures.empty())
      entry.title = file_name_of(entry.enclosures.front().url);
  }
  return entry;
}

}  // namespace

IdentityKey::IdentityKey(Kind kind, std::string_view value) : kind_(kind) {
  const std::string_view kind_prefix = prefix(kind);
  text_.reserve(kind_prefix.size() + value.size());
  text_.append(kind_prefix).append(value);
  value_offset_ = kind_prefix.size();
}

IdentityKey IdentityKey::from_id(std::string_view guid) { return {Kind::kId, guid}; }

IdentityKey IdentityKey::from_url(std::string_view canonical_url) { return {Kind::kUrl, canonical_url}; }

IdentityKey IdentityKey::from_content(std::string_view material) {
  const std::string digest = core::sha256_hex(material);
  return {Kind::kHash, std::string_view(digest).substr(0, 32)};
}

IdentityKey IdentityKey::from_stored(std::string text) {
  IdentityKey key;
  key.text_ = std::move(text);
  for (const Kind kind : {Kind::kId, Kind::kUrl, Kind::kHash}) {
    if (key.text_.starts_with(prefix(kind))) {
      key.kind_ = kind;
      key.value_offset_ = prefix(kind).size();
      break;
    }
  }
  return key;
}

std::string_view IdentityKey::prefix(Kind kind) {
  switch (kind) {
    case Kind::kId:
      return "id:";
    case Kind::kUrl:
      return "url:";
    case Kind::kHash:
      return "hash:";
  }
  return {};
}

Author split_author(std::string_view raw) {
  const std::string text = clean_text(raw);
  const std::string_view view = text;
  // "jo@example.com (Jo Doe)"
  if (const auto open = view.find('('); open != std::string_view::npos && view.back() == ')') {
    const std::string_view email = core::trim(view.substr(0, open));
    const std::string_view name = core::trim(view.substr(open + 1, view.size() - open - 2));
    if (looks_like_email(email)) return {std::string(name), std::string(email), {}};
  }
  // "Jo Doe <jo@example.com>"
  if (const auto open = view.find('<'); open != std::string_view::npos && view.back() == '>') {
    const std::string_view email = core::trim(view.substr(open + 1, view.size() - open - 2));
    const std::string_view name = core::trim(view.substr(0, open));
    if (looks_like_email(email)) return {std::string(name), std::string(email), {}};
  }
  std::string_view bare = view;
  if (bare.starts_with("mailto:")) bare.remove_prefix(7);
  if (looks_like_email(bare)) return {{}, std::string(bare), {}};
  return {text, {}, {}};
}

std::optional<std::chrono::seconds> syndication_interval(std::string_view period, std::optional<int> frequency) {
  const std::string name = core::to_lower_ascii(core::trim(period));
  if (name.empty() && !frequency) return std::nullopt;
  std::int64_t seconds = 0;
  if (name.empty() || name == "daily")
    seconds = 86400;
  else if (name == "hourly")
    seconds = 3600;
  else if (name == "weekly")
    seconds = 7 * 86400;
  else if (name == "monthly")
    seconds = 30 * 86400;
  else if (name == "yearly")
    seconds = 365 * 86400;
  else
    return std::nullopt;
  const int times = frequency.value_or(1);
  if (times <= 0) return std::nullopt;
  return std::chrono::seconds{std::max<std::int64_t>(1, seconds / times)};
}

namespace {

// The feed's own fields into `feed`; returns the base for the items'
// relative URLs: xml:base, then the feed's own (self) URL, then the
// document URL, then the site link as a last resort.
std::string normalize_meta(const parse::FeedInfo& parsed, const NormalizeContext& context, FeedMeta& feed) {
  const std::string& document_url = context.document_url;
  feed.title = plain_text_of(parsed.title);
  feed.id = identifier(parsed.id);
  feed.lang = language_tag(parsed.lang);
  feed.updated = plausible_date(parsed.updated, context.now);
  feed.subtitle = plain_text_of(parsed.subtitle);
  if (parsed.ttl) feed.ttl = std::chrono::duration_cast<std::chrono::seconds>(*parsed.ttl);
  feed.update_interval = syndication_interval(parsed.update_period, parsed.update_frequency);
  feed.update_base = parse_feed_date(parsed.update_base);
  feed.skip_hours = parsed.skip_hours;
  feed.skip_days = parsed.skip_days;

  std::string feed_base = is_http_url(document_url) ? document_url : std::string();
  feed.self_url = http_url(feed_base, parsed.self_link);
  if (!feed.self_url.empty()) feed_base = feed.self_url;
  feed_base = nested_base(feed_base, parsed.base);
  feed.site_url = http_url(feed_base, parsed.link);
  for (const std::string& hub : parsed.hub_links)
    if (std::string url = http_url(feed_base, hub); !url.empty()) feed.hub_urls.push_back(std::move(url));
  if (feed_base.empty()) feed_base = feed.site_url;
  feed.image_url = http_url(feed_base, parsed.image);
  feed.podcast_image_url = http_url(feed_base, parsed.itunes_image);
  if (feed.podcast_image_url.empty()) feed.podcast_image_url = feed.image_url;
  feed.podcast_author = clean_text(parsed.itunes_author);
  feed.podcast_category = podcast_category_of(parsed.itunes_categories);
  return feed_base;
}

void add_entry(NormalizedFeed& result, const parse::RawItem& item, std::string_view feed_base,
               const parse::FeedInfo& raw_feed, const NormalizeContext& context) {
  Entry entry = normalize_item(item, result.feed, feed_base, raw_feed, context);
  // Nothing to show and nothing to follow: an empty item. (Titles were
  // filled in from a link or an enclosure.)
  if (entry.title.empty() && entry.content_html.empty() && entry.summary_html.empty()) return;
  result.entries.push_back(std::move(entry));
}

}  // namespace

NormalizedFeed normalize_feed(const parse::ParsedFeed& parsed, const NormalizeContext& context) {
  NormalizedFeed result;
  const std::string feed_base = normalize_meta(parsed.feed, context, result.feed);
  result.entries.reserve(parsed.items.size());
  for (const parse::RawItem& item : parsed.items) add_entry(result, item, feed_base, parsed.feed, context);
  return result;
}

NormalizedFeed normalize_feed(parse::ParsedFeed&& parsed, const NormalizeContext& context) {
  NormalizedFeed result;
  const std::string feed_base = normalize_meta(parsed.feed, context, result.feed);
  result.entries.reserve(parsed.items.size());
  for (parse::RawItem& item : parsed.items) {
    add_entry(result, item, feed_base, parsed.feed, context);
    item = parse::RawItem{};  // its memory serves the next items' strings
  }
  return result;
}

}  // namespace tributary::normalize
