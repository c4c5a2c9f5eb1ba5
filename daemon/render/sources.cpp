// The sources as data: /sources.json (per-source status for scripts and
// dashboards, and each host's load against its politeness budget) and
// /sources.opml (OPML 2.0, to subscribe to them elsewhere).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/text.hpp"
#include "core/url.hpp"
#include "render/json_text.hpp"
#include "render/render.hpp"
#include "render/xml_writer.hpp"

namespace tributary::render {
namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<core::Timestamp>& when) {
  if (!when) return nullptr;
  return json::string(core::format_rfc3339(*when));
}

json::object source_json(const SourceStatus& status, core::Timestamp now) {
  const store::SourceRecord& record = status.record;
  json::object source;
  source["name"] = store::display_name(record);
  source["url"] = core::redact_url(record.config_url);
  source["polled_url"] = core::redact_url(record.url);
  source["title"] = record.title;
  source["site_url"] = record.site_url;
  json::array tags;
  for (const std::string& tag : record.tags) tags.emplace_back(tag);
  source["tags"] = std::move(tags);
  source["state"] = status.state;
  source["last_poll"] = time_or_null(record.last_poll_at);
  source["last_success"] = time_or_null(record.last_success_at);
  source["next_poll"] = time_or_null(record.next_poll_at);
  source["last_status"] = record.last_status;
  source["last_error"] = record.last_error;
  source["error_count"] = record.error_count;
  source["items"] = record.item_count;
  source["hidden_items"] = record.hidden_items;  // of `items`, hidden by a [[filter]]
  if (record.poll_interval) source["poll_interval_seconds"] = record.poll_interval->count();
  source["retry_after"] = time_or_null(record.retry_after);
  // WebSub: pushed while a subscription is verified, else polled.
  source["delivery"] = store::is_pushed(record, now) ? "pushed" : "polled";
  if (!record.push_hub.empty()) {
    json::object push;
    push["hub"] = core::redact_url(record.push_hub);
    push["state"] = record.push_state;
    push["lease_expires"] = time_or_null(record.push_expires_at);
    source["websub"] = std::move(push);
  }
  if (!record.identity_reason.empty()) source["identity"] = record.identity_mode + ": " + record.identity_reason;
  json::array per_day;
  for (int count : status.items_per_day) per_day.emplace_back(count);
  source["items_per_day"] = std::move(per_day);
  return source;
}

// A host's load against its politeness budget: whether, and how much, its
// sources are stretched.
json::object host_json(const schedule::HostLoad& load) {
  json::object host;
  host["host"] = load.host;
  host["sources"] = load.sources;
  host["round_seconds"] = load.round().count();
  host["host_delay_seconds"] = load.host_delay.count();
  host["is_stretched"] = load.is_stretched();
  host["stretch"] = load.stretch;
  if (load.is_stretched()) host["summary"] = schedule::describe_stretch(load);
  return host;
}

// RFC 822 date for OPML's dateCreated.
std::string rfc822(core::Timestamp when) { return core::format_http_date(when); }

}  // namespace

std::string render_sources_json(std::span<const SourceStatus> sources, std::span<const schedule::HostLoad> hosts,
                                core::Timestamp now) {
  json::array list;
  for (const SourceStatus& status : sources) list.emplace_back(source_json(status, now));
  json::array host_list;
  for (const schedule::HostLoad& load : hosts) host_list.emplace_back(host_json(load));
  json::object document;
  document["generated"] = core::format_rfc3339(now);
  document["sources"] = std::move(list);
  document["hosts"] = std::move(host_list);
  return serialize_publishable(std::move(document));
}

std::string render_opml(std::string_view title, std::span<const SourceStatus> sources, core::Timestamp now) {
  std::string out;
  XmlWriter xml(out);
  xml.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
  xml.open("opml", {{"version", "2.0"}});
  xml.open("head");
  xml.element("title", title);
  xml.element("dateCreated", rfc822(now));
  xml.close("head");
  xml.open("body");
  for (const SourceStatus& status : sources) {
    const store::SourceRecord& record = status.record;
    if (record.removed_at) continue;
    const std::string text = store::display_name(record);
    std::string categories;
    for (const std::string& tag : record.tags) categories += (categories.empty() ? "" : ",") + tag;
    // The configured URL: credentials in it (userinfo) are the operator's, not the reader's.
    const std::string url = core::redact_url(record.config_url);
    if (categories.empty())
      xml.empty("outline",
                {{"type", "rss"}, {"text", text}, {"title", text}, {"xmlUrl", url}, {"htmlUrl", record.site_url}});
    else
      xml.empty("outline", {{"type", "rss"},
                            {"text", text},
                            {"title", text},
                            {"xmlUrl", url},
                            {"htmlUrl", record.site_url},
                            {"category", categories}});
  }
  xml.close("body");
  xml.close("opml");
  out += '\n';
  return out;
}

}  // namespace tributary::render
