// Atom 1.0 (RFC 4287) rendering of the merged feed. Every entry carries
// atom:source (§4.2.11) naming the feed it came from, and a stable id.
#include <algorithm>
#include <set>

#include "core/text.hpp"
#include "core/url.hpp"
#include "core/version.hpp"
#include "normalize/html.hpp"
#include "render/feed_links.hpp"
#include "render/render.hpp"
#include "render/xml_writer.hpp"

namespace tributary::render {

core::Timestamp entry_updated(const store::StoredEntry& stored) {
  const normalize::Entry& entry = stored.entry;
  if (entry.updated && (!entry.published || *entry.updated >= *entry.published)) return *entry.updated;
  if (entry.published) return *entry.published;
  return stored.first_seen;
}

namespace {

constexpr std::string_view kAtomNamespace = "http://www.w3.org/2005/Atom";

}  // namespace

std::string display_title(const normalize::Entry& entry) {
  if (!entry.title.empty()) return entry.title;
  std::string text = normalize::html_to_text(entry.content_html.empty() ? entry.summary_html : entry.content_html);
  if (text.size() > 80) {
    std::size_t cut = text.rfind(' ', 80);
    if (cut == std::string::npos || cut < 40) cut = 80;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    text = text.substr(0, cut) + "…";
  }
  return text.empty() ? "(untitled)" : text;
}

namespace {

void write_source(XmlWriter& xml, const store::StoredEntry& stored) {
  xml.open("source");
  const std::string& feed_id = stored.source_feed_id;
  // Credentials in a configured URL are the operator's: never published.
  xml.element(
      "id", !feed_id.empty() && core::is_absolute_uri(feed_id) ? feed_id : core::redact_url(stored.source_config_url));
  xml.element("title", stored.source_title.empty() ? stored.source_name : stored.source_title);
  if (!stored.source_site_url.empty()) xml.empty("link", {{"rel", "alternate"}, {"href", stored.source_site_url}});
  xml.empty("link", {{"rel", "self"}, {"href", core::redact_url(stored.source_feed_url)}});
  // RFC 4287 §4.2.11 asks to keep the source feed's atom:updated; a feed
  // that gave none was at least updated when it carried this entry.
  xml.element("updated", core::format_rfc3339(stored.source_updated ? *stored.source_updated : entry_updated(stored)));
  xml.close("source");
}

void write_entry(XmlWriter& xml, const std::string& id, const store::StoredEntry& stored,
                 config::Attribution attribution) {
  const normalize::Entry& entry = stored.entry;
  if (entry.lang.empty())
    xml.open("entry");
  else
    xml.open("entry", {{"xml:lang", entry.lang}});
  xml.element("id", id);
  xml.element("title", shown_title(stored, attribution), {{"type", "text"}});
  if (!entry.url.empty()) xml.empty("link", {{"rel", "alternate"}, {"type", "text/html"}, {"href", entry.url}});
  // The same story as carried by other outlets.
  for (const store::StoryCopy& copy : stored.copies)
    xml.empty("link", {{"rel", "related"}, {"type", "text/html"}, {"href", copy.url}, {"title", copy.source_name}});
  for (const normalize::Enclosure& enclosure : entry.enclosures) {
    const std::string length = enclosure.length ? std::to_string(*enclosure.length) : std::string();
    const std::string type = enclosure_type(enclosure);
    if (type.empty() && length.empty())
      xml.empty("link", {{"rel", "enclosure"}, {"href", enclosure.url}});
    else if (length.empty())
      xml.empty("link", {{"rel", "enclosure"}, {"type", type}, {"href", enclosure.url}});
    else if (type.empty())
      xml.empty("link", {{"rel", "enclosure"}, {"length", length}, {"href", enclosure.url}});
    else
      xml.empty("link", {{"rel", "enclosure"}, {"type", type}, {"length", length}, {"href", enclosure.url}});
  }
  if (entry.published) xml.element("published", core::format_rfc3339(*entry.published));
  xml.element("updated", core::format_rfc3339(entry_updated(stored)));
  for (const std::string& name : display_authors(stored, attribution)) {
    xml.open("author");
    xml.element("name", name);
    xml.close("author");
  }
  for (const std::string& category : entry.categories) xml.empty("category", {{"term", category}});
  // What is empty is left out: a blank content element says nothing, and
  // validators flag it. An item with no text at all (a title and a link,
  // a podcast episode) gets its title as a plain-text summary, as the JSON
  // Feed gets it as content_text: readers expect some text to show. With
  // no link either, the title is its content: an entry without content
  // must have an alternate link (RFC 4287 §4.1.1).
  const bool has_content = !entry.content_html.empty();
  if (has_content && !entry.summary_html.empty()) xml.element("summary", entry.summary_html, {{"type", "html"}});
  if (has_content || !entry.summary_html.empty())
    xml.element("content", has_content ? entry.content_html : entry.summary_html, {{"type", "html"}});
  else
    xml.element(entry.url.empty() ? "content" : "summary", display_title(entry), {{"type", "text"}});
  write_source(xml, stored);
  xml.close("entry");
}

}  // namespace

std::string source_display_name(const store::StoredEntry& stored) { return stored.source_name; }

std::vector<std::string> display_authors(const store::StoredEntry& stored, config::Attribution attribution) {
  const normalize::Entry& entry = stored.entry;
  const std::string outlet = source_display_name(stored);
  std::vector<std::string> names;
  const auto add = [&](const std::string& name) {
    if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) return;
    names.push_back(name);
  };
  // Every author the item credits (RFC 4287 §4.2.1: one atom:author each);
  // rows stored before all were kept have only the first.
  for (const normalize::Author& author : entry.authors) add(author.name.empty() ? author.email : author.name);
  if (names.empty()) add(entry.author_name.empty() ? entry.author_email : entry.author_name);
  if (names.empty()) return {outlet};
  if (attribution == config::Attribution::author) {
    for (std::string& name : names)
      if (name != outlet && !name.ends_with("(" + outlet + ")")) name += " (" + outlet + ")";
  }
  return names;
}

std::string shown_title(const store::StoredEntry& stored, config::Attribution attribution) {
  std::string title = display_title(stored.entry);
  if (attribution != config::Attribution::title) return title;
  const std::string outlet = source_display_name(stored);
  return title.starts_with(outlet + ": ") ? title : outlet + ": " + title;
}

std::string tag_entry_id(std::string_view tag_authority, const store::StoredEntry& stored) {
  const std::uint64_t hash = core::stable_hash64(stored.source_config_url + "\n" + stored.entry.identity_key.text());
  return "tag:" + std::string(tag_authority) + ",2025:entry:" + core::hex64(hash);
}

std::string entry_id(std::string_view tag_authority, const store::StoredEntry& stored) {
  const normalize::Entry& entry = stored.entry;
  // Only a guid that is the item's identity: when the source's guids proved
  // useless (reused or churning), the identity key is the link or a hash.
  const bool is_identity =
      entry.identity_key.kind() == normalize::IdentityKey::Kind::kId && entry.identity_key.value() == entry.original_id;
  const bool is_iri = core::is_absolute_uri(entry.original_id) &&
                      entry.original_id.find_first_of(" \t\r\n<>\"{}|\\^`") == std::string::npos;
  if (is_identity && is_iri) return entry.original_id;
  return tag_entry_id(tag_authority, stored);
}

std::vector<std::string> unique_entry_ids(std::string_view tag_authority, std::span<const store::StoredEntry> entries) {
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  std::set<std::string_view> seen;
  for (const store::StoredEntry& stored : entries) {
    ids.push_back(entry_id(tag_authority, stored));
    if (!seen.insert(ids.back()).second) ids.back() = tag_entry_id(tag_authority, stored);
  }
  return ids;
}

std::string render_atom(const FeedHeader& header, std::span<const store::StoredEntry> entries) {
  std::string out;
  out.reserve(4096 + entries.size() * 4096);
  XmlWriter xml(out);
  xml.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
  xml.open("feed", {{"xmlns", kAtomNamespace}});
  xml.element("id", header.id);
  xml.element("title", header.title, {{"type", "text"}});
  if (!header.subtitle.empty()) xml.element("subtitle", header.subtitle, {{"type", "text"}});
  core::Timestamp updated = header.now;
  if (!entries.empty()) {
    updated = entry_updated(entries.front());
    for (const store::StoredEntry& stored : entries) updated = std::max(updated, entry_updated(stored));
  }
  xml.element("updated", core::format_rfc3339(updated));
  xml.element("generator", "Tributary", {{"uri", core::kProjectUrl}, {"version", core::kVersion}});
  xml.empty("link", {{"rel", "alternate"}, {"type", "text/html"}, {"href", header.alternate_url}});
  write_feed_links(xml, header, "link", "application/atom+xml");
  xml.open("author");
  xml.element("name", header.title);
  xml.close("author");
  const std::vector<std::string> ids = unique_entry_ids(header.tag_authority, entries);
  for (std::size_t i = 0; i < entries.size(); ++i) write_entry(xml, ids[i], entries[i], header.attribution);
  xml.close("feed");
  out += '\n';
  return out;
}

}  // namespace tributary::render
