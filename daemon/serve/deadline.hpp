// Work handed to another thread, awaited for at most a deadline: the site's
// store queries run on the reader thread, and a request whose query does not
// finish in time is answered (503) instead of holding its connection open
// for as long as the query takes. The work itself is not interrupted: it
// finishes on its thread and its result is dropped.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>

namespace tributary::serve {

// Runs `work` on `executor` and returns its result, or nullopt when
// `deadline` passed first. An exception from `work` is rethrown here. The
// awaiting coroutine's executor must run one handler at a time (one thread,
// or a strand): the result is handed over on it.
template <typename Result>
boost::asio::awaitable<std::optional<Result>> call_with_deadline(boost::asio::any_io_executor executor,
                                                                 std::function<Result()> work,
                                                                 std::chrono::steady_clock::duration deadline) {
  namespace asio = boost::asio;
  const asio::any_io_executor home = co_await asio::this_coro::executor;
  struct Pending {
    explicit Pending(const asio::any_io_executor& on) : timer(on) {}
    asio::steady_timer timer;
    std::optional<Result> result;
    std::exception_ptr error;
    bool is_done = false;
  };
  auto pending = std::make_shared<Pending>(home);
  pending->timer.expires_after(deadline);
  asio::post(executor, [pending, home, work = std::move(work)] {
    std::optional<Result> result;
    std::exception_ptr error;
    try {
      result.emplace(work());
    } catch (...) {
      error = std::current_exception();
    }
    // Back on the awaiting side's executor: its state is touched there only.
    asio::post(home, [pending, result = std::move(result), error]() mutable {
      pending->result = std::move(result);
      pending->error = error;
      pending->is_done = true;
      pending->timer.cancel();
    });
  });
  // Cancelled by the result, which cannot arrive before the wait starts
  // (it is posted to this executor, busy here until the wait); or expires.
  co_await pending->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (!pending->is_done) co_return std::nullopt;
  if (pending->error) std::rethrow_exception(pending->error);
  co_return std::move(pending->result);
}

}  // namespace tributary::serve
