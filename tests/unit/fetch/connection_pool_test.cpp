// The connection pool's caps without sockets: slots per host and overall,
// a fetch waiting at a cap until a slot frees or its deadline passes, and
// slots that outlive their pool. Each test runs its loop with run_for, so a
// wait that never ends fails instead of hanging.
#include "fetch/connection_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tributary::fetch {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

PoolLimits limits(std::size_t per_host, std::size_t overall) {
  PoolLimits result;
  result.max_connections_per_host = per_host;
  result.max_connections = overall;
  return result;
}

asio::awaitable<void> acquire_into(ConnectionPool* pool, std::string host, Clock::time_point deadline,
                                   std::optional<ConnectionPool::Acquired>* out) {
  *out = co_await pool->acquire("http://" + host + ":80", host, deadline);
}

// Acquires on `pool` for `host` with a deadline `wait` from now, running
// the loop until it is done (or 5 s have passed).
ConnectionPool::Acquired acquire_now(asio::io_context& io, ConnectionPool& pool, const std::string& host,
                                     std::chrono::milliseconds wait) {
  std::optional<ConnectionPool::Acquired> acquired;
  asio::co_spawn(io, acquire_into(&pool, host, Clock::now() + wait, &acquired), asio::detached);
  io.restart();
  io.run_for(5s);
  EXPECT_TRUE(acquired.has_value()) << "acquire did not finish";
  return acquired ? std::move(*acquired) : ConnectionPool::Acquired{};
}

TEST(ConnectionPool, GrantsSlotsUpToThePerHostCapThenTimesOut) {
  asio::io_context io;
  ConnectionPool pool(io.get_executor());
  pool.reconfigure(limits(2, 64));
  auto first = acquire_now(io, pool, "feeds.example", 50ms);
  auto second = acquire_now(io, pool, "feeds.example", 50ms);
  EXPECT_EQ(first.error, FetchError::none);
  EXPECT_EQ(second.error, FetchError::none);
  EXPECT_EQ(first.slot.host(), "feeds.example");
  EXPECT_EQ(first.reused, nullptr);
  EXPECT_EQ(pool.stats().open_connections, 2u);

  const auto started = Clock::now();
  const auto third = acquire_now(io, pool, "feeds.example", 50ms);
  EXPECT_GE(Clock::now() - started, 50ms);
  EXPECT_EQ(third.error, FetchError::timeout);
  EXPECT_EQ(third.message, "timed out waiting for a free connection to feeds.example (at most 2 per host, 64 overall)");
  EXPECT_EQ(pool.stats().open_connections, 2u);

  // The cap is per host: another one still gets a slot.
  const auto other = acquire_now(io, pool, "news.example", 50ms);
  EXPECT_EQ(other.error, FetchError::none);
  EXPECT_EQ(pool.stats().open_connections, 3u);
}

TEST(ConnectionPool, TheGlobalCapHoldsAcrossHosts) {
  asio::io_context io;
  ConnectionPool pool(io.get_executor());
  pool.reconfigure(limits(2, 1));
  const auto first = acquire_now(io, pool, "feeds.example", 50ms);
  EXPECT_EQ(first.error, FetchError::none);
  const auto second = acquire_now(io, pool, "news.example", 50ms);
  EXPECT_EQ(second.error, FetchError::timeout);
  EXPECT_EQ(second.message, "timed out waiting for a free connection to news.example (at most 2 per host, 1 overall)");
}

TEST(ConnectionPool, ACapOfZeroCountsAsOne) {
  asio::io_context io;
  ConnectionPool pool(io.get_executor());
  pool.reconfigure(limits(0, 0));
  const auto first = acquire_now(io, pool, "feeds.example", 50ms);
  EXPECT_EQ(first.error, FetchError::none);
  const auto second = acquire_now(io, pool, "feeds.example", 50ms);
  EXPECT_EQ(second.message, "timed out waiting for a free connection to feeds.example (at most 1 per host, 1 overall)");
}

TEST(ConnectionPool, AReleasedSlotWakesAWaitingFetch) {
  asio::io_context io;
  ConnectionPool pool(io.get_executor());
  pool.reconfigure(limits(1, 64));
  auto held = acquire_now(io, pool, "feeds.example", 50ms);
  ASSERT_EQ(held.error, FetchError::none);

  // The waiter's deadline is far; the slot frees after 20 ms.
  std::optional<ConnectionPool::Acquired> waiter;
  asio::co_spawn(io, acquire_into(&pool, "feeds.example", Clock::now() + 4s, &waiter), asio::detached);
  asio::steady_timer release(io, 20ms);
  release.async_wait([&held](const boost::system::error_code&) { held.slot = Slot(); });
  const auto started = Clock::now();
  io.restart();
  io.run_for(5s);
  ASSERT_TRUE(waiter.has_value());
  EXPECT_EQ(waiter->error, FetchError::none);
  EXPECT_EQ(waiter->slot.host(), "feeds.example");
  EXPECT_LT(Clock::now() - started, 2s);  // woken by the release, not by its deadline
  EXPECT_EQ(pool.stats().open_connections, 1u);
}

TEST(ConnectionPool, ASlotThatOutlivesItsPoolReleasesNothing) {
  asio::io_context io;
  auto pool = std::make_unique<ConnectionPool>(io.get_executor());
  pool->reconfigure(limits(2, 64));
  auto acquired = acquire_now(io, *pool, "feeds.example", 50ms);
  ASSERT_EQ(acquired.error, FetchError::none);
  pool.reset();
  acquired.slot = Slot();  // under ASan: no use of the freed counts
  EXPECT_EQ(acquired.slot.host(), "");
}

}  // namespace
}  // namespace tributary::fetch
