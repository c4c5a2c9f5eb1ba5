// Story fingerprints: a 64-bit SimHash over the words of an item's text (its
// title too when the text is short). Near-identical stories (the same wire
// copy with a changed headline, a dateline or a different footer) differ in
// few bits. Below it: the story text comparison that decides dedup level 3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tributary::normalize {

std::uint64_t story_fingerprint(std::string_view title, std::string_view text);

// The fingerprint and count_words(title) + count_words(text), in one pass.
struct StoryWords {
  std::uint64_t fingerprint = 0;
  std::size_t word_count = 0;
};
StoryWords story_words(std::string_view title, std::string_view text);

// The number of differing bits.
int hamming_distance(std::uint64_t a, std::uint64_t b);

// Words in a fingerprint's input, for "too little text to compare" checks.
std::size_t count_words(std::string_view text);

}  // namespace tributary::normalize

namespace tributary::normalize {

// Story matching (dedup level 3). Two texts are copies of one story when an
// outlet republished, trimmed or lightly edited the other's text; they are
// compared on "content words" (the text's words without the most common
// function words and one- and two-letter words), so that "late on Monday"
// and "late Monday" read the same:
//   - bigrams: pairs of consecutive content words — shared runs of text;
//   - words: the content words themselves — what survives word swaps;
//   - the lead: the bigrams among the first kLeadWords content words —
//     where a teaser and its full story must agree;
//   - numbers: words with a digit — the facts of templated posts (rates,
//     scores, forecasts) differ there and nowhere else;
//   - the title's content words — a confirming signal, never enough alone.
struct StoryText {
  std::vector<std::uint64_t> bigrams;  // each sorted and without repeats
  std::vector<std::uint64_t> words;
  std::vector<std::uint64_t> lead_bigrams;
  std::vector<std::uint64_t> numbers;
  std::vector<std::uint64_t> title_words;
};
inline constexpr std::size_t kLeadWords = 32;
StoryText story_text(std::string_view title, std::string_view text);
// The same, reading the text one lower-cased word at a time: the
// reference that story_text (which reads packed words) is tested against.
StoryText story_text_word_by_word(std::string_view title, std::string_view text);

// Why two texts are one story, or kNone.
enum class StoryMatch {
  kNone,
  kCopy,    // most of the text is shared: verbatim, reordered, boilerplate added
  kLead,    // the shorter text is the longer one's beginning: a teaser, a lead-only summary
  kEdited,  // same lead, same facts, words changed throughout: an edited copy
};
// The decision, pure and symmetric. `seconds_apart`: between the two
// publication times (an edited copy comes within a day; a follow-up that
// repeats a story's background comes later).
StoryMatch match_stories(const StoryText& a, const StoryText& b, std::int64_t seconds_apart);

// Candidate keys for finding a text's possible copies without comparing it
// to every stored text: the smallest kFullKeys hashes of its bigrams, and
// (with kLeadKeyBit set) the smallest kLeadKeys hashes of its lead bigrams.
// Copies share several (see is_story_candidate); unrelated texts rarely any.
inline constexpr std::size_t kFullKeys = 16;
inline constexpr std::size_t kLeadKeys = 6;
inline constexpr std::uint32_t kLeadKeyBit = 0x80000000U;
std::vector<std::uint32_t> story_keys(std::string_view text);
// story_words(title, text) and story_keys(text) in one reading of the
// text: what normalize computes for every item.
struct StoryFeatures {
  StoryWords words;
  std::vector<std::uint32_t> keys;
};
StoryFeatures story_features(std::string_view title, std::string_view text);
// Whether two texts sharing these keys are worth comparing.
bool is_story_candidate(std::size_t shared_full_keys, std::size_t shared_lead_keys);

}  // namespace tributary::normalize
