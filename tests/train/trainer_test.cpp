// The one training loop: schedule, observers, exact continuation, non-finite guards; and the
// soft-label objective and evaluator on a readout that needs no transformer.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "w2s/core/error.h"
#include "w2s/eval/predictions.h"
#include "w2s/losses/loss.h"
#include "w2s/train/evaluator.h"
#include "w2s/train/soft_label_objective.h"
#include "w2s/train/trainer.h"

namespace w2s::train {
namespace {

/// Least squares y = X w on fixed data; step s uses row block s mod 4 (depends on the step only).
class Regression : public Objective {
 public:
  explicit Regression(torch::Tensor w) : w_(std::move(w)) {
    torch::manual_seed(3);
    x_ = torch::randn({32, 3});
    y_ = x_.matmul(torch::tensor({1.0f, -2.0f, 0.5f}));
  }
  StepLoss backward(int64_t step) override {
    const int64_t b = (step % 4) * 8;
    auto loss = (x_.slice(0, b, b + 8).matmul(w_) - y_.slice(0, b, b + 8)).pow(2).mean();
    loss.backward();
    return {loss.item<double>(), 8};
  }
  torch::Tensor w_, x_, y_;
};

struct Recorder : TrainObserver {
  std::vector<std::string> events;
  std::vector<StepReport> reports;
  void on_start(int64_t step, int64_t total) override {
    events.push_back("start " + std::to_string(step) + "/" + std::to_string(total));
  }
  void on_step(const StepReport& r) override { reports.push_back(r); }
  void on_end(int64_t step, int64_t total) override {
    events.push_back("end " + std::to_string(step) + "/" + std::to_string(total));
  }
};

TEST(Trainer, FollowsTheScheduleTellsObserversAndLearns) {
  auto w = torch::zeros({3}, torch::requires_grad());
  Regression obj(w);
  torch::optim::Adam opt({w}, torch::optim::AdamOptions(0.1));
  const ScheduleOptions sched{.lr_peak = 0.1, .min_lr_ratio = 0.0, .warmup_steps = 5, .total_steps = 200};
  Trainer trainer({w}, opt, {.schedule = sched, .grad_clip = 1.0});
  Recorder rec;
  trainer.observe(rec);
  EXPECT_EQ(trainer.run(obj, 0, 200), 200);
  ASSERT_EQ(rec.reports.size(), 200u);
  EXPECT_EQ(rec.events, (std::vector<std::string>{"start 0/200", "end 200/200"}));
  for (size_t i = 0; i < rec.reports.size(); ++i) {
    EXPECT_EQ(rec.reports[i].step, static_cast<int64_t>(i) + 1);
    EXPECT_DOUBLE_EQ(rec.reports[i].lr, lr_at(sched, static_cast<int64_t>(i)));
    EXPECT_EQ(rec.reports[i].examples, 8);
  }
  EXPECT_LT(rec.reports.back().loss, 1e-3 * rec.reports.front().loss);
  EXPECT_NEAR(w[1].item<float>(), -2.0f, 0.05f);
}

TEST(Trainer, TwoRunsOfHalfTheStepsEqualOneRun) {
  auto run = [](std::vector<std::pair<int64_t, int64_t>> spans) {
    auto w = torch::zeros({3}, torch::requires_grad());
    Regression obj(w);
    torch::optim::Adam opt({w}, torch::optim::AdamOptions(0.05));
    Trainer trainer({w}, opt, {.schedule = {.lr_peak = 0.05, .warmup_steps = 3, .total_steps = 20}});
    for (auto [a, b] : spans) trainer.run(obj, a, b);
    return w.detach().clone();
  };
  EXPECT_TRUE(torch::equal(run({{0, 20}}), run({{0, 7}, {7, 20}})));
}

TEST(Trainer, NonFiniteLossOrGradientStopsBeforeTheOptimizerSteps) {
  struct Bad : Objective {
    torch::Tensor w;
    bool nan_loss;
    StepLoss backward(int64_t step) override {
      if (step < 2) {
        auto loss = (w - 1.0).pow(2).sum();
        loss.backward();
        return {loss.item<double>(), 1};
      }
      // Step 2: a NaN loss, or a finite loss (0) whose gradient is NaN (sqrt'(0) · 0).
      auto loss = nan_loss ? w.sum() * std::numeric_limits<double>::quiet_NaN() : torch::sqrt(w.sum() * 0.0);
      loss.backward();
      return {loss.item<double>(), 1};
    }
  };
  for (bool nan_loss : {true, false}) {
    auto w = torch::zeros({2}, torch::requires_grad());
    Bad obj;
    obj.w = w;
    obj.nan_loss = nan_loss;
    torch::optim::SGD opt({w}, torch::optim::SGDOptions(0.1));
    Trainer trainer({w}, opt, {.schedule = {.lr_peak = 0.1, .total_steps = 5}, .what = "finetuning toy"});
    torch::Tensor before;
    struct Snap : TrainObserver {
      torch::Tensor w, *out;
      void on_step(const StepReport&) override { *out = w.detach().clone(); }
    } snap;
    snap.w = w;
    snap.out = &before;
    trainer.observe(snap);
    try {
      trainer.run(obj, 0, 5);
      FAIL() << "expected an error";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("finetuning toy"), std::string::npos) << msg;
      EXPECT_NE(msg.find("at step 2"), std::string::npos) << msg;
      EXPECT_NE(msg.find(nan_loss ? ": loss is nan" : "gradient norm is "), std::string::npos) << msg;
    }
    EXPECT_TRUE(torch::equal(w.detach(), before)) << "the optimizer stepped on a non-finite step";
    EXPECT_TRUE(torch::isfinite(w).all().item<bool>());
  }
}

/// A readout over fixed features: logits = X[rows] · W (K = 2).
class LinearReadout : public Readout {
 public:
  LinearReadout(torch::Tensor x, torch::Tensor w) : x_(std::move(x)), w_(std::move(w)) {}
  int64_t size(int) const override { return x_.size(0); }
  torch::Tensor logits(int, const std::vector<int64_t>& rows) override {
    return x_.index({torch::tensor(rows, torch::kLong)}).matmul(w_);
  }
  torch::Tensor probabilities(int) override {
    torch::NoGradGuard ng;
    return torch::softmax(x_.matmul(w_), -1);
  }
  std::vector<torch::Tensor> parameters() override { return {w_}; }
  torch::Tensor x_, w_;
};

TEST(SoftLabelObjective, MicroBatchesGiveTheGradientsOfOneBatch) {
  torch::manual_seed(0);
  const auto x = torch::randn({20, 4});
  const auto p1 = torch::rand({20});
  std::vector<double> pv(p1.data_ptr<float>(), p1.data_ptr<float>() + 20);
  for (const char* loss_name : {"xent", "logconf", "window"}) {
    losses::LossOptions lo;
    lo.name = loss_name;
    const auto loss = losses::make_loss(lo);
    std::vector<torch::Tensor> grads;
    for (int64_t micro : {8, 3}) {
      auto w = torch::zeros({4, 2}).normal_(0, 0.5, torch::make_generator<at::CPUGeneratorImpl>(1)).requires_grad_();
      LinearReadout r(x, w);
      SoftLabelObjective obj(r, 0, binary_soft_targets(pv), *loss, {.batch_size = 8, .micro_batch = micro, .seed = 5},
                             10);
      const auto sl = obj.backward(3);  // epoch 1, batch 0
      EXPECT_EQ(sl.examples, 8);
      grads.push_back(w.grad().clone());
    }
    EXPECT_TRUE(torch::allclose(grads[0], grads[1], 1e-5, 1e-6)) << loss_name;
  }
}

TEST(SoftLabelObjective, EachEpochVisitsEveryRowOnceAndTheLastBatchIsPartial) {
  // Rows are told apart by their features: row i is the one-hot e_i, so W's gradient rows show
  // which rows a step used.
  const int64_t n = 10;
  const auto x = torch::eye(n);
  auto w = torch::zeros({n, 2}, torch::requires_grad());
  LinearReadout r(x, w);
  losses::LossOptions lo;
  const auto loss = losses::make_loss(lo);
  SoftLabelObjective obj(r, 0, binary_soft_targets(std::vector<double>(n, 0.8)), *loss,
                         {.batch_size = 4, .micro_batch = 4, .seed = 1}, 6);
  EXPECT_EQ(obj.steps_per_epoch(), 3);
  for (int64_t epoch = 0; epoch < 2; ++epoch) {
    std::vector<int> seen(n, 0);
    for (int64_t s = 0; s < 3; ++s) {
      w.mutable_grad() = torch::Tensor();
      const auto sl = obj.backward(epoch * 3 + s);
      EXPECT_EQ(sl.examples, s < 2 ? 4 : 2);
      const auto per_row = w.grad().abs().sum(1);  // (n)
      const auto used = per_row.gt(0);             // (n)
      for (int64_t i = 0; i < n; ++i) seen[i] += used[i].item<bool>();
      // Every row weighs what it weighs in a full batch (the same targets and logits here): the
      // partial batch of 2 is not a full step of 2 rows at half a batch each.
      EXPECT_NEAR(per_row.max().item<double>(), per_row.sum().item<double>() / static_cast<double>(sl.examples), 1e-7);
      EXPECT_NEAR(per_row.max().item<double>(), (0.8 - 0.5) * 2 / 4, 1e-6) << "step " << s;
    }
    EXPECT_EQ(seen, std::vector<int>(n, 1)) << "epoch " << epoch;
  }
  EXPECT_GT(obj.epoch_loss(), 0.0);
}

TEST(Evaluator, RecordsDynamicsAndRestoresTheBestValidationWeights) {
  // One feature; the "model" predicts class 1 iff w > 0. Validation labels are all 1, so accuracy
  // is 1 while w > 0. The trainer pushes w down through 0: early stopping must restore a w > 0.
  const auto x = torch::ones({4, 1});
  auto w = torch::tensor({{-0.05f, 0.05f}}, torch::requires_grad());  // logits (−0.05, 0.05)·x
  LinearReadout r(x, w);
  struct Down : Objective {
    torch::Tensor w;
    StepLoss backward(int64_t) override {
      auto l = w.select(1, 1).sum() - w.select(1, 0).sum();
      l.backward();
      return {l.item<double>(), 4};
    }
  } obj;
  obj.w = w;
  torch::optim::SGD opt({w}, torch::optim::SGDOptions(0.02));
  std::vector<std::string> progress;
  Evaluator ev(
      r, {{0, "val", {1, 1, 1, 1}, {}, false}, {0, "test", {1, 1, 0, 0}, eval::from_p1({0.9, 0.9, 0.9, 0.9}), true}},
      {w}, {.eval_steps = evaluation_steps(6, 0, 3), .val_target = 0, .early_stopping = true},
      [&](int64_t step, int64_t total, const std::string& stats) {
        progress.push_back(std::to_string(step) + "/" + std::to_string(total) + stats);
      });
  Trainer trainer({w}, opt, {.schedule = {.lr_peak = 0.02, .total_steps = 6, .cosine = false}, .grad_clip = 0});
  trainer.observe(ev);
  trainer.run(obj, 0, 6);
  EXPECT_EQ(evaluation_steps(6, 0, 3), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(evaluation_steps(10, 4, 3), (std::vector<int64_t>{4, 8}));
  // Evaluations at 0, 2, 4 and (early stopping) the end.
  ASSERT_EQ(ev.dynamics().size(), 4u);
  EXPECT_DOUBLE_EQ(ev.dynamics()[0].accuracy.at("val"), 1.0);
  EXPECT_DOUBLE_EQ(ev.dynamics()[0].accuracy.at("test"), 0.5);
  EXPECT_DOUBLE_EQ(ev.dynamics()[0].agreement.at("test"), 1.0);
  EXPECT_DOUBLE_EQ(ev.dynamics()[3].accuracy.at("val"), 0.0);  // w crossed 0 at step 3
  EXPECT_EQ(ev.best_step(), 0);
  EXPECT_NEAR(w[0][1].item<float>() - w[0][0].item<float>(), 0.1f, 1e-6);  // restored
  // 4 evaluations, and the loss after each of the 4 other steps.
  ASSERT_EQ(progress.size(), 8u);
  EXPECT_EQ(progress[0], "0/6 acc[test] 0.500 acc[val] 1.000 agree[test] 1.000");
  EXPECT_EQ(progress[1], "1/6 loss 0.1000");
}

}  // namespace
}  // namespace w2s::train
