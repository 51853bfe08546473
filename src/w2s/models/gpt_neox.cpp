// GPT-NeoX forward pass and its Hugging Face weight names.
#include "w2s/models/gpt_neox.h"

#include "w2s/models/rotary.h"

namespace w2s::models {
namespace {

torch::nn::Linear linear(int64_t in, int64_t out, bool bias) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

torch::nn::LayerNorm layer_norm(const ModelConfig& c) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.d_model}).eps(c.norm_eps));
}

}  // namespace

GptNeoXAttentionImpl::GptNeoXAttentionImpl(const ModelConfig& c)
    : n_head_(c.n_head), d_head_(c.d_head), attn_pdrop_(c.attn_pdrop) {
  query_key_value = register_module("query_key_value", linear(c.d_model, 3 * c.n_head * c.d_head, c.qkv_bias));
  dense = register_module("dense", linear(c.n_head * c.d_head, c.d_model, c.attn_out_bias));
}

torch::Tensor GptNeoXAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                            const AttentionMask& mask, AttentionImpl impl) {
  const int64_t B = x.size(0), T = x.size(1);
  auto qkv = query_key_value->forward(x).view({B, T, n_head_, 3 * d_head_}).transpose(1, 2);  // (B, H, T, 3D)
  auto parts = qkv.chunk(3, /*dim=*/-1);                                                      // 3 × (B, H, T, D)
  auto q = apply_rotary(parts[0], cos, sin);                                                  // (B, H, T, D)
  auto k = apply_rotary(parts[1], cos, sin);                                                  // (B, H, T, D)
  auto y = attention(q, k, parts[2], mask, impl, is_training() ? attn_pdrop_ : 0.0);          // (B, H, T, D)
  y = y.transpose(1, 2).reshape({B, T, n_head_ * d_head_});                                   // (B, T, H·D)
  return dense->forward(y);                                                                   // (B, T, C)
}

GptNeoXMlpImpl::GptNeoXMlpImpl(const ModelConfig& c) : act_(parse_activation(c.activation)) {
  dense_h_to_4h = register_module("dense_h_to_4h", linear(c.d_model, c.d_ff, c.mlp_bias));
  dense_4h_to_h = register_module("dense_4h_to_h", linear(c.d_ff, c.d_model, c.mlp_bias));
}

torch::Tensor GptNeoXMlpImpl::forward(const torch::Tensor& x) {
  return dense_4h_to_h->forward(activate(dense_h_to_4h->forward(x), act_));  // (B, T, C)
}

GptNeoXLayerImpl::GptNeoXLayerImpl(const ModelConfig& c) : parallel_(c.parallel_residual), resid_pdrop_(c.resid_pdrop) {
  input_layernorm = register_module("input_layernorm", layer_norm(c));
  post_attention_layernorm = register_module("post_attention_layernorm", layer_norm(c));
  attention = register_module("attention", GptNeoXAttention(c));
  mlp = register_module("mlp", GptNeoXMlp(c));
}

torch::Tensor GptNeoXLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                        const AttentionMask& mask, AttentionImpl impl) {
  const double p = is_training() ? resid_pdrop_ : 0.0;
  auto a = torch::dropout(attention->forward(input_layernorm->forward(x), cos, sin, mask, impl), p,
                          is_training());  // (B, T, C)
  if (parallel_) {
    auto m = torch::dropout(mlp->forward(post_attention_layernorm->forward(x)), p, is_training());  // (B, T, C)
    return x + a + m;
  }
  auto h = x + a;                                                                                   // (B, T, C)
  return h + torch::dropout(mlp->forward(post_attention_layernorm->forward(h)), p, is_training());  // (B, T, C)
}

GptNeoXModelImpl::GptNeoXModelImpl(const ModelConfig& config) : TransformerImpl(config) {
  const auto& c = config_;
  embed_in = register_module("embed_in", torch::nn::Embedding(c.vocab_size, c.d_model));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.n_layer; ++i) {
    blocks.push_back(GptNeoXLayer(c));
    layers->push_back(blocks.back());
  }
  final_layer_norm = register_module("final_layer_norm", layer_norm(c));
  register_lm_head();
}

torch::Tensor GptNeoXModelImpl::hidden_states(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  auto mask_in = check_inputs(input_ids, attention_mask);  // (B, T) or undefined
  const int64_t T = input_ids.size(1);
  const auto mask = make_attention_mask(mask_in, T);
  auto x = embed_in->forward(input_ids);  // (B, T, C)
  x = torch::dropout(x, config_.resid_pdrop, is_training());
  auto [cos, sin] = rotary_tables(config_, T, x.device(), x.scalar_type());  // (T, R) each
  for (auto& block : blocks) x = block->forward(x, cos, sin, mask, config_.attention);
  return final_layer_norm->forward(x);  // (B, T, C)
}

HfTensor GptNeoXModelImpl::hf_name(const std::string& param_name) const {
  HfTensor t;
  if (param_name == "lm_head.weight") {
    t.name = "embed_out.weight";
    return t;
  }
  t.name = "gpt_neox." + param_name;
  t.aliases = {param_name};  // GPTNeoXModel checkpoints have no "gpt_neox." prefix
  return t;
}

bool GptNeoXModelImpl::ignorable_hf_tensor(const std::string& name) const {
  // Buffers older checkpoints carry (causal mask, its fill value, rotary frequencies); a tied head.
  return (config_.tie_embeddings && name == "embed_out.weight") || name.ends_with(".attention.bias") ||
         name.ends_with(".attention.masked_bias") || name.ends_with("rotary_emb.inv_freq");
}

bool GptNeoXModelImpl::is_residual_projection(const std::string& param_name) const {
  return param_name.ends_with("attention.dense.weight") || param_name.ends_with("dense_4h_to_h.weight");
}

bool GptNeoXModelImpl::is_norm_weight(const std::string& param_name) const {
  return param_name.ends_with("layernorm.weight") || param_name == "final_layer_norm.weight";
}

bool GptNeoXModelImpl::is_embedding(const std::string& param_name) const {
  return param_name == "embed_in.weight" || param_name == "lm_head.weight";
}

}  // namespace w2s::models
