// The built-in family as shipped in models/: every member listed in models/family.json loads, has
// the size its card states, and scores its family's sample (family.json's "sample") with the loss
// recorded at shipping time (scripts/ship_family.sh). Held-out loss recorded in training.json falls
// with size. The chess family (models/chess_family.json, scored on models/chess_sample.txt) too.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "test_support.h"
#include "w2s/core/file.h"
#include "w2s/eval/lm_eval.h"
#include "w2s/models/checkpoint.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::models {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path models_dir() { return test::source_dir() / "models"; }

json family(const std::string& index = "family.json") { return json::parse(read_file(models_dir() / index)); }

/// Every member of `index` loads, has its recorded size, scores the family's sample as recorded
/// and well below a uniform guess (`uniform_bound` nats), and held-out loss falls with size.
void expect_members_score_as_recorded(const std::string& index, size_t min_members, double uniform_bound) {
  const json f = family(index);
  const std::string sample = read_file(models_dir() / f["sample"].get<std::string>());
  ASSERT_GE(f["members"].size(), min_members);
  double previous_heldout = 1e9;
  for (const auto& m : f["members"]) {
    const std::string name = m["name"].get<std::string>();
    SCOPED_TRACE(name);
    const fs::path dir = models_dir() / name;
    const auto tok = tokenizer::Tokenizer::from_dir(dir.string());
    auto model = load_model(dir);  // float32 on the CPU
    EXPECT_EQ(model->count_parameters().non_embedding, m["non_embedding_parameters"].get<int64_t>());
    const auto score = eval::score_text(*model, tok, sample);
    ASSERT_GT(score.tokens.size(), 500u);
    // Same weights, same f32 arithmetic: the recorded value to well within a rounding error.
    EXPECT_NEAR(score.nats_per_token(), m["sample_nats_per_token"].get<double>(), 2e-3);
    EXPECT_LT(score.nats_per_token(), uniform_bound);
    const json training = json::parse(read_file(dir / "training.json"));
    const double heldout = training["heldout_loss"].get<double>();
    EXPECT_LT(heldout, previous_heldout) << "held-out loss must fall with size";
    previous_heldout = heldout;
  }
}

TEST(ShippedModels, FamilyIndexListsAtLeastFourSizesSpanning30x) {
  const json f = family();
  ASSERT_GE(f["members"].size(), 4u);
  int64_t smallest = INT64_MAX, largest = 0;
  for (const auto& m : f["members"]) {
    const int64_t p = m["non_embedding_parameters"].get<int64_t>();
    smallest = std::min(smallest, p);
    largest = std::max(largest, p);
  }
  EXPECT_GE(largest, 30 * smallest);
}

TEST(ShippedModels, EachLoadsAndScoresTheSampleAsRecorded) {
  // Far better than a uniform guess over the vocabulary (ln 8192 ≈ 9.01 nats).
  expect_members_score_as_recorded("family.json", 4, 7.0);
}

TEST(ShippedModels, TheChessFamilyLoadsAndScoresItsSampleAsRecorded) {
  // Eight games of data/chess/corpus/heldout.txt (never trained on); far better than a uniform
  // guess over the chess BPE's 2,048 tokens (ln 2048 ≈ 7.62 nats).
  expect_members_score_as_recorded("chess_family.json", 4, 7.0);
}

}  // namespace
}  // namespace w2s::models
