// The integration tests' launcher: DaemonConfig's TOML, DaemonProcess's
// start, waits and stop.
#include "support/daemon.hpp"

#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

// Key lines as TOML wants them: each ends in a newline.
std::string as_lines(const std::string& lines) { return lines.empty() || lines.ends_with('\n') ? lines : lines + "\n"; }

std::string section(const char* name, const std::string& lines) {
  return lines.empty() ? "" : "[" + std::string(name) + "]\n" + lines;
}

// The daemon logs "listening on http://HOST:PORT/ — feed at …" once its
// port accepts connections; `rest` is what follows "listening on http://".
std::optional<std::pair<std::string, std::uint16_t>> parse_listening(const std::string& rest) {
  const std::string authority = rest.substr(0, rest.find('/'));
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  unsigned port = 0;
  const char* digits = authority.data() + colon + 1;
  const auto [end, error] = std::from_chars(digits, authority.data() + authority.size(), port);
  if (error != std::errc{} || end != authority.data() + authority.size() || port == 0 || port > 65535)
    return std::nullopt;
  return std::pair{authority.substr(0, colon), static_cast<std::uint16_t>(port)};
}

std::vector<std::string> run_command_line(const std::filesystem::path& config_file, std::vector<std::string> wrapper) {
  std::vector<std::string> argv = std::move(wrapper);
  for (std::string word :
       {tributary_binary().string(), std::string("--config"), config_file.string(), std::string("run")})
    argv.push_back(std::move(word));
  return argv;
}

// Whether /sources.json lists `count` sources, each with `field` set.
bool lists_polled_sources(const HttpReply& reply, std::size_t count, const char* field) {
  if (reply.status != 200) return false;
  boost::system::error_code error;
  const boost::json::value document = boost::json::parse(reply.body, error);
  if (error || !document.is_object()) return false;
  const boost::json::value* sources = document.as_object().if_contains("sources");
  if (sources == nullptr || !sources->is_array() || sources->as_array().size() != count) return false;
  for (const boost::json::value& source : sources->as_array()) {
    const boost::json::value* value = source.is_object() ? source.as_object().if_contains(field) : nullptr;
    if (value == nullptr || value->is_null()) return false;
  }
  return true;
}

}  // namespace

std::string toml_string(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

DaemonConfig::DaemonConfig(std::filesystem::path database) : database_(std::move(database)) {}

DaemonConfig& DaemonConfig::listen(const std::string& address) {
  listen_ = address;
  return *this;
}

DaemonConfig& DaemonConfig::port(std::uint16_t port) {
  port_ = port;
  return *this;
}

DaemonConfig& DaemonConfig::server(const std::string& lines) { return append(server_, lines); }

DaemonConfig& DaemonConfig::fetch(const std::string& lines) { return append(fetch_, lines); }

DaemonConfig& DaemonConfig::schedule(const std::string& lines) { return append(schedule_, lines); }

DaemonConfig& DaemonConfig::feed(const std::string& lines) { return append(feed_, lines); }

DaemonConfig& DaemonConfig::log(const std::string& lines) { return append(log_, lines); }

DaemonConfig& DaemonConfig::channel(const std::string& lines) { return append(tables_, "[[channel]]\n" + lines); }

DaemonConfig& DaemonConfig::source(const std::string& url, const std::string& name, const std::string& lines) {
  tables_ += "[[source]]\nurl = " + toml_string(url) + "\n";
  if (!name.empty()) tables_ += "name = " + toml_string(name) + "\n";
  tables_ += as_lines(lines);
  return *this;
}

DaemonConfig& DaemonConfig::raw(const std::string& toml) { return append(raw_, toml); }

DaemonConfig& DaemonConfig::storage(const std::string& lines) { return append(storage_, lines); }

DaemonConfig& DaemonConfig::postgresql(const std::string& url) {
  postgresql_url_ = url;
  return *this;
}

DaemonConfig& DaemonConfig::append(std::string& section, const std::string& lines) {
  section += as_lines(lines);
  return *this;
}

std::string DaemonConfig::text() const {
  return "[server]\nlisten = " + toml_string(listen_) + "\nport = " + std::to_string(port_) + "\n" + server_ +
         "[storage]\n" +
         (postgresql_url_.empty() ? "database = " + toml_string(database_.string())
                                  : "backend = \"postgresql\"\nurl = " + toml_string(postgresql_url_)) +
         "\n" + storage_ + section("fetch", fetch_) + section("schedule", schedule_) + section("feed", feed_) +
         section("log", log_) + raw_ + tables_;
}

DaemonProcess::DaemonProcess(const std::filesystem::path& config_file, const std::filesystem::path& log_file,
                             DaemonOptions options)
    : process_(run_command_line(config_file, std::move(options.wrapper)), log_file, std::move(options.environment),
               std::move(options.passed_descriptors)) {}

bool DaemonProcess::wait_until_listening(std::chrono::milliseconds timeout) {
  const std::optional<std::string> rest = process_.wait_for_output("listening on http://", timeout);
  const auto listening = rest ? parse_listening(*rest) : std::nullopt;
  if (!listening) return false;
  host_ = listening->first;
  port_ = listening->second;
  return true;
}

std::string DaemonProcess::base_url() const {
  const bool is_v6 = host_.find(':') != std::string::npos;
  return "http://" + (is_v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_) + "/";
}

std::optional<std::string> DaemonProcess::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) {
  return process_.wait_for_output(needle, timeout);
}

HttpReply DaemonProcess::get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers,
                             std::chrono::milliseconds timeout) const {
  return http_request(host_, port_, "GET", target, headers, timeout);
}

HttpReply DaemonProcess::wait_until_http(const std::string& target,
                                         const std::function<bool(const HttpReply&)>& is_awaited,
                                         std::chrono::milliseconds timeout,
                                         const std::vector<std::pair<std::string, std::string>>& headers) const {
  HttpReply reply;
  wait_until(
      [&] {
        reply = get(target, headers);
        return is_awaited(reply);
      },
      timeout, 200ms);
  return reply;
}

HttpReply DaemonProcess::wait_for_status(const std::string& target, int status,
                                         std::chrono::milliseconds timeout) const {
  return wait_until_http(
      target, [status](const HttpReply& reply) { return reply.status == status; }, timeout);
}

bool DaemonProcess::wait_until_sources_polled(std::size_t count, SourcesPolled how,
                                              std::chrono::milliseconds timeout) const {
  const char* field = how == SourcesPolled::successfully ? "last_success" : "last_poll";
  const HttpReply reply = wait_until_http(
      "/sources.json", [&](const HttpReply& answer) { return lists_polled_sources(answer, count, field); }, timeout);
  return lists_polled_sources(reply, count, field);
}

std::optional<int> DaemonProcess::stop(std::chrono::milliseconds timeout) {
  process_.signal(SIGTERM);
  return process_.wait(timeout);
}

}  // namespace tributary::testing
