// `tributary status`: a table of the sources and their polling state, read
// from the store — no running daemon needed — and the hosts whose sources
// are stretched to fit host_delay.
#include <iostream>
#include <set>

#include "app/commands.hpp"
#include "app/pid_file.hpp"
#include "app/store_location.hpp"
#include "core/core.hpp"
#include "schedule/fleet.hpp"
#include "schedule/load.hpp"
#include "store/store.hpp"

namespace tributary::app {
namespace {

// "3m ago", "in 12m", "-".
std::string relative(const std::optional<core::Timestamp>& when, core::Timestamp now) {
  if (!when) return "-";
  const auto difference = std::chrono::duration_cast<std::chrono::seconds>(*when - now);
  if (difference.count() >= 0) return "in " + core::format_duration(difference);
  return core::format_duration(-difference) + " ago";
}

// Hosts whose sources ask more than one request per host_delay: every
// source of such a host is polled less often than its interval says.
void print_stretched_hosts(const std::vector<schedule::HostLoad>& hosts) {
  bool is_first = true;
  for (const schedule::HostLoad& host : hosts) {
    if (!host.is_stretched()) continue;
    if (is_first) std::cout << "\nStretched to keep one request per host_delay (every source of the host alike):\n";
    is_first = false;
    std::cout << "  " << schedule::describe_stretch(host) << "\n";
  }
}

// PostgreSQL: the daemons that share the database now, and whether the
// fleet polls this configuration's sources (the one loaded last wrote the
// sources table).
void print_fleet(const store::FleetView& view, const config::Config& config) {
  if (view.members.empty()) {
    std::cout << "\nFleet: no daemon runs on this database now (none has beaten within "
              << store::kFleetMemberSilence.count() << " s)\n";
    return;
  }
  const schedule::FleetStanding standing = schedule::fleet_standing(view, "", {});
  std::cout << "\nFleet: " << standing.members << "\n";
  const store::FleetMember& latest = view.members.front();
  if (latest.config_signature != schedule::configuration_signature(config.sources))
    std::cout << "The fleet polls the sources " << latest.daemon << " loaded at "
              << core::format_rfc3339(std::chrono::floor<std::chrono::seconds>(latest.config_loaded))
              << "; this configuration's differ (give every daemon the same configuration and reload)\n";
}

}  // namespace

int print_status(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return kExitBadConfig;
  const std::filesystem::path database = resolve_database_path(config->storage.database);
  const bool is_sqlite = config->storage.backend == config::StorageBackend::sqlite;
  if (is_sqlite && !std::filesystem::exists(database)) {
    std::cerr << "tributary status: no database at " << database.string() << " (has tributary run yet?)\n";
    return kExitFailure;
  }
  std::vector<store::SourceRecord> records;
  std::optional<store::FleetView> fleet;
  try {
    store::Store db(configured_store(*config));
    records = db.sources();
    if (db.is_shared())
      fleet = db.fleet_view(std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  } catch (const std::exception& error) {
    std::cerr << "tributary status: " << error.what() << "\n";
    return kExitFailure;
  }
  const core::Timestamp now = core::now_utc();
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "STATE", "DELIVERY", "LAST SUCCESS", "NEXT POLL", "ITEMS", "HIDDEN", "URL", "LAST ERROR"}};
  for (const store::SourceRecord& source : records) {
    const std::string state = store::source_state(source, now);
    std::string next = relative(source.next_poll_at, now);
    if (state == "gone") next = "never (410)";
    if (state == "removed") next = "-";
    std::string error = source.last_error;
    if (error.size() > 80) error = error.substr(0, 77) + "...";
    if (source.error_count > 1) error += " (" + std::to_string(source.error_count) + " in a row)";
    rows.push_back({source.name, state, store::delivery(source, now), relative(source.last_success_at, now), next,
                    std::to_string(source.item_count), std::to_string(source.hidden_items),
                    core::redact_url(source.url), error});
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t column = 0; column < row.size(); ++column)
      widths[column] = std::max(widths[column], row[column].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      line += row[column];
      if (column + 1 < row.size()) line += std::string(widths[column] - row[column].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
  print_stretched_hosts(schedule::host_loads(schedule::load_settings(*config), records, now));
  if (fleet) print_fleet(*fleet, *config);
  return kExitOk;
}

}  // namespace tributary::app
