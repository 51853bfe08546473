// window: cross-entropy against the weak labels on the rows the supervisor is unsure about,
// max(w_i) ≤ window_max, averaged over those rows only.
//
// Gradient accumulation stays exact: batch_state records the selected fraction φ = n_sel / B of the
// whole optimizer batch, and a micro-batch returns Σ_{selected i} CE_i / (b·φ); weighted by b / B
// and summed over micro-batches this is Σ_{selected} CE / n_sel, the whole batch's mean. Without a
// batch state (φ < 0) a micro-batch uses its own selected count. A micro-batch with no selected
// row returns 0 that still has a grad graph (logits.sum()·0), so backward() works uniformly.
#include "w2s/core/error.h"
#include "w2s/losses/loss.h"

namespace w2s::losses {
namespace {

class WindowLoss final : public Loss {
 public:
  explicit WindowLoss(double window_max) : window_max_(window_max) {}
  std::string name() const override { return "window"; }

  LossBatchState batch_state(const torch::Tensor& logits, const torch::Tensor& weak, const LossStep&) const override {
    const auto [f, w] = detail::prepare(logits, weak, "window");  // (B, 2), (B, 2)
    check(f.size(0) > 0, "loss window: batch_state needs a non-empty batch");
    LossBatchState st;
    const auto n_sel = selected(w).sum().item<int64_t>();
    st.selected_fraction = static_cast<double>(n_sel) / static_cast<double>(f.size(0));
    return st;
  }

  torch::Tensor forward(const torch::Tensor& logits, const torch::Tensor& weak, const LossBatchState& st,
                        const LossStep&) const override {
    const auto [f, w] = detail::prepare(logits, weak, "window");  // (b, 2), (b, 2)
    const auto mask = selected(w);                                // (b) bool
    const int64_t n_sel = mask.sum().item<int64_t>();
    if (n_sel == 0) return f.sum() * 0.0;
    const auto ce = detail::soft_cross_entropy_rows(f, w);  // (b)
    const auto sum_sel = ce.masked_select(mask).sum();      // () unselected rows never enter
    const double denom = st.selected_fraction >= 0.0 ? st.selected_fraction * static_cast<double>(f.size(0))
                                                     : static_cast<double>(n_sel);
    check(denom > 0.0, "loss window: micro-batch has selected rows but the batch state says none");
    return sum_sel / denom;
  }

 private:
  torch::Tensor selected(const torch::Tensor& w) const {
    return std::get<0>(w.max(1)).le(window_max_);  // (b) bool
  }
  double window_max_;
};

}  // namespace

std::unique_ptr<Loss> make_window_loss(const LossOptions& o) {
  check(o.window_max >= 0.5 && o.window_max <= 1.0,
        "loss window: window_max must be in [0.5, 1] (below 0.5 no row of a valid label is "
        "selected), got {}",
        o.window_max);
  return std::make_unique<WindowLoss>(o.window_max);
}

}  // namespace w2s::losses
