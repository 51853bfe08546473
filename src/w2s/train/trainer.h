// The one training loop of w2s. A Trainer takes optimizer steps over an Objective (what each
// step's batch is and how its loss and gradients are computed) with the learning-rate schedule,
// gradient clipping and finite-value checks, and tells its observers after every step: they
// evaluate, record training dynamics, keep the best weights, write checkpoints and show progress.
// Pretraining, generative finetuning and finetuning in every mode (full, LoRA, linear probe) with
// any readout run through it; a new kind of training is a new Objective, not a new loop.
//
//   Trainer trainer(params, *optimizer, {.schedule = sched, .grad_clip = 1.0});
//   trainer.observe(evaluator);               // observers are told in the order added
//   trainer.run(objective, 0, total_steps);   // resume: start from the steps already done
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "w2s/train/optim.h"

namespace w2s::train {

/// The loss of one step's batch, as the objective computed it.
struct StepLoss {
  double loss = 0.0;     // mean over the batch
  int64_t examples = 0;  // rows in the batch (examples or sequences)
};

/// What is trained. backward(step) runs the forward and backward passes of optimizer step `step`
/// (0-based) over that step's whole batch, micro-batches included, so the batch's gradients are in
/// the parameters when it returns. A step's batch depends on the step alone (exact resume).
/// Data-parallel (dist::active()): each rank backpropagates its share of the batch, scaled so the
/// ranks' gradients sum to the batch's, and returns the whole batch's loss; the Trainer sums the
/// gradients over the ranks.
class Objective {
 public:
  virtual ~Objective() = default;
  virtual StepLoss backward(int64_t step) = 0;
};

/// What observers hear after each optimizer step.
struct StepReport {
  int64_t step = 0;         // steps done, this one included
  int64_t total_steps = 0;  // steps of the whole run
  double loss = 0.0;        // the step's batch loss
  double lr = 0.0;          // learning rate of the step
  double grad_norm = 0.0;   // global gradient norm before clipping
  int64_t examples = 0;     // rows in the step's batch
};

/// Hooks into a run (each defaults to nothing): on_start before the first step of run() with the
/// steps already done, on_step after every optimizer step, on_end after the last one.
class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void on_start(int64_t step, int64_t total_steps) {}
  virtual void on_step(const StepReport& report) {}
  virtual void on_end(int64_t step, int64_t total_steps) {}
};

struct TrainerOptions {
  ScheduleOptions schedule;                              // lr by step; total_steps = run length
  double grad_clip = 1.0;                                // global grad-norm clip (0 = off)
  std::string what = "training";                         // named in errors ("finetuning DIR")
  std::string on_nonfinite = "lower the learning rate";  // advice in the non-finite error
};

class Trainer {
 public:
  /// `parameters`: what the optimizer updates (clipped and checked together).
  Trainer(std::vector<torch::Tensor> parameters, torch::optim::Optimizer& optimizer, TrainerOptions options);

  /// Tell `observer` about the run (it must outlive the run).
  void observe(TrainObserver& observer);

  /// Steps [from, to) of the run: set the step's learning rate, zero the gradients, run the
  /// objective's step, check the loss and gradient norm are finite, clip, step the optimizer, tell
  /// the observers. A non-finite loss or gradient norm throws w2s::Error naming the step before
  /// the optimizer steps, so the weights stay finite. Returns `to`.
  int64_t run(Objective& objective, int64_t from, int64_t to);

  int64_t total_steps() const { return options_.schedule.total_steps; }
  const std::vector<torch::Tensor>& parameters() const { return parameters_; }

 private:
  std::vector<torch::Tensor> parameters_;
  torch::optim::Optimizer& optimizer_;
  TrainerOptions options_;
  std::vector<TrainObserver*> observers_;
};

}  // namespace w2s::train
