// Losses against golden values from an independent float64 implementation of the published
// formulas (scripts/golden/make_loss_goldens.py → tests/golden/losses/losses.json): logconf's paper
// form with either prior, its reference form, a saturated batch, product and window.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "test_support.h"
#include "w2s/losses/loss.h"

namespace w2s::losses {
namespace {

torch::Tensor tensor_of(const nlohmann::json& rows) {
  std::vector<float> flat;
  for (const auto& r : rows)
    for (const auto& v : r) flat.push_back(v.get<float>());
  return torch::tensor(flat).reshape({static_cast<int64_t>(rows.size()), 2});  // (b, 2)
}

TEST(LossGoldens, MatchTheIndependentImplementation) {
  std::ifstream in(test::source_dir() / "tests" / "golden" / "losses" / "losses.json");
  ASSERT_TRUE(in) << "tests/golden/losses/losses.json missing";
  const auto golden = nlohmann::json::parse(in);
  ASSERT_GE(golden.at("cases").size(), 15u);
  for (const auto& c : golden.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    LossOptions o;
    const auto& opt = c.at("options");
    o.name = opt.at("name");
    o.logconf_form = opt.value("logconf_form", o.logconf_form);
    o.logconf_prior = opt.value("logconf_prior", o.logconf_prior);
    o.product_alpha = opt.value("product_alpha", o.product_alpha);
    o.product_beta = opt.value("product_beta", o.product_beta);
    o.window_max = opt.value("window_max", o.window_max);
    const auto loss = make_loss(o);
    const auto logits = tensor_of(c.at("logits")), weak = tensor_of(c.at("weak"));
    auto st = loss->batch_state(logits, weak, {0, 1});
    if (c.contains("alpha")) st.alpha = c.at("alpha").get<double>();
    if (c.contains("threshold")) {
      EXPECT_NEAR(st.threshold, c.at("threshold").get<double>(), 1e-4);
      EXPECT_DOUBLE_EQ(st.hardened_rate, c.at("hardened_rate").get<double>());
    }
    auto f = logits.clone().requires_grad_(true);
    const auto value = loss->forward(f, weak, st, {0, 1});
    value.backward();
    EXPECT_NEAR(value.item<double>(), c.at("loss").get<double>(), 1e-5);
    EXPECT_TRUE(torch::allclose(f.grad(), tensor_of(c.at("grad")), 1e-4, 1e-6)) << f.grad() << "\n"
                                                                                << tensor_of(c.at("grad"));
  }
}

}  // namespace
}  // namespace w2s::losses
