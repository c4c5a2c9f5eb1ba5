// Store, the front door: each call goes to the SQL store behind it
// (store/sql_store.hpp) on the engine the location names; what does not
// depend on how data is kept (the options a config makes, the newest
// entries as a query) is here.
#include "store/store.hpp"

#include "store/postgresql.hpp"
#include "store/postgresql_engine.hpp"
#include "store/sql_store.hpp"
#include "store/sqlite_engine.hpp"

namespace tributary::store {

StoreOptions store_options(const config::Config& config) {
  StoreOptions options;
  options.dedup = config.feed.dedup;
  options.story_window = config.feed.story_window;
  options.retention_items = config.storage.retention_items;
  options.retention_age = config.storage.retention_age;
  options.tombstone_age = config.storage.tombstone_age;
  options.removed_source_grace = config.storage.removed_source_grace;
  if (!config.filters.empty()) options.filters = std::make_shared<const filter::FilterSet>(config.filters);
  options.filter_signature = filter::signature(config);
  return options;
}

StoreLocation StoreLocation::sqlite(std::string path) { return {false, std::move(path), {}}; }

StoreLocation StoreLocation::postgresql(std::string url, std::string password) {
  return {true, std::move(url), std::move(password)};
}

std::string StoreLocation::shown() const {
  return is_postgresql ? config::redacted_storage_url(path_or_url) : path_or_url;
}

namespace {

std::unique_ptr<StoreEngine> engine_at(const StoreLocation& location) {
  if (location.is_postgresql) return std::make_unique<PostgresEngine>(location.path_or_url, location.password);
  return std::make_unique<SqliteEngine>(location.path_or_url);
}

}  // namespace

Store::Store(const StoreLocation& location, StoreOptions options)
    : impl_(std::make_unique<SqlStore>(engine_at(location), std::move(options))) {}

Store::Store(const std::string& path, StoreOptions options) : Store(StoreLocation::sqlite(path), std::move(options)) {}

Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

std::int64_t Store::schema_version() { return impl_->schema_version(); }

std::int64_t Store::ensure_source(const config::SourceSpec& spec) { return impl_->ensure_source(spec); }

void Store::retire_sources_except(const std::vector<std::int64_t>& kept_ids, core::Timestamp now) {
  impl_->retire_sources_except(kept_ids, now);
}

std::vector<std::int64_t> Store::register_sources(const std::vector<config::SourceSpec>& specs, core::Timestamp now) {
  return impl_->register_sources(specs, now);
}

std::vector<SourceRecord> Store::sources() { return impl_->sources(); }

std::optional<SourceRecord> Store::source(std::int64_t id) { return impl_->source(id); }

SourcesAtAGlance Store::sources_at_a_glance() { return impl_->sources_at_a_glance(); }

SourceStateCounts Store::source_state_counts(core::Timestamp now) { return impl_->source_state_counts(now); }

IngestResult Store::ingest(std::int64_t source_id, const PreparedDocument& document, core::Timestamp now) {
  return impl_->ingest(source_id, document.feed, document.entries, now);
}

IngestResult Store::ingest(std::int64_t source_id, const normalize::NormalizedFeed& feed, core::Timestamp now) {
  return impl_->ingest(source_id, feed, prepare_entries(feed), now);
}

void Store::record_poll(std::int64_t source_id, const PollRecord& poll) { impl_->record_poll(source_id, poll); }

bool Store::is_shared() const { return impl_->is_shared(); }

PollClaim Store::claim_poll(const PollClaimRequest& request) { return impl_->claim_poll(request); }

void Store::release_poll(std::int64_t source_id, const std::string& daemon) { impl_->release_poll(source_id, daemon); }

FleetView Store::fleet_beat(const FleetBeat& beat) { return impl_->fleet_beat(beat); }

FleetView Store::fleet_view(WallMilliseconds now) { return impl_->fleet_view(now); }

void Store::leave_fleet(const std::string& daemon) { impl_->leave_fleet(daemon); }

void Store::announce_change(const std::string& daemon) { impl_->announce_change(daemon); }

std::vector<SubscriptionRecord> Store::subscriptions() { return impl_->subscriptions(); }

void Store::save_subscription(const SubscriptionRecord& subscription) { impl_->save_subscription(subscription); }

void Store::delete_subscription(std::int64_t source_id) { impl_->delete_subscription(source_id); }

std::vector<StoredEntry> Store::newest_entries(std::size_t limit) {
  StoryQuery query;
  query.limit = limit;
  return impl_->query_stories(query);
}

std::vector<StoredEntry> Store::query_stories(const StoryQuery& query) { return impl_->query_stories(query); }

std::map<std::int64_t, std::vector<int>> Store::items_per_day(core::Timestamp now, int days) {
  return impl_->items_per_day(now, days);
}

std::int64_t Store::story_count() { return impl_->story_count(); }

MaintenanceResult Store::maintain(core::Timestamp now) { return impl_->maintain(now); }

std::string Store::health_problem() { return impl_->health_problem(); }

bool Store::is_writable() const { return impl_->is_writable(); }

std::size_t Store::update_search_index() { return impl_->update_search_index(); }

std::size_t Store::update_search_index_at_lull() { return impl_->update_search_index_at_lull(); }

void Store::checkpoint() { impl_->checkpoint(); }

std::int64_t Store::search_rebuild_items() const { return impl_->search_rebuild_items(); }

void Store::set_filters(std::shared_ptr<const filter::FilterSet> filters, std::string signature) {
  impl_->set_filters(std::move(filters), std::move(signature));
}
RefilterStep Store::refilter(std::size_t batch, core::Timestamp now) { return impl_->refilter(batch, now); }
std::vector<FilterableItem> Store::filterable_items(std::int64_t after_id, std::size_t limit) {
  return impl_->filterable_items(after_id, limit);
}

void Store::save_hub_subscription(const HubSubscription& subscription) { impl_->save_hub_subscription(subscription); }
void Store::remove_hub_subscription(const std::string& topic, const std::string& callback) {
  impl_->remove_hub_subscription(topic, callback);
}
std::vector<HubSubscription> Store::hub_subscriptions() { return impl_->hub_subscriptions(); }

}  // namespace tributary::store
