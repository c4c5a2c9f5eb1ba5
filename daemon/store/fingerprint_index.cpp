#include "store/fingerprint_index.hpp"

#include <algorithm>

#include "normalize/fingerprint.hpp"

namespace tributary::store {
namespace {

// Buckets are sorted by key alone: equal keys keep their insertion order.
struct ByKey {
  bool operator()(const auto& posting, std::uint32_t key) const { return posting.key < key; }
  bool operator()(std::uint32_t key, const auto& posting) const { return key < posting.key; }
};
constexpr ByKey by_key;

}  // namespace

void StoryKeyIndex::add(const StoryKeyEntry& entry) {
  // Buckets on first use: a Store that only reads never pays for them.
  if (buckets_.empty()) buckets_.resize(kBuckets);
  remove(entry.item_id);
  std::uint32_t slot = 0;
  Slot value{entry.item_id, entry.story_id, entry.source_id, entry.seen_at, entry.keys};
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = std::move(value);
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(std::move(value));
  }
  slot_of_item_.emplace(entry.item_id, slot);
  for (const std::uint32_t key : entry.keys) {
    std::vector<Posting>& bucket = buckets_[bucket_of(key)];
    bucket.insert(std::upper_bound(bucket.begin(), bucket.end(), key, by_key), {key, slot});
  }
}

void StoryKeyIndex::remove(std::int64_t item_id) {
  const auto found = slot_of_item_.find(item_id);
  if (found == slot_of_item_.end()) return;
  const std::uint32_t slot = found->second;
  slot_of_item_.erase(found);
  for (const std::uint32_t key : slots_[slot].keys) {
    std::vector<Posting>& bucket = buckets_[bucket_of(key)];
    const auto [first, last] = std::equal_range(bucket.begin(), bucket.end(), key, by_key);
    // erase, not swap with the last: the order of a key's postings is age.
    const auto at = std::find_if(first, last, [&](const Posting& posting) { return posting.slot == slot; });
    if (at != last) bucket.erase(at);
  }
  slots_[slot].keys.clear();
  free_slots_.push_back(slot);
}

void StoryKeyIndex::remove_seen_before(std::int64_t cutoff) {
  std::vector<std::int64_t> doomed;
  for (const auto& [item_id, slot] : slot_of_item_)
    if (slots_[slot].seen_at < cutoff) doomed.push_back(item_id);
  for (const std::int64_t item_id : doomed) remove(item_id);
}

void StoryKeyIndex::set_story(std::int64_t item_id, std::int64_t story_id) {
  const auto found = slot_of_item_.find(item_id);
  if (found != slot_of_item_.end()) slots_[found->second].story_id = story_id;
}

void StoryKeyIndex::clear() {
  slots_.clear();
  free_slots_.clear();
  slot_of_item_.clear();
  for (auto& bucket : buckets_) bucket.clear();
}

std::vector<StoryCandidate> StoryKeyIndex::candidates(const std::vector<std::uint32_t>& keys, std::int64_t from,
                                                      std::int64_t to, std::int64_t source_id,
                                                      std::size_t limit) const {
  if (buckets_.empty()) return {};
  // The slots each key finds (a text's keys are distinct, so a slot found
  // n times shares n keys), counted in slot order: a sorted vector of
  // plain integers rather than a map (slot << 1 | is_lead), and the slots
  // themselves read only for the few that share enough keys.
  std::vector<std::uint64_t> hits;
  hits.reserve(keys.size() * kNewestPerKey);
  for (const std::uint32_t key : keys) {
    const std::vector<Posting>& bucket = buckets_[bucket_of(key)];
    auto [first, last] = std::equal_range(bucket.begin(), bucket.end(), key, by_key);
    if (static_cast<std::size_t>(last - first) > kNewestPerKey) first = last - kNewestPerKey;
    const std::uint64_t is_lead = (key & normalize::kLeadKeyBit) != 0 ? 1 : 0;
    for (auto posting = first; posting != last; ++posting) hits.push_back(std::uint64_t{posting->slot} << 1 | is_lead);
  }
  std::sort(hits.begin(), hits.end());
  std::vector<StoryCandidate> result;
  for (auto run = hits.begin(); run != hits.end();) {
    const std::uint64_t slot_index = *run >> 1;
    const auto run_end = std::find_if(run, hits.end(), [&](std::uint64_t hit) { return hit >> 1 != slot_index; });
    // Sorted, so the run's full keys (low bit 0) come before its lead keys.
    const auto full_keys =
        static_cast<std::size_t>(std::find_if(run, run_end, [](std::uint64_t hit) { return (hit & 1) != 0; }) - run);
    const auto lead_keys = static_cast<std::size_t>(run_end - run) - full_keys;
    const Slot& slot = slots_[slot_index];
    if (normalize::is_story_candidate(full_keys, lead_keys) && slot.seen_at >= from && slot.seen_at <= to &&
        slot.source_id != source_id)
      result.push_back({slot.item_id, slot.story_id, slot.seen_at, full_keys, lead_keys});
    run = run_end;
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
