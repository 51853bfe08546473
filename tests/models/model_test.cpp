// Tests for the forward passes (gpt2, llama, qwen2; tied and untied): fused vs reference
// attention, right padding, grouped-query attention, rotary layout, GPT-2 Conv1D layout, init.
#include <gtest/gtest.h>

#include <cmath>

#include "models_test_util.h"
#include "test_support.h"
#include "w2s/models/checkpoint.h"
#include "w2s/models/gpt2.h"
#include "w2s/models/llama.h"
#include "w2s/models/transformer.h"

namespace w2s::models {
namespace {

using testing::max_abs_diff;
using testing::random_ids;
using testing::random_model;
using testing::tiny;
using testing::Variant;

class ModelVariant : public ::testing::TestWithParam<Variant> {};

TEST_P(ModelVariant, ShapesAndFiniteLogits) {
  auto c = tiny(GetParam());
  auto m = random_model(c);
  auto ids = random_ids(3, 7, c.vocab_size);
  auto hidden = m->hidden_states(ids);
  EXPECT_EQ(hidden.sizes(), (std::vector<int64_t>{3, 7, c.d_model}));
  auto logits = m->lm_logits(hidden);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{3, 7, c.vocab_size}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

TEST_P(ModelVariant, SaveLoadGivesIdenticalLogits) {
  auto c = tiny(GetParam());
  auto m = random_model(c);
  auto ids = random_ids(2, 9, c.vocab_size);
  torch::NoGradGuard g;
  auto expected = m->forward(ids);
  test::TempDir dir;
  save_model(*m, dir.path());
  auto loaded = load_model(dir.path());
  EXPECT_EQ(loaded->config().to_hf_json(), m->config().to_hf_json());
  EXPECT_TRUE(torch::equal(loaded->forward(ids), expected));
  EXPECT_EQ(loaded->count_parameters().total, m->count_parameters().total);
}

TEST_P(ModelVariant, FusedAndReferenceAttentionAgree) {
  auto c = tiny(GetParam());
  auto m = random_model(c);
  auto ids = random_ids(3, 11, c.vocab_size);
  auto mask = torch::ones({3, 11}, torch::kLong);
  mask.index_put_({1, torch::indexing::Slice(6)}, 0);
  mask.index_put_({2, torch::indexing::Slice(1)}, 0);
  torch::NoGradGuard g;
  for (const auto& am : {torch::Tensor(), mask}) {
    m->set_attention_impl(AttentionImpl::fused);
    auto fused = m->forward(ids, am);
    m->set_attention_impl(AttentionImpl::reference);
    auto ref = m->forward(ids, am);
    EXPECT_LT(max_abs_diff(fused, ref), 1e-5);
  }
}

TEST_P(ModelVariant, RightPaddedBatchMatchesSingleSequences) {
  auto c = tiny(GetParam());
  auto m = random_model(c);
  const std::vector<int64_t> lengths = {9, 4, 1, 6};
  const int64_t B = 4, T = 9;
  auto ids = random_ids(B, T, c.vocab_size);
  auto mask = torch::zeros({B, T}, torch::kLong);
  for (int64_t b = 0; b < B; ++b) mask.index_put_({b, torch::indexing::Slice(0, lengths[b])}, 1);
  auto padded = ids.masked_fill(mask == 0, 0);  // pad id 0
  torch::NoGradGuard g;
  for (auto impl : {AttentionImpl::fused, AttentionImpl::reference}) {
    m->set_attention_impl(impl);
    auto batch = m->forward(padded, mask);  // (B, T, V)
    EXPECT_TRUE(torch::isfinite(batch).all().item<bool>());
    for (int64_t b = 0; b < B; ++b) {
      auto single = m->forward(ids.slice(0, b, b + 1).slice(1, 0, lengths[b]));  // (1, L, V)
      EXPECT_LT(max_abs_diff(batch.slice(0, b, b + 1).slice(1, 0, lengths[b]), single), 1e-5) << "row " << b;
    }
  }
}

TEST_P(ModelVariant, GradientsFlowAndAreFiniteWithPadding) {
  auto c = tiny(GetParam());
  auto m = random_model(c);
  m->train();
  auto ids = random_ids(2, 6, c.vocab_size);
  auto mask = torch::tensor({1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, torch::kLong).view({2, 6});
  auto loss = m->forward(ids, mask).logsumexp(-1).mean();
  loss.backward();
  for (auto& p : m->parameters()) {
    ASSERT_TRUE(p.grad().defined());
    EXPECT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
  }
}

TEST_P(ModelVariant, InitIsDeterministicAndGpt2Style) {
  auto c = tiny(GetParam());
  auto a = make_model(c), b = make_model(c), d = make_model(c);
  a->init_weights(42);
  b->init_weights(42);
  d->init_weights(43);
  auto pa = a->named_parameters(), pb = b->named_parameters(), pd = d->named_parameters();
  bool any_diff = false;
  for (const auto& item : pa) {
    EXPECT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key();
    any_diff = any_diff || !torch::equal(item.value(), pd[item.key()]);
    const auto& name = item.key();
    if (name.size() > 4 && name.substr(name.size() - 4) == "bias") {
      EXPECT_EQ(item.value().abs().max().item<float>(), 0.0f) << name;
    }
  }
  EXPECT_TRUE(any_diff);
  // Residual projections use std 0.02/√(2·n_layer); plain weights 0.02.
  const std::string resid = c.is_gpt2()       ? "h.0.mlp.c_proj.weight"
                            : c.is_gpt_neox() ? "layers.0.mlp.dense_4h_to_h.weight"
                                              : "layers.0.mlp.down_proj.weight";
  const std::string plain = c.is_gpt2()       ? "h.0.mlp.c_fc.weight"
                            : c.is_gpt_neox() ? "layers.0.mlp.dense_h_to_4h.weight"
                                              : "layers.0.mlp.up_proj.weight";
  const double expected_resid = 0.02 / std::sqrt(2.0 * c.n_layer);
  EXPECT_NEAR(pa[resid].std().item<double>(), expected_resid, 0.15 * expected_resid);
  EXPECT_NEAR(pa[plain].std().item<double>(), 0.02, 0.15 * 0.02);
  const std::string norm = c.is_gpt2() ? "ln_f.weight" : c.is_gpt_neox() ? "final_layer_norm.weight" : "norm.weight";
  EXPECT_EQ(pa[norm].min().item<float>(), 1.0f);
}

TEST_P(ModelVariant, ParameterCounts) {
  auto c = tiny(GetParam());
  auto m = make_model(c);
  auto n = count_parameters(*m);
  int64_t sum = 0;
  for (auto& p : m->parameters()) sum += p.numel();
  EXPECT_EQ(n.total, sum);
  int64_t emb = c.vocab_size * c.d_model;                  // token embedding
  if (c.is_gpt2()) emb += c.n_ctx * c.d_model;             // positions
  if (!c.tie_embeddings) emb += c.vocab_size * c.d_model;  // separate lm_head
  EXPECT_EQ(n.non_embedding, n.total - emb);
  // Tying removes exactly one V×C matrix.
  auto other = c;
  other.tie_embeddings = !c.tie_embeddings;
  auto diff = make_model(other)->count_parameters().total - n.total;
  EXPECT_EQ(std::abs(diff), c.vocab_size * c.d_model);
}

INSTANTIATE_TEST_SUITE_P(All, ModelVariant, ::testing::ValuesIn(testing::all_variants()),
                         [](const auto& info) { return info.param.name(); });

TEST(Attention, MaskIsCausalAndHidesPaddingKeys) {
  auto mask = make_attention_mask(torch::tensor({1, 1, 0}, torch::kLong).view({1, 3}), 3);
  ASSERT_TRUE(mask.mask.has_value());
  auto m = mask.mask->view({3, 3});
  // Row 0 sees key 0; row 1 keys 0,1; row 2 (padding) keys 0,1 and itself.
  auto expected = torch::tensor({1, 0, 0, 1, 1, 0, 1, 1, 1}, torch::kBool).view({3, 3});
  EXPECT_TRUE(torch::equal(m, expected));
  EXPECT_FALSE(make_attention_mask(torch::Tensor(), 3).mask.has_value());
}

TEST(Attention, SlidingWindowSeesTheLastWPositionsItselfIncluded) {
  auto w = make_attention_mask(torch::Tensor(), 4, 2);
  ASSERT_TRUE(w.mask.has_value());
  auto expected = torch::tensor({1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1}, torch::kBool).view({4, 4});
  EXPECT_TRUE(torch::equal(w.mask->view({4, 4}), expected));
  // With padding: row 3 is padding and sees key 2 (in its window, real) and itself.
  auto p = make_attention_mask(torch::tensor({1, 1, 1, 0}, torch::kLong).view({1, 4}), 4, 2);
  EXPECT_TRUE(torch::equal(p.mask->view({4, 4}), expected));
  // A window no shorter than the sequence is plain causal attention.
  EXPECT_FALSE(make_attention_mask(torch::Tensor(), 4, 4).mask.has_value());
}

TEST(Mistral, SlidingWindowLimitsWhatEachPositionReads) {
  // One layer, W = 3: the logits at position t read tokens t−2..t only, so changing token 0
  // changes positions 0..2 and nothing after.
  auto c = tiny({"mistral", false});
  c.n_layer = 1;
  auto m = random_model(c);
  auto ids = random_ids(1, 8, c.vocab_size);
  auto other = ids.clone();
  other[0][0] = (ids[0][0].item<int64_t>() + 1) % c.vocab_size;
  torch::NoGradGuard g;
  for (auto impl : {AttentionImpl::fused, AttentionImpl::reference}) {
    m->set_attention_impl(impl);
    auto a = m->forward(ids), b = m->forward(other);  // (1, 8, V)
    EXPECT_GT(max_abs_diff(a.slice(1, 2, 3), b.slice(1, 2, 3)), 1e-4);
    EXPECT_LT(max_abs_diff(a.slice(1, 3), b.slice(1, 3)), 1e-6);
  }
  // Without the window the same weights are a Llama model, and the far positions read token 0.
  auto llama_cfg = c;
  llama_cfg.model_type = "llama";
  llama_cfg.use_sliding_window = false;
  auto full = make_model(llama_cfg);
  auto leftover = load_weights(*full, hf_state(*m), "test");
  EXPECT_TRUE(leftover.empty());
  full->eval();
  EXPECT_GT(max_abs_diff(full->forward(ids).slice(1, 3), full->forward(other).slice(1, 3)), 1e-4);
}

TEST(Qwen3, QueryAndKeyNormsMakeAttentionBlindToTheirScale) {
  // RMSNorm over each head undoes any scaling of q_proj and k_proj (qwen3 has no q/k biases).
  auto c = tiny({"qwen3", false});
  auto m = random_model(c);
  auto ids = random_ids(2, 6, c.vocab_size);
  torch::NoGradGuard g;
  auto before = m->forward(ids);
  for (auto& item : m->named_parameters())
    if (item.key().ends_with("q_proj.weight") || item.key().ends_with("k_proj.weight")) item.value().mul_(7.0);
  EXPECT_LT(max_abs_diff(m->forward(ids), before), 1e-4);
  for (auto& item : m->named_parameters())
    if (item.key().ends_with("v_proj.weight")) item.value().mul_(7.0);
  EXPECT_GT(max_abs_diff(m->forward(ids), before), 1e-2);  // v is not normalized
}

TEST(GptNeoX, QueryKeyValueRowsAreGroupedPerHead) {
  // Rows [h·3D, h·3D + D) of query_key_value are head h's query, the next D its key, then its value.
  // Zeroing head 1's value rows (HF layout) silences head 1, as zeroing head 1's input columns of
  // `dense` does; with any other row layout the two models differ.
  auto c = tiny({"gpt_neox", false});
  c.n_layer = 1;
  auto m = random_model(c);
  const int64_t D = c.d_head;
  auto copy = [&] {
    io::TensorMap out;
    for (const auto& [name, t] : hf_state(*m)) out[name] = t.clone();
    return out;
  };
  auto silenced_values = copy();
  silenced_values.at("gpt_neox.layers.0.attention.query_key_value.weight").slice(0, 5 * D, 6 * D).zero_();  // (H·3D, C)
  silenced_values.at("gpt_neox.layers.0.attention.query_key_value.bias").slice(0, 5 * D, 6 * D).zero_();
  auto silenced_slot = copy();
  silenced_slot.at("gpt_neox.layers.0.attention.dense.weight").slice(1, D, 2 * D).zero_();  // (C, H·D)
  auto a = make_model(c), b = make_model(c);
  EXPECT_TRUE(load_weights(*a, silenced_values, "a").empty());
  EXPECT_TRUE(load_weights(*b, silenced_slot, "b").empty());
  a->eval();
  b->eval();
  torch::NoGradGuard g;
  auto ids = random_ids(2, 6, c.vocab_size);
  EXPECT_LT(max_abs_diff(a->forward(ids), b->forward(ids)), 1e-5);
  EXPECT_GT(max_abs_diff(a->forward(ids), m->forward(ids)), 1e-3);  // head 1 mattered
}

TEST(Attention, ReferenceMatchesHandComputedSoftmax) {
  // One head, two positions, D = 1: q = [1, 2], k = [0, 1], v = [10, 20].
  auto q = torch::tensor({1.0f, 2.0f}).view({1, 1, 2, 1});
  auto k = torch::tensor({0.0f, 1.0f}).view({1, 1, 2, 1});
  auto v = torch::tensor({10.0f, 20.0f}).view({1, 1, 2, 1});
  AttentionMask causal;
  auto out = reference_attention(q, k, v, causal).view({2});
  // Row 0 sees only key 0 → 10. Row 1: scores [0, 2] → weights softmax.
  const double w1 = std::exp(2.0) / (1.0 + std::exp(2.0));
  EXPECT_NEAR(out[0].item<double>(), 10.0, 1e-6);
  EXPECT_NEAR(out[1].item<double>(), 10.0 * (1 - w1) + 20.0 * w1, 1e-5);
  auto fused = attention(q, k, v, causal, AttentionImpl::fused).view({2});
  EXPECT_LT(max_abs_diff(fused, out), 1e-6);
}

TEST(Llama, RotaryRotatesHalvesNotInterleavedPairs) {
  // D = 4: pairs (x0, x2) and (x1, x3) rotate by pos·θ^(−0/4) and pos·θ^(−2/4).
  const double theta = 100.0;
  auto [cos, sin] = rotary_tables(3, 4, theta, torch::kCPU, torch::kFloat);  // (3, 4)
  auto x = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 1, 4}).expand({1, 1, 3, 4});
  auto y = apply_rotary(x.contiguous(), cos, sin).view({3, 4});
  for (int p = 0; p < 3; ++p) {
    const double a0 = p * 1.0, a1 = p / std::sqrt(theta);
    EXPECT_NEAR(y[p][0].item<double>(), 1 * std::cos(a0) - 3 * std::sin(a0), 1e-5);
    EXPECT_NEAR(y[p][2].item<double>(), 3 * std::cos(a0) + 1 * std::sin(a0), 1e-5);
    EXPECT_NEAR(y[p][1].item<double>(), 2 * std::cos(a1) - 4 * std::sin(a1), 1e-5);
    EXPECT_NEAR(y[p][3].item<double>(), 4 * std::cos(a1) + 2 * std::sin(a1), 1e-5);
  }
}

TEST(Llama, RmsNormMatchesFormula) {
  RmsNorm norm(4, 1e-6);
  {
    torch::NoGradGuard g;
    norm->weight.copy_(torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}));
  }
  auto x = torch::tensor({1.0f, -1.0f, 2.0f, 0.0f});
  auto y = norm->forward(x);
  const double rms = std::sqrt((1 + 1 + 4 + 0) / 4.0 + 1e-6);
  EXPECT_NEAR(y[0].item<double>(), 1 / rms, 1e-6);
  EXPECT_NEAR(y[2].item<double>(), 3 * 2 / rms, 1e-6);
}

TEST(Llama, GroupedQueryAttentionEqualsDuplicatedKeyValueHeads) {
  // A GQA model (4 query heads, 2 kv heads) equals a full multi-head model whose k/v heads are
  // copies: query head h must use kv head h / 2.
  for (const std::string type : {"llama", "qwen2", "qwen3", "mistral"}) {
    auto gqa_cfg = tiny({type, false});
    auto gqa = random_model(gqa_cfg);
    auto mha_cfg = gqa_cfg;
    mha_cfg.n_head_kv = mha_cfg.n_head;
    auto mha = make_model(mha_cfg);
    auto state = hf_state(*gqa);
    const int64_t D = gqa_cfg.d_head, rep = gqa_cfg.n_head / gqa_cfg.n_head_kv;
    for (auto& [name, t] : state) {
      if (name.find("k_proj") == std::string::npos && name.find("v_proj") == std::string::npos) continue;
      // (Hkv·D, ...) → (Hkv, 1, D, ...) → repeat → (H·D, ...)
      auto sizes = t.sizes().vec();
      std::vector<int64_t> grouped = {gqa_cfg.n_head_kv, 1, D};
      grouped.insert(grouped.end(), sizes.begin() + 1, sizes.end());
      std::vector<int64_t> reps = {1, rep, 1};
      reps.insert(reps.end(), sizes.size() - 1, 1);
      auto full = t.view(grouped).repeat(reps);
      sizes[0] = gqa_cfg.n_head * D;
      t = full.reshape(sizes);
    }
    auto leftover = load_weights(*mha, state, "test");
    EXPECT_TRUE(leftover.empty());
    mha->eval();
    auto ids = random_ids(2, 8, gqa_cfg.vocab_size);
    torch::NoGradGuard g;
    EXPECT_LT(max_abs_diff(gqa->forward(ids), mha->forward(ids)), 1e-5) << type;
  }
}

TEST(Gpt2, Conv1DWeightsAreStoredInOut) {
  // A one-layer GPT-2 whose checkpoint we write by hand. With ln_1 = identity-ish (weight 1,
  // bias 0) the q/k/v projection of the first block must equal x_norm @ W_stored + b.
  auto c = tiny({"gpt2", true});
  c.n_layer = 1;
  auto m = random_model(c);
  auto state = hf_state(*m);
  ASSERT_TRUE(state.count("transformer.h.0.attn.c_attn.weight"));
  auto w = state["transformer.h.0.attn.c_attn.weight"];
  EXPECT_EQ(w.sizes(), (std::vector<int64_t>{c.d_model, 3 * c.d_model}));  // (in, out)
  // Replace with a known non-symmetric matrix and reload.
  torch::manual_seed(3);
  auto w_stored = torch::randn({c.d_model, 3 * c.d_model});
  auto b_stored = torch::randn({3 * c.d_model});
  state["transformer.h.0.attn.c_attn.weight"] = w_stored;
  state["transformer.h.0.attn.c_attn.bias"] = b_stored;
  auto fresh = make_model(c);
  load_weights(*fresh, state, "test");
  auto gpt2 = std::dynamic_pointer_cast<Gpt2ModelImpl>(fresh);
  ASSERT_TRUE(gpt2);
  auto x = torch::randn({1, 5, c.d_model});
  torch::NoGradGuard g;
  auto got = gpt2->blocks[0]->attn->c_attn->forward(x);
  auto expected = torch::matmul(x, w_stored) + b_stored;
  EXPECT_LT(max_abs_diff(got, expected), 1e-5);
  // And saving transposes back to exactly the stored matrix.
  EXPECT_TRUE(torch::equal(hf_state(*fresh)["transformer.h.0.attn.c_attn.weight"], w_stored));
}

TEST(Gpt2, GeluNewIsTheTanhApproximation) {
  auto x = torch::tensor({-3.0f, -0.5f, 0.0f, 0.7f, 2.5f});
  auto y = activate(x, Activation::gelu_tanh_formula);
  for (int i = 0; i < 5; ++i) {
    const double v = x[i].item<double>();
    const double c = std::sqrt(2 / 3.14159265358979323846);
    const double e = 0.5 * v * (1 + std::tanh(c * (v + 0.044715 * v * v * v)));
    EXPECT_NEAR(y[i].item<double>(), e, 1e-6);
  }
  EXPECT_LT(max_abs_diff(y, activate(x, Activation::gelu_tanh)), 1e-5);
}

TEST(Transformer, RejectsBadInputs) {
  auto c = tiny({"gpt2", true});
  auto m = random_model(c);
  using testing::expect_error;
  expect_error([&] { m->forward(torch::full({1, 3}, 50, torch::kLong)); }, {"input_ids", "50"});
  expect_error([&] { m->forward(torch::zeros({1, 17}, torch::kLong)); }, {"n_ctx"});
  expect_error([&] { m->forward(torch::zeros({3}, torch::kLong)); }, {"input_ids"});
  auto left_padded = torch::tensor({0, 1, 1}, torch::kLong).view({1, 3});
  expect_error([&] { m->forward(torch::zeros({1, 3}, torch::kLong), left_padded); }, {"right-padded"});
  expect_error([&] { m->forward(torch::zeros({1, 3}, torch::kLong), torch::ones({1, 4})); }, {"attention_mask"});
}

TEST(Transformer, BFloat16ForwardIsCloseToFloat32) {
  auto c = tiny({"llama", false});
  auto m = random_model(c);
  auto ids = random_ids(2, 8, c.vocab_size);
  torch::NoGradGuard g;
  auto f32 = m->forward(ids);
  m->to(torch::kBFloat16);
  EXPECT_EQ(m->dtype(), torch::kBFloat16);
  auto bf16 = m->forward(ids);
  EXPECT_EQ(bf16.scalar_type(), torch::kBFloat16);
  EXPECT_LT(max_abs_diff(f32, bf16), 0.1);
}

}  // namespace
}  // namespace w2s::models
