// Weak-to-strong training losses behind one interface and a registry (one file per loss). A loss
// sees the student's logits and the weak (soft) labels of an optimizer batch. Batch-level
// quantities (logconf's threshold, its α schedule, window's selected fraction) are computed once
// per optimizer batch from the detached logits of the *whole* batch by `batch_state`, so gradient
// accumulation over micro-batches gives the same loss and gradients as one big batch:
//
//   auto loss = make_loss(options);
//   const auto state = loss->batch_state(logits_all.detach(), weak_all, step);  // (B, 2), (B, 2)
//   for (each micro-batch of b rows)
//     (loss->forward(logits_micro, weak_micro, state, step) * (double(b) / B)).backward();
//
// Conventions of every loss: logits (b, K), K ≥ 2 classes (2 for binary tasks and comparisons, the
// choices of a multiple-choice question otherwise), of any floating dtype (computed in float32),
// weak (b, K) with rows summing to 1 (never receives gradient); the result is a float32 scalar, a
// mean over the rows. Shapes that do not match are w2s::Error. Rows with fewer real choices than
// K pad with a large finite negative logit (never −inf: 0 · −inf is NaN) and a weak label of 0.
//
//   xent     mean CE(f, w) = −Σ_c w_c log softmax(f)_c
//   kl       mean KL(w ‖ softmax(f)) = Σ_c w_c (log w_c − log p_c), 0·log 0 = 0 (xent minus the
//            weak labels' entropy: same gradients as xent)
//   logconf  (1 − α)·CE(f, w) + α·CE(f, f̂_t), f̂_t the student's detached predictions hardened at
//            the batch threshold t (see LossOptions::logconf_form, LossBatchState); with K > 2
//            classes hardened to the argmax (no threshold: the paper's rule for its chess and
//            multi-class settings)
//   entropy  (1 − α)·CE(f, w) + α·H(softmax(f)): logconf without hardening. The entropy term keeps
//            its gradient (entropy minimisation); its *value* equals CE(f, sg(softmax f)), but a
//            detached soft target would have zero gradient and make the term a no-op.
//   product  CE(f, t), t ∝ p^β · w^α per row (detached, computed in log space: no 0^0, no 0/0)
//   window   CE(f, w) averaged over the rows with max(w) ≤ window_max only
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "w2s/config/schema.h"

namespace w2s::losses {

/// Options of every loss (each loss reads the ones it needs).
struct LossOptions {
  std::string name = "xent";  // xent | logconf | product | kl | entropy | window
  // logconf / entropy: auxiliary confidence loss L = (1 − α)·CE(f, f_w) + α·aux.
  // α = alpha_max · min(1, (step / total_steps) / alpha_warmup): a linear ramp from 0, no jump.
  std::string logconf_form = "paper";  // paper: on the logit margin m = f1 − f0 (no float32
                                       //   saturation of p1), t = quantile of m at 1 − q (linear
                                       //   interpolation), q = logconf_prior's share; m > t →
                                       //   class 1, ties → class 0;
                                       // reference: openai/weak-to-strong's rule, t = quantile of
                                       //   p0 at q = the batch's mean weak-positive rate; p0 ≥ t →
                                       //   class 0, else class 1 (its warmup jump bug is not kept).
                                       // entropy takes only the α defaults from the form.
  std::string logconf_prior = "weak";  // paper form, the share q hardened to class 1: weak = the
                                       //   batch's mean weak-positive rate (as both reference
                                       //   implementations); balanced = 1/2 (the paper's text: a
                                       //   no-skill student is then capped at 50 % on skewed data)
  double alpha_max = -1.0;             // final α in [0, 1]; < 0 = the rule: 0.5, and 0.75 for the
                                       // largest model of a sweep's family under the paper form
                                       // (a sweep resolves it: stage keys record the α used)
  double alpha_warmup = -1.0;          // fraction of steps for α to reach alpha_max (0 = no ramp);
                                       // < 0 = form's default (paper 0.2, reference 0.1)
  // product: target ∝ p_student^β · p_weak^α (detached, renormalised), then CE.
  double product_alpha = 1.0;  // exponent on the weak labels (≥ 0)
  double product_beta = 1.0;   // exponent on the student's own predictions (≥ 0)
  // window: cross-entropy only on examples whose weak confidence max(p_w) ≤ window_max.
  double window_max = 0.75;  // upper bound on the weak label's confidence, in [0.5, 1]
  static const config::Schema<LossOptions>& schema();
};

/// Where training is (for schedules).
struct LossStep {
  int64_t step = 0;         // optimizer steps done before this batch (0-based)
  int64_t total_steps = 1;  // optimizer steps in the whole run (> 0)
};

/// Per-batch state from `batch_state` (a loss ignores fields it does not use). A default-constructed
/// state makes logconf/entropy plain xent and window a mean over the micro-batch's own rows.
struct LossBatchState {
  double alpha = 0.0;                // logconf/entropy: weight of the auxiliary term
  double threshold = 0.5;            // logconf: hardening threshold, on p1 or p0 (next field)
  bool threshold_on_p0 = false;      // false (paper): p1 > threshold → class 1, else class 0;
                                     // true (reference): p0 ≥ threshold → class 0, else class 1
                                     // (kept on p0 so the comparison is the reference's exactly)
  double selected_fraction = -1.0;   // window: fraction of the optimizer batch's rows selected;
                                     // < 0 = unknown (use the micro-batch's own selected count)
  double hardened_rate = -1.0;       // logconf: share of the optimizer batch hardened to class 1
                                     // (< 0 = not a hardening loss)
  bool threshold_on_margin = false;  // logconf paper form: the threshold is on f1 − f0
};

class Loss {
 public:
  virtual ~Loss() = default;
  virtual std::string name() const = 0;
  /// Batch-level state from the detached logits (B, 2) and weak labels (B, 2) of the whole
  /// optimizer batch. Default: nothing batch-level.
  virtual LossBatchState batch_state(const torch::Tensor& logits, const torch::Tensor& weak,
                                     const LossStep& step) const;
  /// Mean loss over the rows of a micro-batch: logits (b, 2) with grad, weak (b, 2) rows sum to 1.
  /// Returns a scalar. (The trainer weights micro-batches by b / B; with the state of the whole
  /// batch the weighted sum equals the loss of the whole batch.)
  virtual torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& weak, const LossBatchState& state,
                                const LossStep& step) const = 0;
};

/// The loss named by options.name; unknown name or out-of-range option → w2s::Error (an unknown
/// name lists the registered names).
std::unique_ptr<Loss> make_loss(const LossOptions& options);
/// Registered loss names, in registry order.
std::vector<std::string> loss_names();
/// The LossOptions fields the named loss reads (schema keys, "name" aside), e.g. logconf's form,
/// prior and α schedule; unknown name → w2s::Error.
const std::vector<std::string>& options_read(const std::string& loss);
/// `options` with every field its loss does not read at its default: two option sets that train
/// the same loss the same way compare equal, so a stage key built from them is shared (an xent
/// student beside a logconf ablation's α grid is one stage). Unknown name → w2s::Error.
LossOptions effective_options(const LossOptions& options);
/// α_max by the rule when `options.alpha_max` < 0 (see LossOptions): 0.75 for the paper form's
/// largest student, else 0.5; an explicit value is kept. `largest` = the student is the largest
/// model of its family.
double resolved_alpha_max(const LossOptions& options, bool largest);

namespace detail {
/// Shared by the loss files: checks shapes and returns {logits, weak} as float32 (b, 2) with weak
/// on the logits' device and detached. `who` names the loss in error messages.
std::pair<torch::Tensor, torch::Tensor> prepare(const torch::Tensor& logits, const torch::Tensor& weak,
                                                const char* who);
/// Per-row cross-entropy −Σ_c t_c log softmax(f)_c against a soft target: f (b, 2), t (b, 2) →
/// (b).
torch::Tensor soft_cross_entropy_rows(const torch::Tensor& logits, const torch::Tensor& target);
}  // namespace detail

}  // namespace w2s::losses
