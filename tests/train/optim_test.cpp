// Tests for train/optim: schedule values, parameter groups, clipping.
#include "w2s/train/optim.h"

#include <gtest/gtest.h>

#include <cmath>

namespace w2s::train {
namespace {

TEST(Schedule, WarmupThenCosineToMinimum) {
  ScheduleOptions s{.lr_peak = 1.0, .min_lr_ratio = 0.1, .warmup_steps = 4, .total_steps = 104};
  EXPECT_DOUBLE_EQ(lr_at(s, 0), 0.25);
  EXPECT_DOUBLE_EQ(lr_at(s, 3), 1.0);
  EXPECT_DOUBLE_EQ(lr_at(s, 4), 1.0);            // cosine starts at the peak
  EXPECT_NEAR(lr_at(s, 54), 0.1 + 0.45, 1e-12);  // halfway: mean of peak and floor
  EXPECT_NEAR(lr_at(s, 104), 0.1, 1e-12);        // floor
  EXPECT_NEAR(lr_at(s, 500), 0.1, 1e-12);        // stays there
  s.cosine = false;
  EXPECT_DOUBLE_EQ(lr_at(s, 80), 1.0);
}

TEST(AdamW, NoDecayOnBiasesAndNorms) {
  auto w = torch::ones({2, 2}, torch::requires_grad());
  auto b = torch::ones({2}, torch::requires_grad());
  auto opt = make_adamw({w, b}, {.lr = 0.1, .weight_decay = 0.5});
  // Zero gradients: only decay moves parameters.
  w.mutable_grad() = torch::zeros_like(w);
  b.mutable_grad() = torch::zeros_like(b);
  opt->step();
  EXPECT_NEAR(w[0][0].item<double>(), 1.0 - 0.1 * 0.5, 1e-7);
  EXPECT_DOUBLE_EQ(b[0].item<double>(), 1.0);
  set_lr(*opt, 0.0);
  opt->step();
  EXPECT_NEAR(w[0][0].item<double>(), 0.95, 1e-7);
}

TEST(ClipGradNorm, ScalesToMaxNormAndReportsOriginal) {
  auto a = torch::zeros({2}, torch::requires_grad());
  auto b = torch::zeros({1}, torch::requires_grad());
  a.mutable_grad() = torch::tensor({3.0f, 0.0f});
  b.mutable_grad() = torch::tensor({4.0f});
  EXPECT_NEAR(clip_grad_norm({a, b}, 1.0), 5.0, 1e-5);
  EXPECT_NEAR(a.grad()[0].item<double>(), 0.6, 1e-5);
  EXPECT_NEAR(b.grad()[0].item<double>(), 0.8, 1e-5);
  EXPECT_NEAR(clip_grad_norm({a, b}, 0.0), 1.0, 1e-5);  // 0 = no clipping
}

}  // namespace
}  // namespace w2s::train
