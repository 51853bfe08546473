// Tests for data/rng against published test vectors (splitmix64, FNV-1a 64), and the shuffle.
#include "w2s/core/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace w2s {
namespace {

TEST(Rng, Splitmix64MatchesTheReferenceSequence) {
  // First outputs of Vigna's splitmix64.c seeded with 1234567.
  Rng r(1234567);
  EXPECT_EQ(r.next(), 6457827717110365317ULL);
  EXPECT_EQ(r.next(), 3203168211198807973ULL);
  EXPECT_EQ(r.next(), 9817491932198370423ULL);
  EXPECT_EQ(r.next(), 4593380528125082431ULL);
  EXPECT_EQ(r.next(), 16408922859458223821ULL);
}

TEST(Rng, Fnv1a64MatchesPublishedValues) {
  EXPECT_EQ(hash_bytes(""), 0xCBF29CE484222325ULL);
  EXPECT_EQ(hash_bytes("a"), 0xAF63DC4C8601EC8CULL);
  EXPECT_EQ(hash_bytes("foobar"), 0x85944171F73967E8ULL);
}

TEST(Rng, UniformAndBelowStayInRange) {
  Rng r(5);
  double sum = 0;
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 30000; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    const auto k = r.below(3);
    ASSERT_LT(k, 3u);
    ++counts[k];
  }
  EXPECT_NEAR(sum / 30000, 0.5, 0.01);
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

TEST(Rng, ShuffleIsADeterministicPermutation) {
  std::vector<int> v(50);
  std::iota(v.begin(), v.end(), 0);
  auto a = v, b = v, c = v;
  Rng ra(9), rb(9), rc(10);
  shuffle_in_place(a, ra);
  shuffle_in_place(b, rb);
  shuffle_in_place(c, rc);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, v);
  std::sort(a.begin(), a.end());
  EXPECT_EQ(a, v);
  EXPECT_NE(mix_seed(1, 2), mix_seed(2, 1));
}

}  // namespace
}  // namespace w2s
