// Dedup benchmark (issue 23): precision and recall of the story level over
// the labeled set in tests/fixtures/dedup/labeled — pairs of items and
// groups (a group is found when its items are one story holding nothing
// else) — next to what plain title matching and the SimHash rule that
// story keys replaced give on the same items. Quality, not speed: ingest
// speed is bench/ingest's.
//
// Every method sees the same items, parsed and normalized from the same
// Atom documents:
//   - story dedup: Store::ingest with the shipped settings, the outlets
//     polled in host order and in the reverse order (a copy that arrives
//     before its original must merge too);
//   - title: items of other outlets whose titles are equal once lower-cased
//     and stripped of punctuation are one story;
//   - SimHash: the rule before story keys — the same canonical URL, or
//     fingerprints (normalize::story_fingerprint) at most 3 bits apart
//     within the 72-hour window, both items past the level-3 guard.
// Pairwise rules are closed transitively, as stories are.
//
// Cases whose number is a multiple of 4 are held out: the thresholds of
// normalize::match_stories were chosen on the others, so the held-out line
// shows what the matching does on text it was not tuned to.
//
// Usage: dedup_bench LABELED_DIR
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "core/text.hpp"
#include "normalize/fingerprint.hpp"
#include "unit/store/dedup_labeled_set.hpp"

namespace {

using namespace tributary;
using store::labeled::Item;
using store::labeled::Score;

// Items that a pairwise rule joins, closed transitively: each item's story
// is the smallest index in its group.
template <typename IsPair>
std::vector<std::int64_t> closed_stories(std::size_t count, IsPair&& is_pair) {
  std::vector<std::size_t> parent(count);
  std::iota(parent.begin(), parent.end(), 0);
  const auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = i + 1; j < count; ++j)
      if (is_pair(i, j)) parent[std::max(root(i), root(j))] = std::min(root(i), root(j));
  std::vector<std::int64_t> stories(count);
  for (std::size_t i = 0; i < count; ++i) stories[i] = static_cast<std::int64_t>(root(i));
  return stories;
}

// Each labeled item as the normalizer made it, in the order of `items`.
std::vector<normalize::Entry> normalized_entries(const std::vector<Item>& items) {
  std::map<std::string, normalize::Entry> by_key;
  for (const auto& [feed, document] : store::labeled::documents(items)) {
    normalize::NormalizedFeed normalized = store::labeled::normalized(feed, document, store::labeled::ingest_time());
    for (normalize::Entry& entry : normalized.entries) by_key[feed + " " + entry.original_id] = std::move(entry);
  }
  std::vector<normalize::Entry> entries;
  for (const Item& item : items) entries.push_back(by_key.at(item.feed + " " + item.link));
  return entries;
}

std::string title_key(const std::string& title) {
  std::string key;
  for (const char c : core::to_lower_ascii(title))
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) key += c;
  return key;
}

std::vector<std::int64_t> title_stories(const std::vector<Item>& items, const std::vector<normalize::Entry>& entries) {
  return closed_stories(items.size(), [&](std::size_t i, std::size_t j) {
    return items[i].feed != items[j].feed && title_key(entries[i].title) == title_key(entries[j].title);
  });
}

std::vector<std::int64_t> simhash_stories(const std::vector<Item>& items,
                                          const std::vector<normalize::Entry>& entries) {
  constexpr int kDistance = 3;
  constexpr std::int64_t kWindow = 72 * 3600;
  return closed_stories(items.size(), [&](std::size_t i, std::size_t j) {
    const normalize::Entry& a = entries[i];
    const normalize::Entry& b = entries[j];
    if (!a.canonical_url.empty() && a.canonical_url == b.canonical_url) return true;
    if (items[i].feed == items[j].feed || !store::is_story_matchable(a) || !store::is_story_matchable(b)) return false;
    const std::int64_t apart = core::to_unix_seconds(*a.published) - core::to_unix_seconds(*b.published);
    return std::llabs(apart) <= kWindow && normalize::hamming_distance(a.fingerprint, b.fingerprint) <= kDistance;
  });
}

std::vector<std::int64_t> story_stories(const std::vector<Item>& items, bool is_reversed) {
  auto order = store::labeled::feeds_of(items);
  if (is_reversed) std::reverse(order.begin(), order.end());
  store::Store store(":memory:");
  return store::labeled::stories_after_ingest(store, items, order);
}

void print_row(const char* method, const char* cases, const Score& score) {
  std::printf("| %-34s | %-9s | %9.3f | %9.3f | %6zu / %-4zu | %12.3f | %12zu |\n", method, cases,
              score.pair_precision(), score.pair_recall(), score.groups_found, score.groups, score.group_recall(),
              score.false_pairs);
}

void print_method(const char* method, const std::vector<Item>& items, const std::vector<std::int64_t>& stories) {
  print_row(method, "all", store::labeled::score(items, stories, [](int) { return true; }));
  print_row("", "held out", store::labeled::score(items, stories, store::labeled::is_held_out));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: dedup_bench LABELED_DIR (tests/fixtures/dedup/labeled)\n");
    return 2;
  }
  try {
    const std::vector<Item> items = store::labeled::read_set(argv[1]);
    const std::vector<normalize::Entry> entries = normalized_entries(items);
    const auto all = [](int) { return true; };
    const Score sizes = store::labeled::score(items, std::vector<std::int64_t>(items.size(), -1), all);
    std::printf(
        "dedup benchmark: %zu items in %zu outlets, %zu story groups, %zu pairs labeled apart within "
        "their cases (and every pair across cases)\n\n",
        items.size(), store::labeled::feeds_of(items).size(), sizes.groups, sizes.apart_pairs);
    std::printf("| %-34s | %-9s | %9s | %9s | %13s | %12s | %12s |\n", "method", "cases", "pair prec", "pair rec",
                "groups found", "group recall", "false merges");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(36, '-').c_str(), std::string(11, '-').c_str(),
                std::string(11, '-').c_str(), std::string(11, '-').c_str(), std::string(15, '-').c_str(),
                std::string(14, '-').c_str(), std::string(14, '-').c_str());
    const std::vector<std::int64_t> shipped = story_stories(items, false);
    const std::vector<std::int64_t> reversed = story_stories(items, true);
    print_method("story dedup (shipped), host order", items, shipped);
    print_method("story dedup, reverse host order", items, reversed);
    print_method("title matching", items, title_stories(items, entries));
    print_method("SimHash <= 3 bits + canonical URL", items, simhash_stories(items, entries));

    bool is_met = true;
    for (const auto* stories : {&shipped, &reversed}) {
      const Score score = store::labeled::score(items, *stories, all);
      is_met = is_met && score.false_pairs == 0 && score.group_recall() >= 0.95;
      for (const std::string& mistake : score.mistakes) std::printf("\n  %s", mistake.c_str());
    }
    std::printf("\nstory dedup: group recall >= 0.95 and no false merge, in both orders (target): %s\n",
                is_met ? "met" : "NOT met");
    return is_met ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "dedup_bench: %s\n", error.what());
    return 2;
  }
}
