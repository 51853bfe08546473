// Training on soft labels through any readout: optimizer step s takes batch s mod E of its
// epoch's shuffle of the training set (E = batches per epoch; each epoch reshuffled from the
// seed), computes the readout's logits and a loss of losses/ against the soft targets, and
// backpropagates (an epoch's last, partial batch weighted by its share of a full one). Batch-level loss state
// (logconf's threshold, its α) comes from the whole batch's detached logits first, so gradient accumulation over
// micro-batches equals one big batch. Data-parallel, each process takes its share of every batch
// (dist::share) and the loss state sees every process's logits (all-gathered).
#pragma once

#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "w2s/eval/predictions.h"
#include "w2s/losses/loss.h"
#include "w2s/train/readout.h"
#include "w2s/train/trainer.h"

namespace w2s::train {

/// What the loss did at one optimizer step (the batch state of losses/loss.h).
struct LossStepRecord {
  int64_t step = 0;             // 0-based optimizer step
  double loss = 0.0;            // the batch's loss
  double alpha = 0.0;           // logconf/entropy: weight of the auxiliary term
  double threshold = NAN;       // logconf: hardening threshold (on the margin, or p0 for the reference form)
  double hardened_rate = -1.0;  // logconf: share of the batch hardened to class 1 (< 0 = none)
};

struct SoftLabelOptions {
  int64_t batch_size = 32;   // examples per optimizer step (the last batch of an epoch may be smaller;
                             // its gradient is weighted by its size, so every example weighs the same)
  int64_t micro_batch = 32;  // examples per forward/backward
  uint64_t seed = 0;         // epoch shuffles
};

class SoftLabelObjective : public Objective {
 public:
  /// Trains on every row of readout set `set`; targets (N, K) rows sum to 1 (on the readout's
  /// device); `total_steps` is the run's length (the loss schedules by it).
  SoftLabelObjective(Readout& readout, int set, torch::Tensor targets, const losses::Loss& loss,
                     SoftLabelOptions options, int64_t total_steps);

  StepLoss backward(int64_t step) override;

  /// Optimizer steps per pass over the training set.
  int64_t steps_per_epoch() const { return steps_per_epoch_; }
  /// Mean loss over the rows of the latest epoch (the steps of it run so far).
  double epoch_loss() const { return epoch_loss_; }
  /// One record per step run, in order.
  const std::vector<LossStepRecord>& trace() const { return trace_; }

 private:
  Readout& readout_;
  int set_;
  torch::Tensor targets_;  // (N, K)
  const losses::Loss& loss_;
  SoftLabelOptions options_;
  int64_t total_steps_;
  int64_t n_ = 0;
  int64_t steps_per_epoch_ = 0;
  int64_t epoch_ = -1;          // epoch of `order_`
  std::vector<int64_t> order_;  // the epoch's shuffle
  double epoch_loss_ = 0.0;
  std::vector<LossStepRecord> trace_;
};

/// Soft targets (N, 2) float32 from P(class 1): rows (1 − p, p).
torch::Tensor binary_soft_targets(const std::vector<double>& p1);
/// Soft targets (N, K) float32 from rows of choice probabilities, K = max(2, the longest row);
/// each row padded with 0 (the columns kMaskedLogit fills in the logits).
torch::Tensor soft_targets(const eval::Predictions& rows);
/// One-hot rows of the labels: label i of `choices[i]` choices (empty `choices`: 2 each).
eval::Predictions one_hot(const std::vector<int>& labels, const std::vector<int64_t>& choices = {});

}  // namespace w2s::train
