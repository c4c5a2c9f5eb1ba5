// Story matching (dedup level 3): the features of a story's text, the
// decision whether two texts are one story, and the candidate keys that
// find the texts worth comparing. The thresholds were chosen on the
// labeled set in tests/fixtures/dedup/labeled (its cases numbered by a
// multiple of 4 held out); bench/dedup prints precision and recall over
// both parts, and the store tests hold every case. See the README's
// "Story dedup".
#include <algorithm>
#include <array>
#include <cstdlib>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "normalize/fingerprint.hpp"
#include "normalize/simhash.hpp"
#include "normalize/word_hash.hpp"

namespace tributary::normalize {
namespace {

std::uint64_t hash_pair(std::uint64_t first, std::uint64_t second) { return mix(first * 31 + second + 0x9e37); }

// The most common English function words (and a few that every news story
// has: "said", "year"): they carry no story, and editors add, drop and swap
// them freely ("late on Monday" / "late Monday"). Other languages keep
// theirs, which only makes their comparisons stricter.
constexpr std::array<std::string_view, 118> kStopWords = {
    "the",   "and",     "but",     "for",    "with",   "from",  "are",     "was",     "were",    "been",   "being",
    "has",   "have",    "had",     "does",   "did",    "that",  "this",    "these",   "those",   "its",    "they",
    "them",  "their",   "his",     "her",    "she",    "you",   "your",    "our",     "not",     "than",   "then",
    "there", "here",    "which",   "who",    "whom",   "whose", "what",    "when",    "where",   "why",    "how",
    "all",   "any",     "some",    "more",   "most",   "other", "such",    "only",    "own",     "same",   "too",
    "very",  "can",     "will",    "would",  "should", "could", "may",     "might",   "must",    "shall",  "also",
    "into",  "over",    "after",   "before", "under",  "about", "against", "between", "through", "during", "out",
    "off",   "again",   "further", "once",   "said",   "says",  "year",    "years",   "day",     "days",   "one",
    "two",   "three",   "four",    "five",   "six",    "seven", "eight",   "nine",    "ten",     "him",    "among",
    "while", "because", "just",    "both",   "each",   "few",   "nor",     "now",     "said",    "told",   "say",
    "per",   "via",     "yet",     "upon",   "onto",   "until", "unless",  "whether"};

bool is_stop_word(std::string_view word) {
  if (word.size() <= 2) return std::none_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (word.size() > 7) return false;
  // Asked for every word of every item: a binary search, not a scan.
  static const std::vector<std::string_view> sorted = [] {
    std::vector<std::string_view> words(kStopWords.begin(), kStopWords.end());
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
  }();
  return std::binary_search(sorted.begin(), sorted.end(), word);
}

bool has_digit(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Words as story_words reads them: ASCII letters and digits lower-cased,
// any non-ASCII byte part of a word, anything else a separator.
template <typename OnWord>
void for_each_lower_word(std::string_view text, OnWord&& on_word) {
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) on_word(std::string_view(word));
    word.clear();
  };
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z'))
      word.push_back(c);
    else if (byte >= 'A' && byte <= 'Z')
      word.push_back(static_cast<char>(byte - 'A' + 'a'));
    else
      flush();
  }
  flush();
}

void sort_unique(std::vector<std::uint64_t>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

std::size_t shared(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::size_t count = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
    if (*i < *j)
      ++i;
    else if (*j < *i)
      ++j;
    else
      ++count, ++i, ++j;
  }
  return count;
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  const std::size_t both = shared(a, b);
  const std::size_t either = a.size() + b.size() - both;
  return either == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(either);
}

// Of the smaller set, the share found in the other.
double containment(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  const std::size_t smaller = std::min(a.size(), b.size());
  return smaller == 0 ? 0.0 : static_cast<double>(shared(a, b)) / static_cast<double>(smaller);
}

// Templated posts (exchange rates, forecasts, results) share their words
// and differ in their numbers; copies of one story keep its numbers. So
// two texts with numbers disagree when the one with fewer misses at least
// two of them and more than a quarter (a copy may add a year or a count).
bool do_numbers_disagree(const StoryText& a, const StoryText& b) {
  const std::vector<std::uint64_t>& fewer = a.numbers.size() <= b.numbers.size() ? a.numbers : b.numbers;
  const std::vector<std::uint64_t>& more = &fewer == &a.numbers ? b.numbers : a.numbers;
  if (fewer.size() < 2) return false;
  const std::size_t missing = fewer.size() - shared(fewer, more);
  return missing >= 2 && 4 * missing > fewer.size();
}

// A word of three to seven bytes as one number: its bytes in order, the
// rest zero (no word byte is zero, so two words never pack alike).
constexpr std::uint64_t pack_word(std::string_view word) {
  std::uint64_t packed = 0;
  for (std::size_t i = 0; i < word.size() && i < 8; ++i)
    packed |= static_cast<std::uint64_t>(static_cast<unsigned char>(word[i])) << (8 * i);
  return packed;
}

constexpr std::size_t stop_word_slot(std::uint64_t packed) { return (packed * 0x9E3779B97F4A7C15ULL) >> 56; }

// kStopWords of three to seven bytes (is_stop_word decides the others by
// length alone), packed, in an open-addressed table: story_keys asks it
// once per word of every item.
constexpr std::array<std::uint64_t, 256> kPackedStopWords = [] {
  std::array<std::uint64_t, 256> table{};
  for (const std::string_view word : kStopWords) {
    if (word.size() < 3 || word.size() > 7) continue;
    const std::uint64_t packed = pack_word(word);
    std::size_t slot = stop_word_slot(packed);
    while (table[slot] != 0 && table[slot] != packed) slot = (slot + 1) % table.size();
    table[slot] = packed;
  }
  return table;
}();

bool is_packed_stop_word(std::uint64_t packed) {
  for (std::size_t slot = stop_word_slot(packed);; slot = (slot + 1) % kPackedStopWords.size()) {
    if (kPackedStopWords[slot] == packed) return true;
    if (kPackedStopWords[slot] == 0) return false;
  }
}

// for_each_lower_word, is_stop_word, has_digit and hash_word in one pass:
// calls `on_word(hash_word(word), is_stop_word(word), has_digit(word))` for
// each lower-cased word of `text`, without building the words.
template <typename OnWord>
void for_each_hashed_word(std::string_view text, OnWord&& on_word) {
  const auto* at = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = at + text.size();
  while (true) {
    while (at != end && kWordBytes[*at] == 0) ++at;
    if (at == end) return;
    std::uint64_t hash = kFnvOffset;
    std::uint64_t packed = 0;
    std::size_t length = 0;
    bool has_digit = false;
    do {
      const unsigned char byte = kWordBytes[*at++];
      hash = (hash ^ byte) * kFnvPrime;
      if (length < 8) packed |= static_cast<std::uint64_t>(byte) << (8 * length);
      has_digit = has_digit || (byte >= '0' && byte <= '9');
      ++length;
    } while (at != end && kWordBytes[*at] != 0);
    const bool is_stop = length <= 2 ? !has_digit : length <= 7 && is_packed_stop_word(packed);
    on_word(mix(hash), is_stop, has_digit);
  }
}

// The smallest `Size` distinct values of those offered, in ascending
// order: what sorting them all, dropping repeats and keeping the first
// `Size` gives. Most values of a long text are above the largest kept and
// cost one comparison.
template <std::size_t Size>
class SmallestKeys {
 public:
  void offer(std::uint32_t key) {
    if (count_ == Size && key >= keys_[Size - 1]) return;
    std::uint32_t* const begin = keys_.data();
    std::uint32_t* const position = std::lower_bound(begin, begin + count_, key);
    if (position != begin + count_ && *position == key) return;
    if (count_ < Size) ++count_;
    std::copy_backward(position, begin + count_ - 1, begin + count_);
    *position = key;
  }
  std::span<const std::uint32_t> keys() const { return std::span(keys_).first(count_); }

 private:
  std::array<std::uint32_t, Size> keys_{};
  std::size_t count_ = 0;
};

// story_keys of the words given in order: the keys of story_text's bigrams
// and lead bigrams without the rest of its features (every item pays for
// this at ingest), only the smallest kept as they come rather than all of
// them sorted. story_text_word_by_word is the reference (fingerprint_test
// holds the two to the same keys).
class StoryKeyReader {
 public:
  void add(std::uint64_t hash, bool is_stop) {
    if (is_stop) return;
    if (content_words_ > 0) {
      const std::uint64_t pair = hash_pair(previous_, hash);
      full_.offer(static_cast<std::uint32_t>(pair) & ~kLeadKeyBit);
      if (content_words_ < kLeadWords) lead_.offer(static_cast<std::uint32_t>(mix(pair ^ 0x1ead)) | kLeadKeyBit);
    }
    previous_ = hash;
    ++content_words_;
  }

  std::vector<std::uint32_t> keys() const {
    std::vector<std::uint32_t> keys;
    keys.reserve(full_.keys().size() + lead_.keys().size());
    keys.insert(keys.end(), full_.keys().begin(), full_.keys().end());
    keys.insert(keys.end(), lead_.keys().begin(), lead_.keys().end());
    return keys;
  }

 private:
  SmallestKeys<kFullKeys> full_;
  SmallestKeys<kLeadKeys> lead_;
  std::uint64_t previous_ = 0;
  std::size_t content_words_ = 0;
};

// A StoryText from its words given in order: story_text and its
// word-by-word reference differ only in how they find the words.
class StoryTextBuilder {
 public:
  void add_text_word(std::uint64_t hash, bool is_stop, bool has_digit) {
    if (has_digit) story_.numbers.push_back(hash);
    if (is_stop) return;
    story_.words.push_back(hash);
    if (content_words_ > 0) {
      const std::uint64_t pair = hash_pair(previous_, hash);
      story_.bigrams.push_back(pair);
      if (content_words_ < kLeadWords) story_.lead_bigrams.push_back(pair);
    }
    previous_ = hash;
    ++content_words_;
  }
  void add_title_word(std::uint64_t hash, bool is_stop) {
    if (!is_stop) story_.title_words.push_back(hash);
  }
  StoryText finish() && {
    for (auto* values : {&story_.bigrams, &story_.words, &story_.lead_bigrams, &story_.numbers, &story_.title_words})
      sort_unique(*values);
    return std::move(story_);
  }

 private:
  StoryText story_;
  std::uint64_t previous_ = 0;
  std::size_t content_words_ = 0;
};

// Thresholds (bench/dedup scores them on the labeled set).
constexpr double kCopyBigrams = 0.6;        // Jaccard of bigrams for a copy
constexpr double kTeaserContainment = 0.8;  // of the shorter text's bigrams, for a lead-only copy
constexpr double kTeaserLead = 0.6;         // of the shorter lead's bigrams
constexpr std::size_t kTeaserMinBigrams = 12;
constexpr double kEditedLead = 0.3;    // of the shorter lead's bigrams, for an edited copy
constexpr double kEditedWords = 0.45;  // Jaccard of content words
constexpr double kEditedTitle = 0.25;  // Jaccard of title words, when no numbers confirm
constexpr std::size_t kEditedNumbers = 2;
constexpr std::int64_t kEditedWithin = 24 * 3600;
constexpr std::size_t kCandidateFullKeys = 3;
constexpr std::size_t kCandidateLeadKeys = 2;

}  // namespace

StoryText story_text_word_by_word(std::string_view title, std::string_view text) {
  StoryTextBuilder builder;
  for_each_lower_word(text, [&](std::string_view word) {
    builder.add_text_word(hash_word(word), is_stop_word(word), has_digit(word));
  });
  for_each_lower_word(title,
                      [&](std::string_view word) { builder.add_title_word(hash_word(word), is_stop_word(word)); });
  return std::move(builder).finish();
}

// Read as story_text_word_by_word reads (the tests hold the two equal),
// without building the words: the store reads every candidate's text
// again at each comparison (a tenth of a cold cycle's writer, a third of
// that in the stop-word search).
StoryText story_text(std::string_view title, std::string_view text) {
  StoryTextBuilder builder;
  for_each_hashed_word(
      text, [&](std::uint64_t hash, bool is_stop, bool has_digit) { builder.add_text_word(hash, is_stop, has_digit); });
  for_each_hashed_word(title, [&](std::uint64_t hash, bool is_stop, bool) { builder.add_title_word(hash, is_stop); });
  return std::move(builder).finish();
}

StoryMatch match_stories(const StoryText& a, const StoryText& b, std::int64_t seconds_apart) {
  if (do_numbers_disagree(a, b)) return StoryMatch::kNone;
  if (jaccard(a.bigrams, b.bigrams) >= kCopyBigrams) return StoryMatch::kCopy;
  const double lead = containment(a.lead_bigrams, b.lead_bigrams);
  if (std::min(a.bigrams.size(), b.bigrams.size()) >= kTeaserMinBigrams &&
      containment(a.bigrams, b.bigrams) >= kTeaserContainment && lead >= kTeaserLead)
    return StoryMatch::kLead;
  const bool is_confirmed =
      shared(a.numbers, b.numbers) >= kEditedNumbers || jaccard(a.title_words, b.title_words) >= kEditedTitle;
  if (lead >= kEditedLead && jaccard(a.words, b.words) >= kEditedWords && std::abs(seconds_apart) <= kEditedWithin &&
      is_confirmed)
    return StoryMatch::kEdited;
  return StoryMatch::kNone;
}

std::vector<std::uint32_t> story_keys(std::string_view text) {
  StoryKeyReader reader;
  for_each_hashed_word(text, [&](std::uint64_t hash, bool is_stop, bool) { reader.add(hash, is_stop); });
  return reader.keys();
}

// The text's words are read once, in order, for both: story_words' own
// reading is faster alone, but not than reading the text once instead of
// twice. The title is read as story_words reads it.
StoryFeatures story_features(std::string_view title, std::string_view text) {
  SimHashCounter counter;
  StoryKeyReader reader;
  for_each_hashed_word(text, [&](std::uint64_t hash, bool is_stop, bool) {
    counter.add(hash);
    reader.add(hash, is_stop);
  });
  const std::size_t text_words = counter.words();
  std::size_t title_words = 0;
  if (text_words < kMinTextWords) {
    for_each_hashed_word(title, [&](std::uint64_t hash, bool, bool) { counter.add(hash); });
    title_words = counter.words() - text_words;
  } else {
    title_words = count_words(title);
  }
  return {{counter.fingerprint(), text_words + title_words}, reader.keys()};
}

bool is_story_candidate(std::size_t shared_full_keys, std::size_t shared_lead_keys) {
  return shared_full_keys >= kCandidateFullKeys || shared_lead_keys >= kCandidateLeadKeys;
}

}  // namespace tributary::normalize
