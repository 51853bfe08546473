// LoRA: starts as the base model, trains only A and B, reports unknown targets.
#include "w2s/models/lora.h"

#include <gtest/gtest.h>

#include "w2s/core/error.h"
#include "w2s/models/config.h"
#include "w2s/models/transformer.h"

using namespace w2s;

TEST(Lora, StartsAtTheBaseModelAndOnlyAdaptersGetGradients) {
  auto model = models::make_model(models::tiny_config("gpt2"));
  model->init_weights(1);
  auto ids = torch::randint(0, 50, {2, 7}, torch::kLong);
  const auto base = model->forward(ids).detach();
  models::Lora lora(*model, {4, 8.0, {"c_attn", "c_fc"}}, 7);
  EXPECT_EQ(lora.targets().size(), 4u);  // 2 layers × (c_attn, c_fc)
  lora.apply();
  EXPECT_TRUE(torch::allclose(model->forward(ids), base, 1e-6, 1e-6));  // B = 0 at init
  for (auto& p : model->parameters()) EXPECT_FALSE(p.requires_grad());
  auto params = lora.parameters();
  ASSERT_EQ(params.size(), 8u);
  {
    torch::NoGradGuard ng;
    params[1].fill_(0.1);  // B of the first adapted module
  }
  lora.apply();
  auto out = model->forward(ids);
  EXPECT_FALSE(torch::allclose(out, base, 1e-4, 1e-4));
  out.sum().backward();
  EXPECT_TRUE(params[0].grad().defined());
  EXPECT_GT(params[0].grad().abs().sum().item<double>(), 0.0);
  EXPECT_EQ(lora.n_parameters(), 2 * ((4 * 32 + 96 * 4) + (4 * 32 + 128 * 4)));
}

TEST(Lora, DefaultTargetsReachAttentionInEveryArchitecture) {
  for (const auto& type : models::supported_model_types()) {
    auto model = models::make_model(models::tiny_config(type));
    models::Lora lora(*model, models::LoraOptions{}, 1);
    bool attention = false, mlp = false;
    for (const auto& name : lora.targets()) {
      attention |= name.find("attn") != std::string::npos || name.find("attention") != std::string::npos;
      mlp |= name.find("mlp") != std::string::npos;
    }
    EXPECT_TRUE(attention && mlp) << type;
  }
}

TEST(Lora, UnknownTargetListsTheLinearModules) {
  auto model = models::make_model(models::tiny_config("llama"));
  try {
    models::Lora lora(*model, {4, 8.0, {"c_attn"}}, 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("q_proj"), std::string::npos) << e.what();
  }
}
