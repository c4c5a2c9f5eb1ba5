// SimHash (Charikar 2002) over the words of an item's text. Words are
// lower-cased ASCII letters and digits plus any non-ASCII bytes (so Cyrillic
// or accented words count as words); everything else separates words. Words
// are hashed as they are scanned, never copied: this runs over every item.
#include "normalize/fingerprint.hpp"

#include <array>
#include <bit>
#include <string_view>
#include <vector>

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

bool is_word_byte(unsigned char byte) {
  return byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
}

// Calls `on_word(hash)` with the FNV-1a hash of each lower-cased word, in
// order, without building the words (this runs over every item's text).
template <typename OnWord>
void for_each_word(std::string_view text, OnWord&& on_word) {
  std::uint64_t hash = kFnvOffset;
  bool in_word = false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (is_word_byte(byte)) {
      if (byte >= 'A' && byte <= 'Z') byte = static_cast<unsigned char>(byte - 'A' + 'a');
      hash = (hash ^ byte) * kFnvPrime;
      in_word = true;
    } else if (in_word) {
      on_word(hash);
      hash = kFnvOffset;
      in_word = false;
    }
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

std::uint64_t story_fingerprint(std::string_view title, std::string_view text) {
  // The words of the text, each a feature, repeated words weighing more.
  // Single words rather than shingles: syndicated copies differ by a
  // dateline, a changed headline or an appended credit line, which moves
  // few single-word weights but many shingles. The headline is left out
  // when there is enough text, because outlets rewrite headlines.
  std::vector<std::uint64_t> words;
  words.reserve(64 + text.size() / 6);
  const auto add_word = [&](std::uint64_t hash) { words.push_back(mix(hash)); };
  for_each_word(text, add_word);
  if (words.size() < kMinTextWords) for_each_word(title, add_word);
  if (words.empty()) return 0;
  std::array<int, 64> weights{};
  for (const std::uint64_t hash : words)
    for (int bit = 0; bit < 64; ++bit) weights[static_cast<std::size_t>(bit)] += ((hash >> bit) & 1) ? 1 : -1;
  std::uint64_t fingerprint = 0;
  for (int bit = 0; bit < 64; ++bit)
    if (weights[static_cast<std::size_t>(bit)] > 0) fingerprint |= (1ULL << bit);
  return fingerprint;
}

}  // namespace tributary::normalize
