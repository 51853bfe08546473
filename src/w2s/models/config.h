// ModelConfig: the typed description of a decoder-only transformer (GPT-2, Llama, Qwen2), read from
// and written to Hugging Face `config.json` files.
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

/// Architecture families w2s implements.
inline const std::vector<std::string>& supported_model_types() {
  static const std::vector<std::string> kTypes = {"gpt2", "llama", "qwen2"};
  return kTypes;
}

struct ModelConfig {
  std::string model_type = "gpt2";                 // "gpt2" | "llama" | "qwen2"
  int64_t vocab_size = 50257;                      // token embedding rows
  int64_t n_ctx = 1024;                            // max positions (GPT-2 n_positions; Llama max_position_embeddings)
  int64_t d_model = 768;                           // residual stream width (n_embd / hidden_size)
  int64_t n_layer = 12;                            // transformer blocks
  int64_t n_head = 12;                             // query heads
  int64_t n_head_kv = 12;                          // key/value heads (grouped-query attention when < n_head)
  int64_t d_head = 64;                             // per-head width (usually d_model / n_head)
  int64_t d_ff = 3072;                             // MLP hidden width (n_inner / intermediate_size)
  double norm_eps = 1e-5;                          // LayerNorm / RMSNorm epsilon
  double rope_theta = 10000.0;                     // rotary base (llama, qwen2 only)
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
  std::optional<int64_t> sliding_window;           // qwen2 only: kept for round trips (not implemented)
  AttentionImpl attention = AttentionImpl::fused;  // run-time choice, not written to config.json

  bool is_gpt2() const { return model_type == "gpt2"; }
  bool is_llama_family() const { return model_type == "llama" || model_type == "qwen2"; }

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

/// Small configs for tests and from-scratch models: GPT-2 / Llama / Qwen2 with these sizes.
ModelConfig tiny_config(const std::string& model_type, int64_t vocab_size = 50, int64_t d_model = 32,
                        int64_t n_layer = 2, int64_t n_head = 4, int64_t n_head_kv = 4, int64_t n_ctx = 64);

}  // namespace w2s::models
