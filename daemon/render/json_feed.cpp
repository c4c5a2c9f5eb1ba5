// JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the merged feed. The
// source and the other outlets of a story go into `_tributary` extension
// objects, which readers that do not know them ignore (§ Extensions).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/text.hpp"
#include "core/url.hpp"
#include "core/version.hpp"
#include "normalize/html.hpp"
#include "render/json_text.hpp"
#include "render/render.hpp"

namespace tributary::render {
namespace {

namespace json = boost::json;

json::object source_object(const store::StoredEntry& stored) {
  json::object source;
  source["title"] = stored.source_title.empty() ? stored.source_name : stored.source_title;
  source["feed_url"] = core::redact_url(stored.source_feed_url);  // credentials are never published
  if (!stored.source_site_url.empty()) source["home_page_url"] = stored.source_site_url;
  return source;
}

json::object item_object(const std::string& id, const store::StoredEntry& stored, config::Attribution attribution) {
  const normalize::Entry& entry = stored.entry;
  json::object item;
  item["id"] = id;
  if (!entry.url.empty()) item["url"] = entry.url;
  item["title"] = shown_title(stored, attribution);
  const bool has_content = !entry.content_html.empty();
  // content_html or content_text is required; an entry without either gets
  // its title as text.
  if (has_content)
    item["content_html"] = entry.content_html;
  else if (!entry.summary_html.empty())
    item["content_html"] = entry.summary_html;
  else
    item["content_text"] = display_title(entry);
  if (has_content && !entry.summary_html.empty()) {
    std::string summary = normalize::html_to_text(entry.summary_html);
    if (!summary.empty()) item["summary"] = summary;
  }
  if (!entry.image_url.empty()) item["image"] = entry.image_url;
  if (entry.published) item["date_published"] = core::format_rfc3339(*entry.published);
  item["date_modified"] = core::format_rfc3339(entry_updated(stored));
  json::array authors;
  for (const std::string& name : display_authors(stored, attribution))
    authors.emplace_back(json::object{{"name", name}});
  item["authors"] = std::move(authors);
  if (!entry.categories.empty()) {
    json::array tags;
    for (const std::string& category : entry.categories) tags.emplace_back(category);
    item["tags"] = std::move(tags);
  }
  if (!entry.lang.empty()) item["language"] = entry.lang;
  if (!entry.enclosures.empty()) {
    json::array attachments;
    bool has_duration = false;
    for (const normalize::Enclosure& enclosure : entry.enclosures) {
      json::object attachment;
      attachment["url"] = enclosure.url;
      // mime_type is required; an enclosure that does not say (nor its
      // file name) is bytes.
      const std::string type = enclosure_type(enclosure);
      attachment["mime_type"] = type.empty() ? "application/octet-stream" : type;
      if (enclosure.length) attachment["size_in_bytes"] = *enclosure.length;
      // itunes:duration is the episode's: its first audio or video file's.
      const bool is_media = type.starts_with("audio/") || type.starts_with("video/");
      if (entry.duration && is_media && !has_duration) {
        attachment["duration_in_seconds"] = entry.duration->count();
        has_duration = true;
      }
      attachments.emplace_back(std::move(attachment));
    }
    item["attachments"] = std::move(attachments);
  }
  json::object extension;
  extension["source"] = source_object(stored);
  if (!stored.copies.empty()) {
    json::array related;
    for (const store::StoryCopy& copy : stored.copies)
      related.emplace_back(json::object{{"url", copy.url}, {"source", copy.source_name}});
    extension["related"] = std::move(related);
  }
  item["_tributary"] = std::move(extension);
  return item;
}

}  // namespace

std::string render_json_feed(const FeedHeader& header, std::span<const store::StoredEntry> entries) {
  json::object feed;
  feed["version"] = "https://jsonfeed.org/version/1.1";
  feed["title"] = header.title;
  feed["home_page_url"] = header.alternate_url;
  feed["feed_url"] = header.self_url;
  if (!header.subtitle.empty()) feed["description"] = header.subtitle;
  if (!header.next_url.empty()) feed["next_url"] = header.next_url;
  if (!header.hub_url.empty()) feed["hubs"] = json::array{json::object{{"type", "WebSub"}, {"url", header.hub_url}}};
  feed["authors"] = json::array{json::object{{"name", header.title}}};
  json::array items;
  const std::vector<std::string> ids = unique_entry_ids(header.tag_authority, entries);
  for (std::size_t i = 0; i < entries.size(); ++i)
    items.emplace_back(item_object(ids[i], entries[i], header.attribution));
  feed["items"] = std::move(items);
  feed["_tributary"] =
      json::object{{"generator", "Tributary " + std::string(core::kVersion)}, {"about", core::kProjectUrl}};
  return serialize_publishable(std::move(feed));
}

}  // namespace tributary::render
