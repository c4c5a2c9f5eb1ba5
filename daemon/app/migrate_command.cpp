// `tributary migrate --to TARGET`: the configured store's data copied into
// another database — a PostgreSQL one (a libpq URI) or an SQLite file —
// that is empty, in one transaction, with the rows per table and the
// counts compared at the end. The way to PostgreSQL and back.
#include <iostream>

#include "app/commands.hpp"
#include "app/pid_file.hpp"
#include "app/store_location.hpp"
#include "store/store.hpp"

namespace tributary::app {
namespace {

bool is_postgresql_url(const std::string& target) {
  return target.starts_with("postgresql://") || target.starts_with("postgres://");
}

}  // namespace

int migrate_store(const config::Config& config, const std::string& target) {
  const std::filesystem::path state_file = resolve_database_path(config.storage.database);
  if (const auto pid_file = pid_file_path(state_file); !pid_file.empty()) {
    if (const auto pid = running_daemon_pid(pid_file)) {
      std::cerr << "tributary migrate: a tributary daemon (pid " << *pid
                << ") is running with this configuration; stop it first, so that nothing changes during the copy. "
                   "Nothing was copied.\n";
      return kExitFailure;
    }
  }
  const store::StoreLocation to = is_postgresql_url(target)
                                      ? store::StoreLocation::postgresql(target)
                                      : store::StoreLocation::sqlite(std::filesystem::absolute(target).string());
  try {
    const store::StoreLocation from = configured_store(config);
    if (!from.is_postgresql && !std::filesystem::exists(from.path_or_url)) {
      std::cerr << "tributary migrate: no database at " << from.path_or_url << " (has tributary run yet?)\n";
      return kExitFailure;
    }
    if (!to.is_postgresql && std::filesystem::exists(to.path_or_url) &&
        std::filesystem::equivalent(to.path_or_url, from.path_or_url)) {
      std::cerr << "tributary migrate: " << to.path_or_url << " is the configured database itself\n";
      return kExitFailure;
    }
    store::Store source(from);
    store::Store destination(to);
    std::cout << "copying " << from.shown() << " to " << to.shown() << "\n" << std::flush;
    const store::CopyResult copied =
        store::copy_store(source, destination, [](const std::string& table, std::int64_t rows) {
          std::cout << "  " << table << ": " << rows << " rows\n" << std::flush;
        });
    std::cout << "done: every table's rows counted again in both databases, and equal. To use it, set [storage] "
              << (to.is_postgresql ? "backend = \"postgresql\" and url = \"" + to.shown() + "\""
                                   : "backend = \"sqlite\" and database = \"" + to.path_or_url + "\"")
              << "\n";
    return kExitOk;
  } catch (const std::exception& error) {
    std::cerr << "tributary migrate: " << error.what() << "\nNothing was copied into " << to.shown() << ".\n";
    return kExitFailure;
  }
}

}  // namespace tributary::app
