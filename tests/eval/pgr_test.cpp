// PGR as a ratio of mean accuracies with a paired bootstrap interval (eval/pgr.h).
#include "w2s/eval/pgr.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "w2s/core/error.h"

using namespace w2s;
using namespace w2s::eval;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

PgrSeed acc(double w, double s, double c) { return PgrSeed{w, s, c, {}, {}, {}}; }

/// m examples: the first w·m right for the weak model, s·m for the student, c·m for the ceiling
/// (nested, as when a stronger model gets right what a weaker one does).
PgrSeed examples(size_t m, double w, double s, double c) {
  PgrSeed x;
  for (size_t i = 0; i < m; ++i) {
    x.weak_right.push_back(i < w * m);
    x.student_right.push_back(i < s * m);
    x.ceiling_right.push_back(i < c * m);
  }
  x.weak = w, x.student = s, x.ceiling = c;
  return x;
}

}  // namespace

TEST(Pgr, RatioOfMeansOverSeedsWithNoSeedDropped) {
  // Per seed 0.5, 0.5, 0.3 (a mean of ratios would be 13/30); the ratio of means is 0.25 / 0.58.
  const auto p = estimate_pgr({acc(0.60, 0.70, 0.80), acc(0.62, 0.71, 0.80), acc(0.58, 0.64, 0.78)});
  EXPECT_EQ(p.status, "ok");
  EXPECT_EQ(p.n, 3);
  EXPECT_FALSE(p.over_examples);
  EXPECT_NEAR(p.value, 0.25 / 0.58, 1e-12);
  EXPECT_NEAR(p.gap, 0.58 / 3, 1e-12);
  // Every resample's ratio is a gap-weighted mean of the seeds' own: within [0.3, 0.5].
  EXPECT_GE(p.lo, 0.3 - 1e-12);
  EXPECT_LE(p.hi, 0.5 + 1e-12);
  EXPECT_LT(p.lo, p.value);
  EXPECT_GT(p.hi, p.value);
  EXPECT_GT(p.se, 0.0);
  // A seed whose own gap is tiny stays in: it counts by its gap, not as a ratio of its own.
  const auto q = estimate_pgr({acc(0.6, 0.7, 0.8), acc(0.6, 0.9, 0.602)});
  EXPECT_EQ(q.n, 2);
  EXPECT_NEAR(q.value, 0.4 / 0.202, 1e-12);
  // A NaN leaves its seed out.
  const auto r = estimate_pgr({acc(0.6, 0.7, 0.8), acc(0.5, kNaN, 0.9)});
  EXPECT_EQ(r.n, 1);
  EXPECT_NEAR(r.value, 0.5, 1e-12);
  EXPECT_TRUE(std::isnan(r.lo));  // one seed, no predictions: nothing to resample
  EXPECT_EQ(r.status, "ok");
}

TEST(Pgr, DegenerateCasesAreNamedNotDivided) {
  const auto same = estimate_pgr({acc(0.6, 0.7, 0.6), acc(0.6, 0.7, 0.6)});
  EXPECT_EQ(same.status, "ceiling_not_above_weak");
  EXPECT_TRUE(std::isnan(same.value));
  EXPECT_EQ(same.n, 2);
  EXPECT_EQ(estimate_pgr({acc(0.7, 0.8, 0.6)}).status, "ceiling_not_above_weak");
  const auto none = estimate_pgr({});
  EXPECT_EQ(none.status, "incomplete");
  EXPECT_EQ(none.n, 0);
  EXPECT_EQ(estimate_pgr({acc(kNaN, 0.7, 0.9)}).status, "incomplete");
  PgrSeed bad = examples(10, 0.5, 0.6, 0.7);
  bad.student_right.pop_back();
  EXPECT_THROW(estimate_pgr({bad}), Error);
  EXPECT_THROW(estimate_pgr({acc(0.6, 0.7, 0.8)}, {.replicates = 0}), Error);
}

TEST(Pgr, BootstrapOverTestExamplesIsPairedAndShrinksWithMoreExamples) {
  const auto small = estimate_pgr({examples(400, 0.6, 0.7, 0.8)});
  EXPECT_TRUE(small.over_examples);
  EXPECT_EQ(small.status, "ok");
  EXPECT_NEAR(small.value, 0.5, 1e-12);
  EXPECT_LT(small.lo, 0.5);
  EXPECT_GT(small.hi, 0.5);
  const auto large = estimate_pgr({examples(4000, 0.6, 0.7, 0.8)});
  const double w_small = small.hi - small.lo, w_large = large.hi - large.lo;
  EXPECT_NEAR(w_small / w_large, std::sqrt(10.0), 1.0);  // ∝ 1/√m
  // Paired: a student right exactly where the ceiling is has PGR 1 in every resample.
  PgrSeed same = examples(400, 0.6, 0.8, 0.8);
  const auto one = estimate_pgr({same});
  EXPECT_DOUBLE_EQ(one.lo, 1.0);
  EXPECT_DOUBLE_EQ(one.hi, 1.0);
  // Reproducible in the options' seed, and another seed draws other resamples.
  EXPECT_EQ(estimate_pgr({examples(400, 0.6, 0.7, 0.8)}).lo, small.lo);
  EXPECT_NE(estimate_pgr({examples(400, 0.6, 0.7, 0.8)}, {.seed = 7}).lo, small.lo);
}

TEST(Pgr, AGapWithinNoiseIsFlaggedAndStillShown) {
  // Weak and ceiling differ on 2 of 200 test examples.
  const auto p = estimate_pgr({examples(200, 0.60, 0.605, 0.61)});
  EXPECT_EQ(p.status, "gap_not_significant");
  EXPECT_NEAR(p.value, 0.5, 1e-9);
  EXPECT_LE(p.gap_lo, 0.0);
}
