// Helpers shared by the models tests: tiny configs for every architecture, random ids, and a
// matcher for w2s::Error messages.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "w2s/core/error.h"
#include "w2s/models/config.h"
#include "w2s/models/transformer.h"

namespace w2s::models::testing {

/// One architecture variant under test.
struct Variant {
  std::string model_type;  // one of supported_model_types()
  bool tied;               // tie_embeddings
  std::string name() const { return model_type + (tied ? "_tied" : "_untied"); }
};

inline std::vector<Variant> all_variants() {
  return {{"gpt2", true},    {"gpt2", false},    {"llama", true},    {"llama", false},
          {"qwen2", true},   {"qwen2", false},   {"qwen3", true},    {"qwen3", false},
          {"mistral", true}, {"mistral", false}, {"gpt_neox", true}, {"gpt_neox", false}};
}

/// d_model 32, 2 layers, vocab 50; GQA (4 query heads, 2 kv heads) for the llama family; llama with
/// attention and MLP biases on so every bias path is exercised somewhere; a sliding window of 3 in
/// every mistral layer and of 4 in qwen3's second layer; gpt_neox's sequential residual when untied.
inline ModelConfig tiny(const Variant& v) {
  ModelConfig c = tiny_config(v.model_type, /*vocab=*/50, /*d_model=*/32, /*n_layer=*/2,
                              /*n_head=*/4, /*n_head_kv=*/2, /*n_ctx=*/16);
  c.tie_embeddings = v.tied;
  if (v.model_type == "llama" && !v.tied) c.qkv_bias = c.attn_out_bias = c.mlp_bias = true;
  if (v.model_type == "mistral") {
    c.sliding_window = 3;
    c.use_sliding_window = true;
  }
  if (v.model_type == "qwen3") {
    c.sliding_window = 4;
    c.use_sliding_window = true;
    c.window_from_layer = 1;
  }
  if (v.model_type == "gpt_neox") c.parallel_residual = v.tied;
  return c;
}

/// A model with random (seeded) weights; biases and norm weights randomized too so that a
/// transposition or a mix-up of parameters cannot hide behind zeros and ones.
inline Transformer random_model(const ModelConfig& c, uint64_t seed = 1) {
  auto m = make_model(c);
  m->init_weights(seed);
  torch::NoGradGuard g;
  torch::manual_seed(seed + 1000);
  for (auto& p : m->parameters()) p.add_(torch::randn_like(p) * 0.1);
  m->eval();
  return m;
}

inline torch::Tensor random_ids(int64_t B, int64_t T, int64_t V, uint64_t seed = 7) {
  torch::manual_seed(seed);
  return torch::randint(0, V, {B, T}, torch::TensorOptions().dtype(torch::kLong));
}

/// Runs `f`, expects a w2s::Error whose message contains every one of `parts`.
inline void expect_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected w2s::Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  }
}

inline double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

}  // namespace w2s::models::testing
