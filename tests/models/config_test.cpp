// Tests for models/config: reading HF config.json for every supported type (the field sets of
// GPT-2, Pythia, Llama 3.2, Mistral, Qwen2.5 and Qwen3 files), defaults, refusals, round trips.
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

json pythia_json() {  // pythia-70m's config.json
  return json::parse(R"({"architectures": ["GPTNeoXForCausalLM"], "bos_token_id": 0, "eos_token_id": 0,
    "hidden_act": "gelu", "hidden_size": 512, "initializer_range": 0.02, "intermediate_size": 2048,
    "layer_norm_eps": 1e-05, "max_position_embeddings": 2048, "model_type": "gpt_neox",
    "num_attention_heads": 8, "num_hidden_layers": 6, "rotary_emb_base": 10000, "rotary_pct": 0.25,
    "tie_word_embeddings": false, "torch_dtype": "float16", "transformers_version": "4.24.0",
    "use_cache": true, "use_parallel_residual": true, "vocab_size": 50304})");
}

json llama32_json() {  // Llama-3.2-1B's config.json
  return json::parse(R"({"architectures": ["LlamaForCausalLM"], "attention_bias": false,
    "attention_dropout": 0.0, "bos_token_id": 128000, "eos_token_id": 128001, "head_dim": 64,
    "hidden_act": "silu", "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192,
    "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
    "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8, "pretraining_tp": 1,
    "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0,
    "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
    "transformers_version": "4.45.0.dev0", "use_cache": true, "vocab_size": 128256})");
}

json mistral_json() {  // Mistral-7B-v0.1's config.json
  return json::parse(R"({"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
    "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
    "max_position_embeddings": 32768, "model_type": "mistral", "num_attention_heads": 32,
    "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
    "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
    "transformers_version": "4.34.0.dev0", "use_cache": true, "vocab_size": 32000})");
}

json qwen3_json() {  // Qwen3-0.6B's config.json
  return json::parse(R"({"architectures": ["Qwen3ForCausalLM"], "attention_bias": false,
    "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128,
    "hidden_act": "silu", "hidden_size": 1024, "initializer_range": 0.02, "intermediate_size": 3072,
    "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
    "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06,
    "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null, "tie_word_embeddings": true,
    "torch_dtype": "bfloat16", "transformers_version": "4.51.0", "use_cache": true,
    "use_sliding_window": false, "vocab_size": 151936})");
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

TEST(ModelConfig, PythiaIsGptNeoXWithAQuarterRotaryAndParallelResidual) {
  auto c = ModelConfig::from_hf_json(pythia_json(), "pythia/config.json");
  EXPECT_TRUE(c.is_gpt_neox());
  EXPECT_FALSE(c.is_llama_family());
  EXPECT_EQ(c.d_head, 64);
  EXPECT_DOUBLE_EQ(c.rotary_fraction, 0.25);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_TRUE(c.parallel_residual);
  EXPECT_EQ(c.activation, "gelu");  // exact, erf
  EXPECT_FALSE(c.tie_embeddings);
  EXPECT_TRUE(c.qkv_bias && c.attn_out_bias && c.mlp_bias);
  EXPECT_EQ(c.torch_dtype, "float16");
  auto j = pythia_json();
  j["use_parallel_residual"] = false;
  j.erase("rotary_pct");
  j["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", 500.0}, {"partial_rotary_factor", 0.5}};
  auto v5 = ModelConfig::from_hf_json(j, "x");  // transformers >= 5 writes rope_parameters
  EXPECT_FALSE(v5.parallel_residual);
  EXPECT_DOUBLE_EQ(v5.rotary_fraction, 0.5);
  EXPECT_DOUBLE_EQ(v5.rope_theta, 500.0);
  j.erase("rope_parameters");
  j["rotary_pct"] = 0.01;  // 0.64 of a dimension
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "rotated dims"});
}

TEST(ModelConfig, Llama32ReadsLlama3RopeScaling) {
  auto c = ModelConfig::from_hf_json(llama32_json(), "llama/config.json");
  EXPECT_EQ(c.rope_scaling.type, RopeType::llama3);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 32.0);
  EXPECT_DOUBLE_EQ(c.rope_scaling.low_freq_factor, 1.0);
  EXPECT_DOUBLE_EQ(c.rope_scaling.high_freq_factor, 4.0);
  EXPECT_EQ(c.rope_scaling.original_n_ctx, 8192);
  EXPECT_EQ(c.d_head, 64);
  EXPECT_EQ(c.n_head_kv, 8);
  auto j = llama_json();
  j["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};  // the older key name
  EXPECT_EQ(ModelConfig::from_hf_json(j, "x").rope_scaling.type, RopeType::linear);
  j["rope_scaling"] = {{"rope_type", "dynamic"}, {"factor", 4.0}};
  EXPECT_DOUBLE_EQ(ModelConfig::from_hf_json(j, "x").rope_scaling.factor, 4.0);
  j["rope_scaling"] = {{"rope_type", "default"}};
  EXPECT_EQ(ModelConfig::from_hf_json(j, "x").rope_scaling.type, RopeType::none);
}

TEST(ModelConfig, RopeScalingW2sDoesNotImplementIsRefusedByName) {
  auto j = llama_json();
  j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 32768}};
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); },
               {"cfg.json", "rope_scaling", "'yarn'", "unsupported", "llama3"});
  j["rope_scaling"] = {{"rope_type", "linear"}};
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "rope_scaling.factor"});
  auto l = llama32_json();
  l["rope_scaling"].erase("original_max_position_embeddings");
  expect_error([&] { ModelConfig::from_hf_json(l, "cfg.json"); }, {"cfg.json", "original_max_position_embeddings"});
  j["rope_scaling"] = "linear";
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "'rope_scaling' must be an object"});
}

TEST(ModelConfig, MistralWindowsEveryLayer) {
  auto c = ModelConfig::from_hf_json(mistral_json(), "mistral/config.json");
  EXPECT_EQ(c.model_type, "mistral");
  EXPECT_FALSE(c.qkv_bias || c.attn_out_bias || c.mlp_bias);
  EXPECT_EQ(c.attention_window(0), 4096);
  EXPECT_EQ(c.attention_window(31), 4096);
  auto j = mistral_json();
  j["sliding_window"] = nullptr;  // Mistral v0.2 and later
  EXPECT_FALSE(ModelConfig::from_hf_json(j, "x").attention_window(0).has_value());
}

TEST(ModelConfig, Qwen3HasQkNormsAndWindowsOnlyWhenAsked) {
  auto c = ModelConfig::from_hf_json(qwen3_json(), "qwen3/config.json");
  EXPECT_TRUE(c.qk_norm);
  EXPECT_EQ(c.d_head, 128);  // head_dim, not hidden_size / heads (64)
  EXPECT_FALSE(c.qkv_bias || c.attn_out_bias || c.mlp_bias);
  EXPECT_FALSE(c.attention_window(27).has_value());
  auto j = qwen3_json();
  j["sliding_window"] = 4096;
  EXPECT_FALSE(ModelConfig::from_hf_json(j, "x").attention_window(27).has_value());  // use_sliding_window false
  j["use_sliding_window"] = true;
  j["max_window_layers"] = 20;
  auto w = ModelConfig::from_hf_json(j, "x");
  EXPECT_FALSE(w.attention_window(19).has_value());
  EXPECT_EQ(w.attention_window(20), 4096);
  // transformers >= 4.53 lists layer_types; the windowed layers must be the last ones.
  std::vector<std::string> types(28, "full_attention");
  for (int i = 24; i < 28; ++i) types[i] = "sliding_attention";
  j["layer_types"] = types;
  EXPECT_EQ(ModelConfig::from_hf_json(j, "x").window_from_layer, 24);
  types[3] = "sliding_attention";
  j["layer_types"] = types;
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "layer_types", "full_attention"});
  types[3] = "chunked_attention";
  j["layer_types"] = types;
  expect_error([&] { ModelConfig::from_hf_json(j, "cfg.json"); }, {"cfg.json", "layer_types[3]", "chunked_attention"});
}

TEST(ModelConfig, RoundTripThroughHfJson) {
  for (const auto& j :
       {gpt2_json(), llama_json(), qwen2_json(), pythia_json(), llama32_json(), mistral_json(), qwen3_json()}) {
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
    EXPECT_EQ(c2.rope_scaling.type, c.rope_scaling.type);
    EXPECT_EQ(c2.rotary_fraction, c.rotary_fraction);
    EXPECT_EQ(c2.attention_window(c.n_layer - 1), c.attention_window(c.n_layer - 1));
    EXPECT_EQ(c2.qk_norm, c.qk_norm);
    EXPECT_EQ(c2.parallel_residual, c.parallel_residual);
  }
  EXPECT_EQ(ModelConfig::from_hf_json(gpt2_json(), "a").to_hf_json()["architectures"][0], "GPT2LMHeadModel");
  EXPECT_EQ(ModelConfig::from_hf_json(qwen2_json(), "a").to_hf_json()["architectures"][0], "Qwen2ForCausalLM");
}

TEST(ModelConfig, UnknownModelTypeNamesFileAndSupportedTypes) {
  auto j = gpt2_json();
  j["model_type"] = "mamba";
  expect_error([&] { ModelConfig::from_hf_json(j, "/models/m/config.json"); },
               {"/models/m/config.json", "mamba", "gpt2", "gpt_neox", "llama", "mistral", "qwen2", "qwen3"});
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

TEST(ModelConfig, Qwen2SlidingWindowAppliesFromMaxWindowLayers) {
  auto j = qwen2_json();
  j["use_sliding_window"] = true;
  j["sliding_window"] = 4096;
  j["max_window_layers"] = 21;
  auto c = ModelConfig::from_hf_json(j, "cfg.json");
  EXPECT_FALSE(c.attention_window(20).has_value());
  EXPECT_EQ(c.attention_window(21), 4096);
  j.erase("max_window_layers");  // transformers' default is 28: none of 24 layers is windowed
  EXPECT_FALSE(ModelConfig::from_hf_json(j, "cfg.json").attention_window(23).has_value());
}

TEST(ModelConfig, LoadConfigReportsBrokenJsonWithFileName) {
  test::TempDir dir;
  write_file_atomic(dir / "config.json", "{\"model_type\": \"gpt2\", ");
  expect_error([&] { load_config(dir.path()); }, {(dir / "config.json").string(), "invalid JSON"});
  expect_error([&] { load_config(dir / "missing"); }, {"missing"});
}

TEST(ModelConfig, SaveThenLoad) {
  for (const auto& type : supported_model_types()) {
    test::TempDir dir;
    auto c = tiny_config(type, 50, 32, 2, 4, 2, 16);
    save_config(c, dir.path());
    auto back = load_config(dir.path());
    EXPECT_EQ(back.to_hf_json(), c.to_hf_json()) << type;
    EXPECT_EQ(back.to_hf_json()["model_type"], type);
  }
}

}  // namespace
}  // namespace w2s::models
