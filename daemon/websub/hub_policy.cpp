// The built-in hub's pure decisions (see hub_policy.hpp).
#include "websub/hub_policy.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

#include "core/text.hpp"
#include "core/url.hpp"
#include "websub/signature.hpp"

namespace tributary::websub {
namespace {

// Subscription requests are small; a larger body is no subscription.
constexpr FormLimits kRequestLimits{.max_bytes = 8 * 1024, .max_fields = 16};

bool secrets_match(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::int64_t> whole_seconds(std::string_view text) {
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  return std::stoll(std::string(text));
}

// The query of a topic URL may only carry the site's token.
std::optional<HubRefusal> check_topic_query(std::string_view query, const TopicSpace& space) {
  const FormParse parsed = parse_form(query);
  const bool is_only_token = parsed.form && parsed.form->fields.size() == 1 && parsed.form->fields[0].name == "token";
  if (space.token.empty()) {
    if (query.empty()) return std::nullopt;
    return HubRefusal{404, "hub.topic names a filtered view; only the plain feeds are topics of this hub"};
  }
  if (!is_only_token || !secrets_match(parsed.form->fields[0].value, space.token))
    return HubRefusal{403, "this Tributary's feeds need its token: hub.topic must be the feed URL with ?token=…"};
  return std::nullopt;
}

std::optional<HubRefusal> check_callback(std::string_view callback) {
  if (callback.empty()) return HubRefusal{400, "hub.callback is missing"};
  if (callback.size() > kMaxCallbackBytes)
    return HubRefusal{400, "hub.callback is longer than " + std::to_string(kMaxCallbackBytes) + " bytes"};
  const core::UrlCheck check = core::check_http_url(callback);
  if (!check.url || *check.url != callback)
    return HubRefusal{400, "hub.callback is not an http(s) URL: " + core::one_line(check.error, 200)};
  if (callback.find('#') != std::string_view::npos) return HubRefusal{400, "hub.callback must not have a fragment"};
  return std::nullopt;
}

std::optional<HubRefusal> check_fields(const Form& form) {
  for (const std::string_view name : {"hub.mode", "hub.callback", "hub.topic", "hub.lease_seconds", "hub.secret"})
    if (form.count(name) > 1) return HubRefusal{400, std::string(name) + " is given more than once"};
  const std::string* mode = form.find("hub.mode");
  if (!mode) return HubRefusal{400, "hub.mode is missing (subscribe or unsubscribe)"};
  if (*mode == "publish")
    return HubRefusal{400, "this hub publishes this Tributary's own feeds and takes no publish requests"};
  if (*mode != "subscribe" && *mode != "unsubscribe")
    return HubRefusal{400, "hub.mode must be subscribe or unsubscribe, not \"" + core::one_line(*mode, 64) + "\""};
  return std::nullopt;
}

}  // namespace

std::string_view to_string(HubMode mode) { return mode == HubMode::subscribe ? "subscribe" : "unsubscribe"; }

std::variant<std::string, HubRefusal> topic_document(std::string_view topic_url, const TopicSpace& space) {
  if (topic_url.empty()) return HubRefusal{400, "hub.topic is missing"};
  if (!topic_url.starts_with(space.base_url) || space.base_url.empty())
    return HubRefusal{404, "hub.topic is not a feed of this Tributary (its feeds are under " + space.base_url + ")"};
  const std::string_view rest = topic_url.substr(space.base_url.size());
  const std::size_t question = rest.find('?');
  const std::string_view document = rest.substr(0, question);
  if (!space.has_document || !space.has_document(document))
    return HubRefusal{404,
                      "hub.topic is not a feed of this Tributary (feed.atom, feed.json, feed.rss, c/NAME.atom, "
                      "c/NAME.json, c/NAME.rss)"};
  const std::string_view query = question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
  if (auto refusal = check_topic_query(query, space)) return *refusal;
  return std::string(document);
}

std::variant<HubRequest, HubRefusal> read_hub_request(std::string_view content_type, std::string_view body,
                                                      const TopicSpace& space) {
  const std::string_view media_type = core::trim(content_type.substr(0, content_type.find(';')));
  if (!core::equals_ignore_case(media_type, "application/x-www-form-urlencoded"))
    return HubRefusal{415, "a subscription request is a form: Content-Type application/x-www-form-urlencoded"};
  FormParse parsed = parse_form(body, kRequestLimits);
  if (!parsed.form) return HubRefusal{400, parsed.error};
  const Form& form = *parsed.form;
  if (auto refusal = check_fields(form)) return *refusal;
  HubRequest request;
  request.mode = *form.find("hub.mode") == "subscribe" ? HubMode::subscribe : HubMode::unsubscribe;
  if (const std::string* callback = form.find("hub.callback")) request.callback = *callback;
  if (auto refusal = check_callback(request.callback)) return *refusal;
  if (const std::string* topic = form.find("hub.topic")) request.topic_url = *topic;
  auto document = topic_document(request.topic_url, space);
  if (auto* refusal = std::get_if<HubRefusal>(&document)) return *refusal;
  request.topic = std::get<std::string>(std::move(document));
  if (const std::string* lease = form.find("hub.lease_seconds")) {
    request.lease_seconds = whole_seconds(*lease);
    if (!request.lease_seconds || *request.lease_seconds == 0)
      return HubRefusal{400, "hub.lease_seconds must be a positive whole number of seconds"};
  }
  if (const std::string* secret = form.find("hub.secret")) {
    if (secret->size() > kMaxSecretBytes) return HubRefusal{400, "hub.secret must be less than 200 bytes"};
    // Kept as text by the store (PostgreSQL's text: UTF-8 without NUL):
    // another secret than the subscriber's would sign every push wrongly.
    if (!core::is_valid_utf8(*secret) || secret->find('\0') != std::string::npos)
      return HubRefusal{400, "hub.secret must be UTF-8 text without NUL"};
    request.secret = *secret;
  }
  return request;
}

Seconds grant_lease(std::optional<std::int64_t> requested, Seconds default_lease, Seconds max_lease) {
  if (!requested) return std::min(default_lease, max_lease);
  const Seconds asked{std::min<std::int64_t>(*requested, max_lease.count())};
  return std::clamp(asked, std::min(kMinLease, max_lease), max_lease);
}

std::string verification_url(std::string_view callback, HubMode mode, std::string_view topic_url,
                             std::string_view challenge, std::optional<Seconds> lease) {
  std::vector<FormField> fields = {{"hub.mode", std::string(to_string(mode))},
                                   {"hub.topic", std::string(topic_url)},
                                   {"hub.challenge", std::string(challenge)}};
  if (lease) fields.push_back({"hub.lease_seconds", std::to_string(lease->count())});
  std::string url(callback);
  if (url.find('?') == std::string::npos)
    url.push_back('?');
  else if (!url.ends_with('?') && !url.ends_with('&'))
    url.push_back('&');
  return url + encode_form(fields);
}

bool is_verified(int status, std::string_view body, std::string_view challenge) {
  return status >= 200 && status < 300 && !challenge.empty() && core::trim(body) == challenge;
}

// Appended piece by piece: "<" + std::string(…) inserts at the front,
// which g++ 12 at -O3 flags with a false -Wrestrict (GCC bug 105651).
std::string discovery_link(std::string_view hub_url, std::string_view topic_url) {
  std::string link;
  if (!hub_url.empty()) {
    link += '<';
    link += hub_url;
    link += ">; rel=\"hub\", ";
  }
  link += '<';
  link += topic_url;
  link += ">; rel=\"self\"";
  return link;
}

OutgoingPost content_distribution(std::string_view callback, std::string_view hub_url, std::string_view topic_url,
                                  std::string_view secret, std::string_view content_type, std::string_view document) {
  OutgoingPost post;
  post.url = std::string(callback);
  post.body = std::string(document);
  post.headers.emplace_back("Content-Type", std::string(content_type));
  post.headers.emplace_back("Link", discovery_link(hub_url, topic_url));
  if (!secret.empty()) post.headers.emplace_back("X-Hub-Signature", sign(SignatureMethod::sha256, secret, document));
  return post;
}

OutgoingPost publish_ping(std::string_view hub_url, std::string_view topic_url) {
  OutgoingPost post;
  post.url = std::string(hub_url);
  post.body = encode_form({{"hub.mode", "publish"}, {"hub.url", std::string(topic_url)}});
  post.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return post;
}

Seconds retry_delay(std::uint32_t attempt, Seconds first) {
  constexpr Seconds kMaxDelay{3600};
  Seconds delay = first;
  for (std::uint32_t i = 1; i < attempt && delay < kMaxDelay; ++i) delay *= 2;
  return std::min(delay, kMaxDelay);
}

}  // namespace tributary::websub
