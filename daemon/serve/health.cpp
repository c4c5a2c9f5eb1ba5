// /healthz's verdict: rate-limited probes, changes reported once.
#include "serve/health.hpp"

namespace tributary::serve {

std::string HealthCheck::problem(Clock::time_point now) {
  if (probed_at_ && now >= *probed_at_ && now - *probed_at_ < reuse_for_) return problem_;
  probed_at_ = now;
  std::string next = probe_();
  if (next != problem_) {
    std::string previous = std::move(problem_);
    problem_ = std::move(next);
    if (report_) report_(problem_, previous);
  }
  return problem_;
}

}  // namespace tributary::serve
