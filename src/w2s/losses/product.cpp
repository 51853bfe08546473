// product: cross-entropy against the product of experts of the student and the weak supervisor,
//   t_ic ∝ p_ic^β · w_ic^α   (detached, renormalised per row),   L = mean_i CE(f_i, t_i).
// Computed in log space, t = softmax(β·log_softmax(f) + α·log(max(w, tiny))): no 0^0 or 0/0, an
// exponent 0 makes its factor 1 (as pow(0, 0) = 1), a weak 0 with α > 0 gives t ≈ 0 (e^{−69α}),
// and a row whose weak labels are both 0 falls back to p^β.
#include "w2s/core/error.h"
#include "w2s/losses/loss.h"

namespace w2s::losses {
namespace {

constexpr double kTinyProb = 1e-30;  // clamp before log: log(1e-30) ≈ −69, finite in float32

class ProductLoss final : public Loss {
 public:
  ProductLoss(double alpha, double beta) : alpha_(alpha), beta_(beta) {}
  std::string name() const override { return "product"; }

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& weak, const LossBatchState&,
                        const LossStep&) const override {
    const auto [f, w] = detail::prepare(logits, weak, "product");  // (b, 2), (b, 2)
    torch::Tensor target;                                          // (b, 2) rows sum to 1
    {
      torch::NoGradGuard no_grad;
      const auto log_t = beta_ * torch::log_softmax(f.detach(), 1) +  // (b, 2)
                         alpha_ * w.clamp_min(kTinyProb).log();
      target = torch::softmax(log_t, 1);
    }
    return detail::soft_cross_entropy_rows(f, target).mean();
  }

 private:
  double alpha_, beta_;
};

}  // namespace

std::unique_ptr<Loss> make_product_loss(const LossOptions& o) {
  check(o.product_alpha >= 0.0 && o.product_beta >= 0.0,
        "loss product: product_alpha and product_beta must be ≥ 0, got {} and {}", o.product_alpha, o.product_beta);
  return std::make_unique<ProductLoss>(o.product_alpha, o.product_beta);
}

}  // namespace w2s::losses
