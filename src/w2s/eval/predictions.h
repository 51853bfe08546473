// Predictions over each example's choices: one probability distribution per example, over its
// K_i ≥ 2 choices (a binary task's classes, a comparison's completions, a multiple-choice
// question's answers — a chess puzzle's legal moves). The metrics of metrics.h generalise to them:
// a row of two is scored exactly as its P(class 1) is there (so a binary task's numbers do not
// depend on which form carries them); longer rows by their argmax.
#pragma once

#include <cstdint>
#include <vector>

#include "w2s/eval/metrics.h"

namespace w2s::eval {

/// Per example, its choices' probabilities (each row sums to 1; rows may differ in length).
using Predictions = std::vector<std::vector<double>>;

/// Rows (1 − p, p) of P(class 1) values.
Predictions from_p1(const std::vector<double>& p1);
/// P(class 1) of rows of exactly two (else w2s::Error naming the row and `who`).
std::vector<double> p1_of(const Predictions& rows, const char* who = "predictions");
/// True when every row holds exactly two probabilities.
bool all_binary(const Predictions& rows);

/// The predicted choice of a row: its largest entry, ties to the lowest index (a binary row
/// (0.5, 0.5) predicts 0, as p1 = 0.5 does); -1 when the row holds a NaN.
int64_t predicted(const std::vector<double>& row);
/// Half the gap between the two largest entries: |p1 − 0.5| for a binary row (how sure).
double margin(const std::vector<double>& row);

// The metrics of metrics.h over rows. Labels must index a choice of their row (else w2s::Error);
// lengths must match. Rows of two: exactly the binary functions. Otherwise accuracy and
// agreement by argmax; AUROC is NaN (no single score to rank); ECE is of the predicted choice's
// probability in `bins` equal bins over [0, 1].
double accuracy(const Predictions& rows, const std::vector<int>& labels);
double auroc(const Predictions& rows, const std::vector<int>& labels);
double expected_calibration_error(const Predictions& rows, const std::vector<int>& labels, int bins = 10);
Agreement agreement(const Predictions& student, const Predictions& weak, const std::vector<int>& labels);
double agreement_rate(const Predictions& a, const Predictions& b);

}  // namespace w2s::eval
