// A readout turns what a model computes on a set of examples into class logits (B, K): a linear
// head at the last real token of a text (train/classifier_readout.h), a reward per completion or
// the likelihood of each choice (train/reward_readout.h). Examples of one set may have different
// numbers of choices (multiple choice): logits then have the set's widest K, and a row's missing
// choices hold kMaskedLogit, so the softmax gives them 0 and every loss of losses/ ignores them. A readout holds the
// example sets it was given, so training (SoftLabelObjective) and evaluation (Evaluator) only name rows of a set: a new
// kind of example or head is a new Readout, not a new training loop.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "w2s/eval/predictions.h"

namespace w2s::train {

/// The logit of a choice an example does not have: large, negative and finite (0 · −inf is NaN).
inline constexpr float kMaskedLogit = -1e4f;

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
  /// Choices of each row of set `set` (empty = every row has all the columns of its logits).
  virtual std::vector<int64_t> choices(int set) const {
    (void)set;
    return {};
  }
};

/// probabilities(set) as each row's distribution over its own choices (masked columns dropped).
eval::Predictions choice_probabilities(Readout& readout, int set);

}  // namespace w2s::train
