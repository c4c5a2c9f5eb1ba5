// Who gives way when every connection slot is taken: the connection idle
// longest, never one with a request in progress.
#include "serve/connection_table.hpp"

#include <gtest/gtest.h>

namespace tributary::serve {
namespace {

struct FakeConnection {
  int number = 0;
};

TEST(ConnectionTable, AdmitsBelowTheLimitWithoutEvicting) {
  ConnectionTable<FakeConnection> table(2);
  FakeConnection a{1};
  const auto admission = table.admit();
  EXPECT_TRUE(admission.is_admitted);
  EXPECT_EQ(admission.evicted, nullptr);
  table.add(&a);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.is_idle(&a)) << "a new connection has sent nothing yet";
}

TEST(ConnectionTable, AtTheLimitTheLongestIdleGivesWay) {
  ConnectionTable<FakeConnection> table(3);
  FakeConnection a{1}, b{2}, c{3};
  for (FakeConnection* connection : {&a, &b, &c}) table.add(connection);
  // a goes busy and idle again: now b has waited longest.
  table.mark_busy(&a);
  table.mark_idle(&a);
  const auto admission = table.admit();
  EXPECT_TRUE(admission.is_admitted);
  EXPECT_EQ(admission.evicted, &b);
  EXPECT_FALSE(table.contains(&b));
  EXPECT_EQ(table.size(), 2u);
  FakeConnection d{4};
  table.add(&d);
  EXPECT_EQ(table.admit().evicted, &c);
}

TEST(ConnectionTable, BusyConnectionsAreNeverEvicted) {
  ConnectionTable<FakeConnection> table(2);
  FakeConnection a{1}, b{2};
  table.add(&a);
  table.add(&b);
  table.mark_busy(&a);
  EXPECT_EQ(table.admit().evicted, &b);
  FakeConnection c{3};
  table.add(&c);
  table.mark_busy(&c);
  const auto refused = table.admit();
  EXPECT_FALSE(refused.is_admitted) << "every connection is busy with a request";
  EXPECT_EQ(refused.evicted, nullptr);
  EXPECT_EQ(table.size(), 2u);
}

TEST(ConnectionTable, RemovingIsSafeTwiceAndAfterEviction) {
  ConnectionTable<FakeConnection> table(1);
  FakeConnection a{1};
  table.add(&a);
  EXPECT_EQ(table.admit().evicted, &a);
  table.remove(&a);  // its session ends later
  table.mark_idle(&a);
  table.mark_busy(&a);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.idle_count(), 0u);
  FakeConnection b{2};
  table.add(&b);
  table.remove(&b);
  table.remove(&b);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.admit().is_admitted);
}

TEST(ConnectionTable, ListsIdleConnectionsLongestIdleFirst) {
  ConnectionTable<FakeConnection> table(10);
  FakeConnection a{1}, b{2}, c{3};
  for (FakeConnection* connection : {&a, &b, &c}) table.add(connection);
  table.mark_busy(&b);
  table.mark_idle(&b);
  table.mark_idle(&b);  // already idle: keeps its place
  table.mark_busy(&c);
  const std::list<FakeConnection*> expected = {&a, &b};
  EXPECT_EQ(table.idle(), expected);
  EXPECT_EQ(table.pop_longest_idle(), &a);
  EXPECT_EQ(table.pop_longest_idle(), &b);
  EXPECT_EQ(table.pop_longest_idle(), nullptr);
}

TEST(ConnectionTable, ForEachVisitsEveryOpenConnectionIdleOrBusy) {
  ConnectionTable<FakeConnection> table(3);
  FakeConnection a{1}, b{2}, c{3};
  for (FakeConnection* connection : {&a, &b, &c}) table.add(connection);
  table.mark_busy(&b);
  table.remove(&c);
  int visited = 0;
  table.for_each([&visited](FakeConnection* connection) { visited += connection->number; });
  EXPECT_EQ(visited, 1 + 2) << "the deadline sweeper must see busy connections too, and no closed one";
}

// ---- how many connections fit in the open-file limit ----

TEST(ConnectionsWithinDescriptorLimit, AnAmpleLimitKeepsTheConfiguredNumber) {
  EXPECT_EQ(connections_within_descriptor_limit(1048576, 2048, 64), 2048u);
  EXPECT_EQ(connections_within_descriptor_limit(2048 + 64 + kDescriptorsBesideConnections, 2048, 64), 2048u);
}

TEST(ConnectionsWithinDescriptorLimit, ATightLimitLeavesRoomForPollsAndTheDatabase) {
  // systemd's default soft limit when the hard one cannot be raised.
  EXPECT_EQ(connections_within_descriptor_limit(1024, 2048, 64), 1024u - 64 - kDescriptorsBesideConnections);
}

TEST(ConnectionsWithinDescriptorLimit, ReadersKeepAQuarterOfATinyLimit) {
  EXPECT_EQ(connections_within_descriptor_limit(128, 2048, 64), 32u);
  EXPECT_EQ(connections_within_descriptor_limit(128, 10, 64), 10u);
  EXPECT_EQ(connections_within_descriptor_limit(2, 2048, 64), 1u);
}

}  // namespace
}  // namespace tributary::serve
