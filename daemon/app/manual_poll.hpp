// `tributary poll NAME|URL` (issue 20): both ends of a poll asked for by
// hand. The daemon answers it on its control socket (control_socket.hpp)
// with the scheduler's ManualPoll; the command prints that answer, or —
// with no daemon running — polls the source once itself.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "app/control_socket.hpp"
#include "config/config.hpp"
#include "schedule/schedule.hpp"

namespace tributary::app {

// How long the daemon lets a manual poll wait for its host's limits before
// it answers "not yet" (the source stays due); the command waits a little
// longer for that answer.
inline constexpr std::chrono::minutes kManualPollLimit{10};

// The daemon's side: answers one control request ("poll NAME-OR-URL").
boost::asio::awaitable<void> answer_control_request(schedule::Scheduler& scheduler, std::string request,
                                                    ControlReply& reply);

// The word an answer's last line starts with, and back (nullopt: not one).
std::string_view verdict_word(schedule::ManualPoll::Verdict verdict);
std::optional<schedule::ManualPoll::Verdict> verdict_of_word(std::string_view word);

}  // namespace tributary::app
