// Classification metrics (accuracy, AUROC, ECE, agreement) and PGR over seeds; plain std, no torch.
#include "w2s/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "w2s/core/error.h"

namespace w2s::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool predicts_one(double p1) { return p1 > 0.5; }

/// Same lengths, labels 0/1; true if some p1 is NaN (the caller returns NaN).
bool check_inputs(const char* who, const std::vector<double>& p1, const std::vector<int>& labels) {
  check(p1.size() == labels.size(), "{}: {} probabilities but {} labels", who, p1.size(), labels.size());
  for (size_t i = 0; i < labels.size(); ++i)
    check(labels[i] == 0 || labels[i] == 1, "{}: label {} at row {} is not 0 or 1", who, labels[i], i);
  return std::any_of(p1.begin(), p1.end(), [](double p) { return std::isnan(p); });
}

}  // namespace

double accuracy(const std::vector<double>& p1, const std::vector<int>& labels) {
  if (check_inputs("accuracy", p1, labels) || p1.empty()) return kNaN;
  int64_t right = 0;
  for (size_t i = 0; i < p1.size(); ++i) right += predicts_one(p1[i]) == (labels[i] == 1);
  return static_cast<double>(right) / static_cast<double>(p1.size());
}

double auroc(const std::vector<double>& p1, const std::vector<int>& labels) {
  if (check_inputs("auroc", p1, labels)) return kNaN;
  const auto n = p1.size();
  const auto n_pos = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
  const auto n_neg = static_cast<double>(n) - n_pos;
  if (n_pos == 0 || n_neg == 0) return kNaN;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p1[a] < p1[b]; });
  // Sum of the positives' ranks (1-based), a run of equal scores sharing its average rank.
  double rank_sum_pos = 0.0;
  for (size_t lo = 0; lo < n;) {
    size_t hi = lo + 1;
    while (hi < n && p1[order[hi]] == p1[order[lo]]) ++hi;
    const double avg_rank = (static_cast<double>(lo + 1) + static_cast<double>(hi)) / 2.0;
    for (size_t k = lo; k < hi; ++k)
      if (labels[order[k]] == 1) rank_sum_pos += avg_rank;
    lo = hi;
  }
  const double u = rank_sum_pos - n_pos * (n_pos + 1.0) / 2.0;  // Mann–Whitney U of the positives
  return u / (n_pos * n_neg);
}

double expected_calibration_error(const std::vector<double>& p1, const std::vector<int>& labels, int bins) {
  check(bins >= 1, "expected_calibration_error: bins must be ≥ 1, got {}", bins);
  if (check_inputs("expected_calibration_error", p1, labels) || p1.empty()) return kNaN;
  std::vector<double> conf_sum(bins, 0.0), right(bins, 0.0), count(bins, 0.0);
  for (size_t i = 0; i < p1.size(); ++i) {
    const double c = std::max(p1[i], 1.0 - p1[i]);  // ∈ [0.5, 1] for p1 ∈ [0, 1]
    const int k = std::clamp(static_cast<int>(std::floor((c - 0.5) * 2.0 * bins)), 0, bins - 1);
    conf_sum[k] += c;
    right[k] += predicts_one(p1[i]) == (labels[i] == 1);
    count[k] += 1.0;
  }
  double ece = 0.0;
  for (int k = 0; k < bins; ++k)
    if (count[k] > 0) ece += std::abs(right[k] - conf_sum[k]);  // n_k·|acc_k − conf_k|
  return ece / static_cast<double>(p1.size());
}

Agreement agreement(const std::vector<double>& student_p1, const std::vector<double>& weak_p1,
                    const std::vector<int>& labels) {
  check(student_p1.size() == weak_p1.size(), "agreement: {} student but {} weak probabilities", student_p1.size(),
        weak_p1.size());
  const bool nan = check_inputs("agreement", student_p1, labels) | check_inputs("agreement", weak_p1, labels);
  std::vector<int64_t> s(labels.size()), w(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    s[i] = predicts_one(student_p1[i]) ? 1 : 0;
    w[i] = predicts_one(weak_p1[i]) ? 1 : 0;
  }
  return agreement_of_classes(s, w, labels, nan);
}

Agreement agreement_of_classes(const std::vector<int64_t>& student, const std::vector<int64_t>& weak,
                               const std::vector<int>& labels, bool nan) {
  check(student.size() == labels.size() && weak.size() == labels.size(),
        "agreement: {} student and {} weak predictions for {} labels", student.size(), weak.size(), labels.size());
  Agreement a;
  int64_t agree = 0, agree_right = 0, agree_wrong = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const bool weak_right = weak[i] == labels[i];
    agree += student[i] == weak[i];
    (weak_right ? a.n_weak_right : a.n_weak_wrong) += 1;
    (weak_right ? agree_right : agree_wrong) += student[i] == weak[i];
  }
  const auto frac = [nan](int64_t k, int64_t n) {
    return nan || n == 0 ? kNaN : static_cast<double>(k) / static_cast<double>(n);
  };
  a.overall = frac(agree, static_cast<int64_t>(labels.size()));
  a.when_weak_right = frac(agree_right, a.n_weak_right);
  a.when_weak_wrong = frac(agree_wrong, a.n_weak_wrong);
  return a;
}

double agreement_rate(const std::vector<double>& a, const std::vector<double>& b) {
  check(a.size() == b.size(), "agreement: {} and {} probabilities", a.size(), b.size());
  const auto is_nan = [](double p) { return std::isnan(p); };
  if (a.empty() || std::any_of(a.begin(), a.end(), is_nan) || std::any_of(b.begin(), b.end(), is_nan)) return kNaN;
  int64_t agree = 0;
  for (size_t i = 0; i < a.size(); ++i) agree += predicts_one(a[i]) == predicts_one(b[i]);
  return static_cast<double>(agree) / static_cast<double>(a.size());
}

double error_consistency(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  check(a.size() == b.size(), "error consistency: {} and {} outcomes", a.size(), b.size());
  if (a.empty()) return kNaN;
  const auto n = static_cast<double>(a.size());
  double ra = 0, rb = 0, same = 0;
  for (size_t i = 0; i < a.size(); ++i) ra += a[i] != 0, rb += b[i] != 0, same += (a[i] != 0) == (b[i] != 0);
  ra /= n, rb /= n, same /= n;
  const double expected = ra * rb + (1 - ra) * (1 - rb);
  if (expected >= 1.0) return kNaN;
  return (same - expected) / (1.0 - expected);
}

MeanSe mean_se(const std::vector<double>& xs) {
  MeanSe out;
  double sum = 0.0;
  for (double x : xs)
    if (!std::isnan(x)) sum += x, ++out.n;
  if (out.n == 0) return {kNaN, kNaN, 0};
  out.mean = sum / out.n;
  if (out.n == 1) return out;
  double ss = 0.0;
  for (double x : xs)
    if (!std::isnan(x)) ss += (x - out.mean) * (x - out.mean);
  out.se = std::sqrt(ss / (out.n - 1)) / std::sqrt(static_cast<double>(out.n));
  return out;
}

}  // namespace w2s::eval
