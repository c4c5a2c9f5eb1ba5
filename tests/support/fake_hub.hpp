// A WebSub hub of the tests' own (W3C WebSub §5, §7, §8), written apart from
// the daemon's code (its form parsing and HMAC are support/websub_peer's),
// so that a mistake in the daemon's is not mirrored here: it takes subscription requests (a form
// POST to /hub), answers them (202 by default), verifies the subscriber's
// intent with a GET to its callback (hub.challenge; the lease it grants),
// and on publish() pushes a body to every verified callback of a topic,
// signed with the subscriber's secret, forged, or unsigned. It records
// every request and how each verification went. Loopback only; every
// request it makes is bounded in time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::testing {

// One subscription request the hub received, and what became of it.
struct HubRequest {
  std::string mode;  // hub.mode: "subscribe" or "unsubscribe"
  std::string topic;
  std::string callback;
  std::string secret;
  std::string lease_seconds;  // as asked for
  int answered = 0;           // the status the hub answered the POST with
  // The verification of intent: the callback's status, and whether its
  // body was exactly the challenge.
  int verification_status = 0;
  bool is_verified = false;
  std::chrono::steady_clock::time_point received_at;
};

enum class PushSignature { valid, forged, missing };

// What a push got back from one callback.
struct PushReply {
  std::string callback;
  int status = 0;  // 0: no answer
};

class FakeHub {
 public:
  FakeHub();
  ~FakeHub();
  FakeHub(const FakeHub&) = delete;
  FakeHub& operator=(const FakeHub&) = delete;

  // "http://127.0.0.1:PORT/hub"
  std::string url() const;
  // The status a subscription request is answered with (202; a 4xx refuses).
  void set_answer_status(int status);
  // Whether the hub verifies intent after accepting a request (true).
  void set_verifying(bool is_verifying);
  // The hub.lease_seconds granted at verification (default: what was asked).
  void set_granted_lease(std::optional<int> seconds);

  std::vector<HubRequest> requests() const;
  // Waits (bounded) until `count` requests of `mode` were verified by their
  // subscriber; whether they were.
  bool wait_for_verified(const std::string& mode, std::size_t count, std::chrono::milliseconds timeout) const;
  // Waits until `count` requests of `mode` arrived.
  bool wait_for_requests(const std::string& mode, std::size_t count, std::chrono::milliseconds timeout) const;

  // Content distribution (§7): `body` as `content_type` to the callback of
  // every verified, still active subscription to `topic`, with the Link
  // headers of the hub and the topic. Blocks until every callback answered
  // (at most a few seconds each).
  std::vector<PushReply> publish(const std::string& topic, const std::string& body, const std::string& content_type,
                                 PushSignature signature = PushSignature::valid);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::testing
