// The fleet's change listener thread.
#include "app/fleet_listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <memory>

#include "store/change_listener.hpp"

namespace tributary::app {
namespace {

constexpr auto kWaitSlice = std::chrono::milliseconds(1000);  // how soon a stop is seen
constexpr int kReconnectSlices = 5;                           // between attempts to reconnect

}  // namespace

std::jthread listen_for_fleet_changes(store::StoreLocation database, std::string own_daemon,
                                      boost::asio::any_io_executor writer, std::function<void()> render) {
  return std::jthread([database = std::move(database), own_daemon = std::move(own_daemon), writer,
                       render = std::move(render)](std::stop_token stop) {
    bool was_broken = false;
    while (!stop.stop_requested()) {
      std::unique_ptr<store::ChangeListener> listener;
      try {
        listener = std::make_unique<store::ChangeListener>(database, own_daemon);
        if (was_broken) {
          spdlog::info("fleet: listening for other daemons' changes again");
          boost::asio::post(writer, render);  // what was announced meanwhile
        }
        was_broken = false;
        while (!stop.stop_requested())
          if (listener->wait_for_change(kWaitSlice)) boost::asio::post(writer, render);
      } catch (const std::exception& error) {
        if (!was_broken)
          spdlog::warn("fleet: not listening for other daemons' changes ({}); retrying every {} s", error.what(),
                       kReconnectSlices * kWaitSlice.count() / 1000);
        was_broken = true;
      }
      for (int slice = 0; slice < kReconnectSlices && !stop.stop_requested(); ++slice)
        std::this_thread::sleep_for(kWaitSlice);
    }
  });
}

}  // namespace tributary::app
