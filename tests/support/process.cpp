// Child processes for integration tests (fork/exec, bounded waits).
#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/environment.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

// In the child, between fork and exec: closes every descriptor from 3 up
// but those passed on purpose.
void close_descriptors_except(std::vector<int> kept) {
  std::sort(kept.begin(), kept.end());
  unsigned first = 3;
  for (const int fd : kept) {
    if (fd < 3) continue;
    if (static_cast<unsigned>(fd) > first) ::close_range(first, static_cast<unsigned>(fd) - 1, 0);
    first = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(first, ~0U, 0);
}

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log_file,
            const std::vector<std::string>& environment, const std::filesystem::path* input_file,
            const std::vector<int>& passed_descriptors) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // A defined environment, not the caller's (see child_environment()).
  std::vector<std::string> env_strings = child_environment(environment);
  std::vector<char*> env;
  for (std::string& entry : env_strings) env.push_back(entry.data());
  env.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // A test that dies without running its destructors (a sanitizer abort,
    // a ctest timeout) takes its daemon along: an orphaned daemon would
    // keep polling, and keep the build lock that `flock … test` handed down
    // to it held for everyone.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
    const int out = open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int in = open(input_file ? input_file->c_str() : "/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    // Nothing of the test's leaks into the child: no descriptor but the
    // three (a build lock held by the test runner's flock, a listening
    // socket).
    close_descriptors_except(passed_descriptors);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  return pid;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<int> decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return std::nullopt;
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, std::filesystem::path log_file,
                           std::vector<std::string> environment, std::vector<int> passed_descriptors)
    : log_file_(std::move(log_file)) {
  pid_ = spawn(argv, log_file_, environment, nullptr, passed_descriptors);
}

ChildProcess::~ChildProcess() {
  if (is_running()) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

std::string ChildProcess::output() const { return read_file(log_file_); }

std::optional<std::string> ChildProcess::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto give_up_at = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::string text = output();
    if (const auto at = text.find(needle); at != std::string::npos) {
      const auto start = at + needle.size();
      return text.substr(start, text.find('\n', start) - start);
    }
    if (!is_running() || std::chrono::steady_clock::now() > give_up_at) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void ChildProcess::signal(int signal_number) {
  if (is_running()) ::kill(pid_, signal_number);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto give_up_at = std::chrono::steady_clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = decode_status(status);
      break;
    }
    if (done < 0 || std::chrono::steady_clock::now() > give_up_at) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

bool ChildProcess::is_running() {
  if (exit_code_ || pid_ <= 0) return false;
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    exit_code_ = decode_status(status);
    return false;
  }
  return done == 0;
}

CommandResult run_command(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                          const std::string& standard_input) {
  TempDir dir;
  const auto log = dir.path() / "output.txt";
  const auto input = dir.path() / "input.txt";
  std::ofstream(input, std::ios::binary) << standard_input;
  const pid_t pid = spawn(argv, log, {}, &input, {});
  CommandResult result;
  const auto give_up_at = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      result.exit_code = decode_status(status).value_or(-1);
      break;
    }
    if (std::chrono::steady_clock::now() > give_up_at) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.exit_code = -1;
      result.output = "(timed out)\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  result.output += read_file(log);
  return result;
}

std::filesystem::path newsboat_cache(const TempDir& home) { return home.path() / "cache.db"; }

CommandResult newsboat_reload(const TempDir& home, const std::string& url) {
  const std::filesystem::path urls = home.write("urls", url + "\n");
  const std::filesystem::path config = home.write("config", "");
  return run_command(
      {"/usr/bin/env", "HOME=" + home.path().string(), "no_proxy=127.0.0.1", "NO_PROXY=127.0.0.1", "/usr/bin/newsboat",
       "-x", "reload", "-u", urls.string(), "-C", config.string(), "-c", newsboat_cache(home).string()},
      std::chrono::seconds(60));
}

}  // namespace tributary::testing
