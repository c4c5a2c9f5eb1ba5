// One fetch on an event loop of its own (see command_fetch.hpp).
#include "app/command_fetch.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <iostream>

namespace tributary::app {
namespace {

namespace asio = boost::asio;

asio::awaitable<void> fetch_into(fetch::Fetcher* fetcher, fetch::FetchRequest request,
                                 std::optional<fetch::FetchResult>* out) {
  *out = co_await fetcher->fetch(std::move(request));
}

}  // namespace

std::optional<fetch::FetchResult> run_fetch(fetch::FetcherOptions options, fetch::FetchRequest request,
                                            std::string_view command) {
  asio::io_context io(1);
  std::optional<fetch::FetchResult> outcome;
  try {
    fetch::Fetcher fetcher(io.get_executor(), std::move(options));
    std::exception_ptr failure;
    // The handler keeps the exception for the rethrow below (the project's
    // spawn helpers log it; here the command itself reports it).
    asio::co_spawn(io, fetch_into(&fetcher, std::move(request), &outcome),
                   [&failure](std::exception_ptr error) { failure = error; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    std::cerr << command << ": " << error.what() << "\n";
    return std::nullopt;
  }
  if (!outcome) std::cerr << command << ": the fetch did not complete\n";
  return outcome;
}

}  // namespace tributary::app
