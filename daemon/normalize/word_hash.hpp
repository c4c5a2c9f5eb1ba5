// The word hash that story fingerprints (fingerprint.cpp) and story text
// features (story_text.cpp) share: 64-bit FNV-1a over a word's bytes, then
// splitmix64's finalizer, since FNV's low bits alone are poorly mixed.
// Internal to normalize; the stored story keys depend on these values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tributary::normalize {

inline constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

inline std::uint64_t mix(std::uint64_t hash) {
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return hash;
}

// Each byte as it enters a word's hash (ASCII letters lower-cased), or 0
// for a byte that separates words: words are ASCII letters and digits and
// any non-ASCII byte (so Cyrillic or accented words count as words).
inline constexpr std::array<unsigned char, 256> kWordBytes = [] {
  std::array<unsigned char, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    const bool is_word_byte =
        byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
    if (is_word_byte)
      table[static_cast<std::size_t>(byte)] =
          static_cast<unsigned char>(byte >= 'A' && byte <= 'Z' ? byte - 'A' + 'a' : byte);
  }
  return table;
}();

// The mixed FNV-1a hash of a word as given (callers lower-case it first).
inline std::uint64_t hash_word(std::string_view word) {
  std::uint64_t hash = kFnvOffset;
  for (const char c : word) hash = (hash ^ static_cast<unsigned char>(c)) * kFnvPrime;
  return mix(hash);
}

}  // namespace tributary::normalize
