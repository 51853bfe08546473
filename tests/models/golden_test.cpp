// w2s forward passes against an independent float64 implementation of the HF formulas
// (scripts/golden/make_model_goldens.py → tests/golden/models/<name>: every architecture, Llama 3
// rope scaling, sliding windows, GPT-NeoX parallel and sequential residuals, bf16 and f16 files).
#include <gtest/gtest.h>

#include "golden_compare.h"
#include "test_support.h"

namespace w2s::models {
namespace {

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, LogitsMatchIndependentImplementation) {
  const auto dir = test::source_dir() / "tests" / "golden" / "models" / GetParam();
  ASSERT_TRUE(std::filesystem::exists(dir / "config.json")) << dir;
  testing::expect_matches_golden(dir, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Models, Golden,
                         ::testing::Values("gpt2", "llama", "qwen2", "llama3", "mistral", "qwen3", "gpt_neox",
                                           "gpt_neox_sequential"));

}  // namespace
}  // namespace w2s::models
