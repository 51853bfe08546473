// Tests for models/heads: last-real-token pooling (never by pad id), mean pooling, heads' tensors.
#include "w2s/models/heads.h"

#include <gtest/gtest.h>

#include "models_test_util.h"
#include "test_support.h"
#include "w2s/models/checkpoint.h"

namespace w2s::models {
namespace {

using testing::expect_error;
using testing::max_abs_diff;
using testing::random_model;
using testing::tiny;

TEST(Pooling, LastTokenIndexComesFromTheMask) {
  auto mask = torch::tensor({1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, torch::kLong).view({3, 5});
  auto idx = last_token_index(mask, 3, 5, torch::kCPU);
  EXPECT_TRUE(torch::equal(idx, torch::tensor({2, 4, 0}, torch::kLong)));
  EXPECT_TRUE(torch::equal(last_token_index({}, 2, 5, torch::kCPU), torch::tensor({4, 4}, torch::kLong)));
  auto empty_row = torch::tensor({1, 0, 0, 0}, torch::kLong).view({2, 2});
  expect_error([&] { last_token_index(empty_row, 2, 2, torch::kCPU); }, {"no real token"});
}

TEST(Pooling, ClassifierReadsLastRealTokenEvenWhenPadIdOccursInText) {
  // Pad id 0 appears inside the text of row 0 (position 1). Searching for the first pad id (the
  // reference implementation's bug) would read position 0; the mask says position 2.
  auto c = tiny({"gpt2", true});
  auto m = random_model(c);
  auto ids = torch::tensor({5, 0, 8, 0, 0, 7, 9, 11, 13, 0}, torch::kLong).view({2, 5});
  auto mask = torch::tensor({1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, torch::kLong).view({2, 5});
  ClassificationHead head(c.d_model);
  head->init_normal(/*seed=*/5, /*std=*/0.5);
  torch::NoGradGuard g;
  auto hidden = m->hidden_states(ids, mask);  // (2, 5, C)
  auto logits = head->forward(hidden, mask);  // (2, 2)
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 2}));
  auto at = [&](int64_t b, int64_t t) { return head->score->forward(hidden[b][t].unsqueeze(0))[0]; };
  EXPECT_LT(max_abs_diff(logits[0], at(0, 2)), 1e-6);
  EXPECT_GT(max_abs_diff(logits[0], at(0, 0)), 1e-3);  // what a pad-id search would give
  EXPECT_LT(max_abs_diff(logits[1], at(1, 4)), 1e-6);  // row 1: ends in token 0, all real
  // Same as classifying the unpadded text alone.
  auto alone = head->forward(m->hidden_states(ids.slice(0, 0, 1).slice(1, 0, 3)));
  EXPECT_LT(max_abs_diff(logits[0], alone[0]), 1e-5);
}

TEST(Pooling, MeanOverRealTokens) {
  auto hidden = torch::arange(12, torch::kFloat).view({2, 3, 2});
  auto mask = torch::tensor({1, 1, 0, 1, 1, 1}, torch::kLong).view({2, 3});
  auto p = pool(hidden, mask, Pooling::mean);
  EXPECT_TRUE(torch::allclose(p, torch::tensor({1.0f, 2.0f, 8.0f, 9.0f}).view({2, 2})));
  EXPECT_TRUE(torch::allclose(pool_mean(hidden, {}), hidden.mean(1)));
}

TEST(Heads, FreshClassifierIsZeroAndUniform) {
  ClassificationHead head(8);
  EXPECT_EQ(head->score->weight.abs().sum().item<float>(), 0.0f);
  EXPECT_FALSE(head->score->bias.defined());
  auto logits = head->forward(torch::randn({3, 4, 8}));
  EXPECT_EQ(logits.abs().sum().item<float>(), 0.0f);
}

TEST(Heads, TensorsRoundTripUnderScoreNames) {
  HeadOptions opts;
  opts.bias = true;
  opts.n_out = 3;
  ClassificationHead a(8, opts), b(8, opts);
  a->init_normal(1, 0.2);
  {
    torch::NoGradGuard g;
    a->score->bias.fill_(0.5);
  }
  auto t = a->tensors();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t["score.weight"].sizes(), (std::vector<int64_t>{3, 8}));
  b->load_tensors(t, "ckpt");
  auto x = torch::randn({2, 5, 8});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
  t.erase("score.bias");
  expect_error([&] { b->load_tensors(t, "ckpt"); }, {"ckpt", "score.bias"});
  t["score.bias"] = torch::zeros({4});
  expect_error([&] { b->load_tensors(t, "ckpt"); }, {"ckpt", "score.bias", "[4]", "[3]"});
}

TEST(Heads, ScalarHeadGivesOneScorePerSequenceAndSavesWithModel) {
  auto c = tiny({"llama", true});
  auto m = random_model(c);
  ScalarHead head(c.d_model);
  head->init_normal(2, 0.3);
  auto ids = testing::random_ids(3, 6, c.vocab_size);
  auto mask = torch::ones({3, 6}, torch::kLong);
  mask.index_put_({0, torch::indexing::Slice(2)}, 0);
  torch::NoGradGuard g;
  auto scores = head->forward(m->hidden_states(ids, mask), mask);
  EXPECT_EQ(scores.sizes(), (std::vector<int64_t>{3}));

  test::TempDir dir;
  save_model(*m, dir.path(), {}, head->tensors());
  io::TensorMap extra;
  LoadOptions opts;
  opts.extra_prefixes = {"score."};
  auto m2 = load_model(dir.path(), opts, &extra);
  ScalarHead head2(c.d_model);
  head2->load_tensors(extra, dir.path().string());
  EXPECT_TRUE(torch::equal(head2->forward(m2->hidden_states(ids, mask), mask), scores));
}

}  // namespace
}  // namespace w2s::models
