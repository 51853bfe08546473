// GPT-NeoX (the Pythia family): LayerNorm with bias, a fused per-head q/k/v projection
// (`query_key_value`, laid out as [q_h, k_h, v_h] for each head h), rotary embeddings on a share of
// each head (rotary_pct), exact GELU, a parallel residual (x + attn(ln1(x)) + mlp(ln2(x))) when
// use_parallel_residual, and an untied `embed_out` head. Module names follow Hugging Face's
// GPTNeoXModel, so checkpoint names are "gpt_neox." + module name, and "embed_out.weight".
#pragma once

#include <torch/torch.h>

#include <vector>

#include "w2s/models/transformer.h"

namespace w2s::models {

class GptNeoXAttentionImpl : public torch::nn::Module {
 public:
  explicit GptNeoXAttentionImpl(const ModelConfig& c);
  /// x: (B, T, C); cos/sin: (T, R) → (B, T, C).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const AttentionMask& mask, AttentionImpl impl);

  torch::nn::Linear query_key_value{nullptr};  // C → H·3D, head h's rows are [q_h; k_h; v_h]
  torch::nn::Linear dense{nullptr};            // H·D → C
 private:
  int64_t n_head_, d_head_;
  double attn_pdrop_;
};
TORCH_MODULE(GptNeoXAttention);

class GptNeoXMlpImpl : public torch::nn::Module {
 public:
  explicit GptNeoXMlpImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& x);  // dense_4h_to_h(act(dense_h_to_4h(x))): (B, T, C)

  torch::nn::Linear dense_h_to_4h{nullptr};  // C → d_ff
  torch::nn::Linear dense_4h_to_h{nullptr};  // d_ff → C
 private:
  Activation act_;
};
TORCH_MODULE(GptNeoXMlp);

class GptNeoXLayerImpl : public torch::nn::Module {
 public:
  explicit GptNeoXLayerImpl(const ModelConfig& c);
  /// Parallel: x + attn(ln1(x)) + mlp(ln2(x)); sequential: h = x + attn(ln1(x)), h + mlp(ln2(h)).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const AttentionMask& mask, AttentionImpl impl);  // (B, T, C) → (B, T, C)

  torch::nn::LayerNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  GptNeoXAttention attention{nullptr};
  GptNeoXMlp mlp{nullptr};

 private:
  bool parallel_;
  double resid_pdrop_;
};
TORCH_MODULE(GptNeoXLayer);

class GptNeoXModelImpl : public TransformerImpl {
 public:
  explicit GptNeoXModelImpl(const ModelConfig& config);

  torch::Tensor hidden_states(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {}) override;
  torch::Tensor token_embedding_weight() override { return embed_in->weight; }
  bool ignorable_hf_tensor(const std::string& name) const override;

  torch::nn::Embedding embed_in{nullptr};  // (V, C)
  torch::nn::ModuleList layers{nullptr};   // n_layer GptNeoXLayers
  torch::nn::LayerNorm final_layer_norm{nullptr};
  std::vector<GptNeoXLayer> blocks;  // typed views of layers

 protected:
  HfTensor hf_name(const std::string& param_name) const override;
  bool is_residual_projection(const std::string& param_name) const override;
  bool is_norm_weight(const std::string& param_name) const override;
  bool is_embedding(const std::string& param_name) const override;
};

}  // namespace w2s::models
