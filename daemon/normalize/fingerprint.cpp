// SimHash (Charikar 2002) over the words of an item's text. Words are lower-cased ASCII
// letters and digits plus any non-ASCII bytes (so Cyrillic or accented words
// count as words); everything else separates words.
#include "normalize/fingerprint.hpp"

#include <array>
#include <bit>
#include <string>
#include <vector>

namespace tributary::normalize {
namespace {

std::uint64_t fnv1a(std::string_view text, std::uint64_t seed) {
  std::uint64_t hash = 0xcbf29ce484222325ULL ^ seed;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  // splitmix64 finalizer: FNV's low bits alone are poorly mixed.
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return hash;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalnum(byte)) {
      current.push_back(static_cast<char>(std::tolower(byte)));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

constexpr std::size_t kMinTextWords = 30;

}  // namespace

std::size_t count_words(std::string_view text) { return words_of(text).size(); }

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

std::uint64_t story_fingerprint(std::string_view title, std::string_view text) {
  // The words of the text, each a feature, repeated words weighing more.
  // Single words rather than shingles: syndicated copies differ by a
  // dateline, a changed headline or an appended credit line, which moves
  // few single-word weights but many shingles. The headline is left out
  // when there is enough text, because outlets rewrite headlines.
  std::vector<std::string> words = words_of(text);
  if (words.size() < kMinTextWords) {
    for (std::string& word : words_of(title)) words.push_back(std::move(word));
  }
  if (words.empty()) return 0;
  std::array<int, 64> weights{};
  for (const std::string& word : words) {
    const std::uint64_t hash = fnv1a(word, 0);
    for (int bit = 0; bit < 64; ++bit) weights[static_cast<std::size_t>(bit)] += ((hash >> bit) & 1) ? 1 : -1;
  }
  std::uint64_t fingerprint = 0;
  for (int bit = 0; bit < 64; ++bit)
    if (weights[static_cast<std::size_t>(bit)] > 0) fingerprint |= (1ULL << bit);
  return fingerprint;
}

}  // namespace tributary::normalize
