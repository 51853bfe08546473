// GPT-2: learned positions, pre-LayerNorm blocks, fused q/k/v projection (`c_attn`), gelu_new MLP.
// Module names follow Hugging Face's GPT2Model (`h.{i}.attn.c_attn.weight`, ...), so checkpoint
// names are "transformer." + module name; HF stores Conv1D weights as (in, out), we use Linear
// (out, in) and transpose on load/save.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "w2s/models/transformer.h"

namespace w2s::models {

class Gpt2AttentionImpl : public torch::nn::Module {
 public:
  explicit Gpt2AttentionImpl(const ModelConfig& c);
  /// x: (B, T, C) → (B, T, C).
  torch::Tensor forward(const torch::Tensor& x, const AttentionMask& mask, AttentionImpl impl);

  torch::nn::Linear c_attn{nullptr};  // C → 3C (q, k, v concatenated)
  torch::nn::Linear c_proj{nullptr};  // C → C
 private:
  int64_t n_head_;
  double attn_pdrop_, resid_pdrop_;
};
TORCH_MODULE(Gpt2Attention);

class Gpt2MlpImpl : public torch::nn::Module {
 public:
  explicit Gpt2MlpImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& x);  // (B, T, C) → (B, T, C)

  torch::nn::Linear c_fc{nullptr};    // C → d_ff
  torch::nn::Linear c_proj{nullptr};  // d_ff → C
 private:
  Activation act_;
  double resid_pdrop_;
};
TORCH_MODULE(Gpt2Mlp);

class Gpt2BlockImpl : public torch::nn::Module {
 public:
  explicit Gpt2BlockImpl(const ModelConfig& c);
  /// x + attn(ln_1(x)), then + mlp(ln_2(·)). (B, T, C) → (B, T, C).
  torch::Tensor forward(const torch::Tensor& x, const AttentionMask& mask, AttentionImpl impl);

  torch::nn::LayerNorm ln_1{nullptr}, ln_2{nullptr};
  Gpt2Attention attn{nullptr};
  Gpt2Mlp mlp{nullptr};
};
TORCH_MODULE(Gpt2Block);

class Gpt2ModelImpl : public TransformerImpl {
 public:
  explicit Gpt2ModelImpl(const ModelConfig& config);

  torch::Tensor hidden_states(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {}) override;
  torch::Tensor token_embedding_weight() override { return wte->weight; }
  bool ignorable_hf_tensor(const std::string& name) const override;

  torch::nn::Embedding wte{nullptr};  // (V, C) token embedding
  torch::nn::Embedding wpe{nullptr};  // (n_ctx, C) position embedding
  torch::nn::ModuleList h{nullptr};   // n_layer Gpt2Blocks
  torch::nn::LayerNorm ln_f{nullptr};
  std::vector<Gpt2Block> blocks;  // typed views of h

 protected:
  HfTensor hf_name(const std::string& param_name) const override;
  bool is_residual_projection(const std::string& param_name) const override;
  bool is_norm_weight(const std::string& param_name) const override;
  bool is_embedding(const std::string& param_name) const override;
};

}  // namespace w2s::models
