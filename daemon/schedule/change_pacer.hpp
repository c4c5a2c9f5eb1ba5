// When the writer tells readers that the store changed. Telling them
// re-renders every document of the site (three formats of the merged feed
// and of each channel, each gzipped) on the writer thread, the thread that
// also ingests: after every changed ingest, a daemon starting cold on
// thousands of sources rendered thousands of times, each render delaying
// every ingest queued behind it. So a change is published at once when no
// other ingest waits (the end of a burst, and every poll of a quiet
// daemon), and at most once per `interval` while ingests keep queueing —
// readers never see a feed older than that, and the writer renders once
// per interval instead of once per document. Writer thread only.
#pragma once

#include <chrono>
#include <optional>

namespace tributary::schedule {

class ChangePacer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ChangePacer(Clock::duration interval) : interval_(interval) {}

  // After an ingest (stored or failed): `is_changed`, whether it changed
  // what readers see; `is_more_waiting`, whether another ingest is queued.
  // True when the change (this one or one held back) is to be published
  // now; the caller publishes.
  bool should_publish(bool is_changed, bool is_more_waiting, Clock::time_point now) {
    is_pending_ = is_pending_ || is_changed;
    if (!is_pending_) return false;
    if (is_more_waiting && last_published_ && now - *last_published_ < interval_) return false;
    is_pending_ = false;
    last_published_ = now;
    return true;
  }

  // A change is held back, waiting for the next ingest.
  bool is_pending() const { return is_pending_; }

 private:
  Clock::duration interval_;
  bool is_pending_ = false;
  std::optional<Clock::time_point> last_published_;
};

}  // namespace tributary::schedule
