// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose stream is the same on every
// platform and standard library (std::shuffle and std::uniform_int_distribution are not), for
// reproducible splits and epoch orders.
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace xray {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0: rejection sampling, so no modulo bias.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
  }

 private:
  std::uint64_t state_;
};

// Fisher-Yates driven by SplitMix64.
template <typename T>
void shuffle(std::vector<T>& items, SplitMix64& rng) {
  for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[static_cast<std::size_t>(rng.below(i))]);
}

template <typename T>
void deterministic_shuffle(std::vector<T>& items, std::uint64_t seed) {
  SplitMix64 rng(seed);
  shuffle(items, rng);
}

}  // namespace xray
