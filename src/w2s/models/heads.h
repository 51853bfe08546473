// Heads on top of a transformer's hidden states: sequence pooling (last real token, mean), a
// classification head and a scalar (reward) head. Both store their Linear as `score.{weight,bias}`,
// the name Hugging Face's *ForSequenceClassification models use. (The LM head is part of
// TransformerImpl: lm_logits(), tied to the token embedding or a separate `lm_head.weight`.)
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "w2s/io/safetensors.h"

namespace w2s::models {

enum class Pooling {
  last_token,  // hidden state at the last real token (index = attention_mask.sum(1) − 1)
  mean,        // mean over real tokens
};

/// Index of the last real token of each row: attention_mask.sum(1) − 1 → (B) int64.
/// attention_mask: (B, T), 1 = real, right-padded. Undefined → T − 1 for every row (needs T).
/// Never looks at token ids (a pad id may legitimately appear inside the text).
torch::Tensor last_token_index(const torch::Tensor& attention_mask, int64_t B, int64_t T, torch::Device device);

/// hidden: (B, T, C), attention_mask: (B, T) or undefined → (B, C) at the last real token.
torch::Tensor pool_last_token(const torch::Tensor& hidden, const torch::Tensor& attention_mask);
/// hidden: (B, T, C) → (B, C) mean over real tokens.
torch::Tensor pool_mean(const torch::Tensor& hidden, const torch::Tensor& attention_mask);
torch::Tensor pool(const torch::Tensor& hidden, const torch::Tensor& attention_mask, Pooling pooling);

struct HeadOptions {
  int64_t n_out = 2;                      // classes (classification) — the scalar head uses 1
  bool bias = false;                      // HF GPT2ForSequenceClassification: no bias
  Pooling pooling = Pooling::last_token;  // which hidden state(s) the head reads
  std::string prefix = "score";           // tensor names: "<prefix>.weight", "<prefix>.bias"
};

/// Linear(d_model, n_classes) on the pooled hidden state. Weights start at zero (so a fresh
/// classifier predicts uniformly); call init_normal for random ones.
class ClassificationHeadImpl : public torch::nn::Module {
 public:
  ClassificationHeadImpl(int64_t d_model, HeadOptions options = {});
  /// hidden: (B, T, C), attention_mask: (B, T) or undefined → logits (B, n_classes).
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask = {});
  /// Weights N(0, std) drawn from `seed` (on the CPU, so identical on every device); bias 0.
  void init_normal(uint64_t seed, double std);

  /// "<prefix>.weight" (n_out, C) and, with bias, "<prefix>.bias" (n_out), as CPU float32.
  io::TensorMap tensors() const;
  /// Copy weights from `tensors` (any float dtype); missing or mis-shaped → w2s::Error naming
  /// `source` and the tensor.
  void load_tensors(const io::TensorMap& tensors, const std::string& source);
  const HeadOptions& options() const { return options_; }

  torch::nn::Linear score{nullptr};  // C → n_out

 private:
  HeadOptions options_;
};
TORCH_MODULE(ClassificationHead);

/// Linear(d_model, 1) on the pooled hidden state → one score per sequence (reward models).
class ScalarHeadImpl : public torch::nn::Module {
 public:
  ScalarHeadImpl(int64_t d_model, HeadOptions options = {1, false, Pooling::last_token, "score"});
  /// hidden: (B, T, C) → (B).
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask = {});
  void init_normal(uint64_t seed, double std) { head->init_normal(seed, std); }
  io::TensorMap tensors() const { return head->tensors(); }
  void load_tensors(const io::TensorMap& tensors, const std::string& source) { head->load_tensors(tensors, source); }

  ClassificationHead head{nullptr};  // with n_out = 1
};
TORCH_MODULE(ScalarHead);

}  // namespace w2s::models
