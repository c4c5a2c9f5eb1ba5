// The shipped defaults of the settings that a module's own options repeat
// (the server's, the fetcher's, the store's): written once here, read by
// config.hpp and by those options, so that a module used without a config
// (tests, `tributary fetch`) behaves as the daemon does by default.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace tributary::config::defaults {

using Seconds = std::chrono::seconds;

// [server]
inline constexpr std::string_view kListenAddress = "127.0.0.1";
inline constexpr std::uint16_t kPort = 8080;
inline constexpr std::uint32_t kMaxServerConnections = 2048;
inline constexpr Seconds kIdleTimeout{60};
inline constexpr Seconds kHeaderTimeout{10};

// [fetch]
inline constexpr Seconds kFetchTimeout{30};
inline constexpr Seconds kConnectTimeout{10};
inline constexpr std::uint64_t kMaxBodyBytes = 16 * 1024 * 1024;
inline constexpr std::uint32_t kMaxConnectionsPerHost = 2;
inline constexpr std::uint32_t kMaxFetchConnections = 64;

// [storage] and [feed]
inline constexpr std::uint32_t kRetentionItems = 1000;
inline constexpr Seconds kRetentionAge{180 * 86400};
inline constexpr Seconds kTombstoneAge{730 * 86400};
inline constexpr Seconds kRemovedSourceGrace{7 * 86400};
inline constexpr Seconds kStoryWindow{72 * 3600};

}  // namespace tributary::config::defaults
