// Compares a w2s model loaded from a checkpoint folder with expected logits stored beside it
// (expected.safetensors: input_ids (B, T) I64, attention_mask (B, T) I64, logits (B, T, V) F32),
// at the real (unpadded) positions, with fused and reference attention.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "w2s/io/safetensors.h"
#include "w2s/models/checkpoint.h"

namespace w2s::models::testing {

inline void expect_matches_golden(const std::filesystem::path& dir, double tolerance) {
  SCOPED_TRACE(dir.string());
  auto expected = io::load_safetensors(dir / "expected.safetensors");
  ASSERT_TRUE(expected.count("input_ids") && expected.count("attention_mask") && expected.count("logits"));
  auto ids = expected["input_ids"].to(torch::kLong);
  auto mask = expected["attention_mask"].to(torch::kLong);
  auto want = expected["logits"].to(torch::kFloat);  // (B, T, V)
  auto model = load_model(dir);
  torch::NoGradGuard g;
  for (auto impl : {AttentionImpl::fused, AttentionImpl::reference}) {
    model->set_attention_impl(impl);
    auto got = model->forward(ids, mask);  // (B, T, V)
    ASSERT_EQ(got.sizes(), want.sizes());
    auto real = mask.to(torch::kBool).unsqueeze(-1).expand_as(got);
    const double diff = (got - want).abs().masked_select(real).max().item<double>();
    EXPECT_LT(diff, tolerance) << (impl == AttentionImpl::fused ? "fused" : "reference");
  }
}

}  // namespace w2s::models::testing
