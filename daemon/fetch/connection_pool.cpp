// The connection pool: the caps on open connections (per host and
// overall), the waiting at them, and the kept-alive connections with their
// idle timeout and per-key limit. See connection_pool.hpp.
#include "fetch/connection_pool.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iterator>

namespace tributary::fetch {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

// A kept-alive connection is usable when nothing arrived on it while it
// was idle: data there is a close_notify, an EOF, or garbage.
bool is_still_usable(Connection& connection) {
  auto& socket = connection.tcp().socket();
  if (!socket.is_open() || connection.buffer.size() != 0) return false;
  error_code ec;
  socket.non_blocking(true, ec);
  if (ec) return false;
  char byte = 0;
  socket.receive(asio::buffer(&byte, 1), asio::ip::tcp::socket::message_peek, ec);
  error_code ignored;
  socket.non_blocking(false, ignored);
  return ec == asio::error::would_block;
}

}  // namespace

void PoolCounts::release(const std::string& host) {
  if (auto found = open_per_host.find(host); found != open_per_host.end() && --found->second == 0)
    open_per_host.erase(found);
  --open_total;
  wake_waiters();
}

void PoolCounts::wake_waiters() {
  for (const auto& waiter : waiters) waiter->cancel();
}

PoolLimits pool_limits(const FetcherOptions& options) {
  PoolLimits limits;
  limits.max_connections_per_host = options.max_connections_per_host;
  limits.max_connections = options.max_connections;
  limits.idle_timeout = options.idle_timeout;
  limits.max_idle_per_host = options.max_idle_per_host;
  return limits;
}

void ConnectionPool::reconfigure(const PoolLimits& limits) {
  limits_ = limits;
  idle_.clear();
}

FetcherStats ConnectionPool::stats() const {
  FetcherStats stats = stats_;
  stats.open_connections = counts_->open_total;
  stats.idle_connections = idle_count();
  return stats;
}

std::size_t ConnectionPool::idle_count() const {
  std::size_t count = 0;
  for (const auto& [key, list] : idle_) count += list.size();
  return count;
}

void ConnectionPool::prune_idle(Clock::time_point now) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    std::erase_if(list, [&](const ConnectionPtr& c) { return now - c->idle_since >= limits_.idle_timeout; });
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
}

// Closes the idle connection that waited longest among those `matches` accepts.
template <typename Predicate>
bool ConnectionPool::evict_oldest_idle(Predicate matches) {
  std::vector<ConnectionPtr>* oldest_list = nullptr;
  std::size_t oldest_index = 0;
  for (auto& [key, list] : idle_) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!matches(*list[i])) continue;
      if (!oldest_list || list[i]->idle_since < (*oldest_list)[oldest_index]->idle_since) {
        oldest_list = &list;
        oldest_index = i;
      }
    }
  }
  if (!oldest_list) return false;
  oldest_list->erase(oldest_list->begin() + static_cast<std::ptrdiff_t>(oldest_index));
  return true;
}

void ConnectionPool::give_back(ConnectionPtr connection) {
  connection->tcp().expires_never();
  connection->idle_since = Clock::now();
  auto& list = idle_[connection->pool_key];
  list.push_back(std::move(connection));
  while (list.size() > std::max<std::size_t>(1, limits_.max_idle_per_host)) list.erase(list.begin());
  counts_->wake_waiters();
}

// The newest idle connection for `pool_key` that is still usable; the
// unusable ones met on the way are closed.
ConnectionPtr ConnectionPool::take_idle(const std::string& pool_key) {
  auto found = idle_.find(pool_key);
  if (found == idle_.end()) return nullptr;
  auto& list = found->second;
  while (!list.empty()) {
    ConnectionPtr candidate = std::move(list.back());
    list.pop_back();
    if (is_still_usable(*candidate)) return candidate;
  }
  idle_.erase(found);
  return nullptr;
}

// An idle connection to the same host under another key (http vs https,
// another port) gives way at the per-host cap; any idle one at the global
// cap. Closing one releases its slot.
void ConnectionPool::make_room(const std::string& host, std::size_t per_host_cap, std::size_t total_cap) {
  auto& open_per_host = counts_->open_per_host;
  if (open_per_host[host] >= per_host_cap)
    evict_oldest_idle([&host](const Connection& c) { return c.slot.host() == host; });
  if (open_per_host[host] < per_host_cap && counts_->open_total >= total_cap)
    evict_oldest_idle([](const Connection&) { return true; });
}

asio::awaitable<ConnectionPool::Acquired> ConnectionPool::acquire(const std::string& pool_key, const std::string& host,
                                                                  Clock::time_point deadline) {
  Acquired acquired;
  const std::size_t per_host_cap = std::max<std::size_t>(1, limits_.max_connections_per_host);
  const std::size_t total_cap = std::max<std::size_t>(1, limits_.max_connections);
  auto& open_per_host = counts_->open_per_host;
  for (;;) {
    prune_idle(Clock::now());
    if (ConnectionPtr reused = take_idle(pool_key)) {
      acquired.reused = std::move(reused);
      ++stats_.connections_reused;
      co_return acquired;
    }
    make_room(host, per_host_cap, total_cap);
    if (open_per_host[host] < per_host_cap && counts_->open_total < total_cap) {
      ++open_per_host[host];
      ++counts_->open_total;
      acquired.slot = Slot(counts_, host);
      co_return acquired;
    }
    if (Clock::now() >= deadline) break;
    auto waiter = std::make_shared<asio::steady_timer>(executor_, deadline);
    counts_->waiters.push_back(waiter);
    co_await waiter->async_wait(asio::as_tuple(asio::use_awaitable));  // woken by a release, or the deadline
    counts_->waiters.remove(waiter);
    if (Clock::now() >= deadline) break;
  }
  if (open_per_host[host] == 0) open_per_host.erase(host);
  acquired.error = FetchError::timeout;
  acquired.message = "timed out waiting for a free connection to " + host + " (at most " +
                     std::to_string(per_host_cap) + " per host, " + std::to_string(total_cap) + " overall)";
  co_return acquired;
}

}  // namespace tributary::fetch
