// Tests for models/rotary: the frequencies of every rope_scaling type against hand-computed
// values, and partial rotation (GPT-NeoX) leaving the other dimensions alone.
#include "w2s/models/rotary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace w2s::models {
namespace {

ModelConfig rope_config(int64_t d_head, double theta) {
  ModelConfig c = tiny_config("llama");
  c.d_head = d_head;
  c.rope_theta = theta;
  return c;
}

std::vector<double> values(const torch::Tensor& t) {
  auto d = t.to(torch::kDouble).contiguous();
  return {d.data_ptr<double>(), d.data_ptr<double>() + d.numel()};
}

TEST(Rotary, DefaultFrequenciesAreThetaToTheMinusTwoIOverR) {
  auto f = values(rotary_inv_freq(rope_config(8, 500.0), 16));
  ASSERT_EQ(f.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(f[i], std::pow(500.0, -2.0 * i / 8), 1e-6 * f[i]);
}

TEST(Rotary, LinearDividesEveryFrequency) {
  auto c = rope_config(8, 500.0);
  c.rope_scaling.type = RopeType::linear;
  c.rope_scaling.factor = 4.0;
  auto f = values(rotary_inv_freq(c, 16));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(f[i], std::pow(500.0, -2.0 * i / 8) / 4.0, 1e-6 * f[i]);
}

TEST(Rotary, DynamicChangesThetaOnlyBeyondTheContext) {
  auto c = rope_config(8, 500.0);
  c.n_ctx = 16;
  c.rope_scaling.type = RopeType::dynamic;
  c.rope_scaling.factor = 2.0;
  auto within = values(rotary_inv_freq(c, 16));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(within[i], std::pow(500.0, -2.0 * i / 8), 1e-6 * within[i]);
  // T = 32: θ' = θ · (2·32/16 − 1)^(8/6) = 500 · 3^(4/3).
  const double theta = 500.0 * std::pow(3.0, 8.0 / 6.0);
  auto beyond = values(rotary_inv_freq(c, 32));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(beyond[i], std::pow(theta, -2.0 * i / 8), 1e-6 * beyond[i]);
}

TEST(Rotary, Llama3KeepsHighStretchesLowAndInterpolatesBetween) {
  auto c = rope_config(8, 500.0);
  c.rope_scaling = {RopeType::llama3, /*factor=*/8.0, /*low=*/1.0, /*high=*/4.0, /*original_n_ctx=*/64};
  auto f = values(rotary_inv_freq(c, 16));
  // Wavelengths 2π·500^(i/4): 6.3 (< 64/4: kept), 29.8 (between 16 and 64), 140 and 664 (> 64: ÷ 8).
  const double f0 = 1.0, f1 = std::pow(500.0, -0.25), f2 = std::pow(500.0, -0.5), f3 = std::pow(500.0, -0.75);
  EXPECT_NEAR(f[0], f0, 1e-6);
  const double a = (64.0 / (2 * std::numbers::pi / f1) - 1.0) / (4.0 - 1.0);  // where 64/λ falls in [1, 4]
  EXPECT_NEAR(f[1], (1 - a) * f1 / 8.0 + a * f1, 1e-6);
  EXPECT_GT(a, 0.0);
  EXPECT_LT(a, 1.0);
  EXPECT_NEAR(f[2], f2 / 8.0, 1e-7);
  EXPECT_NEAR(f[3], f3 / 8.0, 1e-8);
}

TEST(Rotary, PartialRotationLeavesTheRestOfTheHead) {
  auto c = rope_config(8, 100.0);
  c.rotary_fraction = 0.5;  // R = 4 of 8
  EXPECT_EQ(c.rotary_dims(), 4);
  auto [cos, sin] = rotary_tables(c, 3, torch::kCPU, torch::kFloat);  // (3, 4)
  ASSERT_EQ(cos.size(1), 4);
  auto x = torch::arange(1, 9, torch::kFloat).view({1, 1, 1, 8}).expand({1, 1, 3, 8}).contiguous();
  auto y = apply_rotary(x, cos, sin).view({3, 8});
  for (int p = 0; p < 3; ++p) {
    const double a0 = p * 1.0, a1 = p / 10.0;  // 100^(−0/4), 100^(−2/4)
    EXPECT_NEAR(y[p][0].item<double>(), 1 * std::cos(a0) - 3 * std::sin(a0), 1e-5);
    EXPECT_NEAR(y[p][2].item<double>(), 3 * std::cos(a0) + 1 * std::sin(a0), 1e-5);
    EXPECT_NEAR(y[p][1].item<double>(), 2 * std::cos(a1) - 4 * std::sin(a1), 1e-5);
    EXPECT_NEAR(y[p][3].item<double>(), 4 * std::cos(a1) + 2 * std::sin(a1), 1e-5);
    for (int d = 4; d < 8; ++d) EXPECT_FLOAT_EQ(y[p][d].item<float>(), static_cast<float>(d + 1));
  }
}

}  // namespace
}  // namespace w2s::models
