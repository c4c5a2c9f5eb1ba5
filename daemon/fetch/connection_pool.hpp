// The fetcher's connection pool: counts open connections per host and
// overall, hands out a slot under those caps (waiting when they are
// reached), and keeps the kept-alive connections that may serve another
// request. Private to fetch/: fetch.hpp's Fetcher is the front door.
//
// Threading: one owner, the Fetcher's executor (the I/O loop's single
// thread); nothing here takes a lock.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fetch/fetch.hpp"

namespace tributary::fetch {

// The counts behind the caps. Shared with the slots, so that a fetch whose
// frame is destroyed after the Fetcher (an io_context torn down with
// fetches suspended) releases nothing into freed memory.
struct PoolCounts {
  std::map<std::string, std::size_t> open_per_host;
  std::size_t open_total = 0;
  std::list<std::shared_ptr<boost::asio::steady_timer>> waiters;  // fetches waiting at a cap

  void release(const std::string& host);
  void wake_waiters();
};

// One counted open connection to a host (busy or idle). Releasing it wakes
// the fetches waiting at a cap.
class Slot {
 public:
  Slot() = default;
  Slot(const std::shared_ptr<PoolCounts>& counts, std::string host) : counts_(counts), host_(std::move(host)) {}
  Slot(Slot&& other) noexcept : counts_(std::move(other.counts_)), host_(std::move(other.host_)) {
    other.counts_.reset();
  }
  Slot& operator=(Slot&& other) noexcept {
    if (this != &other) {
      reset();
      counts_ = std::move(other.counts_);
      other.counts_.reset();
      host_ = std::move(other.host_);
    }
    return *this;
  }
  ~Slot() { reset(); }
  const std::string& host() const { return host_; }

 private:
  void reset() {
    if (auto counts = std::exchange(counts_, {}).lock()) counts->release(host_);
  }
  std::weak_ptr<PoolCounts> counts_;
  std::string host_;
};

using PlainStream = boost::beast::tcp_stream;
using SecureStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// An open connection, plain or TLS, with what is left in its read buffer.
struct Connection {
  Slot slot;  // destroyed after the streams: the socket is closed when the slot frees
  std::string pool_key;
  std::optional<PlainStream> plain;
  std::optional<SecureStream> secure;
  boost::beast::flat_buffer buffer;
  std::string peer;
  bool is_proxied = false;
  std::chrono::steady_clock::time_point idle_since;

  ~Connection() {
    // Close before the slot is released, so the cap counts sockets.
    secure.reset();
    plain.reset();
  }
  boost::beast::tcp_stream& tcp() { return secure ? boost::beast::get_lowest_layer(*secure) : *plain; }
};
using ConnectionPtr = std::unique_ptr<Connection>;

// The caps and idle rules, from FetcherOptions.
struct PoolLimits {
  std::size_t max_connections_per_host = 2;
  std::size_t max_connections = 64;
  std::chrono::seconds idle_timeout{30};
  std::size_t max_idle_per_host = 2;
};
PoolLimits pool_limits(const FetcherOptions& options);

class ConnectionPool {
 public:
  // What acquire() hands out: a kept-alive connection, or a slot for a new
  // one, or (neither) the error that says why not.
  struct Acquired {
    ConnectionPtr reused;
    Slot slot;  // when nothing could be reused: room for a new connection
    FetchError error = FetchError::none;
    std::string message;
  };

  explicit ConnectionPool(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  ~ConnectionPool() { idle_.clear(); }  // while the counts they release still exist
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // New caps for what is acquired from now on. Closes the idle connections:
  // they may go through a proxy that is no longer wanted.
  void reconfigure(const PoolLimits& limits);

  // A kept-alive connection for `pool_key`, or a slot for a new one to
  // `host`, waiting at the caps until one frees or the deadline passes.
  boost::asio::awaitable<Acquired> acquire(const std::string& pool_key, const std::string& host,
                                           std::chrono::steady_clock::time_point deadline);
  // Keeps a connection that can serve another request (its pool_key set).
  void give_back(ConnectionPtr connection);
  // Counts a connection opened on a slot from acquire().
  void count_opened() { ++stats_.connections_opened; }

  void close_idle() { idle_.clear(); }
  FetcherStats stats() const;

 private:
  std::size_t idle_count() const;
  void prune_idle(std::chrono::steady_clock::time_point now);
  ConnectionPtr take_idle(const std::string& pool_key);
  void make_room(const std::string& host, std::size_t per_host_cap, std::size_t total_cap);
  template <typename Predicate>
  bool evict_oldest_idle(Predicate matches);

  boost::asio::any_io_executor executor_;
  PoolLimits limits_;
  std::shared_ptr<PoolCounts> counts_ = std::make_shared<PoolCounts>();
  FetcherStats stats_;
  std::map<std::string, std::vector<ConnectionPtr>> idle_;  // by pool key; the newest last
};

}  // namespace tributary::fetch
