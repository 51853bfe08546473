// Paired t and Wilcoxon signed-rank tests.
#include "w2s/eval/paired_tests.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "w2s/core/error.h"

namespace w2s::eval {
namespace {

/// The continued fraction of I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2).
double beta_fraction(double x, double a, double b) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double f = d;
  for (int m = 1; m <= 500; ++m) {
    // Even step: d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)).
    const double even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
    d = 1.0 + even * d;
    c = 1.0 + even / c;
    if (std::abs(d) < tiny) d = tiny;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    f *= d * c;
    // Odd step: d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    const double odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
    d = 1.0 + odd * d;
    c = 1.0 + odd / c;
    if (std::abs(d) < tiny) d = tiny;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::abs(delta - 1.0) < eps) break;
  }
  return f;
}

}  // namespace

double incomplete_beta(double x, double a, double b) {
  check(a > 0 && b > 0 && x >= 0 && x <= 1, "incomplete_beta: needs a, b > 0 and x in [0, 1] (x {}, a {}, b {})", x, a,
        b);
  if (x == 0.0 || x == 1.0) return x;
  // x^a (1 − x)^b / (a B(a, b)), in logs.
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(x, a, b) / a;
  return 1.0 - front * beta_fraction(1.0 - x, b, a) / b;  // the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
}

double t_two_sided_p(double t, double df) {
  if (!std::isfinite(t)) return std::isnan(t) ? NAN : 0.0;
  return incomplete_beta(df / (df + t * t), df / 2.0, 0.5);
}

PairedTest paired_tests(const std::vector<double>& d) {
  PairedTest r;
  r.n = static_cast<int64_t>(d.size());
  for (double x : d) (x > 0 ? r.wins : x < 0 ? r.losses : r.ties)++;
  if (r.n == 0) return r;
  r.mean = std::accumulate(d.begin(), d.end(), 0.0) / static_cast<double>(r.n);
  double ss = 0.0;
  for (double x : d) ss += (x - r.mean) * (x - r.mean);
  r.sd = r.n > 1 ? std::sqrt(ss / static_cast<double>(r.n - 1)) : NAN;
  if (r.n > 1 && r.sd > 0) {
    r.t = r.mean / (r.sd / std::sqrt(static_cast<double>(r.n)));
    r.t_p = t_two_sided_p(r.t, static_cast<double>(r.n - 1));
  } else {
    r.t = r.t_p = NAN;
  }

  // Wilcoxon: rank the nonzero |d| (average ranks for ties).
  std::vector<double> nz;
  for (double x : d)
    if (x != 0) nz.push_back(x);
  const auto m = static_cast<int64_t>(nz.size());
  if (m == 0) {
    r.w_p = 1.0;
    return r;
  }
  std::vector<int64_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return std::abs(nz[a]) < std::abs(nz[b]); });
  std::vector<double> rank(m);
  bool tied = false;
  double tie_term = 0.0;  // Σ (t³ − t) over groups of tied |d|
  for (int64_t i = 0; i < m;) {
    int64_t j = i;
    while (j + 1 < m && std::abs(nz[order[j + 1]]) == std::abs(nz[order[i]])) ++j;
    const double avg = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2.0;
    for (int64_t k = i; k <= j; ++k) rank[order[k]] = avg;
    const double t = static_cast<double>(j - i + 1);
    if (t > 1) tied = true, tie_term += t * t * t - t;
    i = j + 1;
  }
  for (int64_t i = 0; i < m; ++i)
    if (nz[i] > 0) r.w_plus += rank[i];
  const double total = static_cast<double>(m) * static_cast<double>(m + 1) / 2.0;
  if (m <= 30 && !tied) {
    // Exact: the number of subsets of {1..m} with each rank sum, by dynamic programming.
    const auto max_sum = static_cast<int64_t>(total);
    std::vector<double> count(max_sum + 1, 0.0);
    count[0] = 1.0;
    for (int64_t k = 1; k <= m; ++k)
      for (int64_t s = max_sum; s >= k; --s) count[s] += count[s - k];
    const double all = std::ldexp(1.0, static_cast<int>(m));
    const auto w = static_cast<int64_t>(std::llround(std::min(r.w_plus, total - r.w_plus)));  // the smaller tail
    double tail = 0.0;
    for (int64_t s = 0; s <= w; ++s) tail += count[s];
    r.w_p = std::min(1.0, 2.0 * tail / all);
    r.w_exact = true;
  } else {
    const double mean = total / 2.0;
    const double var =
        static_cast<double>(m) * static_cast<double>(m + 1) * static_cast<double>(2 * m + 1) / 24.0 - tie_term / 48.0;
    const double z = var > 0 ? std::max(0.0, std::abs(r.w_plus - mean) - 0.5) / std::sqrt(var) : 0.0;
    r.w_p = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  }
  return r;
}

}  // namespace w2s::eval
