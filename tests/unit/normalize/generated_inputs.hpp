// Deterministic numbers for the tests that generate their inputs (the fast
// paths held to their references): the same cases on every run and host.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tributary::testing {

// A 64-bit linear congruential generator (Knuth's MMIX constants).
class TestNumbers {
 public:
  explicit TestNumbers(std::uint64_t seed) : state_(seed) {}
  std::size_t operator()() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state_ >> 33);
  }

 private:
  std::uint64_t state_;
};

}  // namespace tributary::testing
