// The near-duplicate index of dedup level 3, kept in memory: every item
// eligible for fingerprint matching within the story window, found by any of
// its four 16-bit fingerprint bands (two 64-bit fingerprints within 3 bits
// share at least one band exactly). The table story_fingerprints is its
// durable copy; the Store loads it from there and keeps both in step.
//
// In memory because the index is written at random places by nature (a band
// is a hash): as SQLite rows, four random B-tree inserts per item dirtied
// ~80 pages per 20-item poll and were the largest part of ingest's cost.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tributary::store {

struct FingerprintEntry {
  std::int64_t item_id = 0;
  std::int64_t story_id = 0;
  std::uint64_t fingerprint = 0;
  std::int64_t seen_at = 0;  // the item's sort time, unix seconds
};

class FingerprintIndex {
 public:
  // An item already present is replaced.
  void add(const FingerprintEntry& entry);
  void remove(std::int64_t item_id);
  void remove_seen_before(std::int64_t cutoff);
  void clear();
  std::size_t size() const { return slot_of_item_.size(); }

  // The story of the entry nearest to `fingerprint` (at most `max_distance`
  // bits apart) among those seen within [from, to]; ties go to the oldest
  // item (lowest id), so the answer does not depend on insertion order.
  std::optional<std::int64_t> nearest_story(std::uint64_t fingerprint, std::int64_t from, std::int64_t to,
                                            int max_distance) const;

 private:
  static constexpr std::size_t kBands = 4;
  static std::uint16_t band_value(std::uint64_t fingerprint, std::size_t band);

  // What a lookup compares, kept in the bucket itself: a lookup scans four
  // buckets in order instead of jumping to every candidate's entry (the
  // buckets of a store full of similar items grow long).
  struct BucketEntry {
    std::uint64_t fingerprint;
    std::int64_t seen_at;
    std::uint32_t slot;
  };

  std::vector<FingerprintEntry> entries_;  // slots; freed ones are reused
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<std::int64_t, std::uint32_t> slot_of_item_;
  // Per band, 65,536 buckets.
  std::array<std::vector<std::vector<BucketEntry>>, kBands> buckets_;
};

}  // namespace tributary::store
