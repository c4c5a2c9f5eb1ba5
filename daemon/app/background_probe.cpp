// The health probe's own thread.
#include "app/background_probe.hpp"

#include "core/time.hpp"

namespace tributary::app {

BackgroundProbe::BackgroundProbe(std::function<std::string()> probe, std::string slow, Clock::duration slow_after)
    : probe_(std::move(probe)),
      slow_(std::move(slow)),
      slow_after_(slow_after),
      thread_([this](std::stop_token stop) { run(stop); }) {}

BackgroundProbe::~BackgroundProbe() {
  thread_.request_stop();
  wanted_.notify_all();
}

std::string BackgroundProbe::ask() {
  std::lock_guard lock(mutex_);
  if (running_since_) {
    const Clock::duration running = Clock::now() - *running_since_;
    if (running >= slow_after_)
      return slow_ + " has not answered for " +
             core::format_duration(std::chrono::duration_cast<std::chrono::seconds>(running));
    return verdict_;
  }
  is_wanted_ = true;
  wanted_.notify_one();
  return verdict_;
}

void BackgroundProbe::run(std::stop_token stop) {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (!wanted_.wait(lock, stop, [this] { return is_wanted_; })) return;
      is_wanted_ = false;
      running_since_ = Clock::now();
    }
    std::string verdict;
    try {
      verdict = probe_();
    } catch (const std::exception& error) {
      verdict = error.what();
    }
    std::lock_guard lock(mutex_);
    running_since_.reset();
    verdict_ = std::move(verdict);
  }
}

}  // namespace tributary::app
