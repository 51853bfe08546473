// The Llama block layout and its relatives: RMSNorm, rotary position embeddings (models/rotary.h),
// SwiGLU MLP, grouped-query attention (n_head_kv key/value heads); Qwen2's q/k/v biases, Qwen3's
// per-head q/k RMSNorm, and the sliding attention window of Mistral and Qwen.
// Module names follow Hugging Face's LlamaModel (`layers.{i}.self_attn.q_proj.weight`, ...), so
// checkpoint names are "model." + module name, and "lm_head.weight" when untied.
#pragma once

#include <torch/torch.h>

#include <utility>
#include <vector>

#include "w2s/models/rotary.h"
#include "w2s/models/transformer.h"

namespace w2s::models {

/// x / √(mean(x²) + eps) · weight, computed in float32 and cast back (as HF does).
class RmsNormImpl : public torch::nn::Module {
 public:
  RmsNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);  // (..., C) → (..., C)

  torch::Tensor weight;  // (C)
 private:
  double eps_;
};
TORCH_MODULE(RmsNorm);

class LlamaAttentionImpl : public torch::nn::Module {
 public:
  explicit LlamaAttentionImpl(const ModelConfig& c);
  /// x: (B, T, C); cos/sin: (T, D) → (B, T, C).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const AttentionMask& mask, AttentionImpl impl);

  torch::nn::Linear q_proj{nullptr};  // C → H·D
  torch::nn::Linear k_proj{nullptr};  // C → Hkv·D
  torch::nn::Linear v_proj{nullptr};  // C → Hkv·D
  torch::nn::Linear o_proj{nullptr};  // H·D → C
  RmsNorm q_norm{nullptr};            // (D), qwen3 only: each query head normalized before rotation
  RmsNorm k_norm{nullptr};            // (D), qwen3 only
 private:
  int64_t n_head_, n_head_kv_, d_head_;
  double attn_pdrop_;
};
TORCH_MODULE(LlamaAttention);

class LlamaMlpImpl : public torch::nn::Module {
 public:
  explicit LlamaMlpImpl(const ModelConfig& c);
  /// down(act(gate(x)) · up(x)): (B, T, C) → (B, T, C).
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr};  // C → d_ff
  torch::nn::Linear down_proj{nullptr};                    // d_ff → C
 private:
  Activation act_;
};
TORCH_MODULE(LlamaMlp);

class LlamaDecoderLayerImpl : public torch::nn::Module {
 public:
  explicit LlamaDecoderLayerImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const AttentionMask& mask, AttentionImpl impl);  // (B, T, C) → (B, T, C)

  RmsNorm input_layernorm{nullptr};
  LlamaAttention self_attn{nullptr};
  RmsNorm post_attention_layernorm{nullptr};
  LlamaMlp mlp{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

/// Llama, Mistral, Qwen2 or Qwen3 (config.model_type decides biases, norms, windows and the names in
/// config.json).
class LlamaModelImpl : public TransformerImpl {
 public:
  explicit LlamaModelImpl(const ModelConfig& config);

  torch::Tensor hidden_states(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {}) override;
  torch::Tensor token_embedding_weight() override { return embed_tokens->weight; }
  bool ignorable_hf_tensor(const std::string& name) const override;

  torch::nn::Embedding embed_tokens{nullptr};  // (V, C)
  torch::nn::ModuleList layers{nullptr};       // n_layer LlamaDecoderLayers
  RmsNorm norm{nullptr};
  std::vector<LlamaDecoderLayer> decoder_layers;  // typed views of layers

 protected:
  HfTensor hf_name(const std::string& param_name) const override;
  bool is_residual_projection(const std::string& param_name) const override;
  bool is_norm_weight(const std::string& param_name) const override;
  bool is_embedding(const std::string& param_name) const override;
};

}  // namespace w2s::models
