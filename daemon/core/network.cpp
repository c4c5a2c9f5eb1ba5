// IP addresses and networks (see network.hpp). inet_pton reads the address
// forms POSIX defines; nothing here resolves names.
#include "core/network.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <string>

#include "core/text.hpp"

namespace tributary::core {

std::optional<std::array<std::uint8_t, 16>> parse_ip_bytes(std::string_view text) {
  text = trim(text);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::array<std::uint8_t, 16> bytes{};
  const std::string address(text);
  if (inet_pton(AF_INET, address.c_str(), bytes.data() + 12) == 1) {
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    return bytes;
  }
  // A zone names an interface of this machine; the address is the same.
  const std::string without_zone = address.substr(0, address.find('%'));
  if (inet_pton(AF_INET6, without_zone.c_str(), bytes.data()) == 1) return bytes;
  return std::nullopt;
}

std::optional<Network> parse_network(std::string_view text) {
  text = trim(text);
  const std::size_t slash = text.find('/');
  const std::string_view address_text = text.substr(0, slash);
  const auto bytes = parse_ip_bytes(address_text);
  if (!bytes) return std::nullopt;
  const bool is_v4 = address_text.find(':') == std::string_view::npos;
  const int bits = is_v4 ? 32 : 128;
  int prefix = bits;
  if (slash != std::string_view::npos) {
    const std::string_view prefix_text = trim(text.substr(slash + 1));
    if (prefix_text.empty() || prefix_text.size() > 3) return std::nullopt;
    const auto [end, error] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
    if (error != std::errc() || end != prefix_text.data() + prefix_text.size() || prefix < 0 || prefix > bits)
      return std::nullopt;
  }
  return Network{*bytes, is_v4 ? prefix + 96 : prefix};
}

bool network_contains(const Network& network, std::string_view ip) {
  const auto bytes = parse_ip_bytes(ip);
  if (!bytes) return false;
  for (int bit = 0; bit < network.prefix_length; ++bit) {
    const auto index = static_cast<std::size_t>(bit / 8);
    const int mask = 0x80 >> (bit % 8);
    if (((*bytes)[index] & mask) != (network.bytes[index] & mask)) return false;
  }
  return true;
}

}  // namespace tributary::core
