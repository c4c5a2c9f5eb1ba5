// From the configuration to fetcher options and requests: the one place
// that knows how [fetch] and [[source]] keys map onto the fetch module.
#include "config/config.hpp"
#include "fetch/fetch.hpp"

namespace tributary::fetch {

FetcherOptions fetcher_options(const config::FetchConfig& config) {
  FetcherOptions options;
  options.extra_ca_file = config.ca_file;
  // `proxy` serves both schemes unless `https_proxy` names another; unset,
  // the environment's http_proxy / https_proxy apply.
  options.http_proxy = config.proxy;
  options.https_proxy = config.https_proxy.empty() ? config.proxy : config.https_proxy;
  options.no_proxy = config.no_proxy;
  options.max_connections_per_host = config.max_connections_per_host;
  options.max_connections = config.max_connections;
  options.block_private_addresses = config.block_private_addresses;
  options.allowed_networks = config.allowed_networks;
  options.proxy_blocks_private_addresses = config.proxy_blocks_private_addresses;
  return options;
}

FetchRequest request_for(const config::FetchConfig& config, const config::SourceSpec& source) {
  FetchRequest request;
  request.url = source.url;
  request.user_agent = config.user_agent;
  request.from = config.from;
  request.timeout = config.timeout;
  request.connect_timeout = config.connect_timeout;
  request.max_body_bytes = config.max_body_bytes;
  request.headers = source.headers;
  request.username = source.username;
  request.password = source.password;
  return request;
}

}  // namespace tributary::fetch
