// AdamW parameter groups, warmup + cosine schedule, gradient clipping.
#include "w2s/train/optim.h"

#include <cmath>

namespace w2s::train {

std::unique_ptr<torch::optim::AdamW> make_adamw(const std::vector<torch::Tensor>& params, const AdamWOptions& o) {
  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& p : params) {
    if (!p.requires_grad()) continue;
    (p.dim() >= 2 ? decay : no_decay).push_back(p);
  }
  auto base = torch::optim::AdamWOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  auto with_decay = std::make_unique<torch::optim::AdamWOptions>(base);
  with_decay->weight_decay(o.weight_decay);
  auto without = std::make_unique<torch::optim::AdamWOptions>(base);
  without->weight_decay(0.0);
  groups.emplace_back(decay, std::move(with_decay));
  groups.emplace_back(no_decay, std::move(without));
  return std::make_unique<torch::optim::AdamW>(std::move(groups), base);
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& g : optimizer.param_groups()) g.options().set_lr(lr);
}

double lr_at(const ScheduleOptions& s, int64_t step) {
  if (s.warmup_steps > 0 && step < s.warmup_steps)
    return s.lr_peak * static_cast<double>(step + 1) / static_cast<double>(s.warmup_steps);
  if (!s.cosine) return s.lr_peak;
  const double span = std::max<int64_t>(1, s.total_steps - s.warmup_steps);
  const double t = std::min(1.0, static_cast<double>(step - s.warmup_steps) / span);
  const double min_lr = s.lr_peak * s.min_lr_ratio;
  return min_lr + 0.5 * (s.lr_peak - min_lr) * (1.0 + std::cos(M_PI * t));
}

double clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm) {
  std::vector<torch::Tensor> norms;
  for (const auto& p : params)
    if (p.grad().defined()) norms.push_back(p.grad().detach().to(torch::kFloat).norm(2));
  if (norms.empty()) return 0.0;
  const double total = torch::stack(norms).norm(2).item<double>();
  if (max_norm > 0 && std::isfinite(total) && total > max_norm) {
    const double scale = max_norm / (total + 1e-6);
    for (const auto& p : params)
      if (p.grad().defined()) p.grad().mul_(scale);
  }
  return total;
}

}  // namespace w2s::train
