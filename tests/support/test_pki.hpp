// Certificates made at test time with OpenSSL (nothing private is ever
// committed): a test CA, a server certificate it signs, and a self-signed
// one. Both server certificates name localhost, 127.0.0.1 and ::1.
#pragma once

#include <string>

namespace tributary::testing {

struct TestIdentity {
  std::string certificate_pem;
  std::string private_key_pem;
};

struct TestPki {
  TestIdentity ca;           // CA:TRUE, signs `server`
  TestIdentity server;       // issued by `ca`
  TestIdentity self_signed;  // issued by itself, trusted by nobody
};

// Makes fresh P-256 keys and certificates valid from an hour ago for a day.
TestPki make_test_pki();

}  // namespace tributary::testing
