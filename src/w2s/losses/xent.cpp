// xent: cross-entropy against the weak soft labels, mean over rows (the naive weak-to-strong
// baseline): L = −(1/b) Σ_i Σ_c w_ic log softmax(f_i)_c.
#include "w2s/losses/loss.h"

namespace w2s::losses {
namespace {

class XentLoss final : public Loss {
 public:
  std::string name() const override { return "xent"; }
  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& weak, const LossBatchState&,
                        const LossStep&) const override {
    const auto [f, w] = detail::prepare(logits, weak, "xent");  // (b, 2), (b, 2)
    return detail::soft_cross_entropy_rows(f, w).mean();
  }
};

}  // namespace

std::unique_ptr<Loss> make_xent_loss(const LossOptions&) { return std::make_unique<XentLoss>(); }

}  // namespace w2s::losses
