// Unguessable tokens: WebSub callback paths, subscription secrets and
// verification challenges must not be guessable by a stranger (W3C WebSub
// §5.1 hub.secret "cryptographically random", §5.3 hub.challenge "random").
#pragma once

#include <cstddef>
#include <string>

namespace tributary::websub {

// `bytes` bytes from OpenSSL's CSPRNG as base64url without padding
// (RFC 4648 §5): letters, digits, `-` and `_`, safe in a URL path, a query
// and a form without escaping. 32 bytes (the default) give 43 characters.
// Throws std::runtime_error when the generator fails (it does not on a
// seeded system; a token from a failed generator must never be used).
std::string random_token(std::size_t bytes = 32);

}  // namespace tributary::websub
