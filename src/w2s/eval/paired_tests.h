// Paired tests for comparing two methods on the same pairs (or tasks): the differences d_i = A_i −
// B_i, a paired t-test (two-sided, df = n − 1) and the Wilcoxon signed-rank test (two-sided; exact
// for n ≤ 30 without tied |d|, else the normal approximation with the tie correction and a
// continuity correction). Zero differences are dropped from the Wilcoxon test, as Wilcoxon's
// original procedure. The t distribution's tail comes from the regularized incomplete beta
// function, I_{df/(df+t²)}(df/2, 1/2), evaluated by its continued fraction.
#pragma once

#include <cstdint>
#include <vector>

namespace w2s::eval {

struct PairedTest {
  int64_t n = 0;                           // differences given
  double mean = 0.0, sd = 0.0;             // of the differences (sd with n − 1)
  int64_t wins = 0, losses = 0, ties = 0;  // d > 0, d < 0, d = 0
  double t = 0.0, t_p = 1.0;               // t statistic and its two-sided p (NaN when n < 2 or sd = 0)
  double w_plus = 0.0, w_p = 1.0;          // Wilcoxon W+ (sum of ranks of positive d) and two-sided p
  bool w_exact = false;                    // the exact null distribution gave w_p
};

PairedTest paired_tests(const std::vector<double>& differences);

/// Regularized incomplete beta I_x(a, b) for a, b > 0, x in [0, 1].
double incomplete_beta(double x, double a, double b);
/// Two-sided p of a t statistic with df degrees of freedom.
double t_two_sided_p(double t, double df);

}  // namespace w2s::eval
