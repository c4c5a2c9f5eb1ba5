// The HTTP(S) client's front: the Fetcher facade, one hop (take a
// kept-alive connection from the pool or open one, send the request, read
// the response, retry once on a connection the server had closed) and the
// redirect loop that turns hops into one FetchResult. All of it under the
// request's deadline. The steps live beside it: connection_pool.cpp keeps
// connections, connect.cpp opens them, exchange.cpp runs one request.
//
// Threading: the pool and its counters belong to the Fetcher's executor,
// which is the I/O loop's single thread; fetch() runs there, so nothing
// here takes a lock.
#include "fetch/fetch.hpp"

#include <boost/url/parse.hpp>

#include "core/text.hpp"
#include "core/url.hpp"
#include "core/version.hpp"
#include "fetch/fetcher_impl.hpp"
#include "fetch/policy.hpp"

namespace tributary::fetch {
namespace {

std::optional<Target> target_of(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  const auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return std::nullopt;
  Target target;
  target.is_https = scheme == boost::urls::scheme::https;
  target.host = core::to_lower_ascii(parsed->encoded_host_address());
  if (target.host.size() > 2 && target.host.front() == '[') target.host = target.host.substr(1, target.host.size() - 2);
  if (target.host.empty()) return std::nullopt;
  target.port =
      parsed->has_port() && !parsed->port().empty() ? std::string(parsed->port()) : (target.is_https ? "443" : "80");
  target.origin_form = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) target.origin_form += "?" + std::string(parsed->encoded_query());
  target.absolute_form = std::string(parsed->scheme()) + "://" + target.host_header() + target.origin_form;
  if (parsed->has_userinfo()) {
    target.has_userinfo = true;
    target.username = parsed->user();
    target.password = parsed->has_password() ? parsed->password() : "";
  }
  return target;
}

}  // namespace

std::string_view to_string(FetchError error) {
  switch (error) {
    case FetchError::none:
      return "none";
    case FetchError::invalid_url:
      return "invalid_url";
    case FetchError::dns:
      return "dns";
    case FetchError::connect:
      return "connect";
    case FetchError::tls:
      return "tls";
    case FetchError::timeout:
      return "timeout";
    case FetchError::http:
      return "http";
    case FetchError::too_large:
      return "too_large";
    case FetchError::decode:
      return "decode";
    case FetchError::redirect_loop:
      return "redirect_loop";
    case FetchError::blocked:
      return "blocked";
    case FetchError::late:
      return "late";
  }
  return "unknown";
}

std::string default_user_agent() {
  return "Tributary/" + std::string(core::kVersion) + " (+" + std::string(core::kProjectUrl) + ")";
}

// One hop: a connection (kept-alive or new), one request, one response.
asio::awaitable<HopResponse> Fetcher::Impl::hop(const std::string& url, const FetchRequest& request,
                                                bool is_original_origin, Clock::time_point deadline,
                                                std::optional<Clock::time_point> start_by) {
  const auto target = target_of(url);
  if (!target) co_return failure(FetchError::invalid_url, "not an http(s) URL: " + core::redact_url(url));
  std::string route_error;
  const Route route = route_for(*target, route_error);
  if (!route_error.empty()) co_return failure(FetchError::connect, route_error);
  if (route.proxy && options.block_private_addresses) {
    // The proxy resolves the name; check what it resolves to here. A
    // name only the proxy can resolve might lead anywhere inside its
    // network: refused, unless the operator says the proxy checks.
    Resolved resolved = co_await resolve(target->host, target->port, deadline);
    if (resolved.error == FetchError::none) {
      resolved = filter_blocked(std::move(resolved), target->host);
      if (resolved.error != FetchError::none) co_return failure(resolved.error, std::move(resolved.message));
    } else if (!options.proxy_blocks_private_addresses) {
      co_return failure(FetchError::blocked,
                        "cannot check where " + target->host + " leads: it does not resolve here (" + resolved.message +
                            "), and the proxy " + route.proxy->display +
                            " would resolve it (fetch.block_private_addresses is on; set "
                            "fetch.proxy_blocks_private_addresses = true if the proxy enforces that policy)");
    }
  }
  const bool is_via_proxy = route.proxy && !target->is_https;  // plain HTTP: absolute-form to the proxy
  const std::string pool_key = (target->is_https ? "https://" : "http://") + target->authority() +
                               (route.proxy ? " via " + route.proxy->display : "");
  const OutgoingRequest message = make_request(*target, request, is_original_origin, is_via_proxy, route);

  for (int attempt = 0;; ++attempt) {
    const auto wait_started = Clock::now();
    ConnectionPool::Acquired acquired = co_await pool.acquire(pool_key, target->host, deadline);
    FetchTiming timing;
    timing.wait_for_connection = since(wait_started);
    if (acquired.error != FetchError::none) co_return failure(acquired.error, std::move(acquired.message));
    if (const auto now = Clock::now(); attempt == 0 && start_by && now > *start_by) {
      const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(now - *start_by);
      if (acquired.reused) pool.give_back(std::move(acquired.reused));
      co_return failure(FetchError::late,
                        "not sent: the request could not start in time (" + std::to_string(late.count()) + " ms late)");
    }
    ConnectionPtr connection = std::move(acquired.reused);
    const bool is_reused = connection != nullptr;
    if (!connection) {
      Opened opened =
          co_await open(*target, route, std::move(acquired.slot), deadline, request.connect_timeout, timing);
      if (opened.error != FetchError::none) co_return failure(opened.error, std::move(opened.message));
      connection = std::move(opened.connection);
      connection->pool_key = pool_key;
    }
    HopResponse response = co_await exchange(*connection, message, request, deadline, target->host);
    response.timing.wait_for_connection = timing.wait_for_connection;
    response.timing.dns = timing.dns;
    response.timing.connect = timing.connect;
    response.timing.tls = timing.tls;
    response.is_reused = is_reused;
    response.is_proxied = connection->is_proxied;
    response.peer = connection->peer;
    // A kept-alive connection the server closed meanwhile: once more on a
    // new one (GET is idempotent, and so are WebSub's POSTs: a delivery or
    // a subscription request sent twice changes nothing).
    if (is_reused && response.is_retryable && attempt == 0 && Clock::now() < deadline) continue;
    if (response.error == FetchError::none && response.is_keep_alive) pool.give_back(std::move(connection));
    co_return response;
  }
}

Fetcher::Fetcher(asio::any_io_executor executor, const FetcherOptions& options)
    : impl_(std::make_unique<Impl>(std::move(executor))) {
  impl_->apply(options);
}

Fetcher::~Fetcher() = default;

void Fetcher::reconfigure(const FetcherOptions& options) { impl_->apply(options); }

void Fetcher::close_idle_connections() { impl_->pool.close_idle(); }

FetcherStats Fetcher::stats() const { return impl_->pool.stats(); }

asio::awaitable<FetchResult> Fetcher::fetch(FetchRequest request) {
  const auto started = Clock::now();
  const auto deadline = started + request.timeout;
  FetchResult result;
  std::string url = request.url;
  std::vector<std::string> visited{url};
  bool is_every_hop_permanent = true;
  for (;;) {
    const bool is_original_origin = is_same_origin(request.url, url);
    HopResponse response = co_await impl_->hop(url, request, is_original_origin, deadline,
                                               result.redirects.empty() ? request.start_by : std::nullopt);
    result.final_url = url;
    result.bytes_transferred += response.bytes_transferred;
    result.timing = response.timing;
    result.is_connection_reused = response.is_reused;
    result.is_proxied = response.is_proxied;
    result.peer_address = response.peer;
    result.elapsed = since(started);
    if (response.error != FetchError::none) {
      result.error = response.error;
      result.status = response.status;
      result.message = std::move(response.message);
      co_return result;
    }
    const int status = response.status;
    if (is_redirect_status(status) && request.post_body) {
      result.error = FetchError::http;
      result.status = status;
      result.message = "HTTP " + std::to_string(status) + ": a POST is not redirected";
      co_return result;
    }
    if (is_redirect_status(status)) {
      RedirectDecision decision = decide_redirect(url, status, response.location, visited,
                                                  static_cast<int>(result.redirects.size()), request.max_redirects);
      if (!decision.next_url) {
        result.error = decision.error;
        result.status = status;
        result.message = std::move(decision.message);
        co_return result;
      }
      is_every_hop_permanent = is_every_hop_permanent && is_permanent_redirect_status(status);
      result.redirects.push_back({status, url, *decision.next_url});
      visited.push_back(*decision.next_url);
      url = std::move(*decision.next_url);
      continue;
    }

    result.status = status;
    result.reason = std::move(response.reason);
    result.is_permanent_redirect = !result.redirects.empty() && is_every_hop_permanent;
    result.content_type = std::move(response.content_type);
    result.content_encoding = std::move(response.content_encoding);
    result.etag = std::move(response.etag);
    result.last_modified = std::move(response.last_modified);
    result.cache_control = std::move(response.cache_control);
    result.expires = std::move(response.expires);
    result.retry_after = std::move(response.retry_after);
    result.date = std::move(response.date);
    result.link = std::move(response.link);
    const core::Timestamp now = core::now_utc();
    result.freshness = freshness_lifetime({result.cache_control, result.expires, result.date, response.age}, now);
    if (status == 429 || status == 503) result.retry_at = parse_retry_after(result.retry_after, now);

    if (status >= 200 && status < 300) {
      result.body = std::move(response.body);
      result.body_hash = core::sha256_hex(result.body);
      result.is_unchanged_body = !request.previous_body_hash.empty() && request.previous_body_hash == result.body_hash;
    } else if (status != 304) {
      result.error = FetchError::http;
      result.body_excerpt = body_excerpt(response.body);
      result.message = "HTTP " + std::to_string(status) + (result.reason.empty() ? "" : " " + result.reason);
      if (result.retry_at) result.message += " (retry after " + core::format_rfc3339(*result.retry_at) + ")";
      if (!result.body_excerpt.empty()) result.message += ": " + result.body_excerpt;
    }
    co_return result;
  }
}

}  // namespace tributary::fetch
