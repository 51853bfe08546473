// logconf and entropy: the auxiliary confidence losses of Burns et al. (2023),
//   L = (1 − α)·CE(f, w) + α·aux,
// logconf: aux = CE(f, f̂_t), f̂_t the student's own detached predictions hardened at threshold t;
// entropy: aux = H(softmax f), logconf without hardening (the term keeps its gradient).
// α ramps linearly from 0 to alpha_max over the first alpha_warmup fraction of the steps. (The
// openai/weak-to-strong code uses α = step_frac · aux_coef during warmup, reaching only
// warmup_frac · aux_coef, and then jumps to aux_coef; that jump is not reproduced.)
//
// With K > 2 classes (multiple choice) f̂ is the one-hot argmax of the student's prediction.
// Threshold rules for K = 2 (computed once per optimizer batch in batch_state, in float32 like the
// reference, with torch::quantile's linear interpolation):
//   paper:     on the logit margin m = f1 − f0, t = quantile(m, 1 − q) over the batch, q = the
//              batch's mean weak-positive rate (prior "weak") or 1/2 (prior "balanced"); m > t →
//              class 1, m ≤ t (ties) → class 0. The margin does not saturate: in float32, p1 is
//              exactly 1.0 once f1 − f0 exceeds about 17, and a batch of such rows tied at the
//              median of p1 would all harden to class 0.
//   reference: t = quantile(p0, q), q = mean over the batch of w[:, 1]; p0 ≥ t → class 0,
//              p0 < t → class 1 (openai/weak-to-strong's logconf_loss_fn, saturation and all).
#include <algorithm>

#include "w2s/core/error.h"
#include "w2s/losses/loss.h"

namespace w2s::losses {
namespace {

/// α = alpha_max · min(1, (step / total_steps) / warmup); warmup 0 = alpha_max from the start.
struct AlphaSchedule {
  double alpha_max = 0.0;
  double warmup = 0.0;

  double at(const LossStep& s) const {
    check(s.total_steps > 0, "logconf: total_steps must be positive, got {}", s.total_steps);
    check(s.step >= 0, "logconf: step must not be negative, got {}", s.step);
    if (warmup <= 0.0) return alpha_max;
    const double frac = static_cast<double>(s.step) / static_cast<double>(s.total_steps);
    return alpha_max * std::min(1.0, frac / warmup);
  }
};

AlphaSchedule resolve_schedule(const LossOptions& o, const char* who) {
  const bool paper = o.logconf_form == "paper";
  check(paper || o.logconf_form == "reference", "loss {}: logconf_form must be 'paper' or 'reference', got '{}'", who,
        o.logconf_form);
  check(o.logconf_prior == "weak" || o.logconf_prior == "balanced",
        "loss {}: logconf_prior must be 'weak' or 'balanced', got '{}'", who, o.logconf_prior);
  AlphaSchedule s;
  s.alpha_max = resolved_alpha_max(o, false);  // a sweep has resolved the rule by size already
  s.warmup = o.alpha_warmup >= 0.0 ? o.alpha_warmup : (paper ? 0.2 : 0.1);
  check(s.alpha_max <= 1.0, "loss {}: alpha_max must be in [0, 1], got {}", who, s.alpha_max);
  check(s.warmup <= 1.0, "loss {}: alpha_warmup must be in [0, 1], got {}", who, s.warmup);
  return s;
}

class LogconfLoss final : public Loss {
 public:
  LogconfLoss(AlphaSchedule schedule, bool reference, bool balanced)
      : schedule_(schedule), reference_(reference), balanced_(balanced) {}
  std::string name() const override { return "logconf"; }

  LossBatchState batch_state(const torch::Tensor& logits, const torch::Tensor& weak,
                             const LossStep& step) const override {
    const auto [f, w] = detail::prepare(logits, weak, "logconf");  // (B, 2), (B, 2)
    check(f.size(0) > 0, "loss logconf: batch_state needs a non-empty batch");
    torch::NoGradGuard no_grad;
    const auto p = torch::softmax(f.detach(), 1);  // (B, 2)
    LossBatchState st;
    st.alpha = schedule_.at(step);
    if (f.size(1) > 2) return st;                          // K classes: hardened to the argmax, no batch threshold
    const auto q = w.select(1, 1).mean().clamp(0.0, 1.0);  // () mean weak-positive rate
    if (reference_) {
      const auto p0 = p.select(1, 0);  // (B)
      st.threshold = torch::quantile(p0, q).item<double>();
      st.threshold_on_p0 = true;
      st.hardened_rate = p0.lt(st.threshold).to(torch::kFloat).mean().item<double>();
    } else {
      const auto m = f.detach().select(1, 1) - f.detach().select(1, 0);  // (B) logit margin
      const auto share = balanced_ ? torch::full_like(q, 0.5) : q;
      st.threshold = torch::quantile(m, 1.0 - share).item<double>();
      st.threshold_on_margin = true;
      st.hardened_rate = m.gt(st.threshold).to(torch::kFloat).mean().item<double>();
    }
    return st;
  }

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& weak, const LossBatchState& st,
                        const LossStep&) const override {
    const auto [f, w] = detail::prepare(logits, weak, "logconf");  // (b, 2), (b, 2)
    const auto weak_ce = detail::soft_cross_entropy_rows(f, w);    // (b)
    if (st.alpha == 0.0) return weak_ce.mean();
    if (f.size(1) > 2) {  // K classes: the student's own argmax, one-hot
      const auto hard = torch::one_hot(f.detach().argmax(1), f.size(1)).to(torch::kFloat);  // (b, K)
      return ((1.0 - st.alpha) * weak_ce + st.alpha * detail::soft_cross_entropy_rows(f, hard)).mean();
    }
    const auto p = torch::softmax(f.detach(), 1);  // (b, 2)
    // The threshold (a float32 value stored as double) compares exactly against float32 values.
    const auto margin = f.detach().select(1, 1) - f.detach().select(1, 0);  // (b)
    const auto hard1 = st.threshold_on_margin ? margin.gt(st.threshold)     // (b) bool
                       : st.threshold_on_p0   ? p.select(1, 0).lt(st.threshold)
                                              : p.select(1, 1).gt(st.threshold);
    const auto h1 = hard1.to(torch::kFloat);
    const auto hard = torch::stack({1.0 - h1, h1}, 1);             // (b, 2) one-hot
    const auto aux_ce = detail::soft_cross_entropy_rows(f, hard);  // (b)
    return ((1.0 - st.alpha) * weak_ce + st.alpha * aux_ce).mean();
  }

 private:
  AlphaSchedule schedule_;
  bool reference_;
  bool balanced_;  // paper form: harden half of each batch to class 1, whatever the weak labels
};

class EntropyLoss final : public Loss {
 public:
  explicit EntropyLoss(AlphaSchedule schedule) : schedule_(schedule) {}
  std::string name() const override { return "entropy"; }

  LossBatchState batch_state(const torch::Tensor& logits, const torch::Tensor& weak,
                             const LossStep& step) const override {
    detail::prepare(logits, weak, "entropy");  // shape checks only
    LossBatchState st;
    st.alpha = schedule_.at(step);
    return st;
  }

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& weak, const LossBatchState& st,
                        const LossStep&) const override {
    const auto [f, w] = detail::prepare(logits, weak, "entropy");  // (b, 2), (b, 2)
    const auto weak_ce = detail::soft_cross_entropy_rows(f, w);    // (b)
    if (st.alpha == 0.0) return weak_ce.mean();
    const auto logp = torch::log_softmax(f, 1);        // (b, 2)
    const auto entropy = -(logp.exp() * logp).sum(1);  // (b) H(p), gradient kept
    return ((1.0 - st.alpha) * weak_ce + st.alpha * entropy).mean();
  }

 private:
  AlphaSchedule schedule_;
};

}  // namespace

std::unique_ptr<Loss> make_logconf_loss(const LossOptions& o) {
  return std::make_unique<LogconfLoss>(resolve_schedule(o, "logconf"), o.logconf_form == "reference",
                                       o.logconf_prior == "balanced");
}

std::unique_ptr<Loss> make_entropy_loss(const LossOptions& o) {
  return std::make_unique<EntropyLoss>(resolve_schedule(o, "entropy"));
}

}  // namespace w2s::losses
