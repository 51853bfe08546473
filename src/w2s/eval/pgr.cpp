// PGR as a ratio of mean accuracies, with a paired bootstrap interval.
#include "w2s/eval/pgr.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "w2s/core/error.h"
#include "w2s/core/rng.h"

namespace w2s::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The q-quantile of sorted `xs` (linear between order statistics).
double quantile(const std::vector<double>& xs, double q) {
  const double at = q * static_cast<double>(xs.size() - 1);
  const auto i = static_cast<size_t>(std::floor(at));
  const size_t j = std::min(i + 1, xs.size() - 1);
  return xs[i] + (at - static_cast<double>(i)) * (xs[j] - xs[i]);
}

}  // namespace

PgrEstimate estimate_pgr(const std::vector<PgrSeed>& seeds, const PgrOptions& o) {
  check(o.replicates >= 1 && o.level > 0.0 && o.level < 1.0,
        "PGR bootstrap: replicates must be ≥ 1 and level in (0, 1), not {} and {}", o.replicates, o.level);
  std::vector<const PgrSeed*> ok;
  for (const PgrSeed& s : seeds) {
    check(s.weak_right.size() == s.student_right.size() && s.weak_right.size() == s.ceiling_right.size(),
          "PGR: a seed's per-example vectors differ in length ({}, {}, {})", s.weak_right.size(),
          s.student_right.size(), s.ceiling_right.size());
    if (std::isfinite(s.weak) && std::isfinite(s.student) && std::isfinite(s.ceiling)) ok.push_back(&s);
  }
  PgrEstimate e;
  e.n = static_cast<int>(ok.size());
  e.value = e.lo = e.hi = e.se = e.gap = e.gap_lo = kNaN;
  if (ok.empty()) {
    e.status = "incomplete";
    return e;
  }
  double w = 0, s = 0, c = 0;
  for (const PgrSeed* x : ok) w += x->weak, s += x->student, c += x->ceiling;
  const double n = static_cast<double>(ok.size());
  e.gap = (c - w) / n;
  if (!(e.gap > 0)) {
    e.status = "ceiling_not_above_weak";
    return e;
  }
  e.value = (s - w) / (c - w);

  e.over_examples = std::all_of(ok.begin(), ok.end(), [](const PgrSeed* x) { return !x->weak_right.empty(); }) &&
                    std::all_of(ok.begin(), ok.end(),
                                [&](const PgrSeed* x) { return x->weak_right.size() == ok[0]->weak_right.size(); });
  if (ok.size() < 2 && !e.over_examples) {
    e.status = "ok";  // one seed and no predictions: no interval
    return e;
  }
  Rng rng(o.seed ^ 0x9f6c2b1d4e8a7035ULL);
  std::vector<double> ratios, gaps;
  ratios.reserve(o.replicates);
  gaps.reserve(o.replicates);
  for (int b = 0; b < o.replicates; ++b) {
    double wb = 0, sb = 0, cb = 0;
    for (size_t k = 0; k < ok.size(); ++k) {
      const PgrSeed& x = *ok[ok.size() < 2 ? k : rng.below(ok.size())];
      if (!e.over_examples) {
        wb += x.weak, sb += x.student, cb += x.ceiling;
        continue;
      }
      const size_t m = x.weak_right.size();
      int64_t rw = 0, rs = 0, rc = 0;
      for (size_t i = 0; i < m; ++i) {
        const size_t j = rng.below(m);
        rw += x.weak_right[j], rs += x.student_right[j], rc += x.ceiling_right[j];
      }
      const double dm = static_cast<double>(m);
      wb += rw / dm, sb += rs / dm, cb += rc / dm;
    }
    gaps.push_back((cb - wb) / n);
    if (cb - wb > 0) ratios.push_back((sb - wb) / (cb - wb));
  }
  const double tail = (1.0 - o.level) / 2.0;
  std::sort(gaps.begin(), gaps.end());
  e.gap_lo = quantile(gaps, tail);
  e.status = e.gap_lo > 0 ? "ok" : "gap_not_significant";
  if (!ratios.empty()) {
    std::sort(ratios.begin(), ratios.end());
    e.lo = quantile(ratios, tail);
    e.hi = quantile(ratios, 1.0 - tail);
    double mean = 0, ss = 0;
    for (double r : ratios) mean += r;
    mean /= static_cast<double>(ratios.size());
    for (double r : ratios) ss += (r - mean) * (r - mean);
    e.se = ratios.size() > 1 ? std::sqrt(ss / static_cast<double>(ratios.size() - 1)) : 0.0;
  }
  return e;
}

}  // namespace w2s::eval
