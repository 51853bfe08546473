// Classification metrics and PGR. Inputs are plain vectors (probabilities of class 1, labels 0/1)
// so the same code scores a finetuned model, a probe, or a label file from elsewhere.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w2s::eval {

// Common rules: p1 and labels must have the same length (else w2s::Error) and labels must be 0 or 1
// (else w2s::Error). The hard prediction is class 1 iff p1 > 0.5 (so p1 = 0.5 predicts 0). A NaN
// in p1 makes accuracy, auroc, ECE and agreement NaN (a model that emits NaN is not scored as if it
// predicted class 0).

/// Fraction of rows where (p1 > 0.5) == label. Empty → NaN.
double accuracy(const std::vector<double>& p1, const std::vector<int>& labels);
/// Area under the ROC curve of score p1 against the labels: Mann–Whitney U / (n_pos·n_neg) with
/// average ranks for tied scores, i.e. a tied positive/negative pair counts ½ (all scores equal →
/// 0.5). One class absent (or empty) → NaN.
double auroc(const std::vector<double>& p1, const std::vector<int>& labels);
/// Expected calibration error of the predicted class's confidence c = max(p1, 1 − p1) ∈ [0.5, 1]:
/// `bins` equal-width bins over [0.5, 1], bin k = [0.5 + k·w, 0.5 + (k+1)·w) with w = 0.5 / bins
/// (the last bin also holds c = 1; a value on a boundary may land either side by rounding);
/// ECE = Σ_k (n_k / n)·|accuracy_k − mean confidence_k| over non-empty bins. Empty → NaN;
/// bins < 1 → w2s::Error.
double expected_calibration_error(const std::vector<double>& p1, const std::vector<int>& labels, int bins = 10);

/// Student–supervisor agreement on hard predictions, split by whether the supervisor was right.
/// Lengths must match (else w2s::Error); empty → overall NaN.
struct Agreement {
  double overall = 0.0;          // fraction of rows where the two hard predictions agree
  double when_weak_right = 0.0;  // among rows the supervisor got right (NaN if none)
  double when_weak_wrong = 0.0;  // among rows the supervisor got wrong (NaN if none)
  int64_t n_weak_right = 0;
  int64_t n_weak_wrong = 0;
};
Agreement agreement(const std::vector<double>& student_p1, const std::vector<double>& weak_p1,
                    const std::vector<int>& labels);
/// The same counts over predicted classes (any number of classes); `nan` makes every share NaN
/// (an input held NaN). All three vectors have one entry per row.
Agreement agreement_of_classes(const std::vector<int64_t>& student, const std::vector<int64_t>& weak,
                               const std::vector<int>& labels, bool nan);

/// Fraction of rows where the hard predictions of `a` and `b` agree, without labels (training
/// dynamics). Lengths must match (else w2s::Error); empty or any NaN → NaN.
double agreement_rate(const std::vector<double>& a, const std::vector<double>& b);

/// Error consistency (Geirhos et al. 2020): Cohen's κ of two models' right/wrong outcomes on the
/// same examples, (c_obs − c_exp) / (1 − c_exp) with c_obs the share where both are right or both
/// wrong and c_exp = a·b + (1 − a)(1 − b) for accuracies a, b: 0 = errors as alike as chance, 1 =
/// the same errors. Lengths must match (else w2s::Error); empty, or c_exp = 1 → NaN.
double error_consistency(const std::vector<uint8_t>& a_right, const std::vector<uint8_t>& b_right);

/// Mean and standard error (sd / √n, n − 1 in the sd; se 0 for n = 1), NaNs skipped; nothing left
/// → mean and se NaN, n 0.
struct MeanSe {
  double mean = 0.0, se = 0.0;
  int n = 0;
};
MeanSe mean_se(const std::vector<double>& xs);

}  // namespace w2s::eval
