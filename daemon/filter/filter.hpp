// filter: the [[filter]] rules as a pure decision — for one item (its
// stored fields as text) and its source (configured URL and tags), which
// filter hides it, if any. No database, no clock: the store evaluates it on
// ingest and over what it holds after a reload; `tributary filter test`
// runs it over the store without writing.
//
// Semantics (README "Filters"): block filters come first, in the order the
// file lists them; the first that applies to the source and matches the
// field hides the item. Then keep filters: if any applies to the source,
// the item must match at least one of those, else the first of them hides
// it ("kept out"). Matching is RE2's partial match (anchor with ^ and $),
// linear in the text; invalid UTF-8 in the text only fails to match.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace re2 {
class RE2;
}

namespace tributary::filter {

// What a filter can look at: `content` is the item's text (content, else
// summary) without markup; authors' names and e-mail addresses.
struct ItemFields {
  std::string_view title;
  std::string_view content;
  std::string_view url;
  std::span<const std::string> authors;
  std::span<const std::string> categories;
};

struct SourceFacts {
  std::string_view url;  // as configured: the source's identity
  std::span<const std::string> tags;
};

class FilterSet {
 public:
  FilterSet() = default;
  // Compiles every pattern. A pattern that config::compile_filter_pattern
  // refuses is a programming error here (the config check refused it
  // first): std::invalid_argument.
  explicit FilterSet(std::vector<config::FilterSpec> filters);
  ~FilterSet();
  FilterSet(FilterSet&&) noexcept;
  FilterSet& operator=(FilterSet&&) noexcept;

  bool empty() const { return filters_.empty(); }
  std::size_t size() const { return filters_.size(); }
  const config::FilterSpec& spec(std::size_t index) const { return filters_.at(index); }

  // The index of the filter that hides the item, if any.
  std::optional<std::size_t> hidden_by(const ItemFields& item, const SourceFacts& source) const;
  bool applies_to(std::size_t index, const SourceFacts& source) const;
  bool matches(std::size_t index, const ItemFields& item) const;

  // What the store writes on a hidden item and `filter test` prints:
  // "block title \"(?i)sponsored\" (tributary.toml:12)".
  std::string label(std::size_t index) const;

 private:
  std::vector<config::FilterSpec> filters_;
  std::vector<std::unique_ptr<const re2::RE2>> patterns_;
};

// What the store's verdicts were made with: the filters and, when one is
// scoped by tag, the configured sources' tags (a source that gains a tag
// falls under a filter). Equal text: nothing to re-evaluate.
std::string signature(const config::Config& config);

// A tally of `filter test`: per filter, the items it hides and a few of
// their titles; overall, how that differs from what the store has marked.
struct Preview {
  static constexpr std::size_t kExamples = 5;
  struct PerFilter {
    std::size_t hidden = 0;
    std::vector<std::string> examples;  // "Title — Source"
  };
  std::vector<PerFilter> filters;
  std::size_t items = 0;
  std::size_t hidden = 0;
  std::size_t hidden_now = 0;    // marked in the store as it is
  std::size_t newly_hidden = 0;  // hidden by the file, shown now
  std::size_t shown_again = 0;   // hidden now, shown by the file

  explicit Preview(std::size_t filter_count) : filters(filter_count) {}
  void add(std::optional<std::size_t> hidden_by, bool is_hidden_now, std::string_view title,
           std::string_view source_name);
};

}  // namespace tributary::filter
