// The landing page at /: what this daemon serves and how its sources are
// doing, in one self-contained HTML document (inline CSS and SVG, no
// scripts, no external assets), with autodiscovery links so that pasting the
// base URL into a feed reader finds the feeds.
#include <algorithm>

#include "core/text.hpp"
#include "core/time.hpp"
#include "core/version.hpp"
#include "normalize/html.hpp"
#include "render/render.hpp"

namespace tributary::render {
namespace {

using normalize::escape_html;

// Readable from a phone up: long names and URLs wrap, and below 40rem the
// sources table becomes one block per source, each cell labelled.
constexpr std::string_view kStyle =
    "body{font:15px/1.45 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;"
    "overflow-wrap:anywhere}"
    "h1{font-size:1.6rem;margin:0 0 .2rem}p.sub{margin:0 0 1.2rem;color:#57606a}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid "
    "#d0d7de;"
    "vertical-align:top}"
    "th{font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".ok{color:#1a7f37}.failing,.backing-off,.retry-after{color:#9a6700}.gone,.removed{color:#cf222e}"
    ".why{color:#57606a;font-size:.85rem}"
    "ul.feeds,ol.latest{padding-left:1.2rem}ol.latest li{margin:.15rem 0}.meta{color:#57606a;font-size:.85rem}"
    "footer{margin-top:2rem;color:#57606a;font-size:.85rem}svg{vertical-align:middle;max-width:100%}"
    "@media (max-width:40rem){body{margin:1rem auto}table,tbody,tr,td{display:block}thead{display:none}"
    "tr{border-bottom:1px solid #d0d7de;padding:.4rem 0}td{border:0;padding:.1rem 0}td.n{text-align:left}"
    "td[data-label]::before{content:attr(data-label) \": \";color:#57606a}}";

std::string relative_time(const std::optional<core::Timestamp>& when, core::Timestamp now) {
  if (!when) return "never";
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - *when);
  if (age.count() < 0) return "in " + core::format_duration(-age);
  if (age.count() < 60) return "just now";
  return core::format_duration(age) + " ago";
}

// 30 bars, one per day, oldest first; the tallest day fills the height.
std::string sparkline(const std::vector<int>& per_day) {
  constexpr int kBarWidth = 3;
  constexpr int kGap = 1;
  constexpr int kHeight = 20;
  const int days = static_cast<int>(per_day.size());
  const int peak = per_day.empty() ? 0 : *std::max_element(per_day.begin(), per_day.end());
  int total = 0;
  for (int count : per_day) total += count;
  const int width = std::max(1, days * (kBarWidth + kGap) - kGap);
  std::string svg = "<svg class=\"spark\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(kHeight) +
                    "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(kHeight) +
                    "\" role=\"img\" aria-label=\"" + std::to_string(total) + " items in the last " +
                    std::to_string(days) + " days\"><title>" + std::to_string(total) + " items in the last " +
                    std::to_string(days) + " days</title>";
  for (int day = 0; day < days; ++day) {
    const int count = per_day[static_cast<std::size_t>(day)];
    // Days without items get a hairline, so the axis stays visible.
    const int height = peak == 0 || count == 0 ? 1 : std::max(2, count * kHeight / peak);
    svg += "<rect x=\"" + std::to_string(day * (kBarWidth + kGap)) + "\" y=\"" + std::to_string(kHeight - height) +
           "\" width=\"" + std::to_string(kBarWidth) + "\" height=\"" + std::to_string(height) + "\" fill=\"" +
           (count == 0 ? "#d0d7de" : "#0969da") + "\"/>";
  }
  return svg + "</svg>";
}

std::string state_class(std::string_view state) {
  std::string name(state);
  std::replace(name.begin(), name.end(), ' ', '-');
  return name;
}

}  // namespace

std::string render_landing(const LandingPage& page, std::span<const SourceStatus> sources) {
  const std::string title = escape_html(page.title);
  const std::string suffix = escape_html(page.link_suffix);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      title + "</title>\n";
  for (const FeedLink& feed : page.feeds) {
    const std::string label = escape_html(feed.label);
    html += "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"" + label + "\" href=\"" +
            escape_html(feed.atom_url) + suffix + "\">\n";
    html += "<link rel=\"alternate\" type=\"application/feed+json\" title=\"" + label + " (JSON Feed)\" href=\"" +
            escape_html(feed.json_url) + suffix + "\">\n";
    // Podcast apps subscribe only to RSS 2.0.
    html += "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"" + label + " (RSS)\" href=\"" +
            escape_html(feed.rss_url) + suffix + "\">\n";
  }
  html += "<style>" + std::string(kStyle) + "</style></head>\n<body>\n<h1>" + title + "</h1>\n";
  if (!page.subtitle.empty()) html += "<p class=\"sub\">" + escape_html(page.subtitle) + "</p>\n";
  html += "<h2>Subscribe</h2>\n<ul class=\"feeds\">\n";
  for (const FeedLink& feed : page.feeds) {
    html += "<li>" + escape_html(feed.label) + ": <a class=\"atom\" href=\"" + escape_html(feed.atom_url) + suffix +
            "\">Atom</a> · <a class=\"json\" href=\"" + escape_html(feed.json_url) + suffix +
            "\">JSON Feed</a> · <a class=\"rss\" href=\"" + escape_html(feed.rss_url) + suffix + "\">RSS</a></li>\n";
  }
  html += "</ul>\n";
  if (!page.headlines.empty()) {
    html += "<h2>Latest</h2>\n<ol class=\"latest\">\n";
    for (const Headline& headline : page.headlines) {
      const std::string text = escape_html(headline.title);
      html += "<li>" +
              (headline.url.empty() ? text : "<a href=\"" + escape_html(headline.url) + "\">" + text + "</a>") +
              " <span class=\"meta\">" + escape_html(headline.outlet) + " · <time datetime=\"" +
              core::format_rfc3339(headline.when) + "\">" + relative_time(headline.when, page.now) +
              "</time></span></li>\n";
    }
    html += "</ol>\n";
  }
  html +=
      "<h2>Sources</h2>\n<table id=\"sources\"><thead><tr><th>Source</th><th>State</th>"
      "<th>Last success</th><th class=\"n\">Items</th><th>Last 30 days</th></tr></thead><tbody>\n";
  std::size_t listed = 0;
  for (const SourceStatus& status : sources) {
    const store::SourceRecord& record = status.record;
    if (record.removed_at) continue;
    ++listed;
    const std::string name = escape_html(store::display_name(record));
    const std::string link = record.site_url.empty() ? std::string() : escape_html(record.site_url);
    html += "<tr class=\"source\"><td>" + (link.empty() ? name : "<a href=\"" + link + "\">" + name + "</a>") +
            "</td><td class=\"state " + state_class(status.state) + "\" data-label=\"State\">" +
            escape_html(status.state);
    // Why a source fails is the first thing its operator needs: as text,
    // not only in a tooltip.
    if (!record.last_error.empty() && status.state != "ok")
      html += "<div class=\"why\">" + escape_html(record.last_error) + "</div>";
    // Pushed or polled, for a source whose feed has a WebSub hub (the
    // others are only ever polled).
    if (!record.push_hub.empty())
      html += "<div class=\"delivery\">" + escape_html(store::delivery(record, page.now)) + "</div>";
    html += "</td><td data-label=\"Last success\">";
    if (record.last_success_at)
      html += "<time datetime=\"" + core::format_rfc3339(*record.last_success_at) + "\">" +
              relative_time(record.last_success_at, page.now) + "</time>";
    else
      html += "never";
    html += "</td><td class=\"n\" data-label=\"Items\">" + std::to_string(record.item_count) +
            "</td><td data-label=\"Last 30 days\">" + sparkline(status.items_per_day) + "</td></tr>\n";
  }
  if (listed == 0) html += "<tr><td colspan=\"5\">No sources configured.</td></tr>\n";
  html += "</tbody></table>\n";
  if (!page.stretched_hosts.empty()) {
    // Honest about politeness: these sources are polled less often than
    // their intervals say, all of a host alike.
    html += "<p id=\"stretched\">Polled less often than their intervals say, to keep one request per host_delay:";
    for (const std::string& line : page.stretched_hosts) html += "<br>\n" + escape_html(line);
    html += "</p>\n";
  }
  html += "<p><a href=\"sources.opml" + suffix + "\">OPML</a> · <a href=\"sources.json" + suffix +
          "\">JSON</a> of the sources</p>\n<footer>Tributary " + std::string(core::kVersion) + " · " +
          core::format_rfc3339(page.now) + "</footer>\n</body></html>\n";
  // The markup is ours; the names, errors and titles in it are not.
  return core::publishable_text(html);
}

}  // namespace tributary::render
