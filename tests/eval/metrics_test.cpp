// Tests of accuracy, AUROC, ECE, agreement, PGR and mean/SE (src/w2s/eval/metrics.h) against
// hand-computed values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "w2s/core/error.h"
#include "w2s/eval/metrics.h"

namespace w2s::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Metrics, Accuracy) {
  // Predictions (p1 > 0.5): 1, 0, 0 (0.5 predicts 0), 1 → right, right, wrong, wrong.
  EXPECT_DOUBLE_EQ(accuracy({0.9, 0.2, 0.5, 0.7}, {1, 0, 1, 0}), 0.5);
  EXPECT_DOUBLE_EQ(accuracy({0.9, 0.2, 0.5}, {1, 0, 0}), 1.0);
  EXPECT_TRUE(std::isnan(accuracy({}, {})));
  EXPECT_TRUE(std::isnan(accuracy({0.9, kNaN}, {1, 0})));
  EXPECT_THROW(accuracy({0.9, 0.1}, {1}), Error);
  EXPECT_THROW(accuracy({0.9}, {2}), Error);
}

TEST(Metrics, AurocWithTies) {
  // Positives 0.35, 0.8 vs negatives 0.1, 0.4: pairs won 1 + 0 + 1 + 1 = 3 of 4.
  EXPECT_DOUBLE_EQ(auroc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
  // Positives 0.5, 0.9 vs negatives 0.5, 0.2: ½ (tie) + 1 + 1 + 1 = 3.5 of 4.
  EXPECT_DOUBLE_EQ(auroc({0.5, 0.5, 0.2, 0.9}, {1, 0, 0, 1}), 0.875);
  EXPECT_DOUBLE_EQ(auroc({0.3, 0.3, 0.3, 0.3, 0.3}, {1, 0, 0, 1, 0}), 0.5);  // all equal
  EXPECT_DOUBLE_EQ(auroc({0.9, 0.8, 0.1}, {0, 0, 1}), 0.0);                  // perfectly wrong
  EXPECT_TRUE(std::isnan(auroc({0.2, 0.7}, {1, 1})));                        // one class
  EXPECT_TRUE(std::isnan(auroc({0.2, 0.7}, {0, 0})));
  EXPECT_TRUE(std::isnan(auroc({}, {})));
  EXPECT_TRUE(std::isnan(auroc({0.2, kNaN}, {0, 1})));
}

TEST(Metrics, ExpectedCalibrationError) {
  // Confidences 0.92, 0.93, 0.81, 0.73 (p1 0.27), 0.63 with 10 bins of width 0.05 on [0.5, 1]:
  //   bin 8 [0.90, 0.95): 0.92 right, 0.93 wrong → n 2, acc 0.5, conf 0.925 → 2·0.425 = 0.85
  //   bin 6 [0.80, 0.85): 0.81 wrong              → 0.81
  //   bin 4 [0.70, 0.75): 0.73 right              → 0.27
  //   bin 2 [0.60, 0.65): 0.63 right              → 0.37
  // ECE = (0.85 + 0.81 + 0.27 + 0.37) / 5 = 0.46.
  const std::vector<double> p1{0.92, 0.93, 0.81, 0.27, 0.63};
  const std::vector<int> y{1, 0, 0, 0, 1};
  EXPECT_NEAR(expected_calibration_error(p1, y), 0.46, 1e-12);
  // One bin: accuracy 3/5, mean confidence 4.02/5 = 0.804 → 0.204.
  EXPECT_NEAR(expected_calibration_error(p1, y, 1), 0.204, 1e-12);
  // Calibrated: confidence 0.75, 3 of 4 right; p1 = 1 sits in the last bin, p1 = 0.5 in the first.
  EXPECT_NEAR(expected_calibration_error({0.75, 0.75, 0.25, 0.75}, {1, 1, 0, 0}), 0.0, 1e-12);
  EXPECT_NEAR(expected_calibration_error({1.0, 0.0}, {1, 0}), 0.0, 1e-12);
  EXPECT_NEAR(expected_calibration_error({0.5, 0.5}, {0, 1}), 0.0, 1e-12);  // conf 0.5, acc 0.5
  EXPECT_TRUE(std::isnan(expected_calibration_error({}, {})));
  EXPECT_THROW(expected_calibration_error({0.7}, {1}, 0), Error);
}

TEST(Metrics, AgreementSplitByWeakCorrectness) {
  // weak preds 1 0 0 1 0 vs labels 1 0 1 1 0 → right on rows 0, 1, 3, 4; wrong on row 2.
  // student preds 1 0 1 0 1 → agrees with weak on rows 0, 1 only.
  const auto a = agreement({0.9, 0.2, 0.6, 0.4, 0.7}, {0.8, 0.3, 0.4, 0.6, 0.2}, {1, 0, 1, 1, 0});
  EXPECT_DOUBLE_EQ(a.overall, 0.4);
  EXPECT_DOUBLE_EQ(a.when_weak_right, 0.5);
  EXPECT_DOUBLE_EQ(a.when_weak_wrong, 0.0);
  EXPECT_EQ(a.n_weak_right, 4);
  EXPECT_EQ(a.n_weak_wrong, 1);
  // Supervisor never wrong → NaN for that split.
  const auto b = agreement({0.9, 0.1}, {0.8, 0.7}, {1, 1});
  EXPECT_DOUBLE_EQ(b.overall, 0.5);
  EXPECT_DOUBLE_EQ(b.when_weak_right, 0.5);
  EXPECT_TRUE(std::isnan(b.when_weak_wrong));
  EXPECT_EQ(b.n_weak_wrong, 0);
  EXPECT_TRUE(std::isnan(agreement({}, {}, {}).overall));
  EXPECT_THROW(agreement({0.9}, {0.8, 0.1}, {1}), Error);
}

TEST(Metrics, ErrorConsistencyIsCohensKappaOfRightAndWrong) {
  EXPECT_DOUBLE_EQ(error_consistency({1, 0, 1, 0}, {1, 0, 1, 0}), 1.0);  // the same errors
  EXPECT_DOUBLE_EQ(error_consistency({1, 1, 0, 0}, {1, 0, 1, 0}), 0.0);  // as alike as chance
  EXPECT_DOUBLE_EQ(error_consistency({1, 0}, {0, 1}), -1.0);             // never wrong together
  // Accuracies 3/4 and 1/2: c_exp = 3/8 + 1/8 = 1/2; c_obs = 3/4 → κ = 1/2.
  EXPECT_DOUBLE_EQ(error_consistency({1, 1, 1, 0}, {1, 1, 0, 0}), 0.5);
  EXPECT_TRUE(std::isnan(error_consistency({1, 1}, {1, 1})));  // both always right: undefined
  EXPECT_TRUE(std::isnan(error_consistency({}, {})));
  EXPECT_THROW(error_consistency({1}, {1, 0}), Error);
}

TEST(Metrics, MeanSe) {
  const auto m = mean_se({1.0, 2.0, kNaN, 3.0});  // sd 1 → se 1/√3
  EXPECT_EQ(m.n, 3);
  EXPECT_DOUBLE_EQ(m.mean, 2.0);
  EXPECT_NEAR(m.se, 1.0 / std::sqrt(3.0), 1e-12);
  const auto one = mean_se({5.0});
  EXPECT_EQ(one.n, 1);
  EXPECT_DOUBLE_EQ(one.mean, 5.0);
  EXPECT_EQ(one.se, 0.0);
  const auto none = mean_se({kNaN});
  EXPECT_EQ(none.n, 0);
  EXPECT_TRUE(std::isnan(none.mean));
  EXPECT_TRUE(std::isnan(none.se));
}

}  // namespace
}  // namespace w2s::eval
