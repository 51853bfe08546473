// Metrics over per-example choice distributions: rows of two agree with the binary metrics
// exactly; longer rows are scored by their argmax.
#include "w2s/eval/predictions.h"

#include <gtest/gtest.h>

#include <cmath>

#include "w2s/core/error.h"

namespace w2s::eval {
namespace {

TEST(Predictions, RowsOfTwoAreScoredExactlyAsTheirP1) {
  const std::vector<double> p1 = {0.9, 0.2, 0.5, 0.7, 0.4, 0.51};
  const std::vector<double> weak = {0.8, 0.6, 0.1, 0.3, 0.4, 0.49};
  const std::vector<int> y = {1, 0, 1, 1, 0, 0};
  const auto rows = from_p1(p1), weak_rows = from_p1(weak);
  EXPECT_EQ(accuracy(rows, y), accuracy(p1, y));
  EXPECT_EQ(auroc(rows, y), auroc(p1, y));
  EXPECT_EQ(expected_calibration_error(rows, y), expected_calibration_error(p1, y));
  EXPECT_EQ(agreement(rows, weak_rows, y).overall, agreement(p1, weak, y).overall);
  EXPECT_EQ(agreement_rate(rows, weak_rows), agreement_rate(p1, weak));
  EXPECT_EQ(p1_of(rows), p1);
  EXPECT_EQ(predicted({0.5, 0.5}), 0);  // as p1 = 0.5 predicts 0
  EXPECT_DOUBLE_EQ(margin({0.3, 0.7}), 0.2);
}

TEST(Predictions, LongerRowsAreScoredByTheirArgmax) {
  // Rows of 3, 4 and 2 choices: argmax 2, 0, 1.
  const Predictions rows = {{0.1, 0.2, 0.7}, {0.4, 0.3, 0.2, 0.1}, {0.45, 0.55}};
  EXPECT_EQ(predicted(rows[0]), 2);
  EXPECT_EQ(predicted(rows[1]), 0);
  EXPECT_DOUBLE_EQ(accuracy(rows, {2, 1, 1}), 2.0 / 3.0);
  EXPECT_TRUE(std::isnan(auroc(rows, {2, 1, 1})));  // no single score to rank
  EXPECT_DOUBLE_EQ(margin(rows[0]), 0.25);          // (0.7 − 0.2) / 2
  // ECE: confidences 0.7 (right), 0.4 (wrong), 0.55 (right), in bins 7, 4 and 5 of 10.
  EXPECT_NEAR(expected_calibration_error(rows, {2, 1, 1}), (0.3 + 0.4 + 0.45) / 3.0, 1e-12);
  const Predictions weak = {{0.6, 0.3, 0.1}, {0.1, 0.8, 0.05, 0.05}, {0.3, 0.7}};
  const auto a = agreement(rows, weak, {2, 1, 1});  // weak predicts 0 (wrong), 1 (right), 1 (right)
  EXPECT_DOUBLE_EQ(a.overall, 1.0 / 3.0);
  EXPECT_EQ(a.n_weak_right, 2);
  EXPECT_DOUBLE_EQ(a.when_weak_right, 0.5);
  EXPECT_DOUBLE_EQ(a.when_weak_wrong, 0.0);
  EXPECT_DOUBLE_EQ(agreement_rate(rows, weak), 1.0 / 3.0);
}

TEST(Predictions, NanRowsAndBadLabels) {
  const Predictions rows = {{0.1, NAN, 0.7}, {0.4, 0.3, 0.3}};
  EXPECT_EQ(predicted(rows[0]), -1);
  EXPECT_TRUE(std::isnan(accuracy(rows, {2, 0})));
  EXPECT_TRUE(std::isnan(agreement_rate(rows, rows)));
  EXPECT_THROW(accuracy(rows, {3, 0}), Error);             // no choice 3 in a row of three
  EXPECT_THROW(accuracy(rows, {0}), Error);                // lengths differ
  EXPECT_THROW(p1_of(rows), Error);                        // not binary
  EXPECT_THROW(accuracy(Predictions{{1.0}}, {0}), Error);  // one choice is no question
}

}  // namespace
}  // namespace w2s::eval
