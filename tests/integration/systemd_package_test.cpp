// Installing: `cmake --install` into a staging directory (never over an
// existing configuration), and the Debian package from `cpack -G DEB`,
// installed and removed with dpkg in a throwaway root (--root, maintainer
// scripts run outside a chroot with DPKG_ROOT set, as for bootstrapping).
#include <gtest/gtest.h>

#include <sstream>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kBuildDir = TRIBUTARY_BUILD_DIR;

TEST(SystemdPackage, CmakeInstallPutsEverythingInPlaceAndKeepsAnExistingConfig) {
  TempDir dir;
  const fs::path root = dir.path() / "root";
  dir.write("root/etc/tributary/tributary.toml", "# the operator's own\n");
  const CommandResult install = run_command({"/usr/bin/env", "DESTDIR=" + root.string(), TRIBUTARY_CMAKE, "--install",
                                             kBuildDir, "--prefix", "/opt/tributary"},
                                            300s);
  ASSERT_EQ(install.exit_code, 0) << install.output;
  EXPECT_TRUE(fs::exists(root / "opt/tributary/bin/tributary"));
  EXPECT_TRUE(fs::exists(root / "opt/tributary/share/man/man1/tributary.1.gz"));
  EXPECT_TRUE(fs::exists(root / "opt/tributary/lib/systemd/system/tributary.socket"));
  const std::string unit = read_text_file(root / "opt/tributary/lib/systemd/system/tributary.service");
  EXPECT_NE(unit.find("ExecStart=/opt/tributary/bin/tributary --config /etc/tributary/tributary.toml run"),
            std::string::npos)
      << unit;
  EXPECT_EQ(read_text_file(root / "etc/tributary/tributary.toml"), "# the operator's own\n");
  EXPECT_NE(install.output.find("Keeping the existing configuration"), std::string::npos) << install.output;
}

TEST(SystemdPackage, DebInstallsAndRemovesInAThrowawayRoot) {
  TempDir dir;
  const CommandResult pack = run_command(
      {TRIBUTARY_CPACK, "-G", "DEB", "--config", kBuildDir + "/CPackConfig.cmake", "-B", dir.path().string()}, 600s);
  ASSERT_EQ(pack.exit_code, 0) << pack.output;
  fs::path deb;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    if (entry.path().extension() == ".deb") deb = entry.path();
  ASSERT_FALSE(deb.empty()) << pack.output;

  const CommandResult contents = run_command({"/usr/bin/env", "dpkg-deb", "--contents", deb.string()}, 60s);
  ASSERT_EQ(contents.exit_code, 0) << contents.output;
  for (const char* path : {"./usr/bin/tributary", "./usr/lib/systemd/system/tributary.service",
                           "./usr/lib/systemd/system/tributary.socket", "./usr/share/man/man1/tributary.1.gz",
                           "./etc/tributary/tributary.toml"})
    EXPECT_NE(contents.output.find(std::string(path) + "\n"), std::string::npos) << path << "\n" << contents.output;
  const CommandResult conffiles = run_command({"/usr/bin/env", "dpkg-deb", "--info", deb.string(), "conffiles"}, 60s);
  EXPECT_EQ(conffiles.output, "/etc/tributary/tributary.toml\n");
  const CommandResult postinst = run_command({"/usr/bin/env", "dpkg-deb", "--info", deb.string(), "postinst"}, 60s);
  EXPECT_NE(postinst.output.find("daemon-reload"), std::string::npos) << postinst.output;
  for (const char* script : {"postinst", "prerm", "postrm"}) {
    const CommandResult text = run_command({"/usr/bin/env", "dpkg-deb", "--info", deb.string(), script}, 60s);
    std::istringstream lines(text.output);
    for (std::string line; std::getline(lines, line);)
      if (!line.starts_with("#")) {
        EXPECT_EQ(line.find("enable"), std::string::npos) << script << ": " << line;
      }
  }

  const fs::path root = dir.path() / "root";
  for (const char* sub : {"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/log"})
    fs::create_directories(root / sub);
  dir.write("root/var/lib/dpkg/status", "");
  const std::vector<std::string> dpkg{"/usr/bin/env",
                                      "dpkg",
                                      "--root=" + root.string(),
                                      "--log=/dev/null",
                                      "--force-script-chrootless",
                                      "--force-depends",
                                      "--force-not-root"};
  auto with = [&dpkg](std::vector<std::string> extra) {
    std::vector<std::string> argv = dpkg;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  };
  const CommandResult install = run_command(with({"--install", deb.string()}), 120s);
  ASSERT_EQ(install.exit_code, 0) << install.output;
  EXPECT_TRUE(fs::exists(root / "usr/bin/tributary"));
  EXPECT_TRUE(fs::exists(root / "usr/lib/systemd/system/tributary.service"));
  EXPECT_TRUE(fs::exists(root / "etc/tributary/tributary.toml"));
  EXPECT_FALSE(fs::exists(root / "etc/systemd/system/multi-user.target.wants/tributary.service"))
      << "installing enables nothing";
  const CommandResult status = run_command(with({"--status", "tributary"}), 60s);
  EXPECT_NE(status.output.find("Status: install ok installed"), std::string::npos) << status.output;

  // An edited configuration survives removal; purge takes it.
  dir.write("root/etc/tributary/tributary.toml", "# edited\n");
  const CommandResult remove = run_command(with({"--remove", "tributary"}), 120s);
  ASSERT_EQ(remove.exit_code, 0) << remove.output;
  EXPECT_FALSE(fs::exists(root / "usr/bin/tributary"));
  EXPECT_FALSE(fs::exists(root / "usr/lib/systemd/system/tributary.service"));
  EXPECT_EQ(read_text_file(root / "etc/tributary/tributary.toml"), "# edited\n");
  const CommandResult purge = run_command(with({"--purge", "tributary"}), 120s);
  ASSERT_EQ(purge.exit_code, 0) << purge.output;
  EXPECT_FALSE(fs::exists(root / "etc/tributary/tributary.toml"));
}

}  // namespace
}  // namespace tributary::testing
