// kl: KL(weak ‖ student) = Σ_c w_c (log w_c − log p_c), with 0·log 0 = 0, mean over rows. This is
// xent minus the weak labels' entropy, a constant: the gradients are xent's, but the value is 0 when
// the student matches the weak labels exactly, which makes curves comparable across label noise.
#include "w2s/losses/loss.h"

namespace w2s::losses {
namespace {

class KlLoss final : public Loss {
 public:
  std::string name() const override { return "kl"; }
  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& weak, const LossBatchState&,
                        const LossStep&) const override {
    const auto [f, w] = detail::prepare(logits, weak, "kl");  // (b, 2), (b, 2)
    const auto neg_entropy = torch::xlogy(w, w).sum(1);       // (b) Σ w log w, 0·log 0 = 0
    return (neg_entropy + detail::soft_cross_entropy_rows(f, w)).mean();
  }
};

}  // namespace

std::unique_ptr<Loss> make_kl_loss(const LossOptions&) { return std::make_unique<KlLoss>(); }

}  // namespace w2s::losses
