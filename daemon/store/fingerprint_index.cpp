#include "store/fingerprint_index.hpp"

#include <algorithm>
#include <bit>

#include "normalize/fingerprint.hpp"

namespace tributary::store {
namespace {

// Buckets are sorted by key alone: equal keys keep their insertion order.
struct ByKeyHigh {
  bool operator()(const auto& posting, std::uint16_t key_high) const { return posting.key_high < key_high; }
  bool operator()(std::uint16_t key_high, const auto& posting) const { return key_high < posting.key_high; }
};
constexpr ByKeyHigh by_key_high;

// Removed items whose postings wait for a sweep: at least this many, and
// an eighth of the live ones, so that sweeping (a pass over every posting)
// costs a small share per removal and lookups skip few dead postings.
constexpr std::size_t kSweepAtLeast = 4096;
constexpr std::size_t kSmallestTable = 1024;

std::size_t table_home(std::int64_t item_id, std::size_t capacity) {
  const std::uint64_t hash = static_cast<std::uint64_t>(item_id) * 0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>(hash >> (64 - std::countr_zero(capacity)));
}

}  // namespace

void StoryKeyIndex::add(const StoryKeyEntry& entry) {
  // Buckets on first use: a Store that only reads never pays for them.
  if (buckets_.empty()) buckets_.resize(kBuckets);
  remove(entry.item_id);
  const std::uint32_t slot = new_slot();
  slot_at(slot) = {entry.item_id, entry.story_id, entry.source_id, entry.seen_at};
  table_insert(slot);
  ++live_count_;
  const Posting posting{0, static_cast<std::uint16_t>(slot & 0xFFFFU), static_cast<std::uint16_t>(slot >> 16)};
  for (const std::uint32_t key : entry.keys) {
    std::vector<Posting>& bucket = buckets_[bucket_of(key)];
    const std::uint16_t high = key_high(key);
    Posting keyed = posting;
    keyed.key_high = high;
    const auto last = std::upper_bound(bucket.begin(), bucket.end(), high, by_key_high);
    // A key never holds more than kKeptPerKey postings: it is full exactly
    // when the posting that many places back is still its own.
    const auto capacity = static_cast<std::ptrdiff_t>(kKeptPerKey);
    if (last - bucket.begin() >= capacity && (last - capacity)->key_high == high) {
      // A full key: its removed items' postings go first, else its oldest.
      // Only the key's own postings move, not the bucket's tail.
      const auto first = last - capacity;
      const auto live_end =
          dead_count_ == 0 ? last
                           : std::remove_if(first, last, [&](const Posting& kept) { return is_dead(kept.slot()); });
      if (live_end == last) {
        std::move(first + 1, last, first);
        *(last - 1) = keyed;
      } else {
        *live_end = keyed;
        bucket.erase(live_end + 1, last);
      }
      continue;
    }
    const std::ptrdiff_t at = last - bucket.begin();
    // Grown by a quarter rather than doubled: slack is memory held for
    // every one of the 65,536 buckets.
    if (bucket.size() == bucket.capacity()) bucket.reserve(bucket.size() + bucket.size() / 4 + 4);
    bucket.insert(bucket.begin() + at, keyed);
  }
}

std::size_t StoryKeyIndex::posting_count() const {
  std::size_t count = 0;
  for (const std::vector<Posting>& bucket : buckets_) count += bucket.size();
  return count;
}

std::uint32_t StoryKeyIndex::new_slot() {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  const std::uint32_t slot = slot_count_++;
  if (slot / kSlotsPerChunk == slot_chunks_.size())
    slot_chunks_.push_back(std::make_unique_for_overwrite<Slot[]>(kSlotsPerChunk));
  if (slot / 64 == dead_bits_.size()) dead_bits_.push_back(0);
  return slot;
}

std::size_t StoryKeyIndex::table_position(std::int64_t item_id) const {
  const std::size_t mask = slot_table_.size() - 1;
  std::size_t position = table_home(item_id, slot_table_.size());
  while (slot_table_[position] != kNoSlot && slot_at(slot_table_[position] - 1).item_id != item_id)
    position = (position + 1) & mask;
  return position;
}

void StoryKeyIndex::table_insert(std::uint32_t slot) {
  // At most half full: a miss (every new item) probes few entries, each a
  // read of a slot.
  if ((live_count_ + 1) * 2 > slot_table_.size()) table_grow();
  slot_table_[table_position(slot_at(slot).item_id)] = slot + 1;
}

void StoryKeyIndex::table_grow() {
  std::vector<std::uint32_t> old = std::move(slot_table_);
  slot_table_.assign(std::max(kSmallestTable, old.size() * 2), kNoSlot);
  for (const std::uint32_t entry : old)
    if (entry != kNoSlot) slot_table_[table_position(slot_at(entry - 1).item_id)] = entry;
}

// Linear probing's deletion without tombstones: later entries of the same
// run move back into the hole unless it lies before their home.
void StoryKeyIndex::table_erase(std::size_t position) {
  const std::size_t mask = slot_table_.size() - 1;
  std::size_t hole = position;
  for (std::size_t next = (hole + 1) & mask; slot_table_[next] != kNoSlot; next = (next + 1) & mask) {
    const std::size_t home = table_home(slot_at(slot_table_[next] - 1).item_id, slot_table_.size());
    if (((next - home) & mask) >= ((next - hole) & mask)) {
      slot_table_[hole] = slot_table_[next];
      hole = next;
    }
  }
  slot_table_[hole] = kNoSlot;
}

bool StoryKeyIndex::forget(std::int64_t item_id) {
  if (slot_table_.empty()) return false;
  const std::size_t position = table_position(item_id);
  if (slot_table_[position] == kNoSlot) return false;
  const std::uint32_t slot = slot_table_[position] - 1;
  table_erase(position);
  dead_bits_[slot / 64] |= std::uint64_t{1} << (slot % 64);
  ++dead_count_;
  --live_count_;
  return true;
}

void StoryKeyIndex::remove(std::int64_t item_id) {
  if (forget(item_id) && dead_count_ >= std::max(kSweepAtLeast, live_count_ / 8)) sweep();
}

void StoryKeyIndex::remove_seen_before(std::int64_t cutoff) {
  std::vector<std::int64_t> doomed;
  for (const std::uint32_t entry : slot_table_)
    if (entry != kNoSlot && slot_at(entry - 1).seen_at < cutoff) doomed.push_back(slot_at(entry - 1).item_id);
  for (const std::int64_t item_id : doomed) forget(item_id);
  if (dead_count_ > 0) sweep();
}

void StoryKeyIndex::sweep() {
  for (std::vector<Posting>& bucket : buckets_)
    std::erase_if(bucket, [&](const Posting& posting) { return is_dead(posting.slot()); });
  for (std::size_t word = 0; word < dead_bits_.size(); ++word) {
    for (std::uint64_t bits = dead_bits_[word]; bits != 0; bits &= bits - 1)
      free_slots_.push_back(static_cast<std::uint32_t>(word * 64 + static_cast<std::size_t>(std::countr_zero(bits))));
    dead_bits_[word] = 0;
  }
  dead_count_ = 0;
}

void StoryKeyIndex::set_story(std::int64_t item_id, std::int64_t story_id) {
  if (slot_table_.empty()) return;
  const std::uint32_t entry = slot_table_[table_position(item_id)];
  if (entry != kNoSlot) slot_at(entry - 1).story_id = story_id;
}

void StoryKeyIndex::clear() {
  // Memory back, not just emptied: the Store reloads the index from its
  // table after another connection wrote.
  slot_chunks_.clear();
  slot_chunks_.shrink_to_fit();
  slot_count_ = 0;
  free_slots_ = {};
  dead_bits_ = {};
  dead_count_ = 0;
  live_count_ = 0;
  slot_table_ = {};
  buckets_ = {};
}

std::vector<StoryCandidate> StoryKeyIndex::candidates(const std::vector<std::uint32_t>& keys, std::int64_t from,
                                                      std::int64_t to, std::int64_t source_id,
                                                      std::size_t limit) const {
  if (buckets_.empty()) return {};
  // Each key's bucket is a cache miss, and so is the search in it: asked
  // for all keys before any is read, the misses overlap instead of coming
  // one after another (a lookup was a sixth of a cold cycle, most of it
  // waiting for memory). A bucket of up to 16 cache lines (most: ~100
  // postings) is asked for whole, so that its binary search finds every
  // line it reads at hand (the search was then a quarter of a lookup's
  // time; an eighth with the whole bucket asked for, bench/scale's cold
  // cycle).
  for (const std::uint32_t key : keys) __builtin_prefetch(&buckets_[bucket_of(key)]);
  for (const std::uint32_t key : keys) {
    const std::vector<Posting>& bucket = buckets_[bucket_of(key)];
    const char* const begin = reinterpret_cast<const char*>(bucket.data());
    const char* const end = reinterpret_cast<const char*>(bucket.data() + bucket.size());
    if (end - begin <= 1024)
      for (const char* line = begin; line < end; line += 64) __builtin_prefetch(line);
    else if (!bucket.empty())
      __builtin_prefetch(bucket.data() + bucket.size() / 2);
  }
  // At most kNewestPerKey hits per key; the table at most half full.
  const std::size_t wanted = std::bit_ceil(std::max<std::size_t>(64, 2 * keys.size() * kNewestPerKey));
  if (shared_keys_.size() < wanted || ++lookup_generation_ == 0) {
    shared_keys_.assign(std::max(wanted, shared_keys_.size()), SharedKeys{0, 0, 0, 0});
    lookup_generation_ = 1;
  }
  const std::uint32_t generation = lookup_generation_;
  const std::size_t mask = shared_keys_.size() - 1;
  shared_cells_.clear();
  // A text's keys are distinct, so a slot found n times shares n keys.
  for (const std::uint32_t key : keys) {
    const std::vector<Posting>& bucket = buckets_[bucket_of(key)];
    const auto [first, last] = std::equal_range(bucket.begin(), bucket.end(), key_high(key), by_key_high);
    const bool is_lead = (key & normalize::kLeadKeyBit) != 0;
    // The newest kNewestPerKey live postings, newest first.
    std::size_t taken = 0;
    for (auto posting = last; posting != first && taken < kNewestPerKey;) {
      --posting;
      const std::uint32_t slot = posting->slot();
      if (dead_count_ > 0 && is_dead(slot)) continue;
      ++taken;
      std::size_t cell = (slot * 0x9E3779B1U) & mask;
      while (shared_keys_[cell].generation == generation && shared_keys_[cell].slot != slot) cell = (cell + 1) & mask;
      SharedKeys& shared = shared_keys_[cell];
      if (shared.generation != generation) {
        shared = {slot, generation, 0, 0};
        shared_cells_.push_back(static_cast<std::uint32_t>(cell));
      }
      ++(is_lead ? shared.lead_keys : shared.full_keys);
    }
  }
  std::vector<StoryCandidate> result;
  for (const std::uint32_t cell : shared_cells_) {
    const SharedKeys& shared = shared_keys_[cell];
    if (!normalize::is_story_candidate(shared.full_keys, shared.lead_keys)) continue;
    const Slot& slot = slot_at(shared.slot);
    if (slot.seen_at >= from && slot.seen_at <= to && slot.source_id != source_id)
      result.push_back({slot.item_id, slot.story_id, slot.seen_at, shared.full_keys, shared.lead_keys});
  }
  std::sort(result.begin(), result.end(), [](const StoryCandidate& a, const StoryCandidate& b) {
    const std::size_t a_keys = a.full_keys + a.lead_keys;
    const std::size_t b_keys = b.full_keys + b.lead_keys;
    return a_keys != b_keys ? a_keys > b_keys : a.item_id < b.item_id;
  });
  if (result.size() > limit) result.resize(limit);
  return result;
}

std::string encode_story_keys(const std::vector<std::uint32_t>& keys) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(keys.size() * 8);
  for (const std::uint32_t key : keys)
    for (int shift = 28; shift >= 0; shift -= 4) text.push_back(kHex[(key >> shift) & 0xF]);
  return text;
}

std::vector<std::uint32_t> decode_story_keys(std::string_view text) {
  std::vector<std::uint32_t> keys;
  for (std::size_t at = 0; at + 8 <= text.size(); at += 8) {
    std::uint32_t key = 0;
    bool is_valid = true;
    for (std::size_t i = at; i < at + 8; ++i) {
      const char c = text[i];
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) is_valid = false;
      key = (key << 4) | static_cast<std::uint32_t>(digit < 0 ? 0 : digit);
    }
    if (is_valid) keys.push_back(key);
  }
  return keys;
}

}  // namespace tributary::store
