// The daemon's WebSub wiring (see websub_wiring.hpp).
#include "app/websub_wiring.hpp"

#include "fetch/fetch.hpp"

namespace tributary::app {
namespace {

namespace asio = boost::asio;

// The subscriber: on as [websub] subscribe says, with callbacks under the
// base URL the feeds use.
schedule::SubscriberSettings subscriber_settings(const config::Config& config, const std::string& base_url) {
  schedule::SubscriberSettings settings;
  settings.is_enabled = config::is_subscribing(config);
  settings.callback_base = base_url.ends_with('/') ? base_url : base_url + "/";
  settings.fetch = config.fetch;
  return settings;
}

// A hub's call to /websub/TOKEN, handed to the scheduler's subscriber.
asio::awaitable<serve::Response> answer_callback(schedule::Scheduler& scheduler, serve::Request request,
                                                 std::string token) {
  const std::size_t question = request.target.find('?');
  schedule::CallbackRequest call{
      std::move(request.method), question == std::string::npos ? std::string() : request.target.substr(question + 1),
      std::move(request.content_type), std::move(request.hub_signature), std::move(request.body)};
  auto answering = scheduler.websub_callback(std::move(token), std::move(call));
  schedule::CallbackAnswer answer = co_await std::move(answering);
  co_return serve::text_response(answer.status, std::move(answer.body), "/websub/*");
}

}  // namespace

void allow_websub_posts(serve::ServerOptions& options, const config::Config& config) {
  options.post_prefix = "/websub/";
  options.max_post_body = config.fetch.max_body_bytes;
}

std::unique_ptr<websub::Hub> start_hub(asio::any_io_executor io, asio::any_io_executor writer,
                                       store::Store& writer_store, const config::Config& config,
                                       const std::string& base_url) {
  auto hub =
      std::make_unique<websub::Hub>(std::move(io), std::move(writer), writer_store,
                                    fetch::fetcher_options(config.fetch), websub::hub_settings(config, base_url));
  hub->start();
  return hub;
}

void serve_websub(serve::Site& site, websub::Hub& hub, schedule::Scheduler& scheduler, const config::Config& config,
                  const std::string& base_url) {
  site.set_hub(&hub);
  scheduler.configure_websub(subscriber_settings(config, base_url));
  site.set_websub_callback([&scheduler](serve::Request request, std::string token) {
    return answer_callback(scheduler, std::move(request), std::move(token));
  });
}

void reconfigure_websub(websub::Hub& hub, schedule::Scheduler& scheduler, const config::Config& config,
                        const std::string& base_url) {
  scheduler.configure_websub(subscriber_settings(config, base_url));
  hub.reconfigure(websub::hub_settings(config, base_url), fetch::fetcher_options(config.fetch));
}

}  // namespace tributary::app
