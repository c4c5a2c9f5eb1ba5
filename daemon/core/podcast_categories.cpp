// Apple's podcast categories and subcategories (see podcast_categories.hpp),
// as Apple Podcasts for Creators lists them ("Apple Podcasts categories",
// the list in force since 2019). "Religion" under "Religion & Spirituality"
// is left out: the W3C validator's copy of the list lacks it and calls it
// invalid, and a feed the validator rejects helps nobody.
#include "core/podcast_categories.hpp"

#include <array>
#include <initializer_list>

#include "core/text.hpp"

namespace tributary::core {
namespace {

struct CategoryRow {
  std::string_view name;
  std::initializer_list<std::string_view> subcategories;
};

const std::array<CategoryRow, 19>& categories() {
  static const std::array<CategoryRow, 19> rows = {{
      {"Arts", {"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"}},
      {"Business", {"Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"}},
      {"Comedy", {"Comedy Interviews", "Improv", "Stand-Up"}},
      {"Education", {"Courses", "How To", "Language Learning", "Self-Improvement"}},
      {"Fiction", {"Comedy Fiction", "Drama", "Science Fiction"}},
      {"Government", {}},
      {"History", {}},
      {"Health & Fitness", {"Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"}},
      {"Kids & Family", {"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"}},
      {"Leisure",
       {"Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden", "Video Games"}},
      {"Music", {"Music Commentary", "Music History", "Music Interviews"}},
      {"News",
       {"Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News",
        "Tech News"}},
      {"Religion & Spirituality", {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Spirituality"}},
      {"Science",
       {"Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences", "Nature",
        "Physics", "Social Sciences"}},
      {"Society & Culture", {"Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"}},
      {"Sports",
       {"Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby", "Running",
        "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"}},
      {"Technology", {}},
      {"True Crime", {}},
      {"TV & Film", {"After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"}},
  }};
  return rows;
}

bool same_name(std::string_view name, std::string_view text) {
  return to_lower_ascii(name) == to_lower_ascii(trim(text));
}

const CategoryRow* find_category(std::string_view category) {
  for (const CategoryRow& row : categories())
    if (same_name(row.name, category)) return &row;
  return nullptr;
}

}  // namespace

std::string apple_podcast_category(std::string_view category) {
  const CategoryRow* row = find_category(category);
  return row ? std::string(row->name) : std::string();
}

std::string apple_podcast_subcategory(std::string_view category, std::string_view subcategory) {
  const CategoryRow* row = find_category(category);
  if (!row) return {};
  for (std::string_view name : row->subcategories)
    if (same_name(name, subcategory)) return std::string(name);
  return {};
}

}  // namespace tributary::core
