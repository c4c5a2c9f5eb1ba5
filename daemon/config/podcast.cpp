// The podcast keys of [feed] and [[channel]] (config.hpp: PodcastSettings):
// read, checked, inherited, and the warning for a podcast feed that lacks
// what podcast apps require before they list a feed (Apple Podcasts' RSS
// requirements: artwork, a category, the explicit flag; an author and an
// owner's address, which the W3C Feed Validator asks for too).
#include <algorithm>

#include "config/sections.hpp"
#include "core/podcast_categories.hpp"
#include "core/url.hpp"

namespace tributary::config {
namespace {

std::string check_image(const std::string& value) {
  const core::UrlCheck check = core::check_http_url(value);
  return check.url ? "" : in_quotes(value) + " is not an http(s) URL of the artwork: " + check.error;
}

// Not a full RFC 5322 check: something a podcast directory can write to.
std::string check_email(const std::string& value) {
  const std::size_t at = value.find('@');
  const bool is_plausible = at != std::string::npos && at > 0 && at + 1 < value.size() &&
                            value.find('@', at + 1) == std::string::npos &&
                            value.find_first_of(" \t<>()[],;:\"") == std::string::npos;
  return is_plausible ? "" : in_quotes(value) + " is not an e-mail address (e.g. \"podcasts@example.org\")";
}

// BCP 47's shape (RFC 5646 §2.1): a 2–8 letter primary subtag, then 1–8
// letter or digit subtags.
std::string check_language(const std::string& value) {
  bool is_valid = !value.empty();
  std::size_t start = 0;
  for (std::size_t end = 0; is_valid && start <= value.size(); start = end + 1) {
    end = std::min(value.find('-', start), value.size());
    const std::string_view subtag = std::string_view(value).substr(start, end - start);
    const bool is_alnum = std::all_of(subtag.begin(), subtag.end(), [&](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (start > 0 && c >= '0' && c <= '9');
    });
    is_valid = is_alnum && subtag.size() >= (start == 0 ? 2U : 1U) && subtag.size() <= 8;
  }
  return is_valid ? "" : in_quotes(value) + " is not a language tag (e.g. \"en\", \"de-CH\")";
}

std::string check_not_blank(const std::string& value) {
  return value.find_first_not_of(" \t") == std::string::npos ? "must not be empty" : "";
}

// A category or subcategory Apple does not list is refused by podcast
// directories and is an error to the W3C validator: a warning here (the
// feed is still served). One Apple lists in another case is written in
// Apple's spelling.
void check_apple_category(TableReader& reader, ReadContext& context, PodcastSettings& settings) {
  if (settings.category.empty()) return;
  constexpr std::string_view kWhy =
      ": podcast directories and the W3C Feed Validator take only Apple's categories (README, \"Podcasts\")";
  const std::string category = core::apple_podcast_category(settings.category);
  if (category.empty()) {
    context.errors.warn(context.errors.location(reader.source_of("category")),
                        reader.qualified("category") + ": " + in_quotes(settings.category) +
                            " is not one of Apple's podcast categories" + std::string(kWhy));
    return;
  }
  settings.category = category;
  if (settings.subcategory.empty()) return;
  const std::string subcategory = core::apple_podcast_subcategory(category, settings.subcategory);
  if (subcategory.empty())
    context.errors.warn(context.errors.location(reader.source_of("subcategory")),
                        reader.qualified("subcategory") + ": " + in_quotes(settings.subcategory) +
                            " is not one of Apple's subcategories of " + in_quotes(category) + std::string(kWhy));
  else
    settings.subcategory = subcategory;
}

}  // namespace

void read_podcast_settings(TableReader& reader, const toml::table& table, ReadContext& context,
                           PodcastSettings& settings) {
  settings.defined_at = context.errors.location(table.source());
  settings.is_podcast = reader.boolean("podcast");
  if (auto image = reader.checked_string("image", check_image)) settings.image = *image;
  if (auto author = reader.checked_string("author", check_not_blank)) settings.author = *author;
  if (auto name = reader.checked_string("owner_name", check_not_blank)) settings.owner_name = *name;
  if (auto email = reader.checked_string("owner_email", check_email)) settings.owner_email = *email;
  if (auto category = reader.checked_string("category", check_not_blank)) settings.category = *category;
  if (auto subcategory = reader.checked_string("subcategory", check_not_blank)) settings.subcategory = *subcategory;
  settings.is_explicit = reader.boolean("explicit");
  if (auto language = reader.checked_string("language", check_language)) settings.language = *language;
  if (!settings.subcategory.empty() && settings.category.empty() && reader.contains("subcategory"))
    context.errors.add(reader.source_of("subcategory"),
                       reader.qualified("subcategory") + " needs a category it belongs to (category = \"…\")");
  check_apple_category(reader, context, settings);
}

PodcastSettings inherit(const PodcastSettings& own, const PodcastSettings& defaults) {
  PodcastSettings merged = own;
  const auto fill = [](std::string& value, const std::string& fallback) {
    if (value.empty()) value = fallback;
  };
  if (!merged.is_podcast) merged.is_podcast = defaults.is_podcast;
  fill(merged.image, defaults.image);
  fill(merged.author, defaults.author);
  fill(merged.owner_name, defaults.owner_name);
  fill(merged.owner_email, defaults.owner_email);
  // A subcategory belongs to its category: both come from the same table.
  if (merged.category.empty()) {
    merged.category = defaults.category;
    merged.subcategory = defaults.subcategory;
  }
  if (!merged.is_explicit) merged.is_explicit = defaults.is_explicit;
  fill(merged.language, defaults.language);
  return merged;
}

std::optional<PodcastOwner> configured_podcast_owner(const Config& config) {
  const PodcastSettings& feed = config.feed.podcast;
  if (!feed.owner_email.empty()) return PodcastOwner{feed.owner_name, feed.owner_email};
  for (const ChannelConfig& channel : config.channels) {
    const PodcastSettings settings = inherit(channel.podcast, feed);
    if (settings.is_podcast == true && !settings.owner_email.empty())
      return PodcastOwner{settings.owner_name, settings.owner_email};
  }
  return std::nullopt;
}

PodcastSettings with_podcast_owner(PodcastSettings settings, const std::optional<PodcastOwner>& owner) {
  if (settings.owner_email.empty() && owner) {
    settings.owner_name = owner->name;
    settings.owner_email = owner->email;
  }
  return settings;
}

std::vector<std::string_view> missing_podcast_settings(const PodcastSettings& settings) {
  std::vector<std::string_view> missing;
  if (settings.image.empty()) missing.push_back("image");
  if (settings.category.empty()) missing.push_back("category");
  if (!settings.is_explicit) missing.push_back("explicit");
  if (settings.author.empty()) missing.push_back("author");
  if (settings.owner_email.empty()) missing.push_back("owner_email");
  return missing;
}

namespace {

// "image, category" of what `settings` leaves unset; empty when complete.
std::string missing_keys(const PodcastSettings& settings) {
  std::string keys;
  for (std::string_view key : missing_podcast_settings(settings))
    keys += std::string(keys.empty() ? "" : ", ") + std::string(key);
  return keys;
}

}  // namespace

void warn_incomplete_podcasts(const Config& config, ErrorSink& errors) {
  constexpr std::string_view kWhy = ": podcast apps and directories refuse a feed without them";
  // An owner from another of the operator's podcast settings fills in
  // (configured_podcast_owner), as it does in the served feeds.
  const std::optional<PodcastOwner> owner = configured_podcast_owner(config);
  const PodcastSettings feed = with_podcast_owner(config.feed.podcast, owner);
  if (feed.is_podcast == true) {
    if (const std::string keys = missing_keys(feed); !keys.empty())
      errors.warn(feed.defined_at, "[feed] is a podcast (podcast = true) but sets no " + keys + std::string(kWhy));
  }
  const ChannelConfig* podcast_channel = nullptr;
  for (const ChannelConfig& channel : config.channels) {
    const PodcastSettings settings = with_podcast_owner(inherit(channel.podcast, config.feed.podcast), owner);
    if (settings.is_podcast != true) continue;
    if (!podcast_channel) podcast_channel = &channel;
    if (const std::string keys = missing_keys(settings); !keys.empty())
      errors.warn(channel.defined_at, "[[channel]] " + in_quotes(channel.name) +
                                          " is a podcast (podcast = true) but sets no " + keys + std::string(kWhy) +
                                          "; set them here or in [feed]");
  }
  // /feed.rss carries every source's episodes: a podcast channel's too.
  if (feed.is_podcast == true || !podcast_channel) return;
  if (const std::string keys = missing_keys(feed); !keys.empty())
    errors.warn(feed.defined_at.line > 0 ? feed.defined_at : podcast_channel->defined_at,
                "[feed] sets no " + keys + ", and /feed.rss carries the episodes of the podcast channel " +
                    in_quotes(podcast_channel->name) + std::string(kWhy) + "; set them in [feed]");
}

}  // namespace tributary::config
