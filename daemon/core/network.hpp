// IP addresses and networks, read one way wherever they are written:
// `[fetch] allowed_networks` in the configuration, `no_proxy` entries and
// the fetcher's check of the addresses a source resolves to.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tributary::core {

// An IPv4 or IPv6 address as 16 bytes (IPv4 as v4-mapped IPv6,
// RFC 4291 §2.5.5.2), so that one comparison covers both families. Accepts
// "[v6]" and drops a v6 zone ("fe80::1%eth0"); surrounding spaces are
// trimmed.
std::optional<std::array<std::uint8_t, 16>> parse_ip_bytes(std::string_view text);

// An IP network, "10.0.0.0/8", "fd00::/8" or one address.
struct Network {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 as v4-mapped IPv6
  int prefix_length = 0;                 // over the 128 bits
};
std::optional<Network> parse_network(std::string_view text);
bool network_contains(const Network& network, std::string_view ip);

}  // namespace tributary::core
