// Tests for train/pretrain: short pretraining on real English lowers held-out loss; a run stopped
// halfway and resumed ends bit-identical to an uninterrupted one (CPU, fixed seed).
#include "w2s/train/pretrain.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>

#include "test_support.h"
#include "tiny_pretraining.h"
#include "w2s/core/file.h"
#include "w2s/io/file_lock.h"
#include "w2s/io/safetensors.h"
#include "w2s/models/config.h"
#include "w2s/models/transformer.h"

namespace w2s::train {
namespace {

namespace fs = std::filesystem;

/// The shared tiny recipe with this file's cadence: a token cache, warm-up 5, held-out loss every
/// 20 steps, no checkpoint before the end.
struct Fixture : test::TinyPretraining {
  PretrainOptions options(const std::string& out, int64_t steps = 60) const {
    auto o = TinyPretraining::options(out, steps);
    o.cache_dir = (dir / "cache").string();
    o.warmup_steps = 5;
    o.eval_every = 20;
    o.eval_tokens = 4096;
    o.checkpoint_every = 1000;
    return o;
  }
};

TEST(Pretrain, HeldOutLossFallsAndModelIsExported) {
  Fixture f;
  const auto o = f.options("a");
  const auto r = pretrain(o);
  EXPECT_EQ(r.steps, 60);
  EXPECT_EQ(r.tokens_seen, 60 * 8 * 32);
  // Uniform over 512 tokens is ln 512 = 6.24 nats; 60 steps must get well below it.
  EXPECT_LT(r.heldout_loss, 5.5);
  EXPECT_GT(r.heldout_bits_per_byte, 0.0);
  EXPECT_TRUE(fs::exists(fs::path(o.out) / "model" / "model.safetensors"));
  EXPECT_TRUE(fs::exists(fs::path(o.out) / "model" / "tokenizer.json"));
  EXPECT_TRUE(fs::exists(fs::path(o.out) / "model" / "config.json"));
  // metrics.jsonl: one line per evaluation, losses falling.
  std::ifstream in(fs::path(o.out) / "metrics.jsonl");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  EXPECT_EQ(lines.size(), 3u);
}

TEST(Pretrain, ResumeIsBitIdenticalToUninterrupted) {
  Fixture f;
  auto whole = f.options("whole", 24);
  pretrain(whole);
  auto split = f.options("split", 24);
  const auto first = pretrain(split, /*stop_after_steps=*/10);
  EXPECT_EQ(first.steps, 10);
  EXPECT_FALSE(first.resumed);
  EXPECT_FALSE(fs::exists(fs::path(split.out) / "model"));
  const auto second = pretrain(split);
  EXPECT_TRUE(second.resumed);
  EXPECT_EQ(second.steps, 24);
  const auto a = io::load_checkpoint_tensors(fs::path(whole.out) / "checkpoint");
  const auto b = io::load_checkpoint_tensors(fs::path(split.out) / "checkpoint");
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, t] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(torch::equal(t, b.at(name))) << name;
  }
}

TEST(Pretrain, BadOptionsAreClearErrors) {
  Fixture f;
  auto o = f.options("bad");
  o.batch_size = 6;
  o.micro_batch = 4;
  EXPECT_THROW(pretrain(o), Error);
  o = f.options("bad2");
  o.tokenizer = (f.dir / "missing.json").string();
  try {
    pretrain(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.json"), std::string::npos);
  }
}

TEST(Pretrain, NonFiniteWeightsAreFoundByName) {
  // save_checkpoint refuses weights this finds (a checkpoint must stay resumable).
  auto model = models::make_model(models::tiny_config("gpt2", 64, 16, 1, 2, 2, 16));
  model->init_weights(0);
  EXPECT_EQ(first_nonfinite_parameter(*model), "");
  std::string victim;
  for (auto& item : model->named_parameters()) victim = item.key();  // the last one
  {
    torch::NoGradGuard no_grad;
    model->named_parameters()[victim].view(-1)[0] = std::numeric_limits<float>::infinity();
  }
  EXPECT_EQ(first_nonfinite_parameter(*model), victim);
}

TEST(Pretrain, ASecondWriterOfTheSameFolderIsRefused) {
  Fixture f;
  auto o = f.options("busy");
  // Another process's lock on the output folder (a FileLock of its own opens the file anew, so
  // it conflicts as another process's would).
  io::FileLock other(fs::path(o.out) / ".lock");
  ASSERT_TRUE(other.try_lock());
  try {
    pretrain(o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another w2s pretrain is writing to this folder"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(fs::path(o.out) / "checkpoint"));
  other.unlock();
  o.tokens = 8 * 32 * 2;  // free again: it runs
  EXPECT_NO_THROW(pretrain(o));
}

}  // namespace
}  // namespace w2s::train
