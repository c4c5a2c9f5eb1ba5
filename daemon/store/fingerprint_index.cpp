#include "store/fingerprint_index.hpp"

#include <algorithm>

namespace tributary::store {

namespace {

// std::popcount compiles to a libgcc call on Debian's baseline x86-64 (no
// POPCNT instruction); this is the same count in a dozen inline operations.
int bits_set(std::uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ULL;
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}

}  // namespace

std::uint16_t FingerprintIndex::band_value(std::uint64_t fingerprint, std::size_t band) {
  return static_cast<std::uint16_t>((fingerprint >> (16 * band)) & 0xFFFF);
}

void FingerprintIndex::add(const FingerprintEntry& entry) {
  // Buckets on first use: a Store that only reads never pays for them.
  if (buckets_[0].empty())
    for (auto& band : buckets_) band.resize(1U << 16);
  remove(entry.item_id);
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    entries_[slot] = entry;
  } else {
    slot = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(entry);
  }
  slot_of_item_.emplace(entry.item_id, slot);
  for (std::size_t band = 0; band < kBands; ++band)
    buckets_[band][band_value(entry.fingerprint, band)].push_back({entry.fingerprint, entry.seen_at, slot});
}

void FingerprintIndex::remove(std::int64_t item_id) {
  const auto found = slot_of_item_.find(item_id);
  if (found == slot_of_item_.end()) return;
  const std::uint32_t slot = found->second;
  slot_of_item_.erase(found);
  const std::uint64_t fingerprint = entries_[slot].fingerprint;
  for (std::size_t band = 0; band < kBands; ++band) {
    std::vector<BucketEntry>& bucket = buckets_[band][band_value(fingerprint, band)];
    const auto at = std::find_if(bucket.begin(), bucket.end(), [&](const BucketEntry& e) { return e.slot == slot; });
    if (at != bucket.end()) {
      *at = bucket.back();
      bucket.pop_back();
    }
  }
  free_slots_.push_back(slot);
}

void FingerprintIndex::remove_seen_before(std::int64_t cutoff) {
  std::vector<std::int64_t> doomed;
  for (const auto& [item_id, slot] : slot_of_item_)
    if (entries_[slot].seen_at < cutoff) doomed.push_back(item_id);
  for (const std::int64_t item_id : doomed) remove(item_id);
}

void FingerprintIndex::clear() {
  entries_.clear();
  free_slots_.clear();
  slot_of_item_.clear();
  for (auto& band : buckets_)
    for (auto& bucket : band) bucket.clear();
}

std::optional<std::int64_t> FingerprintIndex::nearest_story(std::uint64_t fingerprint, std::int64_t from,
                                                            std::int64_t to, int max_distance) const {
  if (buckets_[0].empty()) return std::nullopt;
  const FingerprintEntry* best = nullptr;
  int best_distance = max_distance + 1;
  for (std::size_t band = 0; band < kBands; ++band) {
    for (const BucketEntry& bucketed : buckets_[band][band_value(fingerprint, band)]) {
      if (bucketed.seen_at < from || bucketed.seen_at > to) continue;
      const int distance = bits_set(bucketed.fingerprint ^ fingerprint);
      if (distance > best_distance) continue;
      const FingerprintEntry& candidate = entries_[bucketed.slot];
      if (distance < best_distance || (best && candidate.item_id < best->item_id)) {
        best_distance = distance;
        best = &candidate;
      }
    }
  }
  if (!best) return std::nullopt;
  return best->story_id;
}

}  // namespace tributary::store
