// Story dedup through the daemon (issue 23), as the acceptance check sees
// it: the real tributary binary polls the 40 outlets of the labeled set in
// tests/fixtures/dedup/labeled with the shipped dedup settings, and its
// merged feed must show every story group as one entry that covers all its
// copies (the entry's own link or a related link, by article URL), no
// entry covering items of two stories, and related links that are
// canonical URLs, never the entry's own page.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/url.hpp"
#include "support/atom_reader.hpp"
#include "support/daemon.hpp"
#include "support/fake_upstream.hpp"
#include "support/http_client.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"
#include "unit/store/dedup_labeled_set.hpp"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;
using store::labeled::Item;

// A labeled story: its case and its label there.
using StoryLabel = std::pair<int, std::string>;

StoryLabel label_of(const Item& item) { return {item.case_number, item.story}; }

// The daemon keeps its store in SQLite, or (kOnPostgresql) in a database of
// the tests' throwaway PostgreSQL cluster: the same stories either way.
template <bool kOnPostgresql>
class StoryDedupOn : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    DaemonOptions options;
    std::string postgresql_url;
    if constexpr (kOnPostgresql) {
      PostgresCluster* cluster = PostgresCluster::shared();
      if (!cluster) GTEST_SKIP() << PostgresCluster::shared_skip_reason();
      postgresql_url = cluster->create_database(cluster->unique_database_name("story_dedup"));
    }
    items_ = store::labeled::read_set(fixtures_dir() / "dedup" / "labeled");
    upstream_ = std::make_unique<FakeUpstream>();
    dir_ = std::make_unique<TempDir>();
    // Only the schedule is made quick; dedup runs with the shipped settings.
    DaemonConfig config(dir_->path() / "tributary.db");
    if (!postgresql_url.empty()) {
      config.postgresql(postgresql_url);
      options.environment.push_back("STATE_DIRECTORY=" + dir_->path().string());  // its pid file
    }
    config.schedule("interval = \"1h\"\nhost_delay = \"0s\"\nper_host = 8").feed("dedup = \"story\"\nentries = 500");
    for (const auto& [feed, document] : store::labeled::documents(items_)) {
      upstream_->serve("/" + feed + ".atom", {200, {{"Content-Type", "application/atom+xml"}}, document, {}, {}});
      config.source(upstream_->url("/" + feed + ".atom"), feed);
    }
    daemon_ = std::make_unique<DaemonProcess>(dir_->write("tributary.toml", config.text()), dir_->path() / "daemon.log",
                                              std::move(options));
    ASSERT_TRUE(daemon_->wait_until_listening()) << daemon_->output();
    const std::size_t outlets = store::labeled::feeds_of(items_).size();
    ASSERT_TRUE(daemon_->wait_until_sources_polled(outlets, SourcesPolled::successfully, 90s))
        << "not every outlet was polled\n"
        << daemon_->output();
    // The feed is re-rendered after the last poll's commit: until the entry
    // count settles (bounded).
    std::optional<std::size_t> last;
    wait_until(
        [&last] {
          entries_ = entries_of(get("/feed.atom").body);
          const bool is_settled = last == entries_.size();
          last = entries_.size();
          return is_settled;
        },
        10s, 200ms);
  }

  static void TearDownTestSuite() {
    daemon_.reset();
    upstream_.reset();
    dir_.reset();
  }

  static HttpReply get(const std::string& target) { return daemon_->get(target); }

  // The labeled items an entry covers: its own item, and every item whose
  // article URL is the entry's link or one of its related links.
  static std::set<std::size_t> covered_by(const Entry& entry) {
    std::set<std::string> pages = {core::story_url_key(entry.link)};
    for (const std::string& related : entry.related) pages.insert(core::story_url_key(related));
    std::set<std::size_t> covered;
    for (std::size_t i = 0; i < items_.size(); ++i)
      if (pages.count(core::story_url_key(items_[i].link)) > 0) covered.insert(i);
    return covered;
  }

  static inline std::vector<Item> items_;
  static inline std::unique_ptr<FakeUpstream> upstream_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<DaemonProcess> daemon_;
  static inline std::vector<Entry> entries_;
};

using StoryDedup = StoryDedupOn<false>;
using StoryDedupOnPostgresql = StoryDedupOn<true>;

template <bool kOnPostgresql>
void expect_every_group_is_one_entry_covering_all_its_copies() {
  using Suite = StoryDedupOn<kOnPostgresql>;
  const std::vector<Item>& items_ = Suite::items_;
  const std::vector<Entry>& entries_ = Suite::entries_;
  std::map<StoryLabel, std::vector<std::size_t>> stories;
  for (std::size_t i = 0; i < items_.size(); ++i) stories[label_of(items_[i])].push_back(i);
  EXPECT_EQ(entries_.size(), stories.size()) << "one entry per labeled story";
  std::map<StoryLabel, int> entries_per_story;
  for (const Entry& entry : entries_) {
    const std::set<std::size_t> covered = Suite::covered_by(entry);
    ASSERT_FALSE(covered.empty()) << entry.link;
    std::set<StoryLabel> labels;
    for (const std::size_t i : covered) labels.insert(label_of(items_[i]));
    EXPECT_EQ(labels.size(), 1u) << "one entry, several stories: " << entry.title << " " << entry.link;
    const StoryLabel label = label_of(items_[*covered.begin()]);
    ++entries_per_story[label];
    for (const std::size_t i : stories[label])
      EXPECT_TRUE(covered.count(i) > 0) << "case " << label.first << " story " << label.second << ": " << items_[i].link
                                        << " is not part of the entry " << entry.link;
  }
  for (const auto& [label, count] : entries_per_story)
    EXPECT_EQ(count, 1) << "case " << label.first << " story " << label.second << " shown " << count << " times";
}

template <bool kOnPostgresql>
void expect_related_links_canonical_and_never_the_entrys_own_page() {
  const std::vector<Entry>& entries = StoryDedupOn<kOnPostgresql>::entries_;
  ASSERT_FALSE(entries.empty());
  for (const Entry& entry : entries) {
    for (const std::string& related : entry.related) {
      EXPECT_EQ(related, core::canonical_url(related)) << "in " << entry.link;
      EXPECT_NE(core::story_url_key(related), core::story_url_key(entry.link)) << "in " << entry.link;
    }
  }
}

TEST_F(StoryDedup, EveryGroupIsOneEntryCoveringAllItsCopies) {
  expect_every_group_is_one_entry_covering_all_its_copies<false>();
}

TEST_F(StoryDedup, RelatedLinksAreCanonicalAndNeverTheEntrysOwnPage) {
  expect_related_links_canonical_and_never_the_entrys_own_page<false>();
}

TEST_F(StoryDedupOnPostgresql, EveryGroupIsOneEntryCoveringAllItsCopies) {
  expect_every_group_is_one_entry_covering_all_its_copies<true>();
}

TEST_F(StoryDedupOnPostgresql, RelatedLinksAreCanonicalAndNeverTheEntrysOwnPage) {
  expect_related_links_canonical_and_never_the_entrys_own_page<true>();
}

}  // namespace
}  // namespace tributary::testing
