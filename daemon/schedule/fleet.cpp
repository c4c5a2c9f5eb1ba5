// The scheduler's part of a fleet: names, signatures, what a claim not
// granted means for the source, and what the daemon says of the fleet.
#include "schedule/fleet.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "core/text.hpp"

namespace tributary::schedule {

std::string fleet_daemon_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "localhost");
  return fmt::format("{}:{}", core::one_line(host, 100), static_cast<long>(getpid()));
}

std::string source_signature(const config::SourceSpec& spec) {
  std::string signature =
      spec.url + '\n' + spec.name + '\n' + (spec.interval ? std::to_string(spec.interval->count()) : "");
  for (const std::string& tag : spec.tags) signature += '\n' + tag;
  for (const auto& [name, value] : spec.headers) signature += '\n' + name + ':' + value;
  signature += '\n' + spec.username;
  return core::sha256_hex(signature).substr(0, 16);
}

std::string configuration_signature(const std::vector<config::SourceSpec>& sources) {
  std::string joined;
  joined.reserve(sources.size() * 17);
  for (const config::SourceSpec& spec : sources) joined += source_signature(spec) + '\n';
  return core::sha256_hex(joined).substr(0, 16);
}

ClaimRetry retry_after_claim(const store::PollClaim& claim, core::Timestamp current_due, store::WallMilliseconds now) {
  const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);
  ClaimRetry retry{current_due, std::nullopt, false, {}};
  switch (claim.verdict) {
    case store::PollClaim::Verdict::claimed:
      break;
    case store::PollClaim::Verdict::not_due:
      retry.due = claim.source && claim.source->next_poll_at ? *claim.source->next_poll_at : now_seconds;
      retry.is_settled = true;
      retry.why = "another daemon of the fleet polled it lately";
      break;
    case store::PollClaim::Verdict::leased: {
      const auto lapses = std::chrono::ceil<std::chrono::seconds>(claim.retry_at);
      retry.due = std::min(lapses, now_seconds + kLeasedRecheck);
      retry.is_settled = true;
      retry.why = fmt::format("{} is polling it now", claim.holder);
      break;
    }
    case store::PollClaim::Verdict::host_busy:
      retry.host_hold = std::max(claim.retry_at - now, std::chrono::milliseconds(0));
      retry.why = "another daemon of the fleet sent its host a request lately (host_delay)";
      break;
    case store::PollClaim::Verdict::retired:
      retry.due = now_seconds + kRetiredRecheck;
      retry.is_settled = true;
      retry.why = "another daemon of the fleet loaded a configuration without it";
      break;
  }
  return retry;
}

std::chrono::milliseconds fleet_wake_delay(double random) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::clamp(random, 0.0, 1.0) * kFleetWakeJitter.count()));
}

std::chrono::milliseconds fleet_start_margin(std::chrono::milliseconds host_spacing) {
  return std::clamp(host_spacing / 4, std::chrono::milliseconds(0), kFleetStartMargin);
}

FleetStanding fleet_standing(const store::FleetView& view, const std::string& self, const std::string& signature) {
  FleetStanding standing;
  if (view.members.empty()) return standing;
  std::string names;
  for (const store::FleetMember& member : view.members) {
    if (!names.empty()) names += ", ";
    names += member.daemon == self ? member.daemon + " (this one)" : member.daemon;
  }
  standing.members = fmt::format("{} daemon{} share{} this database: {}", view.members.size(),
                                 view.members.size() == 1 ? "" : "s", view.members.size() == 1 ? "s" : "", names);
  // The one that loaded last wrote the sources table: the fleet follows it.
  const store::FleetMember& latest = view.members.front();
  if (latest.config_signature != signature)
    standing.difference = fmt::format(
        "this daemon's sources differ from those {} loaded at {}; the fleet polls that daemon's sources — give "
        "every daemon the same configuration and reload",
        latest.daemon, core::format_rfc3339(std::chrono::floor<std::chrono::seconds>(latest.config_loaded)));
  return standing;
}

}  // namespace tributary::schedule
