// SimHash (Charikar 2002) over 3-word shingles. Words are lower-cased ASCII
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

}  // namespace

std::size_t count_words(std::string_view text) { return words_of(text).size(); }

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

std::uint64_t story_fingerprint(std::string_view title, std::string_view text) {
  std::vector<std::string> words = words_of(title);
  for (std::string& word : words_of(text)) words.push_back(std::move(word));
  if (words.empty()) return 0;
  std::array<int, 64> weights{};
  const auto add = [&](std::uint64_t hash) {
    for (int bit = 0; bit < 64; ++bit) weights[static_cast<std::size_t>(bit)] += ((hash >> bit) & 1) ? 1 : -1;
  };
  constexpr std::size_t kShingle = 3;
  if (words.size() < kShingle) {
    for (const std::string& word : words) add(fnv1a(word, 0));
  } else {
    for (std::size_t i = 0; i + kShingle <= words.size(); ++i) {
      std::string shingle = words[i];
      for (std::size_t j = 1; j < kShingle; ++j) {
        shingle.push_back(' ');
        shingle += words[i + j];
      }
      add(fnv1a(shingle, 0));
    }
  }
  std::uint64_t fingerprint = 0;
  for (int bit = 0; bit < 64; ++bit)
    if (weights[static_cast<std::size_t>(bit)] > 0) fingerprint |= (1ULL << bit);
  return fingerprint;
}

}  // namespace tributary::normalize
