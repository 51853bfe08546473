// Paired t and Wilcoxon signed-rank tests against values worked independently: t-distribution
// tails by numerical integration of the density (Python, 2·10⁵ points), Wilcoxon's exact null
// distribution by counting subsets by hand.
#include "w2s/eval/paired_tests.h"

#include <gtest/gtest.h>

#include <cmath>

#include "w2s/core/error.h"

namespace w2s::eval {
namespace {

TEST(PairedTests, TTailsMatchNumericalIntegration) {
  EXPECT_NEAR(t_two_sided_p(4.242640687, 4), 0.0132356, 1e-6);
  EXPECT_NEAR(t_two_sided_p(1.0, 10), 0.3408931, 1e-6);
  EXPECT_NEAR(t_two_sided_p(2.5, 1), 0.2422379, 1e-6);  // Cauchy: 1 − 2·atan(2.5)/π
  EXPECT_NEAR(t_two_sided_p(-0.3, 30), 0.7662461, 1e-6);
  EXPECT_DOUBLE_EQ(t_two_sided_p(0.0, 5), 1.0);
  EXPECT_NEAR(incomplete_beta(0.5, 2.0, 2.0), 0.5, 1e-12);  // symmetric
  EXPECT_NEAR(incomplete_beta(0.3, 1.0, 1.0), 0.3, 1e-12);  // uniform
  EXPECT_THROW(incomplete_beta(1.5, 1.0, 1.0), Error);
}

TEST(PairedTests, PairedTOnKnownDifferences) {
  // d = 1..5: mean 3, sd √2.5, t = 3 / (√2.5 / √5) = √18, df 4.
  const auto r = paired_tests({1, 2, 3, 4, 5});
  EXPECT_EQ(r.n, 5);
  EXPECT_DOUBLE_EQ(r.mean, 3.0);
  EXPECT_NEAR(r.sd, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(r.t, std::sqrt(18.0), 1e-12);
  EXPECT_NEAR(r.t_p, 0.0132356, 1e-6);
  EXPECT_EQ(r.wins, 5);
  // Flipping every sign flips t and keeps both p values.
  const auto f = paired_tests({-1, -2, -3, -4, -5});
  EXPECT_NEAR(f.t, -r.t, 1e-12);
  EXPECT_NEAR(f.t_p, r.t_p, 1e-12);
  EXPECT_NEAR(f.w_p, r.w_p, 1e-12);
  EXPECT_EQ(f.losses, 5);
}

TEST(PairedTests, WilcoxonExactNullDistribution) {
  // n = 5, all positive: W+ = 15, the most extreme of 2⁵ sign patterns on each side → p = 2/32.
  auto r = paired_tests({1, 2, 3, 4, 5});
  EXPECT_TRUE(r.w_exact);
  EXPECT_DOUBLE_EQ(r.w_plus, 15.0);
  EXPECT_NEAR(r.w_p, 0.0625, 1e-12);
  // n = 6, d = (−1, 2, 3, −4, 5, 6): W+ = 16; 10 of the 64 subsets of {1..6} sum to ≤ 5
  // ({}, {1}…{5}, {1,2}, {1,3}, {1,4}, {2,3}) → p = 2·10/64.
  r = paired_tests({-1, 2, 3, -4, 5, 6});
  EXPECT_DOUBLE_EQ(r.w_plus, 16.0);
  EXPECT_NEAR(r.w_p, 0.3125, 1e-12);
  // Zeros are dropped; they count as ties.
  r = paired_tests({0, 1, 2, 3, 4, 5});
  EXPECT_EQ(r.ties, 1);
  EXPECT_NEAR(r.w_p, 0.0625, 1e-12);
}

TEST(PairedTests, WilcoxonNormalApproximationWithTies) {
  // Tied |d| → the normal approximation with the tie correction and a continuity correction.
  const auto r = paired_tests({1, 1, -1, 2, 2, 2, 3});
  EXPECT_FALSE(r.w_exact);
  // Ranks: |d| = 1 ×3 → 2 each; 2 ×3 → 5 each; 3 → 7. W+ = 2 + 2 + 5·3 + 7 = 26 of 28.
  EXPECT_DOUBLE_EQ(r.w_plus, 26.0);
  const double var = 7.0 * 8 * 15 / 24 - (24.0 + 24.0) / 48;  // tie groups of 3: t³ − t = 24 each
  const double z = (std::abs(26.0 - 14.0) - 0.5) / std::sqrt(var);
  EXPECT_NEAR(r.w_p, std::erfc(z / std::sqrt(2.0)), 1e-12);
  EXPECT_LT(r.w_p, 0.05);
  // Nothing to test: no differences, or all zero.
  EXPECT_DOUBLE_EQ(paired_tests({}).w_p, 1.0);
  EXPECT_DOUBLE_EQ(paired_tests({0, 0}).w_p, 1.0);
  EXPECT_TRUE(std::isnan(paired_tests({0.5}).t_p));
}

}  // namespace
}  // namespace w2s::eval
