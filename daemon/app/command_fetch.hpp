// One fetch, run to completion on an event loop of its own: for the
// commands that fetch outside the daemon (`fetch`, `add`, `poll` without a
// daemon), with the daemon's Fetcher and so its limits and address policy.
#pragma once

#include <optional>
#include <string_view>

#include "fetch/fetch.hpp"

namespace tributary::app {

// nullopt (after saying why on stderr, after `command: `) when the fetch
// could not run at all (e.g. the CA file cannot be loaded); every failure
// of the fetch itself is a FetchResult.
std::optional<fetch::FetchResult> run_fetch(fetch::FetcherOptions options, fetch::FetchRequest request,
                                            std::string_view command);

}  // namespace tributary::app
