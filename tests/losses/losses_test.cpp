// Tests of the weak-to-strong losses (src/w2s/methods/losses/): values on hand-computed examples,
// the logconf α schedule and threshold rules (ties included), micro-batch accumulation, registry.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "w2s/core/error.h"
#include "w2s/losses/loss.h"

namespace w2s::losses {
namespace {

const double kLn2 = std::log(2.0), kLn3 = std::log(3.0), kLn9 = std::log(9.0);

/// (rows, 2) float tensor from nested values.
torch::Tensor mat(const std::vector<std::vector<double>>& rows) {
  auto t = torch::empty({static_cast<int64_t>(rows.size()), 2}, torch::kDouble);
  for (size_t i = 0; i < rows.size(); ++i)
    for (int c = 0; c < 2; ++c) t[i][c] = rows[i][c];
  return t.to(torch::kFloat);
}

/// Logits (0, z): p1 = σ(z). z = ln3 → p = (1/4, 3/4), −ln3 → (3/4, 1/4), ln9 → (1/10, 9/10).
torch::Tensor margins(const std::vector<double>& z) {
  std::vector<std::vector<double>> rows;
  for (double x : z) rows.push_back({0.0, x});
  return mat(rows);
}

/// make_loss for `name` with the other options edited by `edit`.
std::unique_ptr<Loss> loss_named(const std::string& name, const std::function<void(LossOptions&)>& edit = {}) {
  LossOptions o;
  o.name = name;
  if (edit) edit(o);
  return make_loss(o);
}

double value(const Loss& loss, const torch::Tensor& logits, const torch::Tensor& weak, const LossBatchState& st = {},
             const LossStep& step = {}) {
  return loss.forward(logits, weak, st, step).item<double>();
}

/// d loss / d logits (b, 2).
torch::Tensor grad(const Loss& loss, const torch::Tensor& logits, const torch::Tensor& weak,
                   const LossBatchState& st = {}) {
  auto f = logits.detach().clone().requires_grad_(true);
  loss.forward(f, weak, st, {}).backward();
  return f.grad();
}

/// The labels logconf hardened to, read off the gradient with α = 1: dL/df_i1 = (p_i1 − h_i1)/b,
/// negative exactly when h_i1 = 1 (p_i1 < 1).
std::vector<int> hardened(const Loss& loss, const torch::Tensor& logits, const torch::Tensor& weak, LossBatchState st) {
  st.alpha = 1.0;
  const auto g = grad(loss, logits, weak, st);
  std::vector<int> out;
  for (int64_t i = 0; i < g.size(0); ++i) out.push_back(g[i][1].item<double>() < 0 ? 1 : 0);
  return out;
}

// Example batch used by xent / kl / product:
//   row 1: logits (0, ln3) → p = (1/4, 3/4), weak (0.2, 0.8)
//   row 2: logits (0, 0)   → p = (1/2, 1/2), weak (1, 0)
const auto kLogits2 = [] { return margins({kLn3, 0.0}); };
const auto kWeak2 = [] { return mat({{0.2, 0.8}, {1.0, 0.0}}); };

TEST(Losses, XentHandExample) {
  // CE1 = −(0.2·ln(1/4) + 0.8·ln(3/4)) = ln4 − 0.8·ln3; CE2 = ln2;
  // mean = 1.5·ln2 − 0.4·ln3 ≈ 0.600276.
  const double expected = 1.5 * kLn2 - 0.4 * kLn3;
  EXPECT_NEAR(expected, 0.600276, 1e-6);
  EXPECT_NEAR(value(*loss_named("xent"), kLogits2(), kWeak2()), expected, 1e-6);
  // Gradient (p − w)/b: row 1 (0.25 − 0.2, 0.75 − 0.8)/2, row 2 (0.5 − 1, 0.5 − 0)/2.
  const auto g = grad(*loss_named("xent"), kLogits2(), kWeak2());
  EXPECT_TRUE(torch::allclose(g, mat({{0.025, -0.025}, {-0.25, 0.25}}), 1e-5, 1e-6)) << g;
}

TEST(Losses, KlHandExampleAndXentGradients) {
  // KL1 = 0.2·ln(0.2/0.25) + 0.8·ln(0.8/0.75); KL2 = 1·ln(1/0.5) + 0·ln 0 (= 0) = ln2.
  const double expected = (0.2 * std::log(0.8) + 0.8 * std::log(16.0 / 15.0) + kLn2) / 2;
  EXPECT_NEAR(expected, 0.350075, 1e-6);  // = xent − mean weak entropy (0.500402 / 2)
  const auto kl = loss_named("kl");
  EXPECT_NEAR(value(*kl, kLogits2(), kWeak2()), expected, 1e-6);
  // Student equal to the weak labels → 0 (xent would give their entropy).
  EXPECT_NEAR(value(*kl, margins({kLn3}), mat({{0.25, 0.75}})), 0.0, 1e-6);
  torch::manual_seed(3);  // kl and xent gradients agree on a random batch
  const auto logits = torch::randn({7, 2}) * 2;
  const auto weak = torch::softmax(torch::randn({7, 2}), 1);
  const auto gk = grad(*kl, logits, weak), gx = grad(*loss_named("xent"), logits, weak);
  EXPECT_TRUE(torch::allclose(gk, gx, 1e-6, 1e-7));
  EXPECT_GT(gk.abs().sum().item<double>(), 0.1);
}

TEST(Losses, ProductHandExample) {
  // α = β = 1. Row 1: p·w = (0.05, 0.6) → t = (1/13, 12/13), CE = ln4 − (12/13)·ln3.
  // Row 2: p·w = (0.5, 0) → t = (1, 0), CE = ln2.
  const double expected = (2 * kLn2 - 12.0 / 13.0 * kLn3 + kLn2) / 2;
  const auto prod = loss_named("product");
  EXPECT_NEAR(value(*prod, kLogits2(), kWeak2()), expected, 1e-6);
  // Target detached: gradient (p − t)/b, row 1 (0.25 − 1/13, 0.75 − 12/13)/2.
  const auto g = grad(*prod, kLogits2(), kWeak2());
  const double d = (0.25 - 1.0 / 13) / 2;
  EXPECT_TRUE(torch::allclose(g, mat({{d, -d}, {-0.25, 0.25}}), 1e-5, 1e-6)) << g;
}

TEST(Losses, ProductExponentsAndZeroGuards) {
  // α = 0: weak factor w^0 = 1 even where w = 0 (no 0·log 0 = NaN) → t = p, CE = H(p).
  const auto a0 = loss_named("product", [](auto& o) { o.product_alpha = 0.0; });
  const double h1 = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75));
  EXPECT_NEAR(value(*a0, kLogits2(), kWeak2()), (h1 + kLn2) / 2, 1e-6);
  // β = 0: t = w, i.e. xent.
  const auto b0 = loss_named("product", [](auto& o) { o.product_beta = 0.0; });
  EXPECT_NEAR(value(*b0, kLogits2(), kWeak2()), 1.5 * kLn2 - 0.4 * kLn3, 1e-6);
  // An all-zero weak row (invalid, but must not give NaN) falls back to t ∝ p^β; α = β = 2 here:
  // t ∝ (1/16, 9/16) → (0.1, 0.9), CE = −(0.1·ln(1/4) + 0.9·ln(3/4)).
  const auto a2 = loss_named("product", [](auto& o) { o.product_alpha = o.product_beta = 2.0; });
  const double v = value(*a2, margins({kLn3}), mat({{0.0, 0.0}}));
  EXPECT_NEAR(v, -(0.1 * std::log(0.25) + 0.9 * std::log(0.75)), 1e-6);
}

TEST(Losses, WindowSelectsUnsureRows) {
  // window_max 0.75 (default): rows with max(w) ≤ 0.75 are used, the boundary included.
  //   row 1: p = (1/4, 3/4), w = (0.6, 0.4) selected, CE = −(0.6·ln(1/4) + 0.4·ln(3/4))
  //   row 2: logits (0, 10), w = (0.9, 0.1) not selected (its CE ≈ 9 would dominate)
  //   row 3: p = (1/2, 1/2), w = (0.75, 0.25) selected (boundary), CE = ln2
  const auto logits = mat({{0, kLn3}, {0, 10}, {0, 0}});
  const auto weak = mat({{0.6, 0.4}, {0.9, 0.1}, {0.75, 0.25}});
  const double ce1 = -(0.6 * std::log(0.25) + 0.4 * std::log(0.75));
  const auto win = loss_named("window");
  EXPECT_NEAR(value(*win, logits, weak), (ce1 + kLn2) / 2, 1e-6);
  // With the whole batch's state the result is the same (φ = 2/3, b = 3).
  const auto st = win->batch_state(logits, weak, {});
  EXPECT_NEAR(st.selected_fraction, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(value(*win, logits, weak, st), (ce1 + kLn2) / 2, 1e-6);
  // The unselected row gets no gradient.
  const auto g = grad(*win, logits, weak, st);
  EXPECT_EQ(g[1].abs().sum().item<double>(), 0.0);
}

TEST(Losses, WindowNoSelectedRowsIsZeroWithGraph) {
  const auto win = loss_named("window");
  auto f = margins({1.0, -2.0}).requires_grad_(true);
  const auto weak = mat({{1.0, 0.0}, {0.1, 0.9}});
  const auto l = win->forward(f, weak, win->batch_state(f.detach(), weak, {}), {});
  EXPECT_EQ(l.item<double>(), 0.0);
  ASSERT_TRUE(l.requires_grad());
  l.backward();
  EXPECT_EQ(f.grad().abs().sum().item<double>(), 0.0);
}

TEST(Losses, LogconfAlphaRampsLinearlyWithoutJump) {
  const auto logits = margins({0.5, -0.5});
  const auto weak = mat({{0.3, 0.7}, {0.8, 0.2}});
  const auto alpha = [&](const std::unique_ptr<Loss>& loss, int64_t step) {
    return loss->batch_state(logits, weak, {step, 100}).alpha;
  };
  // Paper form: α_max by the rule (0.5, unless a sweep resolved 0.75 for its largest model) over
  // the first 20 %.
  const auto paper = loss_named("logconf");
  EXPECT_DOUBLE_EQ(alpha(paper, 0), 0.0);
  EXPECT_DOUBLE_EQ(alpha(paper, 10), 0.25);
  EXPECT_DOUBLE_EQ(alpha(paper, 20), 0.5);
  EXPECT_DOUBLE_EQ(alpha(paper, 99), 0.5);
  LossOptions o;
  o.name = "logconf";
  EXPECT_DOUBLE_EQ(resolved_alpha_max(o, true), 0.75);
  EXPECT_DOUBLE_EQ(resolved_alpha_max(o, false), 0.5);
  o.alpha_max = 0.3;  // explicit values are kept
  EXPECT_DOUBLE_EQ(resolved_alpha_max(o, true), 0.3);
  o.alpha_max = -1, o.logconf_form = "reference";  // the reference repo's 0.5 at every size
  EXPECT_DOUBLE_EQ(resolved_alpha_max(o, true), 0.5);
  const auto largest = loss_named("logconf", [](auto& lo) { lo.alpha_max = resolved_alpha_max(lo, true); });
  EXPECT_DOUBLE_EQ(alpha(largest, 10), 0.375);
  EXPECT_DOUBLE_EQ(alpha(largest, 20), 0.75);
  const auto ref = loss_named("logconf", [](auto& o) { o.logconf_form = "reference"; });  // 0.5, 10%
  // openai/weak-to-strong would give step_frac·0.5 here (0.025 at step 5, 0.05 at step 10) and
  // jump to 0.5 at step 11; we ramp: +0.05 per step up to 0.5 at step 10, then stay.
  EXPECT_DOUBLE_EQ(alpha(ref, 5), 0.25);
  for (int64_t s = 0; s < 10; ++s) EXPECT_NEAR(alpha(ref, s + 1) - alpha(ref, s), 0.05, 1e-12) << s;
  EXPECT_DOUBLE_EQ(alpha(ref, 10), 0.5);
  EXPECT_DOUBLE_EQ(alpha(ref, 11), 0.5);

  // Explicit values override the form's; warmup 0 = no ramp. The entropy loss shares the schedule.
  const auto flat = loss_named("logconf", [](auto& o) { o.alpha_max = 0.4, o.alpha_warmup = 0; });
  EXPECT_DOUBLE_EQ(alpha(flat, 0), 0.4);
  EXPECT_DOUBLE_EQ(alpha(loss_named("entropy"), 10), 0.25);
}

TEST(Losses, LogconfPaperBalancedThresholdIsTheBatchMedianOfTheMargin) {
  const auto loss = loss_named("logconf", [](auto& o) { o.logconf_prior = "balanced"; });
  const auto weak4 = mat({{1, 0}, {1, 0}, {1, 0}, {1, 0}});
  // margins (−ln3, 0, ln3, ln9): median (linear interpolation) = ln3 / 2 → balanced.
  auto logits = margins({-kLn3, 0.0, kLn3, kLn9});
  auto st = loss->batch_state(logits, weak4, {});
  EXPECT_TRUE(st.threshold_on_margin);
  EXPECT_NEAR(st.threshold, kLn3 / 2, 1e-6);
  EXPECT_DOUBLE_EQ(st.hardened_rate, 0.5);
  EXPECT_EQ(hardened(*loss, logits, weak4, st), (std::vector<int>{0, 0, 1, 1}));
  // Ties: margins (−ln3, ln3, ln3, ln9) → t = ln3; the rows equal to t harden to class 0.
  logits = margins({-kLn3, kLn3, kLn3, kLn9});
  st = loss->batch_state(logits, weak4, {});
  EXPECT_NEAR(st.threshold, kLn3, 1e-6);
  EXPECT_EQ(hardened(*loss, logits, weak4, st), (std::vector<int>{0, 0, 0, 1}));
  // α = 1 value for the tie case: mean(−ln(3/4), −ln(1/4), −ln(1/4), −ln(9/10)).
  st.alpha = 1.0;
  const double expected = (-std::log(0.75) - 2 * std::log(0.25) - std::log(0.9)) / 4;
  EXPECT_NEAR(value(*loss, logits, weak4, st), expected, 1e-6);
  // Odd batch: the median row itself is a tie → class 0.
  logits = margins({-kLn3, 0.0, kLn3});
  st = loss->batch_state(logits, mat({{1, 0}, {1, 0}, {1, 0}}), {});
  EXPECT_NEAR(st.threshold, 0.0, 1e-6);
  EXPECT_EQ(hardened(*loss, logits, mat({{1, 0}, {1, 0}, {1, 0}}), st), (std::vector<int>{0, 0, 1}));
}

TEST(Losses, LogconfPaperHardensTheWeakLabelsShareOfEachBatch) {
  // Weak labels 3/4 positive: the default prior hardens 3 of 4 rows to class 1 (the largest
  // margins), where the balanced prior caps a no-skill student at half.
  const auto logits = margins({-kLn3, 0.0, kLn3, kLn9});
  const auto weak = mat({{0, 1}, {0, 1}, {0, 1}, {1, 0}});
  const auto loss = loss_named("logconf");
  auto st = loss->batch_state(logits, weak, {});
  // quantile(m, 1/4): rank 0.75 between −ln3 and 0 → t = −ln3 / 4.
  EXPECT_NEAR(st.threshold, -kLn3 / 4, 1e-6);
  EXPECT_DOUBLE_EQ(st.hardened_rate, 0.75);
  EXPECT_EQ(hardened(*loss, logits, weak, st), (std::vector<int>{0, 1, 1, 1}));
  const auto balanced = loss_named("logconf", [](auto& o) { o.logconf_prior = "balanced"; });
  EXPECT_DOUBLE_EQ(balanced->batch_state(logits, weak, {}).hardened_rate, 0.5);
  EXPECT_THROW(loss_named("logconf", [](auto& o) { o.logconf_prior = "uniform"; }), Error);
}

TEST(Losses, LogconfPaperThresholdDoesNotSaturate) {
  // Margins 20..26: in float32 p1 is exactly 1 in every row, so a threshold on p1 would tie the
  // whole batch and harden it to class 0. On the margin, half the batch hardens to class 1.
  const auto logits = margins({20.0, 22.0, 24.0, 26.0});
  ASSERT_EQ(torch::softmax(logits, 1).select(1, 1).eq(1.0f).sum().item<int64_t>(), 4);
  const auto weak = mat({{0, 1}, {0, 1}, {1, 0}, {1, 0}});
  const auto loss = loss_named("logconf");
  auto st = loss->batch_state(logits, weak, {});
  EXPECT_NEAR(st.threshold, 23.0, 1e-5);
  EXPECT_DOUBLE_EQ(st.hardened_rate, 0.5);
  // α = 1: rows 1 and 2 hardened to class 0 cost −ln p0 ≈ their margins; rows 3 and 4 cost ≈ 0.
  st.alpha = 1.0;
  EXPECT_NEAR(value(*loss, logits, weak, st), (20.0 + 22.0) / 4, 1e-3);
}

TEST(Losses, LogconfReferenceThresholdIsQuantileOfP0) {
  const auto loss = loss_named("logconf", [](auto& o) { o.logconf_form = "reference"; });
  // p0 = (3/4, 1/2, 1/4, 1/10); weak-positive rate q = (0 + 0 + 1 + 0.5)/4 = 0.375.
  // Sorted p0 (0.1, 0.25, 0.5, 0.75), rank q·3 = 1.125 → t = 0.25 + 0.125·0.25 = 0.28125.
  // p0 ≥ t → class 0: rows 1, 2; rows 3, 4 → class 1.
  const auto logits = margins({-kLn3, 0.0, kLn3, kLn9});
  const auto weak = mat({{1, 0}, {1, 0}, {0, 1}, {0.5, 0.5}});
  auto st = loss->batch_state(logits, weak, {5, 100});
  EXPECT_TRUE(st.threshold_on_p0);
  EXPECT_NEAR(st.threshold, 0.28125, 1e-6);
  EXPECT_DOUBLE_EQ(st.hardened_rate, 0.5);
  EXPECT_DOUBLE_EQ(st.alpha, 0.25);
  EXPECT_EQ(hardened(*loss, logits, weak, st), (std::vector<int>{0, 0, 1, 1}));
  // Value at α = 0.25: mean of 0.75·CE(f, w) + 0.25·CE(f, hard) with
  //   CE(f, w)    = (−ln(3/4), ln2, −ln(3/4), −(0.5·ln(1/10) + 0.5·ln(9/10)))
  //   CE(f, hard) = (−ln(3/4), ln2, −ln(3/4), −ln(9/10)).
  const double l34 = -std::log(0.75), l910 = -std::log(0.9);
  const double ce_w = l34 + kLn2 + l34 + 0.5 * std::log(10.0) + 0.5 * l910;
  const double ce_h = l34 + kLn2 + l34 + l910;
  EXPECT_NEAR(value(*loss, logits, weak, st), (0.75 * ce_w + 0.25 * ce_h) / 4, 1e-6);
  // Ties: p0 = (3/4, 1/4, 1/4, 1/10), q = 0.5 → rank 1.5 between the two 1/4s → t = 1/4; rows
  // equal to t satisfy p0 ≥ t → class 0.
  const auto tied = margins({-kLn3, kLn3, kLn3, kLn9});
  const auto half = mat({{0.5, 0.5}, {0.5, 0.5}, {1, 0}, {0, 1}});
  st = loss->batch_state(tied, half, {});
  EXPECT_NEAR(st.threshold, 0.25, 1e-6);
  EXPECT_EQ(hardened(*loss, tied, half, st), (std::vector<int>{0, 0, 0, 1}));
}

TEST(Losses, LogconfDefaultStateIsXent) {
  torch::manual_seed(5);
  const auto logits = torch::randn({6, 2});
  const auto weak = torch::softmax(torch::randn({6, 2}), 1);
  EXPECT_NEAR(value(*loss_named("logconf"), logits, weak), value(*loss_named("xent"), logits, weak), 1e-6);
}

TEST(Losses, EntropyTermKeepsItsGradient) {
  const auto loss = loss_named("entropy", [](auto& o) { o.alpha_max = 1.0, o.alpha_warmup = 0.0; });
  // α = 1, one row p = (1/4, 3/4): L = H(p) = −(1/4·ln(1/4) + 3/4·ln(3/4)).
  // With z = f1 − f0, dH/dz = −z·p0·p1 = −ln3·3/16, so dL/df = (+ln3·3/16, −ln3·3/16): the term
  // sharpens predictions (a detached soft target would give gradient 0).
  const auto logits = margins({kLn3});
  const auto weak = mat({{0.5, 0.5}});
  const auto st = loss->batch_state(logits, weak, {});
  const double h = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75));
  EXPECT_NEAR(value(*loss, logits, weak, st), h, 1e-6);
  const auto g = grad(*loss, logits, weak, st);
  const double d = kLn3 * 3.0 / 16.0;
  EXPECT_TRUE(torch::allclose(g, mat({{d, -d}}), 1e-5, 1e-6)) << g;
  // α = 0.5 mixes: 0.5·CE(f, w) + 0.5·H(p) with CE(f, (1/2, 1/2)) = −(ln(1/4) + ln(3/4))/2.
  auto half = st;
  half.alpha = 0.5;
  const double ce = -(std::log(0.25) + std::log(0.75)) / 2;
  EXPECT_NEAR(value(*loss, logits, weak, half), 0.5 * ce + 0.5 * h, 1e-6);
}

// batch_state over the whole batch + forward on micro-batches weighted b/B == forward on the whole
// batch, in value and gradient, for every loss (window with a micro-batch that selects no row).
TEST(Losses, MicroBatchesWeightedSumEqualsWholeBatch) {
  torch::manual_seed(11);
  const int64_t B = 8;
  const auto logits = torch::randn({B, 2}) * 1.5;
  auto weak = torch::softmax(torch::randn({B, 2}) * 2, 1);
  weak.slice(0, 3, 6).copy_(mat({{0.95, 0.05}, {0.1, 0.9}, {0.99, 0.01}}));  // micro 2: none ≤ 0.75
  const LossStep step{7, 100};
  for (const auto& form : {"paper", "reference"})
    for (const auto& name : loss_names()) {
      const auto loss = loss_named(name, [&](auto& o) { o.logconf_form = form; });
      const auto st = loss->batch_state(logits, weak, step);
      auto f_all = logits.clone().requires_grad_(true);
      const auto whole = loss->forward(f_all, weak, st, step);
      whole.backward();
      auto f = logits.clone().requires_grad_(true);
      double sum = 0.0;
      for (const auto& [lo, hi] : {std::pair{0, 3}, {3, 6}, {6, 8}}) {
        const auto part =
            loss->forward(f.slice(0, lo, hi), weak.slice(0, lo, hi), st, step) * (static_cast<double>(hi - lo) / B);
        part.backward();
        sum += part.item<double>();
      }
      EXPECT_NEAR(sum, whole.item<double>(), 1e-6) << name << " " << form;
      EXPECT_TRUE(torch::allclose(f.grad(), f_all.grad(), 1e-5, 1e-7)) << name << " " << form;
    }
}

TEST(Losses, RegistryListsAllAndUnknownNameFails) {
  const std::vector<std::string> all{"xent", "logconf", "product", "kl", "entropy", "window"};
  EXPECT_EQ(loss_names(), all);
  for (const auto& n : loss_names()) EXPECT_EQ(loss_named(n)->name(), n);
  try {
    loss_named("xnet");
    FAIL() << "expected w2s::Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown loss 'xnet'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("xent, logconf, product, kl, entropy, window"), std::string::npos) << msg;
  }
}

TEST(Losses, SchemaAndOptionChecks) {
  const auto& schema = LossOptions::schema();
  EXPECT_EQ(schema.keys(), (std::vector<std::string>{"name", "logconf_form", "logconf_prior", "alpha_max",
                                                     "alpha_warmup", "product_alpha", "product_beta", "window_max"}));
  EXPECT_EQ(schema.find("name")->choices, loss_names());
  LossOptions o;
  config::apply_override(o, schema, "logconf_form=reference");
  EXPECT_EQ(o.logconf_form, "reference");
  EXPECT_THROW(config::apply_override(o, schema, "logconf_form=papers"), Error);
  EXPECT_THROW(config::apply_override(o, schema, "name=bogus"), Error);
  EXPECT_THROW(loss_named("logconf", [](auto& o) { o.alpha_max = 1.5; }), Error);
  EXPECT_THROW(loss_named("entropy", [](auto& o) { o.alpha_warmup = 2; }), Error);
  EXPECT_THROW(loss_named("product", [](auto& o) { o.product_alpha = -1; }), Error);
  EXPECT_THROW(loss_named("window", [](auto& o) { o.window_max = 0.3; }), Error);
  // Schedules need a positive step count.
  EXPECT_THROW(loss_named("logconf")->batch_state(margins({1}), mat({{1, 0}}), {0, 0}), Error);
}

// options_read is what a stage key holds of a loss's options, so it must name every option that
// changes what the loss computes (else two different trainings share a key) and only those (else
// an xent student is retrained for each α of an ablation). Checked on the losses themselves: each
// option moved off its default, the loss value and gradients at a step inside the α warm-up, on a
// batch whose weak labels are 3/4 positive (so the prior matters).
TEST(Losses, OptionsReadAreExactlyTheOptionsThatChangeTheLoss) {
  const auto logits = margins({2.0, 1.0, 0.5, -0.3, -1.2, 0.8, 0.1, -2.0});  // (8, 2)
  const auto weak = mat({{0.1, 0.9},
                         {0.3, 0.7},
                         {0.45, 0.55},
                         {0.2, 0.8},
                         {0.7, 0.3},
                         {0.35, 0.65},
                         {0.4, 0.6},
                         {0.9, 0.1}});  // 6 of 8 weak-positive; confidences 0.55 to 0.9
  const LossStep step{1, 100};
  const std::vector<std::pair<std::string, std::string>> moved{
      {"logconf_form", "reference"}, {"logconf_prior", "balanced"}, {"alpha_max", "0.9"}, {"alpha_warmup", "0.5"},
      {"product_alpha", "2"},        {"product_beta", "0.5"},       {"window_max", "0.6"}};
  // Loss value and gradient, flattened.
  const auto outputs = [&](const LossOptions& o) {
    const auto loss = make_loss(o);
    const auto st = loss->batch_state(logits, weak, step);
    auto f = logits.detach().clone().requires_grad_(true);
    const auto v = loss->forward(f, weak, st, step);
    v.backward();
    return torch::cat({v.detach().reshape({1}), f.grad().reshape({-1})});
  };
  for (const auto& name : loss_names()) {
    LossOptions base;
    base.name = name;
    const auto& reads = options_read(name);
    for (const auto& [key, value] : moved) {
      LossOptions o = base;
      config::apply_override(o, LossOptions::schema(), key + "=" + value);
      const bool read = std::find(reads.begin(), reads.end(), key) != reads.end();
      const bool changes = !torch::allclose(outputs(o), outputs(base), 0.0, 1e-7);
      EXPECT_EQ(changes, read) << name << " with " << key << "=" << value;
      // effective_options keeps what is read and resets the rest: equal exactly when not read.
      const auto e = effective_options(o);
      const auto flat = [](const LossOptions& x) { return config::to_json(config::flatten(x, LossOptions::schema())); };
      EXPECT_EQ(flat(e) == flat(effective_options(base)), !read) << name << " " << key;
      EXPECT_TRUE(torch::equal(outputs(e), outputs(o))) << name << " " << key;
    }
  }
  EXPECT_THROW(options_read("xnet"), Error);
}

TEST(Losses, ShapesAndDtypes) {
  const auto xent = loss_named("xent");
  EXPECT_THROW(value(*xent, torch::zeros({3, 1}), torch::zeros({3, 1})), Error);  // K ≥ 2
  EXPECT_THROW(value(*xent, torch::zeros({3, 3}), torch::zeros({3, 2})), Error);
  EXPECT_THROW(value(*xent, torch::zeros({3, 2}), torch::zeros({2, 2})), Error);
  EXPECT_THROW(value(*xent, torch::zeros({2}), torch::zeros({2})), Error);
  // Other float dtypes are computed in float32 and give a float32 scalar.
  const auto l = xent->forward(kLogits2().to(torch::kDouble), kWeak2().to(torch::kDouble), {}, {});
  EXPECT_TRUE(l.scalar_type() == torch::kFloat && l.dim() == 0);
  EXPECT_NEAR(l.item<double>(), 1.5 * kLn2 - 0.4 * kLn3, 1e-6);
  const auto lb = xent->forward(kLogits2().to(torch::kBFloat16), kWeak2(), {}, {});
  EXPECT_NEAR(lb.item<double>(), 1.5 * kLn2 - 0.4 * kLn3, 2e-2);
}

TEST(Losses, MultipleChoiceRowsOfKClassesWithPaddedChoices) {
  // Row 1: three real choices, logits (ln 2, 0, 0) → p = (1/2, 1/4, 1/4); weak (0, 1, 0).
  // Row 2: two real choices and one padded with a large finite negative logit; weak (1/2, 1/2, 0).
  const auto f = torch::tensor({kLn2, 0.0, 0.0, 0.0, 0.0, -1e4}, torch::kFloat).reshape({2, 3});
  const auto w = torch::tensor({0.0, 1.0, 0.0, 0.5, 0.5, 0.0}, torch::kFloat).reshape({2, 3});
  const double ce1 = std::log(4.0), ce2 = kLn2;
  EXPECT_NEAR(value(*loss_named("xent"), f, w), (ce1 + ce2) / 2, 1e-5);
  EXPECT_NEAR(value(*loss_named("kl"), f, w), (ce1 + (ce2 - kLn2)) / 2, 1e-5);
  const auto g = grad(*loss_named("xent"), f, w);
  EXPECT_TRUE(torch::isfinite(g).all().item<bool>());
  EXPECT_NEAR(g[1][2].item<double>(), 0.0, 1e-9);  // the padded choice gets no gradient
  // logconf hardens each row to the student's own argmax (row 1: choice 0; row 2: a tie → 0).
  const auto logconf = loss_named("logconf", [](LossOptions& o) { o.alpha_warmup = 0.0; });
  const auto st = logconf->batch_state(f, w, {0, 10});
  EXPECT_DOUBLE_EQ(st.alpha, 0.5);
  EXPECT_LT(st.hardened_rate, 0.0);  // no binary threshold with K > 2
  const double aux1 = kLn2, aux2 = kLn2;
  EXPECT_NEAR(value(*logconf, f, w, st), 0.5 * (ce1 + ce2) / 2 + 0.5 * (aux1 + aux2) / 2, 1e-5);
  EXPECT_TRUE(
      std::isfinite(value(*loss_named("entropy", [](LossOptions& o) { o.alpha_warmup = 0.0; }), f, w, {.alpha = 0.5})));
  EXPECT_TRUE(std::isfinite(value(*loss_named("product"), f, w)));
}

}  // namespace
}  // namespace w2s::losses
