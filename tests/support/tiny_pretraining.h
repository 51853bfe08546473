// Test fixture for pretraining: real English (Pride and Prejudice, chapters 1-6 to train on, part
// of chapter 7 held out) with a 512-token BPE tokenizer trained on it, and a tiny GPT-2 recipe.
#pragma once

#include <string>

#include "test_support.h"
#include "w2s/train/pretrain.h"

namespace w2s::test {

struct TinyPretraining {
  TempDir dir;
  std::string tokenizer;  // <dir>/tokenizer.json
  TinyPretraining();
  static std::string corpus();
  static std::string heldout();
  /// A recipe writing into <dir>/<out>: d_model 32, 2 layers, 2 heads, n_ctx 64; windows of 32
  /// tokens, 8 per step in micro-batches of 4, lr 3e-3, float32 throughout; `steps` optimizer
  /// steps. No token cache, evaluation or checkpoint cadence set: each test chooses its own.
  train::PretrainOptions options(const std::string& out, int64_t steps) const;
};

}  // namespace w2s::test
