// Optimizer pieces shared by pretraining and finetuning: AdamW with decay / no-decay parameter
// groups, the warmup + cosine learning-rate schedule, gradient clipping.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace w2s::train {

struct AdamWOptions {
  double lr = 1e-3;           // peak learning rate
  double beta1 = 0.9;         // first-moment decay
  double beta2 = 0.95;        // second-moment decay
  double eps = 1e-8;          // denominator epsilon
  double weight_decay = 0.1;  // decoupled weight decay on matrices/embeddings (not norms, biases)
};

/// AdamW over `params`: tensors with ≥ 2 dims decay, 1-dim ones (biases, norm weights) don't.
std::unique_ptr<torch::optim::AdamW> make_adamw(const std::vector<torch::Tensor>& params, const AdamWOptions& options);

/// Set every group's learning rate.
void set_lr(torch::optim::Optimizer& optimizer, double lr);

struct ScheduleOptions {
  double lr_peak = 1e-3;      // after warmup
  double min_lr_ratio = 0.1;  // final lr = lr_peak · min_lr_ratio
  int64_t warmup_steps = 0;   // linear warmup from lr_peak/warmup_steps
  int64_t total_steps = 1;    // cosine decay ends here
  bool cosine = true;         // false: constant after warmup
};

/// Learning rate at `step` (0-based): linear warmup, then cosine decay to min_lr_ratio·lr_peak.
double lr_at(const ScheduleOptions& s, int64_t step);

/// Clip the global L2 norm of the gradients to max_norm (≤ 0: no clipping). Returns the norm
/// before clipping (NaN/inf pass through so callers can stop on them).
double clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm);

}  // namespace w2s::train
