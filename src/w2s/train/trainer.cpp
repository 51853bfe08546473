// The training loop: schedule, step, checks, clipping, observers.
#include "w2s/train/trainer.h"

#include <cmath>

#include "w2s/core/error.h"
#include "w2s/dist/process_group.h"

namespace w2s::train {

Trainer::Trainer(std::vector<torch::Tensor> parameters, torch::optim::Optimizer& optimizer, TrainerOptions options)
    : parameters_(std::move(parameters)), optimizer_(optimizer), options_(std::move(options)) {
  check(options_.schedule.total_steps >= 1, "{}: the run has no steps", options_.what);
}

void Trainer::observe(TrainObserver& observer) { observers_.push_back(&observer); }

int64_t Trainer::run(Objective& objective, int64_t from, int64_t to) {
  const int64_t total = total_steps();
  if (dist::active()) {
    // Data-parallel: every rank starts from rank 0's weights.
    auto weights = parameters_;
    dist::broadcast(weights, options_.what + ": initial weights");
  }
  for (auto* o : observers_) o->on_start(from, total);
  for (int64_t step = from; step < to; ++step) {
    const double lr = lr_at(options_.schedule, step);
    set_lr(optimizer_, lr);
    optimizer_.zero_grad();
    const StepLoss sl = objective.backward(step);
    if (dist::active()) {
      // Each rank backpropagated its share of the batch, weighted by its share of the rows: the
      // sum over ranks is the whole batch's gradient.
      std::vector<torch::Tensor> grads;
      for (auto& p : parameters_) {
        if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
        grads.push_back(p.grad());
      }
      dist::all_reduce_sum(grads, fmt::format("{}: gradients of step {}", options_.what, step));
    }
    check(std::isfinite(sl.loss), "{}: loss is {} at step {} (lr {:.3g}); {}", options_.what, sl.loss, step, lr,
          options_.on_nonfinite);
    const double grad_norm = clip_grad_norm(parameters_, options_.grad_clip);
    check(std::isfinite(grad_norm), "{}: gradient norm is {} at step {} (loss {:.4g}, lr {:.3g}); {}", options_.what,
          grad_norm, step, sl.loss, lr, options_.on_nonfinite);
    optimizer_.step();
    const StepReport report{step + 1, total, sl.loss, lr, grad_norm, sl.examples};
    for (auto* o : observers_) o->on_step(report);
  }
  for (auto* o : observers_) o->on_end(to, total);
  return to;
}

}  // namespace w2s::train
