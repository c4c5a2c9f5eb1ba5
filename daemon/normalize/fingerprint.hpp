// Story fingerprints: a 64-bit SimHash over the words of an item's text (its
// title too when the text is short). Near-identical stories (the same wire
// copy with a changed headline, a dateline or a different footer) differ in
// few bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

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
