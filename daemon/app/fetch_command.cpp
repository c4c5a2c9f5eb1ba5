// `tributary fetch URL`: one fetch with the daemon's own fetcher and
// configuration ([fetch] keys, and the headers and credentials of the source
// with that URL, if any), then the status, the headers that matter and what
// the parser makes of the body. For "why does this source fail?".
#include <filesystem>
#include <iostream>

#include "app/command_fetch.hpp"
#include "app/commands.hpp"
#include "app/discovery_text.hpp"
#include "core/core.hpp"
#include "fetch/fetch.hpp"
#include "parse/discovery.hpp"
#include "parse/parse.hpp"

namespace tributary::app {
namespace {

void print_field(std::string_view name, std::string_view value) {
  if (value.empty()) return;
  std::string padded(name);
  padded.resize(std::max<std::size_t>(padded.size() + 1, 15), ' ');
  std::cout << padded << core::sanitize_utf8(value) << "\n";
}

std::string milliseconds_text(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

std::string timing_text(const fetch::FetchResult& result) {
  const fetch::FetchTiming& t = result.timing;
  std::string parts;
  const auto add = [&parts](std::string_view name, std::chrono::milliseconds ms) {
    if (ms.count() == 0) return;
    parts += (parts.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(ms.count());
  };
  add("waiting", t.wait_for_connection);
  add("dns", t.dns);
  add("connect", t.connect);
  add("tls", t.tls);
  add("first byte", t.first_byte);
  add("body", t.body);
  return milliseconds_text(result.elapsed) + (parts.empty() ? "" : " (" + parts + ")");
}

// The configured source with this URL, for its headers and credentials.
std::optional<config::SourceSpec> configured_source(const config::Config& config, const std::string& url) {
  const std::string wanted = core::canonical_url(url);
  for (const config::SourceSpec& source : config.sources)
    if (core::canonical_url(source.url) == wanted) return source;
  return std::nullopt;
}

// The fetcher's options: the config's, with the command's CA file and
// --resolve overrides; nullopt (after saying why) for a bad --resolve.
std::optional<fetch::FetcherOptions> command_fetcher_options(const config::Config& config,
                                                             const FetchOptions& options) {
  fetch::FetcherOptions fetcher_options = fetch::fetcher_options(config.fetch);
  if (!options.ca_file.empty()) fetcher_options.extra_ca_file = options.ca_file;
  for (const std::string& entry : options.resolve) {
    // HOST:ADDRESS, as curl's --resolve without the port.
    const std::size_t colon = entry.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == entry.size()) {
      std::cerr << "tributary fetch: --resolve wants HOST:ADDRESS, not \"" << entry << "\"\n";
      return std::nullopt;
    }
    fetcher_options.resolve_overrides[core::to_lower_ascii(entry.substr(0, colon))].push_back(entry.substr(colon + 1));
  }
  return fetcher_options;
}

// What the answer was: redirects, status, timing, connection, validators,
// caching and rate-limit fields.
void print_answer(const std::string& url, const fetch::FetchResult& result) {
  std::cout << "GET " << core::redact_url(url) << "\n";
  for (const fetch::RedirectHop& hop : result.redirects)
    print_field("redirect", std::to_string(hop.status) + " " + core::redact_url(hop.from_url) + " -> " +
                                core::redact_url(hop.to_url));
  if (result.status != 0) print_field("status", std::to_string(result.status) + " " + result.reason);
  if (!result.redirects.empty()) {
    print_field("final url", core::redact_url(result.final_url));
    print_field("permanent", result.is_permanent_redirect ? "yes (every hop was 301/308)" : "no");
  }
  print_field("time", timing_text(result));
  print_field("connection", result.peer_address.empty() ? std::string()
                                                        : result.peer_address + (result.is_proxied ? " (proxy)" : "") +
                                                              (result.is_connection_reused ? " (reused)" : ""));
  print_field("transferred", std::to_string(result.bytes_transferred) + " bytes");
  print_field("content-type", result.content_type);
  print_field("encoding", result.content_encoding);
  print_field("etag", result.etag);
  print_field("last-modified", result.last_modified);
  print_field("cache-control", result.cache_control);
  print_field("expires", result.expires);
  if (result.freshness) print_field("fresh for", core::format_duration(*result.freshness));
  print_field("retry-after", result.retry_after);
  if (result.retry_at) print_field("retry at", core::format_rfc3339(*result.retry_at));
}

// What the body is, as the daemon would read it; the command's exit status.
int report_body(const fetch::FetchResult& result) {
  if (result.error != fetch::FetchError::none) {
    print_field("error", std::string(fetch::to_string(result.error)) + ": " + result.message);
    return kExitFailure;
  }
  if (result.is_not_modified()) {
    print_field("feed", "not modified");
    return kExitOk;
  }
  print_field("body", std::to_string(result.body.size()) + " bytes, sha256 " + result.body_hash);
  const parse::ParseOutcome parsed =
      parse::parse_feed(result.body, {result.final_url, core::charset_of(result.content_type), {}});
  if (parse::is_html_page(parsed)) {
    print_field("feed", advertised_feeds_text(parse::discover_feed_links(result.body, result.final_url,
                                                                         core::charset_of(result.content_type))));
    return kExitFailure;
  }
  if (!parsed.feed) {
    print_field("feed", "unreadable: " + parsed.error);
    return kExitFailure;
  }
  const std::size_t items = parsed.feed->items.size();
  std::string summary = std::string(parse::to_string(parsed.feed->format)) + ", " + std::to_string(items) + " item" +
                        (items == 1 ? "" : "s");
  if (!parsed.feed->feed.title.value.empty()) summary += ", \"" + parsed.feed->feed.title.value + "\"";
  if (parsed.feed->is_recovered) summary += " (recovered: " + parsed.feed->recovery_reason + ")";
  print_field("feed", summary);
  return kExitOk;
}

}  // namespace

int fetch_once(const std::string& config_path, const FetchOptions& options) {
  const auto url_check = core::check_http_url(options.url);
  if (!url_check.url) {
    std::cerr << "tributary fetch: " << core::redact_url(url_check.error) << "\n";
    return kExitBadConfig;
  }
  // The config applies when it was named or exists; without one, defaults.
  config::Config config;
  std::error_code exists_error;
  if (options.is_config_explicit || std::filesystem::exists(config_path, exists_error)) {
    auto loaded = load_config_or_report(config_path);
    if (!loaded) return kExitBadConfig;
    config = std::move(*loaded);
  }
  config::SourceSpec source;
  source.url = *url_check.url;
  if (auto configured = configured_source(config, source.url)) {
    source = std::move(*configured);
    source.url = *url_check.url;
    std::cout << "source         " << source.name << " (" << source.defined_at.file << ":" << source.defined_at.line
              << ")\n";
  }
  std::optional<fetch::FetcherOptions> fetcher_options = command_fetcher_options(config, options);
  if (!fetcher_options) return kExitBadConfig;
  fetch::FetchRequest request = fetch::request_for(config.fetch, source);
  request.etag = options.etag;
  request.last_modified = options.last_modified;
  const std::optional<fetch::FetchResult> result =
      run_fetch(std::move(*fetcher_options), std::move(request), "tributary fetch");
  if (!result) return kExitFailure;
  print_answer(source.url, *result);
  return report_body(*result);
}

}  // namespace tributary::app
