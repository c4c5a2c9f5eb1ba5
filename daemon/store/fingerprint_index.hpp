// The candidate index of dedup level 3, kept in memory: every item eligible
// for story matching within the story window, found by its story keys
// (normalize::story_keys: the smallest hashes of its text's word pairs and
// of its lead's). A lookup returns the items that share enough keys with a
// new text to be worth comparing (normalize::is_story_candidate) — a few
// buckets searched, never every stored item. A key that many items share
// is a common phrase (a site's boilerplate, a stock expression) rather than
// one story's: only its newest kNewestPerKey postings are read. Copies of
// one story arrive close together and one copy suffices to join its story,
// so recall keeps; the cost of a lookup stays bounded however lopsided the
// text (before the cap, a store of 200,000 items of a small vocabulary
// read thousands of postings per key and imported ten times slower). The table story_fingerprints is
// its durable copy; the Store loads it from there and keeps both in step.
//
// In memory because the index is written at random places by nature (a key
// is a hash): as SQLite rows, random B-tree inserts per item dirtied pages
// all over the file and were the largest part of ingest's cost.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tributary::store {

struct StoryKeyEntry {
  std::int64_t item_id = 0;
  std::int64_t story_id = 0;
  std::int64_t source_id = 0;
  std::int64_t seen_at = 0;  // the item's sort time, unix seconds
  std::vector<std::uint32_t> keys;
};

// An item that shares keys with the text looked up.
struct StoryCandidate {
  std::int64_t item_id = 0;
  std::int64_t story_id = 0;
  std::int64_t seen_at = 0;
  std::size_t full_keys = 0;  // shared keys of the whole text
  std::size_t lead_keys = 0;  // shared keys of the lead
};

class StoryKeyIndex {
 public:
  // The postings of one key read at most by a lookup (see above).
  static constexpr std::size_t kNewestPerKey = 32;

  // An item already present is replaced.
  void add(const StoryKeyEntry& entry);
  void remove(std::int64_t item_id);
  void remove_seen_before(std::int64_t cutoff);
  // The item now belongs to another story (two stories were merged).
  void set_story(std::int64_t item_id, std::int64_t story_id);
  void clear();
  std::size_t size() const { return slot_of_item_.size(); }

  // Items seen within [from, to], of another source than `source_id`, that
  // are candidates for `keys`; the most shared keys first, ties to the
  // oldest item; at most `limit`.
  std::vector<StoryCandidate> candidates(const std::vector<std::uint32_t>& keys, std::int64_t from, std::int64_t to,
                                         std::int64_t source_id, std::size_t limit) const;

 private:
  static constexpr std::size_t kBuckets = 1U << 16;
  static std::size_t bucket_of(std::uint32_t key) { return key & (kBuckets - 1); }

  struct Posting {
    std::uint32_t key;
    std::uint32_t slot;
  };
  struct Slot {
    std::int64_t item_id;
    std::int64_t story_id;
    std::int64_t source_id;
    std::int64_t seen_at;
    std::vector<std::uint32_t> keys;
  };

  std::vector<Slot> slots_;  // freed ones are reused
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<std::int64_t, std::uint32_t> slot_of_item_;
  // Each bucket sorted by key, a key's postings oldest first: made on
  // first use.
  std::vector<std::vector<Posting>> buckets_;
};

// Keys as stored in story_fingerprints.story_keys: 8 hex digits each.
std::string encode_story_keys(const std::vector<std::uint32_t>& keys);
std::vector<std::uint32_t> decode_story_keys(std::string_view text);

}  // namespace tributary::store
