// The SimHash count (Charikar 2002) that story fingerprints are made of,
// shared by story_words (fingerprint.cpp) and story_features
// (story_text.cpp), which feed it words read in different ways. Internal to
// normalize; stored fingerprints depend on it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tributary::normalize {

// Below this many words of text, the title's words count too (fingerprint.hpp).
inline constexpr std::size_t kMinTextWords = 30;

// SimHash's weight of bit b is (words with b set) - (words without), so
// only the count of set bits matters. Mixed hashes are gathered in batches
// and counted eight bits at a time: byte k of a lane counts bit 8k + j,
// and a batch is small enough that no byte overflows.
class SimHashCounter {
 public:
  // A word's hash_word (mixed) value.
  void add(std::uint64_t mixed_hash) {
    batch_[batch_size_++] = mixed_hash;
    ++words_;
    if (batch_size_ == batch_.size()) count_batch();
  }
  std::size_t words() const { return words_; }
  // The fingerprint of the words added: 0 for none.
  std::uint64_t fingerprint();

 private:
  void count_batch();

  std::array<std::uint64_t, 255> batch_;
  std::size_t batch_size_ = 0;
  std::array<std::uint32_t, 64> ones_{};
  std::size_t words_ = 0;
};

}  // namespace tributary::normalize
