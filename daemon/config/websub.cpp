// [websub] and [[push]]: which hub Tributary's feeds advertise, the built-in
// hub's limits, static push targets, and whether the daemon subscribes to
// its sources' own hubs (W3C WebSub; README "Push"). Every [websub] key is
// read here, in one table.
#include <algorithm>

#include "config/sections.hpp"
#include "core/core.hpp"
#include "core/network.hpp"

namespace tributary::config {
namespace {

// W3C WebSub §5.1: hub.secret "MUST be less than 200 bytes in length".
constexpr std::size_t kMaxSecretBytes = 199;
inline constexpr DurationRange kLeaseRange{Seconds{60}, Seconds{365 * 86400}};  // 1 min … 365 d
inline constexpr DurationRange kRetryRange{Seconds{1}, Seconds{3600}};

std::string hub_problem(const std::string& value) {
  if (value == "builtin" || value == "off") return {};
  const auto check = core::check_http_url(value);
  return check.url ? "" : "must be \"builtin\", \"off\" or a hub's http(s) URL (" + check.error + ")";
}

// The leases as read: max_lease must leave room for default_lease.
void check_leases(TableReader& reader, ReadContext& context) {
  const WebSubConfig& websub = context.config.websub;
  if (websub.default_lease <= websub.max_lease) return;
  context.errors.add(reader.source_of(reader.contains("default_lease") ? "default_lease" : "max_lease"),
                     "websub.default_lease (" + core::format_duration(websub.default_lease) +
                         ") is above websub.max_lease (" + core::format_duration(websub.max_lease) + ")");
}

// subscribe: "auto", or a boolean.
void read_subscribe(TableReader& reader, ReadContext& context) {
  const toml::node* subscribe = reader.node("subscribe");
  if (!subscribe) return;
  if (const auto* flag = subscribe->as_boolean())
    context.config.websub.subscribe = flag->get() ? SubscribeMode::on : SubscribeMode::off;
  else if (const auto* text = subscribe->as_string(); text && text->get() == "auto")
    context.config.websub.subscribe = SubscribeMode::automatic;
  else
    context.errors.add(subscribe->source(), "websub.subscribe must be \"auto\", true or false");
}

}  // namespace

void read_websub(TableReader& reader, const toml::table&, ReadContext& context) {
  WebSubConfig& websub = context.config.websub;
  if (auto hub = reader.checked_string("hub", hub_problem)) {
    websub.hub = *hub == "builtin" ? HubMode::builtin : *hub == "off" ? HubMode::off : HubMode::external;
    if (websub.hub == HubMode::external) websub.hub_url = *core::check_http_url(*hub).url;
  }
  const auto default_lease = reader.duration("default_lease", kLeaseRange);
  const auto max_lease = reader.duration("max_lease", kLeaseRange);
  if (default_lease) websub.default_lease = *default_lease;
  if (max_lease) websub.max_lease = *max_lease;
  if ((default_lease || !reader.contains("default_lease")) && (max_lease || !reader.contains("max_lease")))
    check_leases(reader, context);
  if (auto count = reader.integer("max_subscriptions", 1, 1'000'000))
    websub.max_subscriptions = static_cast<std::uint32_t>(*count);
  if (auto count = reader.integer("max_subscriptions_per_topic", 1, 1'000'000))
    websub.max_subscriptions_per_topic = static_cast<std::uint32_t>(*count);
  if (auto count = reader.integer("delivery_attempts", 1, 20))
    websub.delivery_attempts = static_cast<std::uint32_t>(*count);
  if (auto delay = reader.duration("retry_delay", kRetryRange)) websub.retry_delay = *delay;
  if (auto timeout = reader.duration("timeout", kTimeoutRange)) websub.timeout = *timeout;
  read_subscribe(reader, context);
}

void read_push(TableReader& reader, const toml::table& table, ReadContext& context) {
  PushTarget push;
  push.defined_at = context.errors.location(table.source());
  const auto url = reader.checked_string("url", [](const std::string& value) -> std::string {
    const auto check = core::check_http_url(value);
    return check.url ? "" : check.error;
  });
  if (!url && !table.contains("url")) context.errors.add(table.source(), "[[push]] has no url");
  if (url) push.url = *core::check_http_url(*url).url;
  if (auto secret = reader.checked_string("secret", [](const std::string& value) -> std::string {
        return value.size() > kMaxSecretBytes ? "must be less than 200 bytes (W3C WebSub §5.1)" : "";
      }))
    push.secret = *secret;
  const std::vector<ChannelConfig>& channels = context.config.channels;
  if (auto channel = reader.checked_string("channel", [&channels](const std::string& value) -> std::string {
        const bool is_known = std::any_of(channels.begin(), channels.end(),
                                          [&value](const ChannelConfig& known) { return known.name == value; });
        return is_known ? "" : "no [[channel]] is named " + in_quotes(value);
      }))
    push.channel = *channel;
  if (!push.url.empty()) context.config.pushes.push_back(std::move(push));
}

bool is_subscribing(const Config& config) {
  switch (config.websub.subscribe) {
    case SubscribeMode::on:
      return true;
    case SubscribeMode::off:
      return false;
    case SubscribeMode::automatic:
      break;
  }
  if (config.server.base_url.empty()) return false;
  const std::string host = core::url_host(config.server.base_url);
  if (host.empty() || host == "localhost" || host.ends_with(".localhost")) return false;
  for (const char* loopback : {"127.0.0.0/8", "::1/128"})
    if (const auto network = core::parse_network(loopback); network && core::network_contains(*network, host))
      return false;
  return true;
}

}  // namespace tributary::config
