// `fault_farm`: the fault farm as a standalone process, for bench/soak and
// for poking at the daemon by hand. Writes the list of its feeds (index, URL,
// behavior, expected outcome) to a file, prints the URL it listens on, and
// serves until SIGINT or SIGTERM, then prints the requests it answered.
//
// Usage: fault_farm [--seed N] [--feeds N] [--mix healthy=5,changing=1,…]
//                   [--port N] [--threads N] [--slow-ms N] [--list FILE]
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <numeric>
#include <string>

#include "support/fault_farm.hpp"

namespace {

using tributary::testing::FaultFarm;
using tributary::testing::FaultFarmOptions;

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "fault_farm: " << problem
            << "\nusage: fault_farm [--seed N] [--feeds N] [--mix BEHAVIOR=WEIGHT,...] [--port N] [--threads N]"
               " [--slow-ms N] [--list FILE]\n";
  std::exit(2);
}

std::uint64_t number(const std::string& flag, const char* text) {
  if (!text) usage(flag + " needs a value");
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (*text == '\0' || *end != '\0') usage(flag + ": not a number: " + text);
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  FaultFarmOptions options;
  options.stall_duration = std::chrono::seconds(60);
  std::string list_path;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (flag == "--seed")
      options.seed = number(flag, value);
    else if (flag == "--feeds")
      options.feeds = number(flag, value);
    else if (flag == "--port")
      options.port = static_cast<std::uint16_t>(number(flag, value));
    else if (flag == "--threads")
      options.threads = static_cast<int>(number(flag, value));
    else if (flag == "--slow-ms")
      options.slow_delay = std::chrono::milliseconds(number(flag, value));
    else if (flag == "--list") {
      if (!value) usage("--list needs a file");
      list_path = value;
    } else if (flag == "--mix") {
      if (!value) usage("--mix needs a value");
      try {
        options.mix = tributary::testing::parse_fault_mix(value);
      } catch (const std::exception& error) {
        usage(std::string("--mix: ") + error.what());
      }
    } else {
      usage("unknown argument " + flag);
    }
    ++i;
  }

  // Blocked before the server threads start, so that they inherit the mask
  // and the signal waits for sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  FaultFarm farm(options);
  if (!list_path.empty()) {
    std::ofstream list(list_path);
    list << "# index\turl\tbehavior\texpected\n";
    for (const auto& feed : farm.feeds()) {
      const auto expected = tributary::testing::expected_outcome(feed.behavior);
      list << feed.index << '\t' << farm.url(feed.index) << '\t' << to_string(feed.behavior) << '\t'
           << (expected.is_success ? std::string("ok") : expected.error_class) << '\n';
    }
    if (!list) usage("cannot write " + list_path);
  }
  std::cout << "fault farm listening on http://127.0.0.1:" << farm.port() << "/ (" << farm.feeds().size()
            << " feeds, seed " << options.seed << ")" << std::endl;
  int received = 0;
  sigwait(&stop_signals, &received);
  const auto counts = farm.request_counts();
  std::cout << "fault farm stopping: " << std::accumulate(counts.begin(), counts.end(), 0L) << " feed requests"
            << std::endl;
  return 0;
}
