// The tests' throwaway PostgreSQL cluster: initdb, the server as a direct
// child of the test process, databases through libpq.
//
// Why not `pg_ctl start`: pg_ctl detaches the server, which then outlives a
// test process that dies without running destructors (a sanitizer abort, a
// ctest timeout's SIGKILL). Run in the foreground as our child, the server
// gets the parent-death signal SIGKILL (ChildProcess sets it; as root,
// setpriv sets it again after changing user, which clears it), and its own
// children exit when they see the postmaster gone. The temporary directory
// is left behind in that case.
#include "support/postgres_cluster.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/wait.hpp"

namespace tributary::testing {
namespace {

constexpr const char* kSuperuser = "tributary";
constexpr std::size_t kMaxNameBytes = 63;  // NAMEDATALEN - 1: longer names are cut, silently
constexpr auto kInitdbTimeout = std::chrono::seconds(120);
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(10);

bool is_all_digits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// Debian installs major versions side by side (/usr/lib/postgresql/15/bin);
// the newest is what a fresh `apt-get install postgresql` brings.
std::filesystem::path newest_server_binaries() {
  std::filesystem::path newest;
  int newest_major = -1;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ignored)) {
    const std::string major = entry.path().filename().string();
    const auto bin = entry.path() / "bin";
    if (!is_all_digits(major) || major.size() > 4 || !std::filesystem::exists(bin / "postgres", ignored) ||
        !std::filesystem::exists(bin / "initdb", ignored))
      continue;
    if (std::stoi(major) > newest_major) {
      newest_major = std::stoi(major);
      newest = bin;
    }
  }
  if (newest.empty())
    throw std::runtime_error("no PostgreSQL server in /usr/lib/postgresql/*/bin: install Debian's postgresql package");
  return newest;
}

// The server refuses to run as root. As root, `directory` is given to
// Debian's `postgres` system user and programs run as that user through
// setpriv, which changes user and execs in place: runuser would stay in
// between as the server's parent, and the parent-death signal would reach
// runuser, not the server. Empty when not root.
std::vector<std::string> hand_over_to_server_user(const std::filesystem::path& directory) {
  if (geteuid() != 0) return {};
  const passwd* user = getpwnam("postgres");
  if (user == nullptr)
    throw std::runtime_error(
        "running as root and there is no `postgres` user to run the server as (it refuses root): install Debian's "
        "postgresql package, or `useradd --system postgres`");
  if (chown(directory.c_str(), user->pw_uid, user->pw_gid) != 0)
    throw std::runtime_error("cannot give " + directory.string() + " to the postgres user");
  return {"/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"};
}

// The last lines of a program's output on one line (a skip reason is one).
std::string tail_of(const std::string& output, std::size_t line_count = 3) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < output.size()) {
    const std::size_t end = std::min(output.find('\n', start), output.size());
    if (end > start) lines.push_back(output.substr(start, end - start));
    start = end + 1;
  }
  std::string tail;
  for (std::size_t i = lines.size() > line_count ? lines.size() - line_count : 0; i < lines.size(); ++i)
    tail += (tail.empty() ? "" : " | ") + lines[i];
  return tail.empty() ? "(no output)" : tail;
}

// RFC 3986 section 2.3: everything but the unreserved characters is
// percent-encoded (the socket directory's slashes included, as libpq needs
// in the host parameter).
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool is_unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                               c == '.' || c == '_' || c == '~';
    if (is_unreserved) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xF];
    }
  }
  return encoded;
}

// The superuser on the maintenance database `postgres`, with the connection
// and every statement bounded in time.
struct MaintenanceConnectionParameters {
  explicit MaintenanceConnectionParameters(const std::filesystem::path& socket_directory)
      : host(socket_directory.string()) {}
  // value_list points into host.
  MaintenanceConnectionParameters(const MaintenanceConnectionParameters&) = delete;
  MaintenanceConnectionParameters& operator=(const MaintenanceConnectionParameters&) = delete;
  const char* const* keywords() const { return keyword_list; }
  const char* const* values() const { return value_list; }

  std::string host;
  const char* keyword_list[6] = {"host", "user", "dbname", "connect_timeout", "options", nullptr};
  const char* value_list[6] = {host.c_str(), kSuperuser, "postgres", "10", "-c statement_timeout=30s", nullptr};
};

// Keeps "NOTICE: database ... does not exist, skipping" off the test's output.
void ignore_notice(void*, const char*) {}

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// Runs `before` + the quoted identifier `database` + `after`.
void run_database_statement(const std::filesystem::path& socket_directory, const std::string& before,
                            std::string_view database, const std::string& after) {
  const MaintenanceConnectionParameters parameters(socket_directory);
  const std::unique_ptr<PGconn, decltype(&PQfinish)> connection(
      PQconnectdbParams(parameters.keywords(), parameters.values(), 0), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK)
    throw std::runtime_error("cannot connect to the test cluster in " + socket_directory.string() + ": " +
                             trimmed(PQerrorMessage(connection.get())));
  PQsetNoticeProcessor(connection.get(), ignore_notice, nullptr);
  const std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      PQescapeIdentifier(connection.get(), database.data(), database.size()), &PQfreemem);
  if (!quoted) throw std::runtime_error("cannot quote the database name: " + trimmed(PQerrorMessage(connection.get())));
  const std::string statement = before + quoted.get() + after;
  const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), statement.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
    throw std::runtime_error(statement + ": " + trimmed(PQerrorMessage(connection.get())));
}

}  // namespace

PostgresCluster::PostgresCluster() {
  const std::filesystem::path bin = newest_server_binaries();
  const std::vector<std::string> as_server_user = hand_over_to_server_user(directory_.path());
  const std::string data = (directory_.path() / "data").string();

  std::vector<std::string> initdb = as_server_user;
  initdb.insert(initdb.end(), {(bin / "initdb").string(), "-D", data, "-A", "trust", "-U", kSuperuser, "-E", "UTF8",
                               "--locale=C", "--no-sync"});
  if (const CommandResult result = run_command(initdb, kInitdbTimeout); result.exit_code != 0)
    throw std::runtime_error("initdb failed (exit " + std::to_string(result.exit_code) +
                             "): " + tail_of(result.output));

  std::vector<std::string> postgres = as_server_user;
  if (!postgres.empty()) postgres.push_back("--pdeathsig=KILL");
  postgres.insert(postgres.end(),
                  {(bin / "postgres").string(), "-D", data, "-c", "listen_addresses=", "-c",
                   "unix_socket_directories=" + directory_.path().string(), "-c", "fsync=off", "-c",
                   "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"});
  server_.emplace(postgres, directory_.path() / "postgres.log");
  wait_until_ready();
}

PostgresCluster::~PostgresCluster() { stop(); }

void PostgresCluster::wait_until_ready() {
  const MaintenanceConnectionParameters parameters(directory_.path());
  const auto is_ready = [&] { return PQpingParams(parameters.keywords(), parameters.values(), 0) == PQPING_OK; };
  if (wait_until([&] { return is_ready() || !server_->is_running(); }, kStartTimeout, std::chrono::milliseconds(50)) &&
      server_->is_running())
    return;
  const bool has_exited = !server_->is_running();
  stop();
  throw std::runtime_error(std::string(has_exited ? "postgres exited while starting: "
                                                  : "postgres did not accept connections within 60 s: ") +
                           tail_of(server_->output()));
}

// As `pg_ctl stop -m immediate`: no shutdown checkpoint for a cluster that
// is thrown away. ChildProcess's destructor kills a server still running.
void PostgresCluster::stop() {
  if (!server_) return;
  server_->signal(SIGQUIT);
  server_->wait(kStopTimeout);
}

void PostgresCluster::freeze() { signal_server_and_backends(SIGSTOP); }

void PostgresCluster::thaw() { signal_server_and_backends(SIGCONT); }

// The backends are the server's children: found by their parent in /proc.
void PostgresCluster::signal_server_and_backends(int signal_number) {
  if (!server_) return;
  const pid_t server = server_->pid();
  std::vector<pid_t> targets = {server};
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // "PID (COMMAND) STATE PPID …": the command may hold spaces and parentheses.
    const std::size_t after_command = line.rfind(')');
    if (after_command == std::string::npos) continue;
    std::istringstream rest(line.substr(after_command + 1));
    std::string state;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == server) targets.push_back(static_cast<pid_t>(std::stol(name)));
  }
  for (const pid_t target : targets) kill(target, signal_number);
}

namespace {

struct SharedCluster {
  std::unique_ptr<PostgresCluster> cluster;
  std::string skip_reason;
};

// Started on first use; the static destructors at exit stop it.
const SharedCluster& shared_cluster() {
  static const SharedCluster shared = []() -> SharedCluster {
    try {
      return {std::make_unique<PostgresCluster>(), {}};
    } catch (const std::exception& error) {
      return {nullptr, error.what()};
    }
  }();
  return shared;
}

}  // namespace

PostgresCluster* PostgresCluster::shared() { return shared_cluster().cluster.get(); }

std::string PostgresCluster::shared_skip_reason() { return shared_cluster().skip_reason; }

std::string PostgresCluster::create_database(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes)
    throw std::invalid_argument("a database name has 1 to 63 bytes: " + std::string(name));
  run_database_statement(directory_.path(), "CREATE DATABASE ", name, "");
  return connection_uri(name);
}

void PostgresCluster::drop_database(std::string_view name) {
  run_database_statement(directory_.path(), "DROP DATABASE IF EXISTS ", name, " WITH (FORCE)");
}

std::string PostgresCluster::unique_database_name(std::string_view prefix) {
  return std::string(prefix) + "_" + std::to_string(++databases_named_);
}

std::string PostgresCluster::connection_uri(std::string_view database) const {
  return std::string("postgresql://") + kSuperuser + "@/" + percent_encode(database) +
         "?host=" + percent_encode(directory_.path().string());
}

}  // namespace tributary::testing
