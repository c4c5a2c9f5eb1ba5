// What the tests' WebSub peers share — the hub (fake_hub.hpp), the
// subscriber (websub_subscriber.hpp) and the hub's tests: reading and
// writing x-www-form-urlencoded fields (W3C WebSub §5.1 forms, §5.3
// queries) and X-Hub-Signature's HMAC-SHA256 (§8), with OpenSSL. Written
// apart from the daemon's websub/ code, so that a mistake there is not
// mirrored here.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tributary::testing {

// The fields of a form body or a query string (without '?'),
// percent-decoded, '+' as a space; the first of a repeated name wins.
std::map<std::string, std::string> form_fields(std::string_view text);
// A value for a form or a query: all but ALPHA, DIGIT and "-._~"
// percent-encoded.
std::string form_encode(std::string_view text);
// HMAC-SHA256 of `body` under `key`, lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

}  // namespace tributary::testing
