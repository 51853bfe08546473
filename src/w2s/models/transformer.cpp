// TransformerImpl and the pieces every architecture shares.
#include "w2s/models/transformer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "w2s/core/error.h"
#include "w2s/core/torch_compat.h"
#include "w2s/models/gpt2.h"
#include "w2s/models/gpt_neox.h"
#include "w2s/models/llama.h"

namespace w2s::models {

AttentionMask make_attention_mask(const torch::Tensor& attention_mask, int64_t T, std::optional<int64_t> window,
                                  torch::Device device) {
  AttentionMask m;
  const bool windowed = window && *window < T;
  if (!attention_mask.defined() && !windowed) return m;  // causal only
  if (attention_mask.defined()) device = attention_mask.device();
  auto causal = torch::ones({T, T}, torch::TensorOptions().dtype(torch::kBool).device(device)).tril();  // (T, T)
  if (windowed) causal = causal.triu(-(*window - 1));  // query i sees keys i−W+1 … i
  auto allowed = causal.unsqueeze(0).unsqueeze(0);     // (1, 1, T, T)
  if (attention_mask.defined()) {
    auto eye = torch::eye(T, torch::TensorOptions().dtype(torch::kBool).device(device));  // (T, T)
    auto key_real = attention_mask.to(torch::kBool).unsqueeze(1).unsqueeze(1);            // (B, 1, 1, T)
    allowed = (allowed & key_real) | eye;                                                 // (B, 1, T, T)
  }
  m.mask = allowed;
  m.is_causal = false;
  return m;
}

torch::Tensor reference_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                  const AttentionMask& mask, double dropout_p) {
  const int64_t T = q.size(-2), S = k.size(-2);
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * scale;  // (B, H, T, S)
  torch::Tensor allowed;                                        // bool, broadcastable to scores
  if (mask.mask) {
    allowed = *mask.mask;
  } else {
    allowed = torch::ones({T, S}, torch::TensorOptions().dtype(torch::kBool).device(q.device())).tril(S - T);
  }
  scores = scores.masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
  auto probs = torch::softmax(scores, -1);  // (B, H, T, S)
  if (dropout_p > 0) probs = torch::dropout(probs, dropout_p, true);
  return torch::matmul(probs, v);  // (B, H, T, D)
}

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const AttentionMask& mask, AttentionImpl impl, double dropout_p) {
  if (impl == AttentionImpl::reference) return reference_attention(q, k, v, mask, dropout_p);
  return compat::scaled_dot_product_attention(q, k, v, mask.mask, mask.is_causal, dropout_p);
}

Activation parse_activation(const std::string& name) {
  if (name == "gelu_new") return Activation::gelu_tanh_formula;
  if (name == "gelu_pytorch_tanh") return Activation::gelu_tanh;
  if (name == "gelu") return Activation::gelu;
  if (name == "relu") return Activation::relu;
  if (name == "silu" || name == "swish") return Activation::silu;
  fail("unsupported activation '{}' (supported: gelu_new, gelu_pytorch_tanh, gelu, relu, silu)", name);
}

torch::Tensor activate(const torch::Tensor& x, Activation act) {
  switch (act) {
    case Activation::gelu_tanh_formula: {
      // GPT-2's gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
      const double c = 0.7978845608028654;  // √(2/π)
      return 0.5 * x * (1.0 + torch::tanh(c * (x + 0.044715 * torch::pow(x, 3.0))));
    }
    case Activation::gelu_tanh:
      return torch::gelu(x, "tanh");
    case Activation::gelu:
      return torch::gelu(x);
    case Activation::relu:
      return torch::relu(x);
    case Activation::silu:
      return torch::silu(x);
  }
  return x;
}

TransformerImpl::TransformerImpl(ModelConfig config) : config_(std::move(config)) {
  config_.validate("model config (" + config_.model_type + ")");
}

void TransformerImpl::register_lm_head() {
  if (config_.tie_embeddings) return;
  lm_head_ = register_module(
      "lm_head", torch::nn::Linear(torch::nn::LinearOptions(config_.d_model, config_.vocab_size).bias(false)));
}

torch::Tensor TransformerImpl::lm_head_weight() {
  return config_.tie_embeddings ? token_embedding_weight() : lm_head_->weight;
}

torch::Tensor TransformerImpl::lm_logits(const torch::Tensor& hidden) {
  return torch::linear(hidden, lm_head_weight());  // (B, T, C) → (B, T, V)
}

torch::Tensor TransformerImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  return lm_logits(hidden_states(input_ids, attention_mask));
}

torch::Tensor TransformerImpl::check_inputs(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  check(input_ids.defined() && input_ids.dim() == 2 && input_ids.scalar_type() == torch::kLong,
        "hidden_states: input_ids must be a (B, T) int64 tensor, got {} {}",
        input_ids.defined() ? std::string(c10::toString(input_ids.scalar_type())) : "undefined",
        input_ids.defined() ? c10::str(input_ids.sizes()) : "");
  const int64_t B = input_ids.size(0), T = input_ids.size(1);
  check(B > 0 && T > 0, "hidden_states: empty batch ({} × {})", B, T);
  if (config_.is_gpt2())
    check(T <= config_.n_ctx, "hidden_states: sequence length {} exceeds n_ctx {}", T, config_.n_ctx);
  // One small device → host copy for all checks:
  // [ids out of range, mask not binary, not right-padded, has padding].
  auto bad_ids = ((input_ids < 0) | (input_ids >= config_.vocab_size)).any();
  if (!attention_mask.defined()) {
    check(!bad_ids.item<bool>(), "hidden_states: input_ids outside [0, {})", config_.vocab_size);
    return {};
  }
  check(attention_mask.dim() == 2 && attention_mask.size(0) == B && attention_mask.size(1) == T,
        "hidden_states: attention_mask shape {} does not match input_ids {}", c10::str(attention_mask.sizes()),
        c10::str(input_ids.sizes()));
  auto m = attention_mask.to(input_ids.device()).to(torch::kLong);  // (B, T)
  auto not_binary = ((m != 0) & (m != 1)).any();
  // Right padding: once a row has a 0, it stays 0.
  auto not_right_padded =
      T > 1 ? (m.slice(1, 1) > m.slice(1, 0, T - 1)).any() : torch::zeros({}, m.options().dtype(torch::kBool));
  auto has_padding = (m == 0).any();
  auto flags = torch::stack({bad_ids, not_binary, not_right_padded, has_padding}).cpu();
  auto f = flags.accessor<bool, 1>();
  check(!f[0], "hidden_states: input_ids outside [0, {})", config_.vocab_size);
  check(!f[1], "hidden_states: attention_mask must contain only 0 and 1");
  check(!f[2], "hidden_states: attention_mask must be right-padded (1…1 0…0 in every row)");
  return f[3] ? m : torch::Tensor();
}

std::vector<HfTensor> TransformerImpl::hf_tensors() {
  std::vector<HfTensor> out;
  for (const auto& item : named_parameters(/*recurse=*/true)) {
    HfTensor t = hf_name(item.key());
    t.param = item.value();
    out.push_back(std::move(t));
  }
  return out;
}

bool TransformerImpl::ignorable_hf_tensor(const std::string& name) const {
  return config_.tie_embeddings && name == "lm_head.weight";
}

void TransformerImpl::init_weights(uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double std_normal = 0.02;
  const double std_residual = 0.02 / std::sqrt(2.0 * static_cast<double>(config_.n_layer));
  for (auto& item : named_parameters(/*recurse=*/true)) {
    const std::string& name = item.key();
    auto& p = item.value();
    const bool is_bias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
    if (is_bias) {
      p.zero_();
    } else if (is_norm_weight(name)) {
      p.fill_(1.0);
    } else {
      const double sd = is_residual_projection(name) ? std_residual : std_normal;
      // Draw on the CPU in float32 so the values are the same on every device and dtype.
      auto cpu = at::empty(p.sizes(), torch::TensorOptions().dtype(torch::kFloat));
      cpu.normal_(0.0, sd, gen);
      p.copy_(cpu);
    }
  }
}

ParameterCount TransformerImpl::count_parameters() {
  ParameterCount c;
  for (const auto& item : named_parameters(/*recurse=*/true)) {
    c.total += item.value().numel();
    if (!is_embedding(item.key())) c.non_embedding += item.value().numel();
  }
  return c;
}

torch::Device TransformerImpl::device() const {
  auto ps = parameters();
  return ps.empty() ? torch::Device(torch::kCPU) : ps.front().device();
}

torch::Dtype TransformerImpl::dtype() const {
  auto ps = parameters();
  return ps.empty() ? torch::kFloat : ps.front().scalar_type();
}

Transformer make_model(const ModelConfig& config) {
  config.validate("model config (" + config.model_type + ")");
  if (config.is_gpt2()) return std::make_shared<Gpt2ModelImpl>(config);
  if (config.is_gpt_neox()) return std::make_shared<GptNeoXModelImpl>(config);
  return std::make_shared<LlamaModelImpl>(config);
}

}  // namespace w2s::models
