// Few-shot demonstration draws: balanced between the labels, distinct, reproducible per example,
// and a finetune with epochs = 0 that reads the demonstrations.
#include "w2s/train/few_shot.h"

#include <gtest/gtest.h>

#include <set>

#include "test_support.h"
#include "w2s/core/error.h"

namespace w2s::train {
namespace {

std::vector<int> labels(int zeros, int ones) {
  std::vector<int> out(zeros, 0);
  out.insert(out.end(), ones, 1);
  return out;
}

TEST(FewShot, DrawsAreBalancedDistinctAndDependOnlyOnSeedAndExample) {
  const auto pool = labels(30, 70);
  const auto d = draw_demonstrations(pool, 50, 4, 7);
  ASSERT_EQ(d.size(), 50u);
  std::set<int64_t> seen_first;
  for (const auto& row : d) {
    ASSERT_EQ(row.size(), 4u);
    EXPECT_EQ(std::set<int64_t>(row.begin(), row.end()).size(), 4u);  // distinct
    int ones = 0;
    for (int64_t j : row) ones += pool[j];
    EXPECT_EQ(ones, 2);  // half from each label, although 70 % of the pool is label 1
    seen_first.insert(row[0]);
  }
  EXPECT_GT(seen_first.size(), 20u);  // examples get different draws
  // Example i's draw does not depend on how many examples there are; another seed differs.
  const auto fewer = draw_demonstrations(pool, 10, 4, 7);
  for (size_t i = 0; i < fewer.size(); ++i) EXPECT_EQ(fewer[i], d[i]);
  EXPECT_NE(draw_demonstrations(pool, 10, 4, 8), fewer);
  // An odd k gives the extra one to either label.
  std::set<int> extra;
  for (const auto& row : draw_demonstrations(pool, 40, 3, 1)) {
    int ones = 0;
    for (int64_t j : row) ones += pool[j];
    EXPECT_TRUE(ones == 1 || ones == 2);
    extra.insert(ones);
  }
  EXPECT_EQ(extra.size(), 2u);
  // A label with too few examples is made up from the other.
  for (const auto& row : draw_demonstrations(labels(1, 9), 5, 4, 3)) {
    int ones = 0;
    for (int64_t j : row) ones += labels(1, 9)[j];
    EXPECT_EQ(ones, 3);
  }
}

TEST(FewShot, BadRequestsAreErrors) {
  EXPECT_NE(test::error_of([] { draw_demonstrations(labels(2, 2), 3, 5, 0); }).find("pool of 4"), std::string::npos);
  EXPECT_THROW(draw_demonstrations(labels(2, 2), 3, 0, 0), Error);
  EXPECT_NE(test::error_of([] { draw_demonstrations({0, 2}, 3, 1, 0); }).find("label 2"), std::string::npos);
}

}  // namespace
}  // namespace w2s::train
