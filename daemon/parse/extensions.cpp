// Media RSS, the Syndication module and the collecting rules that RSS and
// Atom share (see extensions.hpp).
#include "parse/extensions.hpp"

#include <charconv>

#include "core/text.hpp"

namespace tributary::parse {

std::optional<int> small_number(std::string_view text) {
  text = core::trim(text);
  int value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

void add_media_content(FeedWalk& walk, const xmlNode* node, RawItem& item) {
  std::string url = attribute(node, "url");
  if (url.empty()) return;
  std::string type = attribute(node, "type");
  if (type.empty()) {
    const std::string medium = attribute(node, "medium");
    if (!medium.empty()) type = medium;  // "image", "audio", "video": better than nothing
  }
  item.enclosures.push_back({std::move(url), std::move(type), attribute(node, "fileSize"), walk.base_of(node)});
  for (const xmlNode* child = node->children; child; child = child->next)
    if (is_media(child, "thumbnail") && item.image.empty()) item.image = attribute(child, "url");
}

void read_media_group(FeedWalk& walk, const xmlNode* group, RawItem& item, std::string& alternative_summary) {
  for (const xmlNode* media = group->children; media; media = media->next) {
    if (is_media(media, "content"))
      add_media_content(walk, media, item);
    else if (is_media(media, "thumbnail") && item.image.empty())
      item.image = attribute(media, "url");
    else if (is_media(media, "description") && alternative_summary.empty())
      alternative_summary = walk.text(media);
    else if (is_media(media, "title") && item.title.value.empty())
      item.title = {walk.text(media), TextType::text, {}};
  }
}

bool is_itunes(const xmlNode* node, std::string_view name) {
  if (!is_element(node) || !equals(node->name, name) || !node->ns || !node->ns->href) return false;
  const std::string_view uri = reinterpret_cast<const char*>(node->ns->href);
  return uri.size() == ns::kItunes.size() && core::to_lower_ascii(uri) == ns::kItunes;
}

bool read_syndication(FeedWalk& walk, const xmlNode* node, FeedInfo& info) {
  if (is(node, ns::kSyndication, "updatePeriod")) {
    info.update_period = core::to_lower_ascii(walk.text(node));
  } else if (is(node, ns::kSyndication, "updateFrequency")) {
    const auto frequency = small_number(walk.text(node));
    if (frequency && *frequency > 0) info.update_frequency = frequency;
  } else if (is(node, ns::kSyndication, "updateBase")) {
    info.update_base = walk.text(node);
  } else {
    return false;
  }
  return true;
}

void add_category(RawItem& item, std::string category) {
  if (category.empty()) return;
  // Items with categories mostly have a few: room for them at once
  // rather than growing one, two, four.
  if (item.categories.empty()) item.categories.reserve(4);
  item.categories.push_back(std::move(category));
}

void add_person(std::vector<Person>& people, std::string name) {
  if (name.empty()) return;
  people.push_back({std::move(name), {}, {}});
}

}  // namespace tributary::parse
