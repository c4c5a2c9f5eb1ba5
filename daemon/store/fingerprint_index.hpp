// The candidate index of dedup level 3, kept in memory: every item eligible
// for story matching within the story window, found by its story keys
// (normalize::story_keys: the smallest hashes of its text's word pairs and
// of its lead's). A lookup returns the items that share enough keys with a
// new text to be worth comparing (normalize::is_story_candidate) — a few
// buckets searched, never every stored item. A key that many items share
// is a common phrase (a site's boilerplate, a stock expression) rather than
// one story's: only its newest kNewestPerKey postings are read, and only
// twice that many are kept. Copies of one story arrive close together and
// one copy suffices to join its story, so recall keeps; the cost of a
// lookup, and the memory and insert cost of a key, stay bounded however
// lopsided the text (before the read cap, a store of 200,000 items of a
// small vocabulary read thousands of postings per key and imported ten
// times slower; before the keep cap, it held them all). The table
// story_fingerprints is its durable copy, every key of every item; the
// Store loads it from there and keeps both in step.
//
// In memory because the index is written at random places by nature (a key
// is a hash): as SQLite rows, random B-tree inserts per item dirtied pages
// all over the file and were the largest part of ingest's cost. Compact
// because it is most of a cold cycle's memory (~20 keys per item, 200,000
// items at 10,000 feeds): 6 bytes per posting and ~40 per item, where a
// posting of {key, slot}, a vector of keys per item and a node-based map
// took twice that and more (bench/scale's peak RSS).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  // The postings of one key kept: older ones are never read, so they are
  // dropped as new ones come (a removed item's first). Twice what a lookup
  // reads, so that items removed among the newest (edited, expired) leave
  // it its full count.
  static constexpr std::size_t kKeptPerKey = 2 * kNewestPerKey;

  // An item already present is replaced.
  void add(const StoryKeyEntry& entry);
  void remove(std::int64_t item_id);
  void remove_seen_before(std::int64_t cutoff);
  // The item now belongs to another story (two stories were merged).
  void set_story(std::int64_t item_id, std::int64_t story_id);
  void clear();
  std::size_t size() const { return live_count_; }
  // Postings held, live or not yet swept (for tests and measurements).
  std::size_t posting_count() const;

  // Items seen within [from, to], of another source than `source_id`, that
  // are candidates for `keys`; the most shared keys first, ties to the
  // oldest item; at most `limit`.
  std::vector<StoryCandidate> candidates(const std::vector<std::uint32_t>& keys, std::int64_t from, std::int64_t to,
                                         std::int64_t source_id, std::size_t limit) const;

 private:
  static constexpr unsigned kBucketBits = 16;
  static constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;
  static std::size_t bucket_of(std::uint32_t key) { return key & (kBuckets - 1); }
  static std::uint16_t key_high(std::uint32_t key) { return static_cast<std::uint16_t>(key >> kBucketBits); }
  static constexpr std::size_t kSlotsPerChunk = 4096;
  static constexpr std::uint32_t kNoSlot = 0;  // in slot_table_, which holds slot + 1

  // A key's bucket bits are its bucket's index, so a posting keeps only the
  // rest; 6 bytes (a bucket is an array of them, 2-byte aligned), since the
  // postings are most of the index (~20 per item).
  struct Posting {
    std::uint16_t key_high;
    std::uint16_t slot_low;
    std::uint16_t slot_high;
    std::uint32_t slot() const { return std::uint32_t{slot_high} << 16 | slot_low; }
  };
  struct Slot {
    std::int64_t item_id;
    std::int64_t story_id;
    std::int64_t source_id;
    std::int64_t seen_at;
  };

  Slot& slot_at(std::uint32_t slot) { return slot_chunks_[slot / kSlotsPerChunk][slot % kSlotsPerChunk]; }
  const Slot& slot_at(std::uint32_t slot) const { return slot_chunks_[slot / kSlotsPerChunk][slot % kSlotsPerChunk]; }
  bool is_dead(std::uint32_t slot) const { return (dead_bits_[slot / 64] >> (slot % 64) & 1U) != 0; }
  std::uint32_t new_slot();
  // slot_table_: where the item's slot is, or would go.
  std::size_t table_position(std::int64_t item_id) const;
  void table_insert(std::uint32_t slot);
  void table_erase(std::size_t position);
  void table_grow();
  // Takes the item out of the table and marks its slot dead; whether it was there.
  bool forget(std::int64_t item_id);
  // Drops the postings of removed slots and frees the slots for reuse.
  void sweep();

  // Slots in fixed chunks: growing never copies them (nor doubles them at
  // a peak). A removed item's slot is dead until the next sweep (its
  // postings stay, skipped by lookups, so that a removal needs no list of
  // the item's keys); then free, and reused.
  std::vector<std::unique_ptr<Slot[]>> slot_chunks_;
  std::uint32_t slot_count_ = 0;  // slots ever handed out (live, dead or free)
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint64_t> dead_bits_;  // a bit per slot
  std::size_t dead_count_ = 0;
  std::size_t live_count_ = 0;
  // Item id to slot: open addressing, linear probing, slot + 1 per entry
  // (the item id is the slot's), kNoSlot where empty; a power of two long.
  std::vector<std::uint32_t> slot_table_;
  // Each bucket sorted by key, a key's postings oldest first: made on
  // first use.
  std::vector<std::vector<Posting>> buckets_;

  // candidates()' scratch: the keys each slot shares with the text looked
  // up, in an open-addressing table that a lookup's generation number
  // clears (a lookup counts ~700 hits; sorting them was a tenth of a cold
  // cycle). Scratch only, hence mutable: the index, like the Store that
  // owns it, is used by one thread at a time.
  struct SharedKeys {
    std::uint32_t slot;
    std::uint32_t generation;  // the lookup that wrote this cell; any other: empty
    std::uint16_t full_keys;
    std::uint16_t lead_keys;
  };
  mutable std::vector<SharedKeys> shared_keys_;
  mutable std::vector<std::uint32_t> shared_cells_;  // the cells written, in order
  mutable std::uint32_t lookup_generation_ = 0;
};

// Keys as stored in story_fingerprints.story_keys: 8 hex digits each.
std::string encode_story_keys(const std::vector<std::uint32_t>& keys);
std::vector<std::uint32_t> decode_story_keys(std::string_view text);

}  // namespace tributary::store
