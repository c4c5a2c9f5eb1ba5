// RSS 2.0 rendering of the merged feed: the edition podcast apps read (Apple
// Podcasts and most others take RSS 2.0 with <enclosure> and the itunes:
// namespace only). It follows the RSS Advisory Board's specification
// (rssboard.org/rss-specification) and its best practices profile
// (rssboard.org/rss-profile), and Apple's podcast RSS requirements for the
// itunes: tags; the same entries, ids and links as the Atom edition.
#include <algorithm>
#include <map>
#include <tuple>

#include "core/url.hpp"
#include "core/version.hpp"
#include "normalize/media_types.hpp"
#include "render/feed_links.hpp"
#include "render/render.hpp"
#include "render/xml_writer.hpp"

namespace tributary::render {
namespace {

constexpr std::string_view kRssType = "application/rss+xml";

// "3723" seconds as itunes:duration: the feed's own text when it was in a
// form the specifications name, else whole seconds (Apple's recommendation).
std::string duration_text(const normalize::Entry& entry) {
  if (!entry.episode.duration_text.empty()) return entry.episode.duration_text;
  return entry.duration ? std::to_string(entry.duration->count()) : std::string();
}

// The channel's language (RSS <language>, which podcast apps and the W3C
// validator expect of a podcast): the configured one, else the language
// most of the entries are in.
std::string channel_language(const FeedHeader& header, std::span<const store::StoredEntry> entries) {
  if (!header.podcast.language.empty()) return header.podcast.language;
  std::map<std::string, int> counts;
  for (const store::StoredEntry& stored : entries)
    if (!stored.entry.lang.empty()) ++counts[stored.entry.lang];
  const auto most =
      std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return most == counts.end() ? std::string() : most->first;
}

// A podcast's explicit flag: as configured, else explicit when any of its
// episodes is (Apple: the flag says whether any episode needs a warning).
bool is_explicit_channel(const FeedHeader& header, std::span<const store::StoredEntry> entries) {
  if (header.podcast.is_explicit) return *header.podcast.is_explicit;
  return std::any_of(entries.begin(), entries.end(),
                     [](const store::StoredEntry& stored) { return stored.entry.episode.is_explicit == true; });
}

// The value most of `votes` name (by `key_of`; empty ones do not count),
// a tie going to the one named by the vote with the newest episode.
template <typename Vote, typename KeyOf>
std::string most_named(const std::vector<Vote>& votes, KeyOf key_of) {
  struct Tally {
    int count = 0;
    core::Timestamp newest;
  };
  std::map<std::string, Tally> tallies;
  for (const Vote& vote : votes) {
    const std::string& key = key_of(vote);
    if (key.empty()) continue;
    Tally& tally = tallies[key];
    tally.newest = tally.count == 0 ? vote.newest : std::max(tally.newest, vote.newest);
    ++tally.count;
  }
  const auto most = std::max_element(tallies.begin(), tallies.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second.count, a.second.newest) < std::tie(b.second.count, b.second.newest);
  });
  return most == tallies.end() ? std::string() : most->first;
}

}  // namespace

core::PodcastCategory channel_category(const FeedHeader& header, std::span<const store::StoredEntry> entries) {
  if (!header.podcast.category.empty()) return {header.podcast.category, header.podcast.subcategory};
  // One vote per podcast (source) with episodes in the document: a show
  // with many episodes does not outvote the others.
  struct Vote {
    core::PodcastCategory category;
    core::Timestamp newest;  // its newest episode's
  };
  std::map<std::string, Vote> by_source;
  for (const store::StoredEntry& stored : entries) {
    if (stored.source_podcast_category.empty() || !is_episode(stored.entry)) continue;
    const auto [vote, is_new] =
        by_source.try_emplace(stored.source_config_url, Vote{stored.source_podcast_category, stored.sort_time});
    if (!is_new) vote->second.newest = std::max(vote->second.newest, stored.sort_time);
  }
  std::vector<Vote> votes;
  for (auto& [source, vote] : by_source) votes.push_back(std::move(vote));
  core::PodcastCategory chosen;
  chosen.category = most_named(votes, [](const Vote& vote) -> const std::string& { return vote.category.category; });
  // The subcategory among the podcasts of that category only.
  static const std::string kNone;
  chosen.subcategory = most_named(votes, [&](const Vote& vote) -> const std::string& {
    return vote.category.category == chosen.category ? vote.category.subcategory : kNone;
  });
  return chosen;
}

namespace {

// The itunes: tags of the channel. Written when the feed is a podcast or
// carries episodes: a reader of one episode's itunes: tags expects the
// channel's (and the W3C validator asks for them).
void write_itunes_channel(XmlWriter& xml, const FeedHeader& header, std::span<const store::StoredEntry> entries) {
  const config::PodcastSettings& podcast = header.podcast;
  if (!podcast.image.empty()) xml.empty("itunes:image", {{"href", podcast.image}});
  if (const core::PodcastCategory category = channel_category(header, entries); !category.empty()) {
    if (category.subcategory.empty()) {
      xml.empty("itunes:category", {{"text", category.category}});
    } else {
      xml.open("itunes:category", {{"text", category.category}});
      xml.empty("itunes:category", {{"text", category.subcategory}});
      xml.close("itunes:category");
    }
  }
  xml.element("itunes:explicit", is_explicit_channel(header, entries) ? "true" : "false");
  if (!podcast.author.empty()) xml.element("itunes:author", podcast.author);
  if (!podcast.owner_email.empty()) {
    xml.open("itunes:owner");
    if (!podcast.owner_name.empty()) xml.element("itunes:name", podcast.owner_name);
    xml.element("itunes:email", podcast.owner_email);
    xml.close("itunes:owner");
  }
}

// What a podcast's channel lacks that podcast directories and the W3C
// validator ask for and that nothing here can tell: for the log, with the
// setting that supplies it. An owner is never made up.
void note_missing_podcast_tags(const FeedHeader& header, std::span<const store::StoredEntry> entries,
                               std::vector<std::string>& left_out) {
  const std::string feed = "the RSS edition " + header.self_url + " carries podcast episodes but ";
  if (header.podcast.owner_email.empty())
    left_out.push_back(feed +
                       "no owner's e-mail (itunes:owner), which podcast directories and the W3C validator ask for: "
                       "set owner_email in [feed] or in a [[channel]] with podcast = true");
  if (channel_category(header, entries).empty())
    left_out.push_back(feed +
                       "no itunes:category (none of their podcasts names one of Apple's categories): set category "
                       "in [feed] or in the [[channel]]");
  if (channel_language(header, entries).empty())
    left_out.push_back(feed +
                       "no language (neither the episodes nor their feeds name one): set language in [feed] or in "
                       "the [[channel]]");
}

void write_channel_head(XmlWriter& xml, const FeedHeader& header, std::span<const store::StoredEntry> entries,
                        bool has_episodes) {
  xml.element("title", header.title);
  xml.element("link", header.alternate_url);
  // Required; the title says what the feed is when no subtitle does.
  xml.element("description", header.subtitle.empty() ? header.title : header.subtitle);
  if (const std::string language = channel_language(header, entries); !language.empty())
    xml.element("language", language);
  core::Timestamp updated = header.now;
  if (!entries.empty()) {
    updated = entry_updated(entries.front());
    for (const store::StoredEntry& stored : entries) updated = std::max(updated, entry_updated(stored));
  }
  xml.element("lastBuildDate", core::format_http_date(updated));
  xml.element("generator", "Tributary " + std::string(core::kVersion) + " (" + std::string(core::kProjectUrl) + ")");
  xml.element("docs", "https://www.rssboard.org/rss-specification");
  write_feed_links(xml, header, "atom:link", kRssType);
  if (!header.podcast.image.empty()) {
    // The profile asks that the image's title and link be the channel's.
    xml.open("image");
    xml.element("url", header.podcast.image);
    xml.element("title", header.title);
    xml.element("link", header.alternate_url);
    xml.close("image");
  }
  if (header.podcast.is_podcast == true || has_episodes) write_itunes_channel(xml, header, entries);
}

// The enclosures: RSS allows one <enclosure> per item (the profile, and
// podcast apps, take the first only); the first with a media type goes
// there and the others become media:content. One without a type is left out.
void write_enclosures(XmlWriter& xml, const std::string& id, const normalize::Entry& entry,
                      std::vector<std::string>* left_out) {
  bool has_enclosure = false;
  for (const normalize::Enclosure& enclosure : entry.enclosures) {
    const std::string type = enclosure_type(enclosure);
    if (type.empty()) {
      if (left_out)
        left_out->push_back("entry " + id + ": enclosure " + enclosure.url +
                            " has no media type and its file name tells none; left out of the RSS edition");
      continue;
    }
    // RSS requires a length; the profile says 0 when it is not known.
    const std::string length = enclosure.length ? std::to_string(*enclosure.length) : "0";
    if (!has_enclosure)
      xml.empty("enclosure", {{"url", enclosure.url}, {"length", length}, {"type", type}});
    else if (enclosure.length)
      xml.empty("media:content", {{"url", enclosure.url}, {"fileSize", length}, {"type", type}});
    else
      xml.empty("media:content", {{"url", enclosure.url}, {"type", type}});
    has_enclosure = true;
  }
}

// The itunes: and podcast: tags of an episode. Its image and author fall
// back to its podcast's: a merged feed mixes shows, and each episode keeps
// its own show's artwork.
void write_episode(XmlWriter& xml, const store::StoredEntry& stored) {
  const normalize::Entry& entry = stored.entry;
  const normalize::EpisodeMeta& episode = entry.episode;
  if (const std::string duration = duration_text(entry); !duration.empty()) xml.element("itunes:duration", duration);
  const std::string& image = entry.image_url.empty() ? stored.source_podcast_image_url : entry.image_url;
  if (!image.empty()) xml.empty("itunes:image", {{"href", image}});
  if (episode.is_explicit) xml.element("itunes:explicit", *episode.is_explicit ? "true" : "false");
  if (episode.number) xml.element("itunes:episode", std::to_string(*episode.number));
  if (episode.season) xml.element("itunes:season", std::to_string(*episode.season));
  if (!episode.type.empty()) xml.element("itunes:episodeType", episode.type);
  xml.element("itunes:author",
              stored.source_podcast_author.empty() ? source_display_name(stored) : stored.source_podcast_author);
  for (const normalize::Transcript& transcript : episode.transcripts) {
    if (transcript.type.empty()) continue;  // podcast:transcript requires one
    if (!transcript.language.empty() && !transcript.rel.empty())
      xml.empty("podcast:transcript", {{"url", transcript.url},
                                       {"type", transcript.type},
                                       {"language", transcript.language},
                                       {"rel", transcript.rel}});
    else if (!transcript.language.empty())
      xml.empty("podcast:transcript",
                {{"url", transcript.url}, {"type", transcript.type}, {"language", transcript.language}});
    else if (!transcript.rel.empty())
      xml.empty("podcast:transcript", {{"url", transcript.url}, {"type", transcript.type}, {"rel", transcript.rel}});
    else
      xml.empty("podcast:transcript", {{"url", transcript.url}, {"type", transcript.type}});
  }
}

void write_item(XmlWriter& xml, const std::string& id, const store::StoredEntry& stored,
                config::Attribution attribution, std::vector<std::string>* left_out) {
  const normalize::Entry& entry = stored.entry;
  xml.open("item");
  xml.element("title", shown_title(stored, attribution));
  if (!entry.url.empty()) xml.element("link", entry.url);
  // description carries the summary when there is one besides the content
  // (content:encoded), else the text itself; an item without any text gets
  // its title, as in the Atom edition.
  const bool has_content = !entry.content_html.empty();
  const std::string& description = !entry.summary_html.empty() ? entry.summary_html : entry.content_html;
  xml.element("description", description.empty() ? display_title(entry) : description);
  if (has_content && !entry.summary_html.empty()) xml.element("content:encoded", entry.content_html);
  // A dc:creator per author: RSS's own <author> must be an e-mail address.
  for (const std::string& name : display_authors(stored, attribution)) xml.element("dc:creator", name);
  for (const std::string& category : entry.categories) xml.element("category", category);
  // isPermaLink says whether the guid is the item's URL (RSS 2.0 <guid>):
  // a tag: URI or a feed's own opaque id is not.
  const bool is_permalink = !entry.url.empty() && id == entry.url;
  xml.element("guid", id, {{"isPermaLink", is_permalink ? "true" : "false"}});
  xml.element("pubDate", core::format_http_date(entry.published ? *entry.published : entry_updated(stored)));
  // Credentials in a configured URL are the operator's: never published.
  xml.element("source", stored.source_title.empty() ? stored.source_name : stored.source_title,
              {{"url", core::redact_url(stored.source_feed_url)}});
  write_enclosures(xml, id, entry, left_out);
  if (is_episode(entry)) write_episode(xml, stored);
  xml.close("item");
}

}  // namespace

std::string enclosure_type(const normalize::Enclosure& enclosure) {
  return enclosure.type.empty() ? normalize::media_type_of_file(enclosure.url) : enclosure.type;
}

bool is_episode(const normalize::Entry& entry) {
  if (entry.duration || !entry.episode.empty()) return true;
  return std::any_of(entry.enclosures.begin(), entry.enclosures.end(), [](const normalize::Enclosure& enclosure) {
    const std::string type = enclosure_type(enclosure);
    return type.starts_with("audio/") || type.starts_with("video/");
  });
}

std::string render_rss(const FeedHeader& header, std::span<const store::StoredEntry> entries,
                       std::vector<std::string>* left_out) {
  std::string out;
  out.reserve(4096 + entries.size() * 4096);
  XmlWriter xml(out);
  xml.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
  // The namespaces of the extensions the edition uses, with the prefixes
  // the W3C Feed Validator expects (another prefix is a warning there).
  xml.open("rss", {{"version", "2.0"},
                   {"xmlns:atom", "http://www.w3.org/2005/Atom"},
                   {"xmlns:content", "http://purl.org/rss/1.0/modules/content/"},
                   {"xmlns:dc", "http://purl.org/dc/elements/1.1/"},
                   {"xmlns:itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"},
                   {"xmlns:media", "http://search.yahoo.com/mrss/"},
                   {"xmlns:podcast", "https://podcastindex.org/namespace/1.0"}});
  xml.open("channel");
  const bool has_episodes = std::any_of(entries.begin(), entries.end(),
                                        [](const store::StoredEntry& stored) { return is_episode(stored.entry); });
  write_channel_head(xml, header, entries, has_episodes);
  if (left_out && has_episodes) note_missing_podcast_tags(header, entries, *left_out);
  const std::vector<std::string> ids = unique_entry_ids(header.tag_authority, entries);
  for (std::size_t i = 0; i < entries.size(); ++i) write_item(xml, ids[i], entries[i], header.attribution, left_out);
  xml.close("channel");
  xml.close("rss");
  out += '\n';
  return out;
}

}  // namespace tributary::render
