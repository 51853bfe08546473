// Metrics over per-example choice distributions; rows of two go to the binary metrics.
#include "w2s/eval/predictions.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "w2s/core/error.h"

namespace w2s::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Same lengths, every row ≥ 2 choices, every label one of its row's; true if some row has a NaN.
bool check_rows(const char* who, const Predictions& rows, const std::vector<int>& labels) {
  check(rows.size() == labels.size(), "{}: {} predictions but {} labels", who, rows.size(), labels.size());
  bool nan = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    check(rows[i].size() >= 2, "{}: row {} has {} choices (at least 2)", who, i, rows[i].size());
    check(labels[i] >= 0 && static_cast<size_t>(labels[i]) < rows[i].size(),
          "{}: label {} at row {} is not one of its {} choices", who, labels[i], i, rows[i].size());
    nan |= predicted(rows[i]) < 0;
  }
  return nan;
}

}  // namespace

Predictions from_p1(const std::vector<double>& p1) {
  Predictions out;
  out.reserve(p1.size());
  for (double p : p1) out.push_back({1.0 - p, p});
  return out;
}

std::vector<double> p1_of(const Predictions& rows, const char* who) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    check(rows[i].size() == 2, "{}: row {} has {} choices, where two classes were expected", who, i, rows[i].size());
    out.push_back(rows[i][1]);
  }
  return out;
}

bool all_binary(const Predictions& rows) {
  return std::all_of(rows.begin(), rows.end(), [](const std::vector<double>& r) { return r.size() == 2; });
}

int64_t predicted(const std::vector<double>& row) {
  int64_t best = -1;
  for (size_t k = 0; k < row.size(); ++k) {
    if (std::isnan(row[k])) return -1;
    if (best < 0 || row[k] > row[best]) best = static_cast<int64_t>(k);
  }
  return best;
}

double margin(const std::vector<double>& row) {
  if (row.size() == 2) return std::abs(row[1] - 0.5);
  double first = -1.0, second = -1.0;
  for (double p : row) {
    if (std::isnan(p)) return kNaN;
    if (p > first)
      second = first, first = p;
    else if (p > second)
      second = p;
  }
  return (first - std::max(second, 0.0)) / 2.0;
}

double accuracy(const Predictions& rows, const std::vector<int>& labels) {
  if (all_binary(rows)) return accuracy(p1_of(rows), labels);
  if (check_rows("accuracy", rows, labels) || rows.empty()) return kNaN;
  int64_t right = 0;
  for (size_t i = 0; i < rows.size(); ++i) right += predicted(rows[i]) == labels[i];
  return static_cast<double>(right) / static_cast<double>(rows.size());
}

double auroc(const Predictions& rows, const std::vector<int>& labels) {
  if (all_binary(rows)) return auroc(p1_of(rows), labels);
  check_rows("auroc", rows, labels);
  return kNaN;
}

double expected_calibration_error(const Predictions& rows, const std::vector<int>& labels, int bins) {
  if (all_binary(rows)) return expected_calibration_error(p1_of(rows), labels, bins);
  check(bins >= 1, "expected_calibration_error: bins must be ≥ 1, got {}", bins);
  if (check_rows("expected_calibration_error", rows, labels) || rows.empty()) return kNaN;
  std::vector<double> conf_sum(bins, 0.0), right(bins, 0.0);
  for (size_t i = 0; i < rows.size(); ++i) {
    const int64_t k = predicted(rows[i]);
    const double c = rows[i][k];
    const int b = std::clamp(static_cast<int>(std::floor(c * bins)), 0, bins - 1);
    conf_sum[b] += c;
    right[b] += k == labels[i];
  }
  double ece = 0.0;
  for (int b = 0; b < bins; ++b) ece += std::abs(right[b] - conf_sum[b]);  // n_b·|acc_b − conf_b|
  return ece / static_cast<double>(rows.size());
}

Agreement agreement(const Predictions& student, const Predictions& weak, const std::vector<int>& labels) {
  if (all_binary(student) && all_binary(weak)) return agreement(p1_of(student), p1_of(weak), labels);
  check(student.size() == weak.size(), "agreement: {} student but {} weak predictions", student.size(), weak.size());
  const bool nan = check_rows("agreement", student, labels) | check_rows("agreement", weak, labels);
  std::vector<int64_t> s(labels.size()), w(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    check(student[i].size() == weak[i].size(), "agreement: row {} has {} student but {} weak choices", i,
          student[i].size(), weak[i].size());
    s[i] = predicted(student[i]);
    w[i] = predicted(weak[i]);
  }
  return agreement_of_classes(s, w, labels, nan);
}

double agreement_rate(const Predictions& a, const Predictions& b) {
  if (all_binary(a) && all_binary(b)) return agreement_rate(p1_of(a), p1_of(b));
  check(a.size() == b.size(), "agreement: {} and {} predictions", a.size(), b.size());
  if (a.empty()) return kNaN;
  int64_t agree = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int64_t x = predicted(a[i]), y = predicted(b[i]);
    if (x < 0 || y < 0) return kNaN;
    agree += x == y;
  }
  return static_cast<double>(agree) / static_cast<double>(a.size());
}

}  // namespace w2s::eval
