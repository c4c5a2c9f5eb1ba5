// config: the operator's TOML file → a validated `Config`.
// Every mistake becomes a `ConfigError` with FILE:LINE:COL; loading collects
// all of them rather than stopping at the first, so one run shows them all.
// Every value is range-checked; no string of a valid Config holds a control
// character (they reach feeds, logs and terminals), and no message shows the
// credentials of a source URL or of the storage URL.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/defaults.hpp"

namespace tributary::config {

using Seconds = std::chrono::seconds;

struct Location {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct ServerConfig {
  std::string listen_address{defaults::kListenAddress};
  std::uint16_t port = defaults::kPort;  // 0: any free port (the log says which)
  // Public URL of this daemon, used in feed links and ids. Empty: derived
  // from the listen address and port.
  std::string base_url;
  // When set, every route but /healthz needs it: `?token=` or HTTP Basic
  // auth with the token as the password (feed readers support both).
  std::string token;
  std::uint32_t max_connections = defaults::kMaxServerConnections;  // open HTTP connections; more are refused
  Seconds idle_timeout = defaults::kIdleTimeout;      // a keep-alive connection waiting for its next request
  Seconds header_timeout = defaults::kHeaderTimeout;  // from a request's first byte to its last header (slowloris)
};

// Where the store keeps its data: one SQLite file, or a PostgreSQL
// database that several daemons can share (issue 21).
enum class StorageBackend { sqlite, postgresql };
std::string_view to_string(StorageBackend backend);  // "sqlite", "postgresql"

struct StorageConfig {
  StorageBackend backend = StorageBackend::sqlite;
  // StorageBackend::sqlite. Relative paths are resolved against
  // $STATE_DIRECTORY when systemd sets it, else against the working
  // directory. PostgreSQL stores nothing here, but app/ keeps the pid file
  // and the control socket next to this path whatever the backend, so it
  // keeps its default then.
  std::filesystem::path database = "var/tributary.db";
  // StorageBackend::postgresql: a libpq connection URI ("postgresql://" or
  // "postgres://"; a Unix socket as ?host=/run/postgresql or a
  // percent-encoded host). It may hold a password (user:password@, or
  // password=): show it only as redacted_storage_url(url).
  std::string url;
  // StorageBackend::postgresql, optional: a file holding the password,
  // resolved beside the config file. Checked readable (at most 64 KiB) at
  // load, but read by the backend when it connects: the password is never
  // part of the Config. Exclusive with a password in `url`.
  std::filesystem::path password_file;
  std::uint32_t retention_items = defaults::kRetentionItems;     // per source, newest kept
  Seconds retention_age = defaults::kRetentionAge;               // older items go (unless still listed)
  Seconds tombstone_age = defaults::kTombstoneAge;               // how long a purged item stays known
  Seconds removed_source_grace = defaults::kRemovedSourceGrace;  // items of a source dropped from the config
};

struct FetchConfig {
  std::string user_agent;  // empty: "Tributary/VERSION (+PROJECT_URL)"
  Seconds timeout = defaults::kFetchTimeout;
  std::uint64_t max_body_bytes = defaults::kMaxBodyBytes;
  Seconds connect_timeout = defaults::kConnectTimeout;  // TCP connect of one attempt (within `timeout`)
  std::string from;                                     // From header (an e-mail address); empty: none
  // Proxies as "http://[user:pass@]host:port": `proxy` for http and https,
  // `https_proxy` for https only. Empty: the environment's http_proxy,
  // https_proxy. `no_proxy`: hosts, domains, IPs, CIDRs or "*"; empty: the
  // environment's no_proxy.
  std::string proxy;
  std::string https_proxy;
  std::vector<std::string> no_proxy;
  std::uint32_t max_connections_per_host = defaults::kMaxConnectionsPerHost;
  std::uint32_t max_connections = defaults::kMaxFetchConnections;
  // Refuse loopback, private, link-local and metadata addresses (after DNS,
  // on every redirect), except in `allowed_networks` ("10.1.0.0/16").
  bool block_private_addresses = false;
  std::vector<std::string> allowed_networks;
  // Through a proxy the proxy resolves names, and this host can only check
  // the names it resolves itself: one it cannot resolve is refused while
  // block_private_addresses is on, unless the proxy enforces the policy.
  bool proxy_blocks_private_addresses = false;
  std::string ca_file;  // PEM bundle trusted besides the system store
};

struct ScheduleConfig {
  // The first interval of a source that does not pin its own; from there it
  // adapts to the source's rate of new items, between min and max.
  Seconds interval{15 * 60};
  Seconds min_interval{5 * 60};
  Seconds max_interval{24 * 3600};
  std::uint32_t max_concurrent = 16;  // polls in flight overall
  std::uint32_t per_host = 2;         // polls in flight to one host
  Seconds host_delay{2};              // between two requests to one host
};

// How far deduplication goes: the same URL in several sources ("url"), and
// also the same story under different URLs ("story").
enum class DedupMode { off, url, story };

// How an entry names the outlet that carried it, for the many readers that
// ignore atom:source: in the author ("Name (Outlet)", or "Outlet" when the
// item has no author), as a title prefix ("Outlet: Title"), or not at all.
enum class Attribution { author, title, none };

// The channel-level iTunes tags a podcast app requires of a feed before it
// lists it (Apple Podcasts' RSS requirements), for the RSS edition of a
// feed made of podcast sources. Written in [feed] (for /feed.rss, and each
// channel's default) and in [[channel]] (overriding [feed] key by key).
// Empty / nullopt: not set.
struct PodcastSettings {
  std::optional<bool> is_podcast;   // podcast = true: check that the settings below are complete
  std::string image;                // image: artwork URL (http(s); JPEG or PNG, square, 1400–3000 px)
  std::string author;               // author: itunes:author
  std::string owner_name;           // owner_name: itunes:owner/itunes:name
  std::string owner_email;          // owner_email: itunes:owner/itunes:email
  std::string category;             // category: Apple's category ("Technology", "News")
  std::string subcategory;          // subcategory: within it ("Tech News")
  std::optional<bool> is_explicit;  // explicit: itunes:explicit
  std::string language;             // language: the channel's <language> (BCP 47); empty: the entries' own
  Location defined_at;              // the table it was written in
};

// `own`, each setting it leaves unset taken from `defaults`.
PodcastSettings inherit(const PodcastSettings& own, const PodcastSettings& defaults);
// The keys a podcast feed needs that `settings` leaves unset ("image",
// "category", "explicit", "author", "owner_email"), in that order.
std::vector<std::string_view> missing_podcast_settings(const PodcastSettings& settings);

struct FeedConfig {
  std::string title = "Tributary";
  std::string subtitle;
  std::string id;  // empty: derived from the base URL
  std::uint32_t entries = 50;
  DedupMode dedup = DedupMode::story;
  // Max differing fingerprint bits for one story. At most 3: the index
  // splits fingerprints into 4 bands, and one band must match exactly.
  int story_distance = 3;
  Seconds story_window = defaults::kStoryWindow;  // copies published further apart are separate
  Attribution attribution = Attribution::author;
  PodcastSettings podcast;  // /feed.rss's, and the channels' defaults
};

// A named merged feed of its own, served at /c/NAME.atom, /c/NAME.json and /c/NAME.rss:
// the stories of the listed sources, or of sources with any of the tags,
// optionally matching a full-text query. Empty lists: every source.
struct ChannelConfig {
  std::string name;  // [a-z0-9_-]+, the URL path segment
  std::string title;
  std::vector<std::string> tags;
  std::vector<std::string> sources;  // configured source URLs (names are resolved at load)
  std::string query;
  Location defined_at;
  PodcastSettings podcast;  // as written in the channel; inherit() it from [feed]'s
};

struct LogConfig {
  std::string level = "info";
  // Where `run` logs: "journal" (structured fields), "stderr" (timestamped
  // lines), or "auto": the journal when stderr is connected to it (systemd
  // sets JOURNAL_STREAM), else stderr.
  std::string target = "auto";
};

// [websub]: WebSub (W3C Recommendation, 2018), both ways. `hub`: the hub
// Tributary's own feeds advertise — its built-in one at
// BASE_URL/websub/hub, an external hub's URL (Tributary then pings it with
// hub.mode=publish on every change), or none. The limits bound what
// strangers can make the built-in hub hold and send. `subscribe`: push in
// from the sources' own hubs — "auto" subscribes when [server] base_url
// names an address a hub outside this machine can reach (not loopback),
// true and false force it either way (is_subscribing).
enum class HubMode { builtin, external, off };
enum class SubscribeMode { automatic, on, off };
struct WebSubConfig {
  HubMode hub = HubMode::builtin;
  std::string hub_url;                     // HubMode::external
  Seconds default_lease{10 * 86400};       // when a subscriber asks for none
  Seconds max_lease{30 * 86400};           // a longer lease asked for is cut to this
  std::uint32_t max_subscriptions = 1000;  // in total
  std::uint32_t max_subscriptions_per_topic = 100;
  std::uint32_t delivery_attempts = 6;  // per new document and subscriber, the first one included
  Seconds retry_delay{10};              // before the first retry; doubled for each next one (at most 1 h)
  Seconds timeout{10};                  // a verification of intent or a delivery, all of it
  SubscribeMode subscribe = SubscribeMode::automatic;
};

// [[push]]: a static target that gets every new version of a feed (the
// default one, or a channel's Atom document) as a WebSub content
// distribution, signed when a secret is set: a webhook.
struct PushTarget {
  std::string url;
  std::string secret;   // HMAC key of X-Hub-Signature: sha256=…; empty: unsigned
  std::string channel;  // empty: the default feed
  Location defined_at;
};

// [[filter]]: hides items of some sources from every feed and view (README
// "Filters"). `block` hides the items whose `field` matches `pattern`;
// `keep` hides, in the sources it applies to, the items that match no keep
// filter. Scope: the listed sources and the sources with any of the tags;
// neither: every source. The pattern is RE2 syntax, checked at load
// (config/filter_pattern.hpp).
enum class FilterAction { block, keep };
enum class FilterField { title, content, author, category, url, any };
struct FilterSpec {
  FilterAction action = FilterAction::block;
  FilterField field = FilterField::title;
  std::string pattern;
  std::vector<std::string> sources;  // configured source URLs (names are resolved at load)
  std::vector<std::string> tags;
  Location defined_at;
  // Where each of `sources` is written, for the error of a name no source has.
  std::vector<Location> source_locations;
};
std::string_view to_string(FilterAction action);
std::string_view to_string(FilterField field);

struct SourceSpec {
  std::string url;        // as configured; the source's identity in the store
  std::string name;       // configured, else the URL's host
  bool is_named = false;  // `name` was configured (or an OPML outline's title)
  std::vector<std::string> tags;
  std::optional<Seconds> interval;  // pinned by the operator
  Location defined_at;              // where: a TOML [[source]] or an OPML outline
  // Sent with every request to this source's own origin (not after a
  // redirect elsewhere). The password comes from `password` or is read from
  // `password_file` at load; it must never be logged or printed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string username;
  std::string password;
  std::filesystem::path password_file;
};

struct Config {
  std::filesystem::path path;
  ServerConfig server;
  StorageConfig storage;
  FetchConfig fetch;
  ScheduleConfig schedule;
  FeedConfig feed;
  LogConfig log;
  std::vector<SourceSpec> sources;
  std::vector<ChannelConfig> channels;
  std::vector<std::filesystem::path> opml_files;  // [sources] opml, resolved
  WebSubConfig websub;
  std::vector<PushTarget> pushes;
  std::vector<FilterSpec> filters;
};

// A storage URL for messages and logs: the password of its userinfo and
// the values of password= and sslpassword= parameters become "***"
// ("postgresql://tributary:***@db.example/news"); the rest, user name and
// host included, stays. When unsure where a password ends it hides more;
// text that is not a URI at all is hidden whole.
std::string redacted_storage_url(std::string_view url);

struct ConfigError {
  Location where;
  std::string message;
};
// "config/tributary.toml:12:9: unknown key "intervall" (did you mean "interval"?)"
std::string to_string(const ConfigError& error);
// Built member by member: g++ 12 at -O3 warns (falsely) about nested
// brace-initialized temporaries of this type.
ConfigError config_error(std::string file, std::uint32_t line, std::uint32_t column, std::string message);

struct ConfigLoad {
  std::optional<Config> config;  // set only when `errors` is empty
  std::vector<ConfigError> errors;
  // The config still loads: a source listed twice, an OPML outline skipped.
  std::vector<ConfigError> warnings;
};

// The operator as the owner of a podcast feed (itunes:owner), for a feed
// whose own settings name none: [feed]'s owner_email, else that of the first
// [[channel]] with podcast = true that has one (its own or inherited; the
// operator's identity is one for all their feeds). The name comes with the
// e-mail from the same settings. nullopt: none is configured — an owner is
// never made up.
struct PodcastOwner {
  std::string name;  // may be empty
  std::string email;
};
std::optional<PodcastOwner> configured_podcast_owner(const Config& config);
// `settings` with `owner` (configured_podcast_owner) when it names no
// owner_email of its own.
PodcastSettings with_podcast_owner(PodcastSettings settings, const std::optional<PodcastOwner>& owner);

// Whether the daemon subscribes to its sources' hubs: [websub] subscribe,
// with "auto" on when [server] base_url is set and its host is not
// loopback ("localhost", 127.0.0.0/8, ::1): a hub elsewhere could not
// reach the callback.
bool is_subscribing(const Config& config);

// Reads and validates a config file; an unreadable file is an error too, and
// so is one that is not a regular file or is larger than 4 MiB.
ConfigLoad load_config_file(const std::filesystem::path& path);

// Validates TOML text; `file_label` names it in error locations.
ConfigLoad parse_config(std::string_view toml_text, const std::string& file_label);

inline constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};

}  // namespace tributary::config
