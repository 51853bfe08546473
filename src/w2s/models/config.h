// ModelConfig: the typed description of a decoder-only transformer (GPT-2, GPT-NeoX/Pythia, Llama,
// Mistral, Qwen2, Qwen3), read from and written to Hugging Face `config.json` files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace w2s::models {

/// How attention is computed. Both give the same numbers (to float rounding).
enum class AttentionImpl {
  fused,      // w2s::compat::scaled_dot_product_attention (libtorch's fused kernel where present)
  reference,  // explicit softmax(Q·Kᵀ/√d + mask)·V, slow and readable
};

/// Architecture families w2s implements (config.json `model_type`).
inline const std::vector<std::string>& supported_model_types() {
  static const std::vector<std::string> kTypes = {"gpt2", "gpt_neox", "llama", "mistral", "qwen2", "qwen3"};
  return kTypes;
}

/// Context stretches of rotary embeddings (config.json `rope_scaling` / `rope_parameters`).
enum class RopeType {
  none,     // "default": θ^(−2i/R) as is
  linear,   // positions divided by factor
  dynamic,  // NTK-aware: θ grows with the sequence once it exceeds n_ctx
  llama3,   // Llama 3.1: low frequencies divided by factor, a smooth band between
};

struct RopeScaling {
  RopeType type = RopeType::none;
  double factor = 1.0;            // linear, dynamic, llama3: the stretch
  double low_freq_factor = 1.0;   // llama3: wavelengths > original_n_ctx / low_freq_factor get the full stretch
  double high_freq_factor = 4.0;  // llama3: wavelengths < original_n_ctx / high_freq_factor are kept
  int64_t original_n_ctx = 0;     // llama3: original_max_position_embeddings (pretraining context)
};

struct ModelConfig {
  std::string model_type = "gpt2";                 // one of supported_model_types()
  int64_t vocab_size = 50257;                      // token embedding rows
  int64_t n_ctx = 1024;                            // max positions (GPT-2 n_positions; Llama max_position_embeddings)
  int64_t d_model = 768;                           // residual stream width (n_embd / hidden_size)
  int64_t n_layer = 12;                            // transformer blocks
  int64_t n_head = 12;                             // query heads
  int64_t n_head_kv = 12;                          // key/value heads (grouped-query attention when < n_head)
  int64_t d_head = 64;                             // per-head width (usually d_model / n_head)
  int64_t d_ff = 3072;                             // MLP hidden width (n_inner / intermediate_size)
  double norm_eps = 1e-5;                          // LayerNorm / RMSNorm epsilon
  double rope_theta = 10000.0;                     // rotary base (every type but gpt2)
  double rotary_fraction = 1.0;                    // share of each head's dims that rotate (gpt_neox rotary_pct)
  RopeScaling rope_scaling;                        // context stretch of the rotary frequencies
  bool qk_norm = false;                            // RMSNorm on each query and key head before rotation (qwen3)
  bool parallel_residual = false;                  // gpt_neox: x + attn(ln1(x)) + mlp(ln2(x)) in one step
  bool tie_embeddings = true;                      // LM head shares the token embedding matrix
  bool qkv_bias = true;                            // bias on the q/k/v projections (gpt2: yes; qwen2: yes)
  bool attn_out_bias = true;                       // bias on the attention output projection (gpt2: yes)
  bool mlp_bias = true;                            // bias on MLP projections (gpt2: yes; llama: mlp_bias)
  std::string activation = "gelu_new";             // "gelu_new" (tanh approx.) | "gelu_pytorch_tanh" |
                                                   // "gelu" (erf) | "relu" | "silu"
  double embd_pdrop = 0.0;                         // dropout on embeddings (training only; gpt2 HF default 0.1)
  double attn_pdrop = 0.0;                         // dropout on attention probabilities (training only)
  double resid_pdrop = 0.0;                        // dropout on residual branches (training only)
  std::optional<int64_t> bos_token_id;             // beginning-of-sequence id, if the model has one
  std::optional<int64_t> eos_token_id;             // end-of-sequence id (first one if HF lists several)
  std::optional<int64_t> pad_token_id;             // padding id, if set (never used to find lengths)
  std::string torch_dtype = "float32";             // dtype the weights are stored in: float32|bfloat16|float16
  std::optional<int64_t> sliding_window;           // window W as declared (mistral, qwen): a query sees the
                                                   // last W positions, itself included
  bool use_sliding_window = false;                 // whether layers >= window_from_layer apply sliding_window
  int64_t window_from_layer = 0;                   // first windowed layer (qwen max_window_layers; mistral 0)
  AttentionImpl attention = AttentionImpl::fused;  // run-time choice, not written to config.json

  bool is_gpt2() const { return model_type == "gpt2"; }
  bool is_gpt_neox() const { return model_type == "gpt_neox"; }
  /// Llama's block layout: llama, mistral, qwen2, qwen3.
  bool is_llama_family() const { return !is_gpt2() && !is_gpt_neox(); }
  /// How many leading dimensions of each head rotate: int(d_head · rotary_fraction), as transformers
  /// truncates it (validate() requires an even count of at least 2 outside gpt2).
  int64_t rotary_dims() const { return static_cast<int64_t>(static_cast<double>(d_head) * rotary_fraction); }
  /// The sliding window layer `layer` applies, or nullopt for full causal attention.
  std::optional<int64_t> attention_window(int64_t layer) const {
    if (use_sliding_window && sliding_window && layer >= window_from_layer) return sliding_window;
    return std::nullopt;
  }

  /// Throws w2s::Error (naming `source`) unless the sizes are consistent and positive.
  void validate(const std::string& source) const;

  /// Parse a Hugging Face config.json. `source` (the file path) is named in every error.
  /// Unknown model_type, missing keys and unsupported features (rope_scaling, ...) are errors.
  static ModelConfig from_hf_json(const nlohmann::json& j, const std::string& source);

  /// A config.json that Hugging Face transformers loads (architectures, model_type,
  /// torch_dtype...).
  nlohmann::json to_hf_json() const;
};

/// Read `dir/config.json`; broken JSON or bad content → w2s::Error naming the file.
ModelConfig load_config(const std::filesystem::path& dir);

/// Write `dir/config.json` atomically.
void save_config(const ModelConfig& config, const std::filesystem::path& dir);

/// Small configs for tests and from-scratch models of any supported type with these sizes
/// (gpt_neox: a quarter of each head rotates, parallel residual, as in Pythia; qwen3: q/k norms).
ModelConfig tiny_config(const std::string& model_type, int64_t vocab_size = 50, int64_t d_model = 32,
                        int64_t n_layer = 2, int64_t n_head = 4, int64_t n_head_kv = 4, int64_t n_ctx = 64);

}  // namespace w2s::models
