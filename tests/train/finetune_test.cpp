// Classifier finetuning on a toy task whose label is the last word: full finetuning, linear probe
// (with its feature cache), LoRA, gradient accumulation, early stopping, from-scratch twins.
#include "w2s/train/finetune.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "test_support.h"
#include "tiny_family.h"
#include "w2s/core/error.h"
#include "w2s/data/registry.h"
#include "w2s/eval/predictions.h"
#include "w2s/io/safetensors.h"
#include "w2s/models/model_spec.h"

namespace fs = std::filesystem;
using namespace w2s;

namespace {

struct Toy {
  std::vector<std::string> train_texts, test_texts;
  std::vector<int> train_labels, test_labels;
};

Toy load_toy(const fs::path& dir) {
  const auto spec = test::make_toy_task(dir / "toy.jsonl", 360);
  data::LoadTaskOptions lo;
  lo.data_root = dir;
  const auto task = data::load_task(spec, lo);
  Toy t;
  for (size_t i = 0; i < task.train.size(); ++i) {
    auto& texts = i < 240 ? t.train_texts : t.test_texts;
    auto& labels = i < 240 ? t.train_labels : t.test_labels;
    texts.push_back(task.train[i].text);
    labels.push_back(task.train[i].label);
  }
  return t;
}

torch::Tensor one_hot(const std::vector<int>& labels) {
  auto t = torch::zeros({static_cast<int64_t>(labels.size()), 2});
  for (size_t i = 0; i < labels.size(); ++i) t[static_cast<int64_t>(i)][labels[i]] = 1.0;
  return t;
}

double accuracy(const std::vector<double>& p1, const std::vector<int>& y) {
  int ok = 0;
  for (size_t i = 0; i < y.size(); ++i) ok += (p1[i] > 0.5) == (y[i] == 1);
  return static_cast<double>(ok) / static_cast<double>(y.size());
}

double majority(const std::vector<int>& y) {
  double pos = 0;
  for (int v : y) pos += v;
  return std::max(pos, y.size() - pos) / static_cast<double>(y.size());
}

class Classifier : public ::testing::Test {
 protected:
  void SetUp() override {
    family_ = test::make_tiny_family(tmp_ / "models", {32});
    toy_ = load_toy(tmp_.path());
  }
  train::FinetuneInputs inputs(const std::string& model) const {
    train::FinetuneInputs in;
    in.model_dir = model;
    in.train = {toy_.train_texts, one_hot(toy_.train_labels), {}};
    in.evals.push_back({"test", toy_.test_texts, toy_.test_labels, {}, true, {}});
    in.seed = 3;
    return in;
  }
  static train::FinetuneOptions options() {
    train::FinetuneOptions o;
    o.lr = 1e-2;
    o.epochs = 8;
    o.batch_size = 16;
    o.micro_batch = 16;
    o.eval_points = 4;
    o.precision = "float32";  // the same numbers on every CPU (auto is bf16 where the CPU has it)
    return o;
  }
  test::TempDir tmp_;
  std::vector<fs::path> family_;
  Toy toy_;
};

}  // namespace

TEST_F(Classifier, FullFinetuningLearnsTheToyTask) {
  const auto r = train::finetune_classifier(options(), inputs(family_[0].string()));
  const double acc = accuracy(eval::p1_of(r.predictions.at("test")), toy_.test_labels);
  EXPECT_GT(acc, majority(toy_.test_labels) + 0.15) << "accuracy " << acc;
  EXPECT_EQ(r.steps, 8 * 15);
  ASSERT_EQ(r.dynamics.size(), 5u);  // step 0, 3 during training, the end
  EXPECT_EQ(r.dynamics.front().step, 0);
  EXPECT_EQ(r.dynamics.back().step, r.steps);
  EXPECT_NEAR(r.dynamics.back().accuracy.at("test"), acc, 1e-12);
  // Deterministic for a fixed seed.
  const auto again = train::finetune_classifier(options(), inputs(family_[0].string()));
  EXPECT_EQ(eval::p1_of(again.predictions.at("test")), eval::p1_of(r.predictions.at("test")));
}

TEST_F(Classifier, GradientAccumulationMatchesOneBigBatch) {
  auto o = options();
  o.epochs = 2;
  o.loss.name = "logconf";  // a batch-level loss: its threshold must see the whole batch
  const auto big = train::finetune_classifier(o, inputs(family_[0].string()));
  o.micro_batch = 4;
  const auto small = train::finetune_classifier(o, inputs(family_[0].string()));
  const auto& a = eval::p1_of(big.predictions.at("test"));
  const auto& b = eval::p1_of(small.predictions.at("test"));
  double max_diff = 0;
  for (size_t i = 0; i < a.size(); ++i) max_diff = std::max(max_diff, std::abs(a[i] - b[i]));
  EXPECT_LT(max_diff, 1e-3);
}

TEST_F(Classifier, LogconfWithAlphaZeroIsXentExactly) {
  auto o = options();
  o.epochs = 2;
  const auto xent = train::finetune_classifier(o, inputs(family_[0].string()));
  o.loss.name = "logconf";
  o.loss.alpha_max = 0.0;
  const auto zero = train::finetune_classifier(o, inputs(family_[0].string()));
  EXPECT_EQ(eval::p1_of(zero.predictions.at("test")), eval::p1_of(xent.predictions.at("test")));  // bit for bit
  // The per-step record: α 0 throughout, the share hardened still recorded.
  ASSERT_EQ(zero.loss_steps.size(), static_cast<size_t>(zero.steps));
  for (const auto& r : zero.loss_steps) {
    EXPECT_EQ(r.alpha, 0.0);
    EXPECT_GE(r.hardened_rate, 0.0);
  }
  // With α > 0 the predictions move, and the dynamics rows carry what the loss did.
  o.loss.alpha_max = 0.75;
  const auto on = train::finetune_classifier(o, inputs(family_[0].string()));
  EXPECT_NE(eval::p1_of(on.predictions.at("test")), eval::p1_of(xent.predictions.at("test")));
  ASSERT_FALSE(on.dynamics.empty());
  EXPECT_TRUE(on.dynamics.back().loss.count("alpha"));
  EXPECT_TRUE(on.dynamics.back().loss.count("hardened_rate"));
  EXPECT_GT(on.dynamics.back().loss.at("alpha"), 0.0);
  EXPECT_TRUE(xent.dynamics.back().loss.empty());  // xent has no batch state to show
}

TEST_F(Classifier, LinearProbeCachesFeatures) {
  auto o = options();
  o.mode = "probe";
  o.probe_epochs = 100;
  auto in = inputs(family_[0].string());
  in.feature_cache = (tmp_ / "features").string();
  const auto r = train::finetune_classifier(o, in);
  int cached = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp_ / "features")) ++cached;
  EXPECT_EQ(cached, 2);                                  // train and test features
  const auto again = train::finetune_classifier(o, in);  // from the cache
  EXPECT_EQ(eval::p1_of(again.predictions.at("test")), eval::p1_of(r.predictions.at("test")));
  EXPECT_GT(accuracy(eval::p1_of(r.predictions.at("test")), toy_.test_labels), majority(toy_.test_labels) - 0.05);
}

TEST_F(Classifier, LoraTrainsAdaptersOnly) {
  auto o = options();
  o.mode = "lora";
  o.lora_rank = 4;
  o.lr = 2e-2;
  const auto before = io::load_checkpoint_tensors(family_[0]);
  const auto r = train::finetune_classifier(o, inputs(family_[0].string()));
  EXPECT_GT(accuracy(eval::p1_of(r.predictions.at("test")), toy_.test_labels), majority(toy_.test_labels) + 0.1);
  const auto after = io::load_checkpoint_tensors(family_[0]);  // the checkpoint is never written
  for (const auto& [k, v] : before) EXPECT_TRUE(torch::equal(v, after.at(k))) << k;
  o.lora_targets = {"nothing_like_this"};
  try {
    train::finetune_classifier(o, inputs(family_[0].string()));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("c_attn"), std::string::npos) << e.what();
  }
}

TEST_F(Classifier, EarlyStoppingKeepsTheBestValidationStep) {
  auto o = options();
  o.early_stopping = true;
  auto in = inputs(family_[0].string());
  in.evals.push_back({"val", toy_.test_texts, toy_.test_labels, {}, false, {}});
  in.val_set = "val";
  const auto r = train::finetune_classifier(o, in);
  ASSERT_GE(r.best_step, 0);
  double best = -1;
  for (const auto& d : r.dynamics)
    if (d.accuracy.count("val")) best = std::max(best, d.accuracy.at("val"));
  EXPECT_NEAR(accuracy(eval::p1_of(r.predictions.at("val")), toy_.test_labels), best, 1e-12);
  in.val_set = "nope";
  EXPECT_THROW(train::finetune_classifier(o, in), Error);
}

TEST_F(Classifier, ScratchTwinHasTheArchitectureButNotTheWeights) {
  const auto base = models::load_backbone(family_[0].string(), 0, torch::kCPU);
  const auto twin = models::load_backbone(std::string(models::kScratchPrefix) + family_[0].string(), 0, torch::kCPU);
  const auto twin2 = models::load_backbone(std::string(models::kScratchPrefix) + family_[0].string(), 0, torch::kCPU);
  auto pb = base->parameters(), pt = twin->parameters(), pt2 = twin2->parameters();
  ASSERT_EQ(pb.size(), pt.size());
  bool differs = false;
  for (size_t i = 0; i < pb.size(); ++i) {
    EXPECT_EQ(pb[i].sizes(), pt[i].sizes());
    differs |= !torch::equal(pb[i], pt[i]);
    EXPECT_TRUE(torch::equal(pt[i], pt2[i]));
  }
  EXPECT_TRUE(differs);
}

TEST_F(Classifier, BadTargetsAreAnError) {
  auto in = inputs(family_[0].string());
  in.train.targets = torch::zeros({3, 2});
  EXPECT_THROW(train::finetune_classifier(options(), in), Error);
}
