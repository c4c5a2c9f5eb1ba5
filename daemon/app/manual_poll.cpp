// The daemon's answer to `tributary poll NAME|URL` (manual_poll.hpp).
#include "app/manual_poll.hpp"

#include <array>
#include <utility>

namespace tributary::app {
namespace {

using Verdict = schedule::ManualPoll::Verdict;

constexpr std::string_view kPollRequest = "poll ";
constexpr std::array<std::pair<Verdict, std::string_view>, 5> kVerdictWords{{{Verdict::succeeded, "ok"},
                                                                             {Verdict::failed, "failed"},
                                                                             {Verdict::refused, "refused"},
                                                                             {Verdict::unknown, "unknown"},
                                                                             {Verdict::pending, "pending"}}};

}  // namespace

std::string_view verdict_word(Verdict verdict) {
  for (const auto& [known, word] : kVerdictWords)
    if (known == verdict) return word;
  return "error";
}

std::optional<Verdict> verdict_of_word(std::string_view word) {
  for (const auto& [verdict, known] : kVerdictWords)
    if (known == word) return verdict;
  return std::nullopt;
}

boost::asio::awaitable<void> answer_control_request(schedule::Scheduler& scheduler, std::string request,
                                                    ControlReply& reply) {
  if (!request.starts_with(kPollRequest) || request.size() == kPollRequest.size()) {
    co_await reply.write_line("error this daemon answers one request: \"poll NAME-OR-URL\"");
    co_return;
  }
  schedule::ManualPoll answer = scheduler.request_poll(request.substr(kPollRequest.size()));
  for (const std::string& note : answer.notes) co_await reply.write_line("note " + note);
  if (answer.verdict == Verdict::pending) answer = co_await scheduler.outcome(std::move(answer), kManualPollLimit);
  co_await reply.write_line(std::string(verdict_word(answer.verdict)) + " " + answer.line);
}

}  // namespace tributary::app
