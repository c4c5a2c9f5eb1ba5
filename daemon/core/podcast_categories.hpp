// Apple's podcast categories (itunes:category): the list Apple Podcasts
// accepts, which the W3C Feed Validation Service checks too (any other text
// is an error there, a retired one a warning). Config checks what the
// operator writes against it; normalize keeps only a source's categories
// from it, for the channel categories the RSS edition derives.
#pragma once

#include <string>
#include <string_view>

namespace tributary::core {

// A category and, optionally, one of its subcategories, spelled as Apple
// spells them ("Society & Culture", "Documentary").
struct PodcastCategory {
  std::string category;
  std::string subcategory;  // empty: the category alone

  bool empty() const { return category.empty(); }
  friend bool operator==(const PodcastCategory&, const PodcastCategory&) = default;
};

// `category` in Apple's spelling when it is one of Apple's categories
// (compared without regard to ASCII case and surrounding blanks), else
// empty.
std::string apple_podcast_category(std::string_view category);
// `subcategory` in Apple's spelling when it is one of the subcategories of
// Apple's `category` (as apple_podcast_category returns it), else empty.
std::string apple_podcast_subcategory(std::string_view category, std::string_view subcategory);

}  // namespace tributary::core
