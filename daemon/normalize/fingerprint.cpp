// SimHash (Charikar 2002) over the words of an item's text. Words are
// lower-cased ASCII letters and digits plus any non-ASCII bytes (so Cyrillic
// or accented words count as words); everything else separates words. Words
// are hashed as they are scanned, never copied, and their bits counted
// eight at a time: this runs over every item.
#include "normalize/fingerprint.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <string_view>

#include "normalize/simhash.hpp"
#include "normalize/word_hash.hpp"

namespace tributary::normalize {
namespace {

// kWordBytes as a branch-free step reads it: the byte, all ones for a
// byte of a word (else zero), and the offset basis a separator restarts at.
struct WordByte {
  std::uint64_t value;
  std::uint64_t mask;
  std::uint64_t offset_if_separator;
};
constexpr std::array<WordByte, 256> kWordByteSteps = [] {
  std::array<WordByte, 256> table{};
  for (std::size_t byte = 0; byte < 256; ++byte) {
    const bool is_word_byte = kWordBytes[byte] != 0;
    table[byte] = {kWordBytes[byte], is_word_byte ? ~0ULL : 0, is_word_byte ? 0 : kFnvOffset};
  }
  return table;
}();

// One pass of word hashing over a piece of text, written without
// branches: `hash` is the FNV-1a hash of the word being read (lower-cased),
// or the offset basis between words.
struct WordChain {
  const unsigned char* at;
  std::uint64_t hash = kFnvOffset;
  std::uint64_t in_word = 0;  // all ones inside a word, else zero

  // Reads one byte. Stores `hash` at out[count] either way, and counts it
  // when the byte ended a word (else the slot is taken again).
  void step(std::uint64_t* out, std::size_t& count) {
    const WordByte& byte = kWordByteSteps[*at++];
    out[count] = hash;
    count += static_cast<std::size_t>(in_word & ~byte.mask & 1);
    hash = (((hash ^ byte.value) * kFnvPrime) & byte.mask) | byte.offset_if_separator;
    in_word = byte.mask;
  }
};

// Calls `on_word(hash)` with the FNV-1a hash of each lower-cased word,
// without building the words (this runs over every item's text).
//
// A byte's hash step waits for the one before (a multiply), and a branch
// at each word's end is mispredicted about once a word: a plain pass is
// bound by both. So the steps are branch-free, and the text is cut at a
// separator into two halves read side by side, whose steps the processor
// overlaps. Words come out of order, which neither the SimHash (a count
// per bit) nor a word count can tell.
template <typename OnWord>
void for_each_word(std::string_view text, OnWord&& on_word) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = begin + text.size();
  // The second half starts at a separator (or the end), so no word is cut.
  const unsigned char* middle = begin + text.size() / 2;
  while (middle < end && kWordBytes[*middle] != 0) ++middle;
  WordChain first{begin};
  WordChain second{middle};
  std::array<std::uint64_t, 256> ended;  // hashes of words ended, not yet passed on
  std::size_t count = 0;
  const auto pass_on = [&] {
    for (std::size_t i = 0; i < count; ++i) on_word(ended[i]);
    count = 0;
  };
  const auto side_by_side = static_cast<std::size_t>(std::min(middle - begin, end - middle));
  for (std::size_t n = 0; n < side_by_side; ++n) {
    if (count + 2 > ended.size()) pass_on();
    first.step(ended.data(), count);
    second.step(ended.data(), count);
  }
  for (WordChain* chain : {&first, &second}) {
    const unsigned char* const stop = chain == &first ? middle : end;
    while (chain->at != stop) {
      if (count + 1 > ended.size()) pass_on();
      chain->step(ended.data(), count);
    }
    if (count + 1 > ended.size()) pass_on();
    ended[count] = chain->hash;
    count += static_cast<std::size_t>(chain->in_word & 1);
  }
  pass_on();
}

}  // namespace

std::size_t count_words(std::string_view text) {
  std::size_t count = 0;
  for_each_word(text, [&](std::uint64_t) { ++count; });
  return count;
}

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

void SimHashCounter::count_batch() {
  std::array<std::uint64_t, 8> lanes{};
  std::size_t i = 0;
#if defined(__SSE2__)
  // Two hashes at a time, each half of a register counting for its own;
  // the halves' counts are added at the end (still one batch at most).
  const __m128i low_bits = _mm_set1_epi8(1);
  __m128i wide[8];
  for (__m128i& counts : wide) counts = _mm_setzero_si128();
  for (; i + 2 <= batch_size_; i += 2) {
    __m128i pair = _mm_loadu_si128(reinterpret_cast<const __m128i*>(batch_.data() + i));
    for (std::size_t j = 0; j < 8; ++j) {
      wide[j] = _mm_add_epi8(wide[j], _mm_and_si128(pair, low_bits));
      pair = _mm_srli_epi64(pair, 1);
    }
  }
  for (std::size_t j = 0; j < 8; ++j) {
    std::array<std::uint64_t, 2> halves;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(halves.data()), wide[j]);
    lanes[j] = halves[0] + halves[1];
  }
#endif
  for (; i < batch_size_; ++i)
    for (std::size_t j = 0; j < 8; ++j) lanes[j] += (batch_[i] >> j) & 0x0101010101010101ULL;
  for (std::size_t j = 0; j < 8; ++j)
    for (std::size_t k = 0; k < 8; ++k) ones_[8 * k + j] += static_cast<std::uint32_t>((lanes[j] >> (8 * k)) & 0xFF);
  batch_size_ = 0;
}

std::uint64_t SimHashCounter::fingerprint() {
  if (words_ == 0) return 0;
  count_batch();
  std::uint64_t fingerprint = 0;
  for (std::size_t bit = 0; bit < 64; ++bit)
    if (2 * static_cast<std::size_t>(ones_[bit]) > words_) fingerprint |= (1ULL << bit);
  return fingerprint;
}

StoryWords story_words(std::string_view title, std::string_view text) {
  // The words of the text, each a feature, repeated words weighing more.
  // Single words rather than shingles: syndicated copies differ by a
  // dateline, a changed headline or an appended credit line, which moves
  // few single-word weights but many shingles. The headline is left out
  // when there is enough text, because outlets rewrite headlines.
  SimHashCounter counter;
  const auto add_word = [&](std::uint64_t hash) { counter.add(mix(hash)); };
  for_each_word(text, add_word);
  const std::size_t text_words = counter.words();
  std::size_t title_words = 0;
  if (text_words < kMinTextWords) {
    for_each_word(title, add_word);
    title_words = counter.words() - text_words;
  } else {
    title_words = count_words(title);
  }
  return {counter.fingerprint(), text_words + title_words};
}

std::uint64_t story_fingerprint(std::string_view title, std::string_view text) {
  return story_words(title, text).fingerprint;
}

}  // namespace tributary::normalize
