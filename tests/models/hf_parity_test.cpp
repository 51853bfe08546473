// w2s forward passes against Hugging Face transformers itself: tiny models saved with
// save_pretrained and their logits, written by scripts/golden/hf_parity.py into tests/golden/hf/
// (on a machine with transformers installed). Skipped until those files exist.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "golden_compare.h"
#include "test_support.h"

namespace w2s::models {
namespace {

TEST(HfParity, LogitsMatchTransformers) {
  const auto root = test::source_dir() / "tests" / "golden" / "hf";
  if (!std::filesystem::is_directory(root))
    GTEST_SKIP() << root.string()
                 << " has not been generated yet (run scripts/golden/hf_parity.py where "
                    "transformers is installed)";
  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.is_directory() && std::filesystem::exists(e.path() / "expected.safetensors")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  ASSERT_FALSE(dirs.empty()) << root << " holds no model folders";
  for (const auto& dir : dirs) testing::expect_matches_golden(dir, 1e-4);
}

}  // namespace
}  // namespace w2s::models
