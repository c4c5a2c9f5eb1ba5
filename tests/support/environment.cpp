// ScopedEnvironment and the defined environment of child processes.
#include "support/environment.hpp"

#include <cstdlib>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

std::optional<std::string> get(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

void replace_or_add(std::vector<std::string>& entries, const std::string& entry) {
  const std::string name = name_of(entry);
  std::erase_if(entries, [&](const std::string& existing) { return name_of(existing) == name; });
  entries.push_back(entry);
}

}  // namespace

ScopedEnvironment::~ScopedEnvironment() {
  for (auto saved = saved_.rbegin(); saved != saved_.rend(); ++saved) {
    if (saved->value)
      ::setenv(saved->name.c_str(), saved->value->c_str(), 1);
    else
      ::unsetenv(saved->name.c_str());
  }
}

void ScopedEnvironment::remember(const std::string& name) {
  for (const Saved& saved : saved_)
    if (saved.name == name) return;  // the first value is the one to restore
  saved_.push_back({name, get(name)});
}

ScopedEnvironment& ScopedEnvironment::set(const std::string& name, const std::string& value) {
  remember(name);
  if (::setenv(name.c_str(), value.c_str(), 1) != 0)
    throw std::runtime_error("cannot set the environment variable " + name);
  return *this;
}

ScopedEnvironment& ScopedEnvironment::unset(const std::string& name) {
  remember(name);
  ::unsetenv(name.c_str());
  return *this;
}

ScopedEnvironment& ScopedEnvironment::clear_proxies() {
  for (const std::string& name : proxy_variables()) unset(name);
  return *this;
}

const std::vector<std::string>& proxy_variables() {
  static const std::vector<std::string> names = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                                 "no_proxy",   "NO_PROXY",   "all_proxy",   "ALL_PROXY"};
  return names;
}

const std::filesystem::path& test_home() {
  static const TempDir home;  // removed by the static destructor at exit
  return home.path();
}

std::vector<std::string> child_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> entries;
  entries.push_back("PATH=" + get("PATH").value_or("/usr/local/bin:/usr/bin:/bin"));
  for (const char* name : {"TMPDIR", "TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
    if (const auto value = get(name)) entries.push_back(std::string(name) + "=" + *value);
  entries.push_back("LANG=C.UTF-8");
  entries.push_back("HOME=" + test_home().string());
  for (const std::string& entry : overrides) replace_or_add(entries, entry);
  return entries;
}

}  // namespace tributary::testing
