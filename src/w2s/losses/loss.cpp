// Loss registry, option schema and the helpers shared by the loss files (one file per loss).
#include "w2s/losses/loss.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <utility>

#include "w2s/core/error.h"

namespace w2s::losses {

// Factories, one per loss file (the table below is the registry; no static self-registration,
// which a static library would silently drop).
std::unique_ptr<Loss> make_xent_loss(const LossOptions& options);
std::unique_ptr<Loss> make_logconf_loss(const LossOptions& options);
std::unique_ptr<Loss> make_entropy_loss(const LossOptions& options);
std::unique_ptr<Loss> make_product_loss(const LossOptions& options);
std::unique_ptr<Loss> make_kl_loss(const LossOptions& options);
std::unique_ptr<Loss> make_window_loss(const LossOptions& options);

namespace {

struct Registered {
  const char* name;
  std::unique_ptr<Loss> (*make)(const LossOptions&);
  std::vector<std::string> reads;  // the LossOptions fields it reads (schema keys, "name" aside)
};

const std::vector<Registered>& registry() {
  static const std::vector<Registered> losses = {
      {"xent", make_xent_loss, {}},
      {"logconf", make_logconf_loss, {"logconf_form", "logconf_prior", "alpha_max", "alpha_warmup"}},
      {"product", make_product_loss, {"product_alpha", "product_beta"}},
      {"kl", make_kl_loss, {}},
      // entropy takes only the α defaults from the form (no threshold, so no prior)
      {"entropy", make_entropy_loss, {"logconf_form", "alpha_max", "alpha_warmup"}},
      {"window", make_window_loss, {"window_max"}},
  };
  return losses;
}

const Registered& registered(const std::string& name) {
  for (const auto& r : registry())
    if (name == r.name) return r;
  fail("unknown loss '{}' (registered: {})", name, fmt::join(loss_names(), ", "));
}

}  // namespace

const config::Schema<LossOptions>& LossOptions::schema() {
  using O = LossOptions;
  static const auto s =
      config::Schema<O>()
          .field("name", &O::name, "training loss", loss_names())
          .field("logconf_form", &O::logconf_form,
                 "logconf threshold rule and α defaults: paper (quantile of the logit margin at the prior, α over "
                 "20%) or reference (openai/weak-to-strong quantile of p0, α 0.5 over 10%)",
                 {"paper", "reference"})
          .field("logconf_prior", &O::logconf_prior,
                 "logconf paper form: share of each batch hardened to class 1, the weak labels' positive rate "
                 "(weak) or one half (balanced)",
                 {"weak", "balanced"})
          .field("alpha_max", &O::alpha_max,
                 "logconf/entropy final auxiliary weight α in [0, 1] (< 0 = the rule: 0.75 for a sweep's largest "
                 "model under the paper form, else 0.5)")
          .field("alpha_warmup", &O::alpha_warmup,
                 "logconf/entropy fraction of steps for α to reach alpha_max (< 0 = form's default)")
          .field("product_alpha", &O::product_alpha, "product: exponent on the weak labels")
          .field("product_beta", &O::product_beta, "product: exponent on the student's predictions")
          .field("window_max", &O::window_max, "window: train only on rows with weak confidence max(p_w) ≤ this");
  return s;
}

double resolved_alpha_max(const LossOptions& o, bool largest) {
  if (o.alpha_max >= 0.0) return o.alpha_max;
  return o.logconf_form == "paper" && largest ? 0.75 : 0.5;
}

LossBatchState Loss::batch_state(const torch::Tensor&, const torch::Tensor&, const LossStep&) const { return {}; }

std::unique_ptr<Loss> make_loss(const LossOptions& options) { return registered(options.name).make(options); }

std::vector<std::string> loss_names() {
  std::vector<std::string> out;
  for (const auto& r : registry()) out.emplace_back(r.name);
  return out;
}

const std::vector<std::string>& options_read(const std::string& loss) { return registered(loss).reads; }

LossOptions effective_options(const LossOptions& options) {
  const auto& reads = options_read(options.name);
  LossOptions out;
  out.name = options.name;
  for (const auto& key : reads) {
    const auto* e = LossOptions::schema().find(key);
    check(e != nullptr, "loss {}: reads '{}', which is not a loss option", options.name, key);
    e->set(out, e->get(options));
  }
  return out;
}

namespace detail {

std::pair<torch::Tensor, torch::Tensor> prepare(const torch::Tensor& logits, const torch::Tensor& weak,
                                                const char* who) {
  check(logits.defined() && weak.defined(), "loss {}: undefined logits or weak labels", who);
  check(logits.dim() == 2 && logits.size(1) >= 2, "loss {}: logits must be (b, K) with K ≥ 2 classes, got {}", who,
        fmt::join(logits.sizes(), "x"));
  check(weak.sizes() == logits.sizes(), "loss {}: weak labels {} do not match logits {}", who,
        fmt::join(weak.sizes(), "x"), fmt::join(logits.sizes(), "x"));
  check(logits.is_floating_point() && weak.is_floating_point(),
        "loss {}: logits and weak labels must be floating point", who);
  auto f = logits.scalar_type() == torch::kFloat ? logits : logits.to(torch::kFloat);  // (b, K)
  auto w = weak.detach().to(f.device(), torch::kFloat);                                // (b, K)
  return {f, w};
}

torch::Tensor soft_cross_entropy_rows(const torch::Tensor& logits, const torch::Tensor& target) {
  return -(target * torch::log_softmax(logits, 1)).sum(1);  // (b)
}

}  // namespace detail

}  // namespace w2s::losses
