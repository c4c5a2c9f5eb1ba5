// The listening end of the fleet's change announcements, over libpq.
#include "store/change_listener.hpp"

#include <algorithm>

#include "store/postgresql.hpp"

namespace tributary::store {

ChangeListener::ChangeListener(const StoreLocation& location, std::string own_daemon)
    : own_daemon_(std::move(own_daemon)) {
  if (!location.is_postgresql) throw StoreError("only a PostgreSQL store announces changes");
  db_ = std::make_unique<PostgresDatabase>(location.path_or_url, location.password);
  db_->exec("LISTEN " + std::string(kChangeChannel));
}

ChangeListener::~ChangeListener() = default;

bool ChangeListener::wait_for_change(std::chrono::milliseconds most) {
  const std::vector<std::string> payloads = db_->wait_for_notifications(most);
  return std::any_of(payloads.begin(), payloads.end(),
                     [this](const std::string& daemon) { return daemon != own_daemon_; });
}

}  // namespace tributary::store
