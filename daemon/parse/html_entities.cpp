// The named character reference table, sorted by name for binary search.
#include "parse/html_entities.hpp"

#include <algorithm>
#include <array>

namespace tributary::parse {
namespace {

constexpr HtmlEntity kEntities[] = {
#include "parse/html_entities_table.inc"
};

}  // namespace

const HtmlEntity* find_html_entity(std::string_view name) {
  if (name.empty() || name.size() > 32) return nullptr;
  const auto* end = std::end(kEntities);
  const auto* found =
      std::lower_bound(std::begin(kEntities), end, name,
                       [](const HtmlEntity& entity, std::string_view key) { return entity.name < key; });
  return found != end && found->name == name ? found : nullptr;
}

std::span<const HtmlEntity> all_html_entities() { return kEntities; }

}  // namespace tributary::parse
