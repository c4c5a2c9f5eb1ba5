// SimHash (Charikar 2002) over the words of an item's text. Words are
// lower-cased ASCII letters and digits plus any non-ASCII bytes (so Cyrillic
// or accented words count as words); everything else separates words. Words
// are hashed as they are scanned, never copied, and their bits counted
// eight at a time: this runs over every item.
#include "normalize/fingerprint.hpp"

#include <array>
#include <bit>
#include <string_view>

namespace tributary::normalize {
namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

// splitmix64's finalizer: FNV's low bits alone are poorly mixed.
std::uint64_t mix(std::uint64_t hash) {
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return hash;
}

// Each byte as it enters a word's hash (ASCII letters lower-cased), or 0
// for a byte that separates words.
constexpr std::array<unsigned char, 256> kWordBytes = [] {
  std::array<unsigned char, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    const bool is_word_byte =
        byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
    if (is_word_byte) table[static_cast<std::size_t>(byte)] = static_cast<unsigned char>(byte >= 'A' && byte <= 'Z' ? byte - 'A' + 'a' : byte);
  }
  return table;
}();

// Calls `on_word(hash)` with the FNV-1a hash of each lower-cased word, in
// order, without building the words (this runs over every item's text).
template <typename OnWord>
void for_each_word(std::string_view text, OnWord&& on_word) {
  std::uint64_t hash = kFnvOffset;
  bool in_word = false;
  for (char c : text) {
    // One branch per word (its end) rather than one per letter.
    const unsigned char byte = kWordBytes[static_cast<unsigned char>(c)];
    if (in_word && byte == 0) on_word(hash);
    hash = byte != 0 ? (hash ^ byte) * kFnvPrime : kFnvOffset;
    in_word = byte != 0;
  }
  if (in_word) on_word(hash);
}

constexpr std::size_t kMinTextWords = 30;

}  // namespace

std::size_t count_words(std::string_view text) {
  std::size_t count = 0;
  for_each_word(text, [&](std::uint64_t) { ++count; });
  return count;
}

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

StoryWords story_words(std::string_view title, std::string_view text) {
  // The words of the text, each a feature, repeated words weighing more.
  // Single words rather than shingles: syndicated copies differ by a
  // dateline, a changed headline or an appended credit line, which moves
  // few single-word weights but many shingles. The headline is left out
  // when there is enough text, because outlets rewrite headlines.
  //
  // SimHash's weight of bit b is (words with b set) - (words without), so
  // only the count of set bits matters. Mixed hashes are gathered in
  // batches and counted eight bits at a time: byte k of `lane` counts bit
  // 8k + j, and a batch is small enough that no byte overflows.
  std::array<std::uint64_t, 255> batch;
  std::size_t batch_size = 0;
  std::array<std::uint32_t, 64> ones{};
  std::size_t hashed_words = 0;
  const auto count_batch = [&] {
    for (std::size_t j = 0; j < 8; ++j) {
      std::uint64_t lane = 0;
      for (std::size_t i = 0; i < batch_size; ++i) lane += (batch[i] >> j) & 0x0101010101010101ULL;
      for (std::size_t k = 0; k < 8; ++k) ones[8 * k + j] += static_cast<std::uint32_t>((lane >> (8 * k)) & 0xFF);
    }
    batch_size = 0;
  };
  const auto add_word = [&](std::uint64_t hash) {
    batch[batch_size++] = mix(hash);
    ++hashed_words;
    if (batch_size == batch.size()) count_batch();
  };
  for_each_word(text, add_word);
  const std::size_t text_words = hashed_words;
  std::size_t title_words = 0;
  if (text_words < kMinTextWords) {
    for_each_word(title, add_word);
    title_words = hashed_words - text_words;
  } else {
    title_words = count_words(title);
  }
  StoryWords result{0, text_words + title_words};
  if (hashed_words == 0) return result;
  count_batch();
  for (std::size_t bit = 0; bit < 64; ++bit)
    if (2 * static_cast<std::size_t>(ones[bit]) > hashed_words) result.fingerprint |= (1ULL << bit);
  return result;
}

std::uint64_t story_fingerprint(std::string_view title, std::string_view text) {
  return story_words(title, text).fingerprint;
}

}  // namespace tributary::normalize
