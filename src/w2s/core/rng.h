// Portable seeded randomness for data preparation: splitmix64, a stable string hash, and an
// explicit Fisher–Yates shuffle, so formatted examples and splits are identical on every platform
// (std::shuffle and std::uniform_int_distribution are implementation-defined).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace w2s {

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, passes BigCrush; enough for shuffles.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  /// Next 64 random bits.
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  /// Uniform double in [0, 1) (53 random bits).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n); n > 0. Rejection sampling, so there is no modulo bias.
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // largest multiple of n
    uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
  }

 private:
  uint64_t state_;
};

/// Mix two 64-bit values into one well-distributed value (derive per-item seeds).
inline uint64_t mix_seed(uint64_t a, uint64_t b) {
  Rng r(a ^ (b * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL));
  return r.next();
}

/// FNV-1a's starting state.
inline constexpr uint64_t kFnvOffset = 0xCBF29CE484222325ULL;

/// FNV-1a 64-bit hash of bytes: stable across platforms and runs (unlike std::hash). Passing the
/// hash of a prefix as `h` continues it: hash_bytes(b, hash_bytes(a)) == hash_bytes(a + b).
inline uint64_t hash_bytes(std::string_view s, uint64_t h = kFnvOffset) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

/// Fisher–Yates shuffle driven by `rng` (same permutation for the same seed everywhere).
template <typename T>
void shuffle_in_place(std::vector<T>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng.below(i));
    if (j != i - 1) std::swap(v[i - 1], v[j]);
  }
}

}  // namespace w2s
