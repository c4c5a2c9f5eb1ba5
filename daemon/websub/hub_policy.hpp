// The built-in hub's decisions as pure functions (W3C WebSub §5, §6, §7),
// tested without sockets: reading a subscription request, which of
// Tributary's documents a topic URL names, the lease granted, the
// verification of intent's URL and verdict, the delivery's request, and
// when a failed delivery is tried again. websub/hub.cpp does the I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "websub/form.hpp"

namespace tributary::websub {

using Seconds = std::chrono::seconds;

enum class HubMode { subscribe, unsubscribe };
std::string_view to_string(HubMode mode);

// A subscription request as the hub takes it (§5.1).
struct HubRequest {
  HubMode mode = HubMode::subscribe;
  std::string callback;
  std::string topic_url;  // as written: the rel="self" of deliveries
  std::string topic;      // the document it names: "feed.atom", "c/news.json"
  std::optional<std::int64_t> lease_seconds;
  std::string secret;
};

// A request refused at once, with the status and the reason said to the
// subscriber (§5.1: "4xx or 5xx ... SHOULD be accompanied by a description").
struct HubRefusal {
  int status = 400;
  std::string reason;
};

// What the hub needs to know to read a request: which documents exist,
// where they live, and the token that guards them.
struct TopicSpace {
  std::string base_url;  // ends with '/'
  // "feed.atom" → whether Tributary serves that document.
  std::function<bool(std::string_view document)> has_document;
  std::string token;  // [server] token; empty: none
};

// The document a topic URL names ("feed.atom"), or the refusal: another
// site, a document Tributary does not serve, a filtered view, or (behind a
// token) a URL without the right ?token=.
std::variant<std::string, HubRefusal> topic_document(std::string_view topic_url, const TopicSpace& space);

// Reads a POST to the hub: its Content-Type and body, within the limits of
// form.hpp. hub.mode=publish is refused (this hub publishes Tributary's own
// feeds; it takes pings from nobody).
std::variant<HubRequest, HubRefusal> read_hub_request(std::string_view content_type, std::string_view body,
                                                      const TopicSpace& space);

// W3C WebSub §5.1: hub.secret "MUST be less than 200 bytes".
inline constexpr std::size_t kMaxSecretBytes = 199;
inline constexpr std::size_t kMaxCallbackBytes = 2048;
// A lease shorter than this is raised to it: subscribers renewing every
// few seconds would keep the hub verifying.
inline constexpr Seconds kMinLease{60};

// The lease the hub grants (§5.3: the hub decides, the subscriber asks).
Seconds grant_lease(std::optional<std::int64_t> requested, Seconds default_lease, Seconds max_lease);

// The GET of the verification of intent (§5.3): the callback with
// hub.mode, hub.topic, hub.challenge and, to subscribe, hub.lease_seconds
// added to the query it may already have.
std::string verification_url(std::string_view callback, HubMode mode, std::string_view topic_url,
                             std::string_view challenge, std::optional<Seconds> lease);
// §5.3.1: verified only by a 2xx whose body is the challenge (surrounding
// whitespace forgiven: some frameworks add a newline).
bool is_verified(int status, std::string_view body, std::string_view challenge);

// The Link header that names a topic's hub and the topic itself (§4
// discovery, §7 content distribution; RFC 8288): `<HUB>; rel="hub",
// <TOPIC>; rel="self"`, without the hub when `hub_url` is empty.
std::string discovery_link(std::string_view hub_url, std::string_view topic_url);

// A POST the hub sends: content distribution (§7) or a publish ping.
struct OutgoingPost {
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// §7: the full document, its Content-Type, `Link` to the hub and the topic
// (RFC 8288), and X-Hub-Signature: sha256=… (§8) when there is a secret.
OutgoingPost content_distribution(std::string_view callback, std::string_view hub_url, std::string_view topic_url,
                                  std::string_view secret, std::string_view content_type, std::string_view document);
// The ping an external hub takes for a new version of a topic (the de
// facto publish protocol of PubSubHubbub 0.4 hubs, which WebSub leaves to
// them): hub.mode=publish&hub.url=TOPIC.
OutgoingPost publish_ping(std::string_view hub_url, std::string_view topic_url);

// The pause before delivery attempt `attempt` + 1 (attempt counts from 1):
// `first` after the first failure, doubled after each next one, at most an
// hour.
Seconds retry_delay(std::uint32_t attempt, Seconds first);

}  // namespace tributary::websub
