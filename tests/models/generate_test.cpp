// Tests for models/generate: greedy decoding (eos, left truncation) and token scoring.
#include "w2s/models/generate.h"

#include <gtest/gtest.h>

#include "models_test_util.h"

namespace w2s::models {
namespace {

using testing::random_model;
using testing::tiny;

/// The argmax loop written out with full-sequence forwards.
std::vector<int64_t> manual_greedy(TransformerImpl& m, std::vector<int64_t> ids, int n) {
  torch::NoGradGuard g;
  std::vector<int64_t> out;
  for (int i = 0; i < n; ++i) {
    const int64_t T = std::min<int64_t>(ids.size(), m.config().n_ctx);
    std::vector<int64_t> ctx(ids.end() - T, ids.end());
    auto logits = m.forward(torch::tensor(ctx, torch::kLong).view({1, -1}));
    const int64_t next = logits[0][T - 1].argmax().item<int64_t>();
    out.push_back(next);
    ids.push_back(next);
  }
  return out;
}

TEST(Generate, GreedyMatchesManualArgmaxAndStopsAtEos) {
  for (const std::string type : {"gpt2", "qwen2"}) {
    auto m = random_model(tiny({type, true}));
    const std::vector<int64_t> prompt = {3, 14, 15, 9};
    auto got = generate_greedy(*m, prompt, 20);  // runs past n_ctx = 16: left truncation
    EXPECT_EQ(got, manual_greedy(*m, prompt, 20)) << type;
    ASSERT_EQ(got.size(), 20u);
    // Stop at the third generated token by declaring it eos.
    const int64_t eos = got[2];
    auto first = std::find(got.begin(), got.end(), eos) - got.begin();
    auto stopped = generate_greedy(*m, prompt, 20, eos);
    EXPECT_EQ(static_cast<int64_t>(stopped.size()), first + 1);
    EXPECT_EQ(stopped.back(), eos);
  }
}

TEST(Generate, LongPromptIsTruncatedFromTheLeft) {
  auto m = random_model(tiny({"gpt2", false}));
  std::vector<int64_t> prompt(40);
  for (int i = 0; i < 40; ++i) prompt[i] = (i * 7) % 50;
  std::vector<int64_t> tail(prompt.end() - 16, prompt.end());
  EXPECT_EQ(generate_greedy(*m, prompt, 3), generate_greedy(*m, tail, 3));
  EXPECT_THROW(generate_greedy(*m, {}, 3), Error);
}

TEST(Generate, RestoresTrainingMode) {
  auto m = random_model(tiny({"llama", false}));
  m->train();
  generate_greedy(*m, {1, 2}, 2);
  EXPECT_TRUE(m->is_training());
}

TEST(ScoreTokens, EqualsNegativeLogSoftmaxOfTheNextToken) {
  auto m = random_model(tiny({"llama", true}));
  const std::vector<int64_t> ids = {4, 8, 15, 16, 23, 42};
  auto losses = score_tokens(*m, ids);
  ASSERT_EQ(losses.size(), 5u);
  torch::NoGradGuard g;
  auto logp = torch::log_softmax(m->forward(torch::tensor(ids, torch::kLong).view({1, -1})), -1)[0];
  for (size_t t = 0; t + 1 < ids.size(); ++t) EXPECT_NEAR(losses[t], -logp[t][ids[t + 1]].item<float>(), 1e-5);
  EXPECT_TRUE(score_tokens(*m, {3}).empty());
}

TEST(ScoreTokens, LongSequencesUseWindowsWithHalfContext) {
  auto m = random_model(tiny({"gpt2", true}));  // n_ctx 16
  std::vector<int64_t> ids(45);
  for (int i = 0; i < 45; ++i) ids[i] = (i * 13 + 5) % 50;
  auto losses = score_tokens(*m, ids);
  ASSERT_EQ(losses.size(), 44u);
  // The first window is exact; target 20 is scored with context ids[8..20) (stride 8).
  auto first = score_tokens(*m, std::vector<int64_t>(ids.begin(), ids.begin() + 16));
  for (size_t t = 0; t < first.size(); ++t) EXPECT_FLOAT_EQ(losses[t], first[t]);
  auto window = score_tokens(*m, std::vector<int64_t>(ids.begin() + 8, ids.begin() + 24));
  EXPECT_NEAR(losses[19], window[11], 1e-5);  // ids[20] predicted from ids[8..19]
  for (float l : losses) EXPECT_TRUE(std::isfinite(l) && l > 0);
}

}  // namespace
}  // namespace w2s::models
