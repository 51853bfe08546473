// Tests for models/config: reading HF config.json for gpt2/llama/qwen2, defaults, errors, round
// trip.
#include "w2s/models/config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "models_test_util.h"
#include "test_support.h"
#include "w2s/core/file.h"

namespace w2s::models {
namespace {

using nlohmann::json;
using testing::expect_error;

json gpt2_json() {
  return json::parse(R"({"model_type": "gpt2", "vocab_size": 50257, "n_embd": 768, "n_layer": 12,
    "n_head": 12, "n_positions": 1024, "n_inner": null, "layer_norm_epsilon": 1e-5,
    "activation_function": "gelu_new", "bos_token_id": 50256, "eos_token_id": 50256})");
}

json llama_json() {
  return json::parse(R"({"model_type": "llama", "vocab_size": 32000, "hidden_size": 256,
    "intermediate_size": 688, "num_hidden_layers": 4, "num_attention_heads": 8,
    "max_position_embeddings": 2048, "rms_norm_eps": 1e-6, "hidden_act": "silu",
    "rope_scaling": null, "eos_token_id": [2, 3]})");
}

json qwen2_json() {
  return json::parse(R"({"model_type": "qwen2", "vocab_size": 151936, "hidden_size": 896,
    "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14,
    "num_key_value_heads": 2, "max_position_embeddings": 32768, "rms_norm_eps": 1e-6,
    "rope_theta": 1000000.0, "tie_word_embeddings": true, "use_sliding_window": false,
    "sliding_window": 32768, "torch_dtype": "bfloat16"})");
}

TEST(ModelConfig, Gpt2DefaultsAndNullInner) {
  auto c = ModelConfig::from_hf_json(gpt2_json(), "gpt2/config.json");
  EXPECT_EQ(c.model_type, "gpt2");
  EXPECT_EQ(c.d_model, 768);
  EXPECT_EQ(c.d_ff, 4 * 768);  // n_inner null → 4·n_embd
  EXPECT_EQ(c.n_ctx, 1024);
  EXPECT_EQ(c.n_head_kv, 12);
  EXPECT_EQ(c.d_head, 64);
  EXPECT_TRUE(c.tie_embeddings);  // GPT-2 default
  EXPECT_TRUE(c.qkv_bias && c.attn_out_bias && c.mlp_bias);
  EXPECT_EQ(c.activation, "gelu_new");
  EXPECT_DOUBLE_EQ(c.resid_pdrop, 0.1);  // HF default
  EXPECT_EQ(c.eos_token_id, 50256);
  EXPECT_FALSE(c.pad_token_id.has_value());
}

TEST(ModelConfig, LlamaDefaults) {
  auto c = ModelConfig::from_hf_json(llama_json(), "llama/config.json");
  EXPECT_EQ(c.n_head_kv, 8);  // num_key_value_heads defaults to the head count
  EXPECT_EQ(c.d_head, 32);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_FALSE(c.tie_embeddings);
  EXPECT_FALSE(c.qkv_bias);
  EXPECT_FALSE(c.mlp_bias);
  EXPECT_EQ(c.eos_token_id, 2);  // first of a list
  auto j = llama_json();
  j["head_dim"] = 64;
  j["attention_bias"] = true;
  auto c2 = ModelConfig::from_hf_json(j, "x");
  EXPECT_EQ(c2.d_head, 64);
  EXPECT_TRUE(c2.qkv_bias && c2.attn_out_bias);
}

TEST(ModelConfig, Qwen2HasQkvBiasOnly) {
  auto c = ModelConfig::from_hf_json(qwen2_json(), "qwen2/config.json");
  EXPECT_TRUE(c.qkv_bias);
  EXPECT_FALSE(c.attn_out_bias);
  EXPECT_FALSE(c.mlp_bias);
  EXPECT_TRUE(c.tie_embeddings);
  EXPECT_EQ(c.n_head_kv, 2);
  EXPECT_EQ(c.d_head, 64);
  EXPECT_DOUBLE_EQ(c.rope_theta, 1e6);
  EXPECT_EQ(c.torch_dtype, "bfloat16");
  auto j = qwen2_json();
  j.erase("tie_word_embeddings");
  EXPECT_FALSE(ModelConfig::from_hf_json(j, "x").tie_embeddings);  // Qwen2 default: untied
}

TEST(ModelConfig, RoundTripThroughHfJson) {
  for (const auto& j : {gpt2_json(), llama_json(), qwen2_json()}) {
    auto c = ModelConfig::from_hf_json(j, "a");
    auto out = c.to_hf_json();
    EXPECT_TRUE(out.contains("architectures"));
    EXPECT_EQ(out["model_type"], c.model_type);
    EXPECT_TRUE(out.contains("torch_dtype"));
    auto c2 = ModelConfig::from_hf_json(out, "b");
    EXPECT_EQ(c2.to_hf_json(), out) << c.model_type;
    EXPECT_EQ(c2.d_ff, c.d_ff);
    EXPECT_EQ(c2.n_head_kv, c.n_head_kv);
    EXPECT_EQ(c2.tie_embeddings, c.tie_embeddings);
    EXPECT_EQ(c2.qkv_bias, c.qkv_bias);
  }
  EXPECT_EQ(ModelConfig::from_hf_json(gpt2_json(), "a").to_hf_json()["architectures"][0], "GPT2LMHeadModel");
  EXPECT_EQ(ModelConfig::from_hf_json(qwen2_json(), "a").to_hf_json()["architectures"][0], "Qwen2ForCausalLM");
}

TEST(ModelConfig, UnknownModelTypeNamesFileAndSupportedTypes) {
  auto j = gpt2_json();
  j["model_type"] = "mamba";
  expect_error([&] { ModelConfig::from_hf_json(j, "/models/m/config.json"); },
               {"/models/m/config.json", "mamba", "gpt2", "llama", "qwen2"});
}

TEST(ModelConfig, IntegersOutsideSixtyFourBitsAreErrorsNotOverflows) {
  for (const char* bad : {"1e300", "-1e300", "18446744073709551615", "2.5"}) {
    auto j = gpt2_json();
    j["n_layer"] = json::parse(bad);
    expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "'n_layer' must be an integer"});
  }
  auto j = gpt2_json();
  j["n_layer"] = 12.0;  // a whole float is the integer
  EXPECT_EQ(ModelConfig::from_hf_json(j, "cfg.json").n_layer, 12);
}

TEST(ModelConfig, MissingKeyIsNamed) {
  auto j = llama_json();
  j.erase("intermediate_size");
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "intermediate_size"});
  auto g = gpt2_json();
  g.erase("n_embd");
  expect_error([&] { ModelConfig::from_hf_json(g, "cfg.json"); }, {"cfg.json", "n_embd"});
  expect_error([&] { ModelConfig::from_hf_json(json::object(), "cfg.json"); }, {"cfg.json", "model_type"});
}

TEST(ModelConfig, RopeScalingIsUnsupported) {
  auto j = llama_json();
  j["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "rope_scaling"});
}

TEST(ModelConfig, WrongTypesAndBadValues) {
  auto j = gpt2_json();
  j["n_layer"] = "twelve";
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "n_layer"});
  auto k = llama_json();
  k["num_key_value_heads"] = 3;  // 8 heads not a multiple of 3
  expect_error([&] { ModelConfig::from_hf_json(k, "cfg.json"); }, {"cfg.json", "n_head_kv"});
  auto a = llama_json();
  a["hidden_act"] = "mish";
  expect_error([&] { ModelConfig::from_hf_json(a, "cfg.json"); }, {"cfg.json", "mish"});
}

TEST(ModelConfig, Qwen2SlidingWindowShorterThanContextIsRejected) {
  auto j = qwen2_json();
  j["use_sliding_window"] = true;
  j["sliding_window"] = 4096;
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "sliding_window"});
}

TEST(ModelConfig, LoadConfigReportsBrokenJsonWithFileName) {
  test::TempDir dir;
  write_file_atomic(dir / "config.json", "{\"model_type\": \"gpt2\", ");
  expect_error([&] { load_config(dir.path()); }, {(dir / "config.json").string(), "invalid JSON"});
  expect_error([&] { load_config(dir / "missing"); }, {"missing"});
}

TEST(ModelConfig, SaveThenLoad) {
  test::TempDir dir;
  auto c = tiny_config("qwen2", 50, 32, 2, 4, 2, 16);
  save_config(c, dir.path());
  auto back = load_config(dir.path());
  EXPECT_EQ(back.to_hf_json(), c.to_hf_json());
}

}  // namespace
}  // namespace w2s::models
