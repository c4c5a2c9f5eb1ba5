// The daemon's WebSub, both ways, wired to the rest of `tributary run`:
// the built-in hub (websub/hub.hpp) that pushes Tributary's own feeds, and
// the subscriber (schedule/subscriber.hpp) that takes pushes from the
// sources' hubs. Both answer under /websub/ — the hub at /websub/hub, the
// subscriber's callbacks at /websub/TOKEN (serve/site.cpp routes them) —
// and both are reconfigured on reload. Internal to app/daemon.cpp.
//
// Threads: everything here runs on the I/O thread, at start-up before the
// loop runs or in the reload coroutine.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "schedule/schedule.hpp"
#include "serve/serve.hpp"
#include "serve/site.hpp"
#include "store/store.hpp"
#include "websub/hub.hpp"

namespace tributary::app {

// The WebSub endpoints take a POST: a subscription request to the hub, or
// a document pushed to a callback, as large as a polled one may be.
void allow_websub_posts(serve::ServerOptions& options, const config::Config& config);

// The built-in hub, started: it has read the stored subscriptions from
// `writer_store`, so call it before the writer thread runs anything.
// `base_url` as the site has it (ends with '/').
std::unique_ptr<websub::Hub> start_hub(boost::asio::any_io_executor io, boost::asio::any_io_executor writer,
                                       store::Store& writer_store, const config::Config& config,
                                       const std::string& base_url);

// The site answers POST /websub/hub with `hub` and /websub/TOKEN with the
// scheduler's subscriber, which subscribes as [websub] subscribe says.
// Before the loop runs: no request has been read yet. `hub` and
// `scheduler` outlive the site's requests.
void serve_websub(serve::Site& site, websub::Hub& hub, schedule::Scheduler& scheduler, const config::Config& config,
                  const std::string& base_url);

// A reload's settings for the hub and the subscriber.
void reconfigure_websub(websub::Hub& hub, schedule::Scheduler& scheduler, const config::Config& config,
                        const std::string& base_url);

}  // namespace tributary::app
