// main() of every test executable: GoogleTest's, plus a check that each
// test leaves the process environment as it found it. A test that sets a
// variable without restoring it (ScopedEnvironment does) would decide the
// outcome of the tests after it, and only in the order they happen to run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

extern char** environ;

namespace {

std::set<std::string> environment_entries() {
  std::set<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) entries.emplace(*entry);
  return entries;
}

std::string difference(const std::set<std::string>& from, const std::set<std::string>& to) {
  std::string text;
  for (const std::string& entry : from)
    if (!to.contains(entry)) text += "\n  - " + entry;
  for (const std::string& entry : to)
    if (!from.contains(entry)) text += "\n  + " + entry;
  return text;
}

// As GoogleTest's own leak-checker sample does: a failure raised in
// OnTestEnd counts against the test that just ended.
class EnvironmentLeakCheck : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo&) override { before_ = environment_entries(); }
  void OnTestEnd(const ::testing::TestInfo&) override {
    const std::string changes = difference(before_, environment_entries());
    EXPECT_TRUE(changes.empty()) << "the test changed the environment and did not restore it "
                                    "(use tributary::testing::ScopedEnvironment):"
                                 << changes;
  }

 private:
  std::set<std::string> before_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  // Appended after the result printer; end events run in reverse order, so
  // the check reports before the printer closes the test.
  ::testing::UnitTest::GetInstance()->listeners().Append(new EnvironmentLeakCheck);
  return RUN_ALL_TESTS();
}
