// Tests for models/checkpoint: HF names, stored dtypes, shards, extras, and error messages.
#include "w2s/models/checkpoint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "models_test_util.h"
#include "test_support.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/io/safetensors.h"

namespace w2s::models {
namespace {

using testing::expect_error;
using testing::random_ids;
using testing::random_model;
using testing::tiny;

/// Rewrites the checkpoint in `dir` as one model.safetensors holding `tensors`.
void rewrite_weights(const std::filesystem::path& dir, const io::TensorMap& tensors) {
  for (auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".safetensors" || e.path().filename() == "model.safetensors.index.json")
      std::filesystem::remove(e.path());
  io::save_checkpoint_tensors(dir, tensors, 0, {{"format", "pt"}});
}

TEST(Checkpoint, HfNamesForEachArchitecture) {
  test::TempDir dir;
  auto gpt2 = random_model(tiny({"gpt2", true}));
  save_model(*gpt2, dir / "gpt2");
  auto t = io::load_checkpoint_tensors(dir / "gpt2");
  for (const char* name :
       {"transformer.wte.weight", "transformer.wpe.weight", "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias",
        "transformer.h.1.attn.c_attn.weight", "transformer.h.1.attn.c_attn.bias", "transformer.h.0.attn.c_proj.weight",
        "transformer.h.0.ln_2.bias", "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_proj.bias",
        "transformer.ln_f.weight", "transformer.ln_f.bias"})
    EXPECT_TRUE(t.count(name)) << name;
  EXPECT_FALSE(t.count("lm_head.weight"));  // tied
  EXPECT_EQ(t["transformer.h.0.mlp.c_fc.weight"].sizes(), (std::vector<int64_t>{32, 128}));

  auto qwen = random_model(tiny({"qwen2", false}));
  save_model(*qwen, dir / "qwen2");
  auto q = io::load_checkpoint_tensors(dir / "qwen2");
  for (const char* name : {"model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
                           "model.layers.0.self_attn.q_proj.bias", "model.layers.0.self_attn.k_proj.bias",
                           "model.layers.1.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
                           "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight",
                           "model.layers.0.mlp.down_proj.weight", "model.layers.0.input_layernorm.weight",
                           "model.layers.0.post_attention_layernorm.weight", "model.norm.weight", "lm_head.weight"})
    EXPECT_TRUE(q.count(name)) << name;
  EXPECT_FALSE(q.count("model.layers.0.self_attn.o_proj.bias"));
  EXPECT_EQ(q["model.layers.0.self_attn.k_proj.weight"].sizes(), (std::vector<int64_t>{16, 32}));
  EXPECT_EQ(q.size(), 1u + 2 * 12 + 1 + 1);  // embed, 12 per layer, norm, lm_head
  auto meta = io::SafetensorsFile::open(dir / "qwen2" / "model.safetensors")->metadata();
  EXPECT_EQ(meta["format"], "pt");
  auto cfg = nlohmann::json::parse(read_file(dir / "qwen2" / "config.json"));
  EXPECT_EQ(cfg["architectures"][0], "Qwen2ForCausalLM");
  EXPECT_EQ(cfg["torch_dtype"], "float32");
}

TEST(Checkpoint, StoredDtypesLoadAsCastOriginals) {
  auto m = random_model(tiny({"llama", false}));
  const auto original = hf_state(*m);
  for (auto dtype : {torch::kFloat, torch::kBFloat16, torch::kHalf}) {
    test::TempDir dir;
    save_model(*m, dir.path(), {dtype, 0});
    auto cfg = nlohmann::json::parse(read_file(dir / "config.json"));
    EXPECT_EQ(cfg["torch_dtype"], float_dtype_name(dtype));
    auto summary = summarize_checkpoint(dir.path());
    ASSERT_EQ(summary.elements_by_dtype.size(), 1u);
    EXPECT_EQ(summary.elements_by_dtype.begin()->first, io::dtype_to_string(dtype));
    EXPECT_EQ(summary.elements_by_dtype.begin()->second, m->count_parameters().total);
    EXPECT_EQ(summary.n_tensors, static_cast<int64_t>(original.size()));

    auto loaded = load_model(dir.path());  // computes in float32
    EXPECT_EQ(loaded->dtype(), torch::kFloat);
    for (const auto& [name, t] : hf_state(*loaded)) {
      auto expected = original.at(name).to(dtype).to(torch::kFloat);
      EXPECT_TRUE(torch::equal(t, expected)) << name << " " << float_dtype_name(dtype);
    }
    LoadOptions bf16;
    bf16.dtype = torch::kBFloat16;
    auto in_bf16 = load_model(dir.path(), bf16);
    EXPECT_EQ(in_bf16->dtype(), torch::kBFloat16);
  }
}

TEST(Checkpoint, ShardedCheckpointLoadsIdentically) {
  auto m = random_model(tiny({"gpt2", false}));
  auto ids = random_ids(2, 8, 50);
  test::TempDir dir;
  save_model(*m, dir.path(), {torch::kFloat, /*max_shard_bytes=*/20000});
  ASSERT_TRUE(std::filesystem::exists(dir / "model.safetensors.index.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "model.safetensors"));
  auto summary = summarize_checkpoint(dir.path());
  EXPECT_GT(summary.files.size(), 2u);
  auto loaded = load_model(dir.path());
  torch::NoGradGuard g;
  EXPECT_TRUE(torch::equal(loaded->forward(ids), m->forward(ids)));
}

TEST(Checkpoint, MissingTensorNamesFolderAndTensor) {
  auto m = random_model(tiny({"llama", true}));
  test::TempDir dir;
  save_model(*m, dir.path());
  auto t = io::load_checkpoint_tensors(dir.path());
  t.erase("model.layers.1.mlp.up_proj.weight");
  rewrite_weights(dir.path(), t);
  expect_error([&] { load_model(dir.path()); }, {dir.path().string(), "missing", "model.layers.1.mlp.up_proj.weight"});
}

TEST(Checkpoint, AConfigFarLargerThanItsWeightsIsAnErrorBeforeAllocation) {
  auto m = random_model(tiny({"llama", true}));
  test::TempDir dir;
  save_model(*m, dir.path());
  // A config.json asking for a 10^14-parameter model beside weights of a few thousand: refused
  // at once (allocating it would take terabytes).
  auto j = nlohmann::json::parse(read_file(dir / "config.json"));
  j["num_hidden_layers"] = 1000000;
  j["intermediate_size"] = 10000000;
  write_file_atomic(dir / "config.json", j.dump());
  expect_error([&] { load_model(dir.path()); },
               {dir.path().string(), "config.json describes a model of at least", "does not belong to these weights"});
}

TEST(Checkpoint, UntiedModelNeedsLmHead) {
  auto m = random_model(tiny({"gpt2", false}));
  test::TempDir dir;
  save_model(*m, dir.path());
  auto t = io::load_checkpoint_tensors(dir.path());
  t.erase("lm_head.weight");
  rewrite_weights(dir.path(), t);
  expect_error([&] { load_model(dir.path()); }, {dir.path().string(), "lm_head.weight"});
}

TEST(Checkpoint, WrongShapeNamesBothShapes) {
  auto m = random_model(tiny({"qwen2", false}));
  test::TempDir dir;
  save_model(*m, dir.path());
  auto t = io::load_checkpoint_tensors(dir.path());
  t["model.layers.0.self_attn.k_proj.weight"] = torch::zeros({32, 32});
  rewrite_weights(dir.path(), t);
  expect_error([&] { load_model(dir.path()); },
               {dir.path().string(), "model.layers.0.self_attn.k_proj.weight", "[32, 32]", "[16, 32]"});
}

TEST(Checkpoint, UnknownModelTypeAndBrokenConfig) {
  auto m = random_model(tiny({"gpt2", true}));
  test::TempDir dir;
  save_model(*m, dir.path());
  write_file_atomic(dir / "config.json", R"({"model_type": "bert", "vocab_size": 5})");
  expect_error([&] { load_model(dir.path()); }, {(dir / "config.json").string(), "bert", "qwen2"});
  write_file_atomic(dir / "config.json", "{not json");
  expect_error([&] { load_model(dir.path()); }, {(dir / "config.json").string(), "JSON"});
}

TEST(Checkpoint, RopeScalingInCheckpointIsRejected) {
  auto m = random_model(tiny({"llama", false}));
  test::TempDir dir;
  save_model(*m, dir.path());
  auto cfg = nlohmann::json::parse(read_file(dir / "config.json"));
  cfg["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}};
  write_file_atomic(dir / "config.json", cfg.dump());
  expect_error([&] { load_model(dir.path()); }, {(dir / "config.json").string(), "rope_scaling"});
}

TEST(Checkpoint, Gpt2ModelNamesBuffersAndExtrasAreAccepted) {
  // GPT2Model checkpoints: no "transformer." prefix, causal-mask buffers present, plus a
  // classification head that the backbone does not use.
  auto m = random_model(tiny({"gpt2", true}));
  test::TempDir dir;
  save_model(*m, dir.path());
  io::TensorMap renamed;
  for (auto& [name, t] : io::load_checkpoint_tensors(dir.path()))
    renamed[name.substr(std::string("transformer.").size())] = t;
  renamed["h.0.attn.bias"] = torch::ones({1, 1, 16, 16});
  renamed["h.0.attn.masked_bias"] = torch::tensor(-1e4f);
  renamed["lm_head.weight"] = renamed["wte.weight"];  // tied copy: ignored
  renamed["score.weight"] = torch::randn({2, 32});
  renamed["unrelated.thing"] = torch::zeros({3});
  rewrite_weights(dir.path(), renamed);
  io::TensorMap extra;
  LoadOptions opts;
  opts.extra_prefixes = {"score."};
  auto loaded = load_model(dir.path(), opts, &extra);
  ASSERT_EQ(extra.size(), 1u);
  EXPECT_TRUE(torch::equal(extra["score.weight"], renamed["score.weight"]));
  auto ids = random_ids(1, 6, 50);
  torch::NoGradGuard g;
  EXPECT_TRUE(torch::equal(loaded->forward(ids), m->forward(ids)));
}

TEST(Checkpoint, SaveWithExtraTensors) {
  auto m = random_model(tiny({"llama", true}));
  test::TempDir dir;
  auto score = torch::randn({2, 32});
  save_model(*m, dir.path(), {torch::kBFloat16, 0}, {{"score.weight", score}});
  auto t = io::load_checkpoint_tensors(dir.path());
  EXPECT_EQ(t["score.weight"].scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::equal(t["score.weight"], score.to(torch::kBFloat16)));
  expect_error([&] { save_model(*m, dir.path(), {}, {{"model.norm.weight", score}}); }, {"model.norm.weight"});
}

TEST(Checkpoint, DtypeNames) {
  EXPECT_EQ(parse_float_dtype("bf16", "x"), torch::kBFloat16);
  EXPECT_EQ(parse_float_dtype("float16", "x"), torch::kHalf);
  EXPECT_EQ(float_dtype_name(torch::kFloat), "float32");
  expect_error([] { parse_float_dtype("int8", "cfg.toml"); }, {"cfg.toml", "int8"});
}

}  // namespace
}  // namespace w2s::models
