// The filter decision of filter.hpp, its labels and signature, and the
// preview's tally.
#include "filter/filter.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <stdexcept>

#include "config/filter_pattern.hpp"
#include "core/core.hpp"

namespace tributary::filter {
namespace {

bool matches_text(const re2::RE2& pattern, std::string_view text) {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), pattern);
}

bool matches_any(const re2::RE2& pattern, std::span<const std::string> texts) {
  return std::any_of(texts.begin(), texts.end(), [&](const std::string& text) { return matches_text(pattern, text); });
}

// Both sides are configured URLs as written (config resolves the names
// and other spellings in a filter's `sources` to them).
bool is_listed(const std::vector<std::string>& urls, std::string_view url) {
  return std::find(urls.begin(), urls.end(), url) != urls.end();
}

}  // namespace

FilterSet::FilterSet(std::vector<config::FilterSpec> filters) : filters_(std::move(filters)) {
  for (const config::FilterSpec& filter : filters_) {
    config::CompiledPattern compiled = config::compile_filter_pattern(filter.pattern);
    if (!compiled.regex) throw std::invalid_argument("filter pattern " + filter.pattern + ": " + compiled.error);
    patterns_.push_back(std::move(compiled.regex));
  }
}

FilterSet::~FilterSet() = default;
FilterSet::FilterSet(FilterSet&&) noexcept = default;
FilterSet& FilterSet::operator=(FilterSet&&) noexcept = default;

bool FilterSet::applies_to(std::size_t index, const SourceFacts& source) const {
  const config::FilterSpec& filter = filters_.at(index);
  if (filter.sources.empty() && filter.tags.empty()) return true;
  if (is_listed(filter.sources, source.url)) return true;
  return std::any_of(source.tags.begin(), source.tags.end(), [&](const std::string& tag) {
    return std::find(filter.tags.begin(), filter.tags.end(), tag) != filter.tags.end();
  });
}

bool FilterSet::matches(std::size_t index, const ItemFields& item) const {
  const re2::RE2& pattern = *patterns_.at(index);
  switch (filters_.at(index).field) {
    case config::FilterField::title:
      return matches_text(pattern, item.title);
    case config::FilterField::content:
      return matches_text(pattern, item.content);
    case config::FilterField::author:
      return matches_any(pattern, item.authors);
    case config::FilterField::category:
      return matches_any(pattern, item.categories);
    case config::FilterField::url:
      return matches_text(pattern, item.url);
    case config::FilterField::any:
      return matches_text(pattern, item.title) || matches_text(pattern, item.content) ||
             matches_text(pattern, item.url) || matches_any(pattern, item.authors) ||
             matches_any(pattern, item.categories);
  }
  return false;
}

std::optional<std::size_t> FilterSet::hidden_by(const ItemFields& item, const SourceFacts& source) const {
  for (std::size_t i = 0; i < filters_.size(); ++i)
    if (filters_[i].action == config::FilterAction::block && applies_to(i, source) && matches(i, item)) return i;
  std::optional<std::size_t> first_keep;
  for (std::size_t i = 0; i < filters_.size(); ++i) {
    if (filters_[i].action != config::FilterAction::keep || !applies_to(i, source)) continue;
    if (matches(i, item)) return std::nullopt;
    if (!first_keep) first_keep = i;
  }
  return first_keep;
}

std::string FilterSet::label(std::size_t index) const {
  const config::FilterSpec& filter = filters_.at(index);
  std::string text(config::to_string(filter.action));
  text += ' ';
  text += config::to_string(filter.field);
  text += " \"" + filter.pattern + "\"";
  if (!filter.defined_at.file.empty())
    text += " (" + filter.defined_at.file + ":" + std::to_string(filter.defined_at.line) + ")";
  return text;
}

std::string signature(const config::Config& config) {
  std::string text;
  bool has_tag_scope = false;
  for (const config::FilterSpec& filter : config.filters) {
    text += std::string(config::to_string(filter.action)) + '\x1f' + std::string(config::to_string(filter.field)) +
            '\x1f' + filter.pattern + '\x1f' + filter.defined_at.file + ':' + std::to_string(filter.defined_at.line);
    for (const std::string& url : filter.sources) text += "\x1fs:" + url;
    for (const std::string& tag : filter.tags) text += "\x1ft:" + tag;
    text += '\x1e';
    has_tag_scope = has_tag_scope || !filter.tags.empty();
  }
  if (has_tag_scope) {
    for (const config::SourceSpec& source : config.sources) {
      text += "\x1d" + source.url;
      for (const std::string& tag : source.tags) text += '\x1f' + tag;
    }
  }
  return text.empty() ? std::string() : core::sha256_hex(text);
}

void Preview::add(std::optional<std::size_t> hidden_by, bool is_hidden_now, std::string_view title,
                  std::string_view source_name) {
  ++items;
  if (is_hidden_now) ++hidden_now;
  if (!hidden_by) {
    if (is_hidden_now) ++shown_again;
    return;
  }
  ++hidden;
  if (!is_hidden_now) ++newly_hidden;
  PerFilter& filter = filters.at(*hidden_by);
  ++filter.hidden;
  if (filter.examples.size() < kExamples)
    filter.examples.push_back(core::one_line(title.empty() ? "(untitled)" : title, 100) + " — " +
                              std::string(source_name));
}

}  // namespace tributary::filter
