// A WebSub subscriber of the project's own, for the hub's tests: a
// FakeServer that answers the hub's verification of intent (W3C WebSub
// §5.3: echo hub.challenge, or a wrong one, or refuse) and records every
// POST it receives — content distributions (§7) with their Content-Type,
// Link and X-Hub-Signature, checked here with OpenSSL's HMAC on its own
// (not the daemon's code) — or, posing as an external hub, publish pings.
// It can fail deliveries on purpose, to see the hub retry and give up.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tributary::testing {

struct ReceivedVerification {
  std::string mode;
  std::string topic;
  std::string challenge;
  std::string lease_seconds;
  std::string target;  // the request target as the hub sent it
};

struct ReceivedPost {
  std::string target;
  std::string body;
  std::string content_type;
  std::string link;
  std::string signature;            // X-Hub-Signature as sent
  bool is_signature_valid = false;  // sha256=HMAC(secret, body), computed here
  int answered = 0;                 // the status this peer answered
};

enum class ChallengeAnswer { echo, wrong, not_found };

class WebSubSubscriber {
 public:
  // `secret`: what the subscriber gives as hub.secret (and checks against).
  explicit WebSubSubscriber(std::string secret = "");
  ~WebSubSubscriber();
  WebSubSubscriber(const WebSubSubscriber&) = delete;
  WebSubSubscriber& operator=(const WebSubSubscriber&) = delete;

  // "http://127.0.0.1:PORT/path"
  std::string url(const std::string& path = "/callback") const;
  const std::string& secret() const;

  void answer_challenges(ChallengeAnswer answer);
  // Every POST is answered `status` (202 by default: a taken delivery).
  void answer_posts(int status);

  std::vector<ReceivedVerification> verifications() const;
  std::vector<ReceivedPost> posts() const;
  // Bounded waits: whether the count was reached within `timeout`.
  bool wait_for_verifications(std::size_t count, std::chrono::milliseconds timeout) const;
  bool wait_for_posts(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::testing
