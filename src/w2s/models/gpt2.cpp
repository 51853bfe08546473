// GPT-2 forward pass and its Hugging Face weight names.
#include "w2s/models/gpt2.h"

#include "w2s/core/error.h"

namespace w2s::models {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

Gpt2AttentionImpl::Gpt2AttentionImpl(const ModelConfig& c)
    : n_head_(c.n_head), attn_pdrop_(c.attn_pdrop), resid_pdrop_(c.resid_pdrop) {
  c_attn = register_module("c_attn", torch::nn::Linear(c.d_model, 3 * c.d_model));
  c_proj = register_module("c_proj", torch::nn::Linear(c.d_model, c.d_model));
}

torch::Tensor Gpt2AttentionImpl::forward(const torch::Tensor& x, const AttentionMask& mask, AttentionImpl impl) {
  const int64_t B = x.size(0), T = x.size(1), C = x.size(2), D = C / n_head_;
  auto qkv = c_attn->forward(x).split(C, /*dim=*/2);  // 3 × (B, T, C)
  auto heads = [&](const torch::Tensor& t) {
    return t.view({B, T, n_head_, D}).transpose(1, 2);  // (B, H, T, D)
  };
  auto y = attention(heads(qkv[0]), heads(qkv[1]), heads(qkv[2]), mask, impl,
                     is_training() ? attn_pdrop_ : 0.0);  // (B, H, T, D)
  y = y.transpose(1, 2).contiguous().view({B, T, C});     // (B, T, C)
  return torch::dropout(c_proj->forward(y), resid_pdrop_, is_training());
}

Gpt2MlpImpl::Gpt2MlpImpl(const ModelConfig& c) : act_(parse_activation(c.activation)), resid_pdrop_(c.resid_pdrop) {
  c_fc = register_module("c_fc", torch::nn::Linear(c.d_model, c.d_ff));
  c_proj = register_module("c_proj", torch::nn::Linear(c.d_ff, c.d_model));
}

torch::Tensor Gpt2MlpImpl::forward(const torch::Tensor& x) {
  auto hidden = activate(c_fc->forward(x), act_);                               // (B, T, d_ff)
  return torch::dropout(c_proj->forward(hidden), resid_pdrop_, is_training());  // (B, T, C)
}

Gpt2BlockImpl::Gpt2BlockImpl(const ModelConfig& c) {
  auto ln = torch::nn::LayerNormOptions({c.d_model}).eps(c.norm_eps);
  ln_1 = register_module("ln_1", torch::nn::LayerNorm(ln));
  attn = register_module("attn", Gpt2Attention(c));
  ln_2 = register_module("ln_2", torch::nn::LayerNorm(ln));
  mlp = register_module("mlp", Gpt2Mlp(c));
}

torch::Tensor Gpt2BlockImpl::forward(const torch::Tensor& x, const AttentionMask& mask, AttentionImpl impl) {
  auto h = x + attn->forward(ln_1->forward(x), mask, impl);  // (B, T, C)
  return h + mlp->forward(ln_2->forward(h));                 // (B, T, C)
}

Gpt2ModelImpl::Gpt2ModelImpl(const ModelConfig& config) : TransformerImpl(config) {
  const auto& c = config_;
  wte = register_module("wte", torch::nn::Embedding(c.vocab_size, c.d_model));
  wpe = register_module("wpe", torch::nn::Embedding(c.n_ctx, c.d_model));
  h = register_module("h", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.n_layer; ++i) {
    blocks.push_back(Gpt2Block(c));
    h->push_back(blocks.back());
  }
  ln_f = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.d_model}).eps(c.norm_eps)));
  register_lm_head();
}

torch::Tensor Gpt2ModelImpl::hidden_states(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  auto mask_in = check_inputs(input_ids, attention_mask);  // (B, T) or undefined
  const int64_t T = input_ids.size(1);
  const auto mask = make_attention_mask(mask_in, T);
  auto pos = torch::arange(T, torch::TensorOptions().dtype(torch::kLong).device(input_ids.device()));
  auto x = wte->forward(input_ids) + wpe->forward(pos).unsqueeze(0);  // (B, T, C)
  x = torch::dropout(x, config_.embd_pdrop, is_training());
  for (auto& block : blocks) x = block->forward(x, mask, config_.attention);
  return ln_f->forward(x);  // (B, T, C)
}

HfTensor Gpt2ModelImpl::hf_name(const std::string& param_name) const {
  HfTensor t;
  if (param_name == "lm_head.weight") {
    t.name = param_name;
    return t;
  }
  t.name = "transformer." + param_name;
  t.aliases = {param_name};  // GPT2Model checkpoints have no "transformer." prefix
  t.transposed = param_name.ends_with(".weight") &&
                 (contains(param_name, ".attn.c_attn.") || contains(param_name, ".attn.c_proj.") ||
                  contains(param_name, ".mlp.c_fc.") || contains(param_name, ".mlp.c_proj."));
  return t;
}

bool Gpt2ModelImpl::ignorable_hf_tensor(const std::string& name) const {
  // Causal-mask buffers some GPT-2 checkpoints carry.
  return TransformerImpl::ignorable_hf_tensor(name) || name.ends_with(".attn.bias") ||
         name.ends_with(".attn.masked_bias");
}

bool Gpt2ModelImpl::is_residual_projection(const std::string& param_name) const {
  return param_name.ends_with("c_proj.weight");
}

bool Gpt2ModelImpl::is_norm_weight(const std::string& param_name) const {
  return (contains(param_name, "ln_")) && param_name.ends_with(".weight");
}

bool Gpt2ModelImpl::is_embedding(const std::string& param_name) const {
  return param_name == "wte.weight" || param_name == "wpe.weight" || param_name == "lm_head.weight";
}

}  // namespace w2s::models
