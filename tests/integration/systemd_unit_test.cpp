// The unit files as systemd reads them: `systemd-analyze verify` (with the
// man page it points to, from the build tree) and the sandbox's exposure
// score from `systemd-analyze security --offline=true`, which must stay at
// or below 1.5. The score is printed in the test log.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kSystemdAnalyze = "/usr/bin/systemd-analyze";

std::filesystem::path unit_file(const std::string& name) {
  return std::filesystem::path(TRIBUTARY_SOURCE_DIR) / "systemd" / name;
}

TEST(SystemdUnit, PassesSystemdAnalyzeVerify) {
  ASSERT_TRUE(std::filesystem::exists(kSystemdAnalyze)) << "install the Debian package systemd";
  // The unit names /usr/bin/tributary; verify checks that ExecStart exists,
  // so check a copy that names the binary just built, next to the socket.
  TempDir dir;
  std::string unit = read_text_file(unit_file("tributary.service"));
  const std::string installed = "/usr/bin/tributary";
  ASSERT_NE(unit.find(installed), std::string::npos);
  unit.replace(unit.find(installed), installed.size(), tributary_binary().string());
  const auto service = dir.write("tributary.service", unit);
  const auto socket = dir.write("tributary.socket", read_text_file(unit_file("tributary.socket")));
  // Documentation=man:tributary(1): found through MANPATH in the build tree.
  const std::string manpath = std::string(TRIBUTARY_BUILD_DIR) + "/man";
  ASSERT_TRUE(std::filesystem::exists(manpath + "/man1/tributary.1")) << "build the man page (target man) first";
  const CommandResult result = run_command({"/usr/bin/env", "MANPATH=" + manpath, "SYSTEMD_LOG_LEVEL=notice",
                                            kSystemdAnalyze.string(), "verify", service.string(), socket.string()},
                                           120s);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "") << "systemd-analyze verify has remarks";
}

TEST(SystemdUnit, SandboxExposureIsAtMostOnePointFive) {
  ASSERT_TRUE(std::filesystem::exists(kSystemdAnalyze)) << "install the Debian package systemd";
  const CommandResult result = run_command(
      {kSystemdAnalyze.string(), "security", "--offline=true", "--no-pager", unit_file("tributary.service").string()},
      120s);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // "→ Overall exposure level for tributary.service: 1.1 OK 🙂"
  const std::string label = "Overall exposure level for tributary.service: ";
  const auto at = result.output.find(label);
  ASSERT_NE(at, std::string::npos) << result.output;
  const std::string verdict = result.output.substr(at + label.size(), result.output.find('\n', at) - at - label.size());
  const double score = std::stod(verdict);
  std::cout << "systemd-analyze security --offline=true systemd/tributary.service: exposure " << verdict << "\n";
  RecordProperty("exposure", verdict.substr(0, verdict.find(' ')));
  EXPECT_LE(score, 1.5) << result.output;
}

TEST(SystemdUnit, HasEveryDirectiveTheServiceNeeds) {
  const std::string unit = read_text_file(unit_file("tributary.service"));
  for (const char* line : {"Type=notify",
                           "WatchdogSec=",
                           "ExecReload=",
                           "Restart=on-failure",
                           "DynamicUser=yes",
                           "StateDirectory=tributary",
                           "ConfigurationDirectory=tributary",
                           "ProtectSystem=strict",
                           "ProtectHome=yes",
                           "PrivateTmp=yes",
                           "PrivateDevices=yes",
                           "NoNewPrivileges=yes",
                           "CapabilityBoundingSet=\n",
                           "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                           "SystemCallFilter=@system-service",
                           "SystemCallArchitectures=native",
                           "MemoryDenyWriteExecute=yes",
                           "LockPersonality=yes",
                           "RestrictNamespaces=yes",
                           "RestrictRealtime=yes",
                           "RestrictSUIDSGID=yes",
                           "ProtectKernelTunables=yes",
                           "ProtectKernelModules=yes",
                           "ProtectKernelLogs=yes",
                           "ProtectClock=yes",
                           "ProtectHostname=yes",
                           "ProtectControlGroups=yes",
                           "UMask=0077"})
    EXPECT_NE(unit.find(std::string("\n") + line), std::string::npos) << line;
}

}  // namespace
}  // namespace tributary::testing
