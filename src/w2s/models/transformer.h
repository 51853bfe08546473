// TransformerImpl: the base class of w2s's decoder-only language models (GPT-2, Llama/Qwen2), plus
// the pieces they share: attention masks for right-padded batches, fused and reference attention,
// activations, the LM head, Hugging Face weight naming and GPT-2-style initialization.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "w2s/models/config.h"

namespace w2s::models {

/// The mask one forward pass uses, built once per batch and shared by all layers.
struct AttentionMask {
  c10::optional<torch::Tensor> mask;  // bool (B, 1, T, T), true = may attend; nullopt = causal only
  bool is_causal = true;              // true when `mask` is absent: plain causal attention
};

/// Causal mask AND "key is a real token" (AND, with a sliding `window` W, "key is one of the query's
/// last W positions, itself included"). A padding query row may also attend to itself, so no row
/// is ever empty (its output is garbage but finite, and ignored by callers).
/// attention_mask: (B, T) with 1 = real token, 0 = padding; undefined = no padding.
/// `device` places the mask when attention_mask is undefined and a window applies.
AttentionMask make_attention_mask(const torch::Tensor& attention_mask, int64_t T,
                                  std::optional<int64_t> window = std::nullopt, torch::Device device = torch::kCPU);

/// softmax(q·kᵀ/√D + mask)·v. q: (B, H, T, D), k/v: (B, H, S, D) → (B, H, T, D).
/// dropout_p > 0 applies dropout to the attention probabilities (pass 0 outside training).
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const AttentionMask& mask, AttentionImpl impl, double dropout_p = 0.0);

/// The explicit formula, written out (the slow path the fused one is tested against).
torch::Tensor reference_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                  const AttentionMask& mask, double dropout_p = 0.0);

/// Pointwise MLP activations.
enum class Activation { gelu_tanh_formula, gelu_tanh, gelu, relu, silu };
Activation parse_activation(const std::string& name);  // config names; throws w2s::Error
torch::Tensor activate(const torch::Tensor& x, Activation act);

/// One parameter as Hugging Face checkpoints name it.
struct HfTensor {
  std::string name;                  // HF name, e.g. "transformer.h.0.attn.c_attn.weight"
  std::vector<std::string> aliases;  // other accepted names (GPT2Model: without "transformer.")
  torch::Tensor param;               // the module's parameter (shares storage)
  bool transposed = false;           // stored transposed (GPT-2 Conv1D weights are (in, out))
};

/// Parameter counts. non_embedding excludes token and position embeddings and an untied LM head.
struct ParameterCount {
  int64_t total = 0;          // every parameter once (a tied LM head is not counted twice)
  int64_t non_embedding = 0;  // total − embeddings − untied lm_head
};

/// A decoder-only transformer. Subclasses build their modules under Hugging Face-like names
/// (`h.0.attn.c_attn.weight`, `layers.0.self_attn.q_proj.weight`) and map them to checkpoint names.
///
///   auto model = make_model(tiny_config("llama"));
///   model->init_weights(/*seed=*/1);
///   auto hidden = model->hidden_states(ids, mask);  // (B, T, C)
///   auto logits = model->lm_logits(hidden);         // (B, T, V)
class TransformerImpl : public torch::nn::Module {
 public:
  explicit TransformerImpl(ModelConfig config);
  ~TransformerImpl() override = default;

  const ModelConfig& config() const { return config_; }
  void set_attention_impl(AttentionImpl impl) { config_.attention = impl; }
  AttentionImpl attention_impl() const { return config_.attention; }

  /// input_ids: (B, T) int64; attention_mask: (B, T), 1 = real token, right-padded, or undefined.
  /// Positions are 0..T-1. Returns (B, T, C) after the final norm.
  virtual torch::Tensor hidden_states(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {}) = 0;

  /// (B, T, C) → (B, T, V) through the LM head (the token embedding when tied).
  torch::Tensor lm_logits(const torch::Tensor& hidden);

  /// hidden_states then lm_logits: (B, T) → (B, T, V).
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {});

  /// The token embedding matrix (V, C).
  virtual torch::Tensor token_embedding_weight() = 0;
  /// The LM head matrix (V, C): the token embedding when tied.
  torch::Tensor lm_head_weight();

  /// Every parameter with its Hugging Face name (in module order).
  std::vector<HfTensor> hf_tensors();
  /// Names found in HF checkpoints that carry no weights we use (buffers, a tied lm_head copy).
  virtual bool ignorable_hf_tensor(const std::string& name) const;

  /// GPT-2-style init, deterministic given `seed` on any device: weights N(0, 0.02), residual
  /// output projections N(0, 0.02/√(2·n_layer)), biases 0, norm weights 1.
  void init_weights(uint64_t seed);

  ParameterCount count_parameters();

  torch::Device device() const;  // where the parameters live
  torch::Dtype dtype() const;    // parameter dtype

 protected:
  /// Creates `lm_head` when the embeddings are untied; call at the end of a subclass constructor.
  void register_lm_head();
  /// Validates ids (range, shape) and mask (shape, right padding); one device sync.
  /// Returns the mask to use: undefined when there is no padding at all.
  torch::Tensor check_inputs(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);

  /// Module parameter name → HF checkpoint name (and aliases, transposition).
  virtual HfTensor hf_name(const std::string& param_name) const = 0;
  virtual bool is_residual_projection(const std::string& param_name) const = 0;
  virtual bool is_norm_weight(const std::string& param_name) const = 0;
  virtual bool is_embedding(const std::string& param_name) const = 0;

  ModelConfig config_;
  torch::nn::Linear lm_head_{nullptr};  // (V, C) without bias; null when tied
};

using Transformer = std::shared_ptr<TransformerImpl>;

/// A freshly constructed model of config.model_type (default torch init; call init_weights).
Transformer make_model(const ModelConfig& config);

}  // namespace w2s::models
