// fetch: one HTTP(S) GET of a feed, as a coroutine on the caller's executor:
// TLS with certificate and host name verification, redirects, conditional
// requests, gzip/deflate, a deadline over the whole exchange and caps on
// transferred and decoded bytes. Every fetch ends in one FetchResult.
// Beast stays inside fetch.cpp; this header only needs Asio's awaitable.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tributary::fetch {

enum class FetchError { none, invalid_url, dns, connect, tls, timeout, http, too_large, decode, redirect_loop };
std::string_view to_string(FetchError error);

struct FetchRequest {
  std::string url;
  std::string etag;           // sent as If-None-Match, byte for byte
  std::string last_modified;  // sent as If-Modified-Since, byte for byte
  std::string user_agent;
  std::chrono::seconds timeout{30};              // DNS + connect + TLS + headers + body
  std::uint64_t max_body_bytes = 16 * 1024 * 1024;  // transferred and decoded, each
};

struct FetchResult {
  FetchError error = FetchError::none;
  std::string message;  // human-readable, when error != none or status is not 2xx/304
  int status = 0;
  std::string final_url;  // after redirects
  bool is_permanent_redirect = false;  // every hop was 301/308
  std::string body;  // decoded
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::uint64_t bytes_transferred = 0;
  std::chrono::milliseconds elapsed{0};

  bool is_not_modified() const { return error == FetchError::none && status == 304; }
  bool is_success() const { return error == FetchError::none && status >= 200 && status < 300; }
};

struct FetcherOptions {
  std::string extra_ca_file;  // a CA bundle trusted besides the system store (tests)
};

class Fetcher {
 public:
  Fetcher(boost::asio::any_io_executor executor, const FetcherOptions& options = {});
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  boost::asio::awaitable<FetchResult> fetch(FetchRequest request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The default User-Agent: "Tributary/VERSION (+PROJECT_URL)".
std::string default_user_agent();

}  // namespace tributary::fetch
