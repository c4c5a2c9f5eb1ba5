// WebSub's content signature (W3C WebSub §8, "Authenticated Content
// Distribution"): the hub signs the body of each delivery with the
// subscriber's hub.secret as an HMAC and sends it as
// `X-Hub-Signature: method=signature`, where method is sha1, sha256, sha384
// or sha512 and signature is the lower-case hex digest. Both sides of
// Tributary use it: the hub signs, the subscriber verifies. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::websub {

enum class SignatureMethod { sha1, sha256, sha384, sha512 };

// "sha256" -> sha256; nullopt for any other name (case-insensitive: the
// spec names them in lower case, some hubs send upper case).
std::optional<SignatureMethod> signature_method_from_name(std::string_view name);
std::string_view signature_method_name(SignatureMethod method);

// The lower-case hex HMAC of `body` under `secret`.
std::string hmac_hex(SignatureMethod method, std::string_view secret, std::string_view body);

// The value of X-Hub-Signature for `body`: "sha256=1f2e...".
std::string sign(SignatureMethod method, std::string_view secret, std::string_view body);

// Whether `header_value` ("method=hex") is a valid signature of `body` under
// `secret`. An unknown method, a malformed value or a digest of the wrong
// length is not verified (§8: the subscriber then ignores the delivery).
// The digests are compared in constant time, so the time taken does not
// tell a forger how many leading bytes were right.
bool verify(std::string_view header_value, std::string_view secret, std::string_view body);

}  // namespace tributary::websub
