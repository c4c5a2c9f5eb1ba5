// Several daemons on one PostgreSQL database: this daemon renders its feeds
// anew when another one announces that what they show changed
// (store/change_listener.hpp). A thread of its own waits on the listening
// connection; it reconnects when that breaks, and renders once after
// each (re)connection, for what it may have missed.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <string>
#include <thread>

#include "store/store.hpp"

namespace tributary::app {

// Renders by posting `render` to `writer`. The thread stops when the
// returned jthread is asked to (or destroyed), within a second.
std::jthread listen_for_fleet_changes(store::StoreLocation database, std::string own_daemon,
                                      boost::asio::any_io_executor writer, std::function<void()> render);

}  // namespace tributary::app
