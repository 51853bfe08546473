// A readout turns what a model computes on a set of examples into class logits (B, K): today a
// linear head at the last real token of a text (train/classifier_readout.h); a pairwise reward
// difference or a likelihood over choices are readouts too. A readout holds the example sets it
// was given, so training (SoftLabelObjective) and evaluation (Evaluator) only name rows of a set:
// a new kind of example or head is a new Readout, not a new training loop.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace w2s::train {

class Readout {
 public:
  virtual ~Readout() = default;
  /// Rows in set `set` (sets are numbered 0, 1, ... in the order the concrete readout added them).
  virtual int64_t size(int set) const = 0;
  /// Logits (B, K) float32 of `rows` of set `set`; differentiable unless under a NoGradGuard.
  virtual torch::Tensor logits(int set, const std::vector<int64_t>& rows) = 0;
  /// Class probabilities of every row of set `set` in row order: (N, K) float32 on the CPU,
  /// computed without gradients in batches that suit the readout.
  virtual torch::Tensor probabilities(int set) = 0;
  /// The tensors that train, in a fixed order.
  virtual std::vector<torch::Tensor> parameters() = 0;
};

/// Column `k` of probabilities(set) as doubles (P(class 1) of a binary readout for k = 1).
std::vector<double> class_probability(Readout& readout, int set, int64_t k = 1);

}  // namespace w2s::train
