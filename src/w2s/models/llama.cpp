// The Llama-layout forward pass (llama, mistral, qwen2, qwen3) and its Hugging Face weight names.
#include "w2s/models/llama.h"

#include "w2s/core/error.h"

namespace w2s::models {
namespace {

torch::nn::Linear linear(int64_t in, int64_t out, bool bias) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

}  // namespace

RmsNormImpl::RmsNormImpl(int64_t dim, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x) {
  auto x32 = x.to(torch::kFloat);                                        // (..., C)
  auto var = x32.pow(2).mean(-1, /*keepdim=*/true);                      // (..., 1)
  return weight * (x32 * torch::rsqrt(var + eps_)).to(x.scalar_type());  // (..., C)
}

LlamaAttentionImpl::LlamaAttentionImpl(const ModelConfig& c)
    : n_head_(c.n_head), n_head_kv_(c.n_head_kv), d_head_(c.d_head), attn_pdrop_(c.attn_pdrop) {
  q_proj = register_module("q_proj", linear(c.d_model, c.n_head * c.d_head, c.qkv_bias));
  k_proj = register_module("k_proj", linear(c.d_model, c.n_head_kv * c.d_head, c.qkv_bias));
  v_proj = register_module("v_proj", linear(c.d_model, c.n_head_kv * c.d_head, c.qkv_bias));
  o_proj = register_module("o_proj", linear(c.n_head * c.d_head, c.d_model, c.attn_out_bias));
  if (c.qk_norm) {
    q_norm = register_module("q_norm", RmsNorm(c.d_head, c.norm_eps));
    k_norm = register_module("k_norm", RmsNorm(c.d_head, c.norm_eps));
  }
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                          const AttentionMask& mask, AttentionImpl impl) {
  const int64_t B = x.size(0), T = x.size(1);
  auto q = q_proj->forward(x).view({B, T, n_head_, d_head_});     // (B, T, H, D)
  auto k = k_proj->forward(x).view({B, T, n_head_kv_, d_head_});  // (B, T, Hkv, D)
  if (q_norm) {
    q = q_norm->forward(q);
    k = k_norm->forward(k);
  }
  q = q.transpose(1, 2);                                                          // (B, H, T, D)
  k = k.transpose(1, 2);                                                          // (B, Hkv, T, D)
  auto v = v_proj->forward(x).view({B, T, n_head_kv_, d_head_}).transpose(1, 2);  // (B, Hkv, T, D)
  q = apply_rotary(q, cos, sin);
  k = apply_rotary(k, cos, sin);
  if (n_head_kv_ != n_head_) {  // query head h uses key/value head h / (H / Hkv)
    const int64_t rep = n_head_ / n_head_kv_;
    k = k.unsqueeze(2).expand({B, n_head_kv_, rep, T, d_head_}).reshape({B, n_head_, T, d_head_});
    v = v.unsqueeze(2).expand({B, n_head_kv_, rep, T, d_head_}).reshape({B, n_head_, T, d_head_});
  }
  auto y = attention(q, k, v, mask, impl, is_training() ? attn_pdrop_ : 0.0);  // (B, H, T, D)
  y = y.transpose(1, 2).reshape({B, T, n_head_ * d_head_});                    // (B, T, H·D)
  return o_proj->forward(y);                                                   // (B, T, C)
}

LlamaMlpImpl::LlamaMlpImpl(const ModelConfig& c) : act_(parse_activation(c.activation)) {
  gate_proj = register_module("gate_proj", linear(c.d_model, c.d_ff, c.mlp_bias));
  up_proj = register_module("up_proj", linear(c.d_model, c.d_ff, c.mlp_bias));
  down_proj = register_module("down_proj", linear(c.d_ff, c.d_model, c.mlp_bias));
}

torch::Tensor LlamaMlpImpl::forward(const torch::Tensor& x) {
  auto h = activate(gate_proj->forward(x), act_) * up_proj->forward(x);  // (B, T, d_ff)
  return down_proj->forward(h);                                          // (B, T, C)
}

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const ModelConfig& c) {
  input_layernorm = register_module("input_layernorm", RmsNorm(c.d_model, c.norm_eps));
  self_attn = register_module("self_attn", LlamaAttention(c));
  post_attention_layernorm = register_module("post_attention_layernorm", RmsNorm(c.d_model, c.norm_eps));
  mlp = register_module("mlp", LlamaMlp(c));
}

torch::Tensor LlamaDecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                             const AttentionMask& mask, AttentionImpl impl) {
  auto h = x + self_attn->forward(input_layernorm->forward(x), cos, sin, mask, impl);  // (B, T, C)
  return h + mlp->forward(post_attention_layernorm->forward(h));                       // (B, T, C)
}

LlamaModelImpl::LlamaModelImpl(const ModelConfig& config) : TransformerImpl(config) {
  const auto& c = config_;
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.d_model));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.n_layer; ++i) {
    decoder_layers.push_back(LlamaDecoderLayer(c));
    layers->push_back(decoder_layers.back());
  }
  norm = register_module("norm", RmsNorm(c.d_model, c.norm_eps));
  register_lm_head();
}

torch::Tensor LlamaModelImpl::hidden_states(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  auto mask_in = check_inputs(input_ids, attention_mask);  // (B, T) or undefined
  const int64_t T = input_ids.size(1);
  const auto full = make_attention_mask(mask_in, T);
  std::optional<AttentionMask> windowed;      // built once, for the layers with a sliding window
  auto x = embed_tokens->forward(input_ids);  // (B, T, C)
  auto [cos, sin] = rotary_tables(config_, T, x.device(), x.scalar_type());  // (T, D) each
  for (int64_t i = 0; i < static_cast<int64_t>(decoder_layers.size()); ++i) {
    const auto window = config_.attention_window(i);
    const bool use_window = window && *window < T;
    if (use_window && !windowed) windowed = make_attention_mask(mask_in, T, window, x.device());
    x = decoder_layers[i]->forward(x, cos, sin, use_window ? *windowed : full, config_.attention);
  }
  return norm->forward(x);  // (B, T, C)
}

HfTensor LlamaModelImpl::hf_name(const std::string& param_name) const {
  HfTensor t;
  t.name = param_name == "lm_head.weight" ? param_name : "model." + param_name;
  return t;
}

bool LlamaModelImpl::ignorable_hf_tensor(const std::string& name) const {
  // Older checkpoints store the rotary frequencies as a buffer; we compute them.
  return TransformerImpl::ignorable_hf_tensor(name) || name.ends_with(".rotary_emb.inv_freq");
}

bool LlamaModelImpl::is_residual_projection(const std::string& param_name) const {
  return param_name.ends_with("o_proj.weight") || param_name.ends_with("down_proj.weight");
}

bool LlamaModelImpl::is_norm_weight(const std::string& param_name) const {
  return param_name.ends_with("layernorm.weight") || param_name == "norm.weight" ||
         param_name.ends_with("q_norm.weight") || param_name.ends_with("k_norm.weight");
}

bool LlamaModelImpl::is_embedding(const std::string& param_name) const {
  return param_name == "embed_tokens.weight" || param_name == "lm_head.weight";
}

}  // namespace w2s::models
