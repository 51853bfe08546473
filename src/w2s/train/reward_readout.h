// Readouts of comparisons — a prompt and K completions (K = 2 for preference pairs) — as K logits,
// so the softmax over them is the Bradley–Terry preference and every loss of losses/ applies to the
// pair probability σ(r_1 − r_0).
//   ScalarRewardReadout  r_k = a scalar head (zero init) on the hidden state at the last token of
//                        prompt ++ completion_k: the paper's reward model.
//   LikelihoodReadout    r_k = β · (s(c_k | prompt) − b_k), s = the mean (or sum) log-probability of
//                        the completion's tokens under the model's own LM head, so what the
//                        pretrained model knows is there from step 0. Baselines b_k, computed
//                        once per set under the initial weights: none (0); pmi, the completion
//                        without the prompt (a fluent but unrelated completion does not win);
//                        reference, the same completion with the prompt (DPO's implicit reward:
//                        every r_k starts at 0).
// Both train the whole model (or LoRA adapters) through the Trainer like any readout.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "w2s/models/heads.h"
#include "w2s/models/lora.h"
#include "w2s/train/batching.h"
#include "w2s/train/model_readout.h"

namespace w2s::train {

/// What both comparison readouts share: sets of N examples × K completions (read as N·K
/// prompt ++ completion sequences, example-major), and probabilities as the softmax over each
/// example's K logits, computed in chunks.
class ComparisonReadout : public ModelReadout {
 public:
  int64_t size(int set) const override;
  torch::Tensor probabilities(int set) override;
  /// The prompt followed by the preferred completion and a blank line.
  std::string demonstration(const InputSet& set, size_t i, int64_t label) const override;

 protected:
  using ModelReadout::ModelReadout;
  /// Each prompt (after its few-shot demonstrations, if any) joined with each of its completions
  /// (cut to max_length), example-major; checks that `set` holds comparisons (`who` names the
  /// readout) with the same K each. *k = K. With `completions`, also each completion's own tokens
  /// (uncut), in the same order.
  std::vector<JoinedSequence> join(const InputSet& set, const char* who, int64_t* k,
                                   std::vector<std::vector<int64_t>>* completions = nullptr);
  /// Records a new set of n examples × k completions; returns its number.
  int added(int64_t n, int64_t k);
  int64_t k_of(int set) const { return shapes_.at(set).k; }

 private:
  struct Shape {
    int64_t n = 0;  // examples
    int64_t k = 2;  // completions per example
  };
  std::vector<Shape> shapes_;
};

class ScalarRewardReadout final : public ComparisonReadout {
 public:
  /// `lora` adapts the model (nullptr: the whole model trains).
  ScalarRewardReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                      std::unique_ptr<models::Lora> lora = nullptr);
  int add(const InputSet& set) override;
  /// Throws: an untrained scalar head reads nothing, so it has no few-shot form.
  std::string demonstration(const InputSet& set, size_t i, int64_t label) const override;

  torch::Tensor logits(int set, const std::vector<int64_t>& rows) override;
  std::vector<torch::Tensor> parameters() override;

 private:
  models::ScalarHead head_{nullptr};
  std::vector<TokenRows> sets_;  // N·K sequences per set, example-major
};

struct LikelihoodOptions {
  bool mean = true;               // mean of the completion's token log-probabilities (false: sum)
  std::string baseline = "none";  // none | pmi | reference (see the file comment)
  double beta = 1.0;              // reward scale β (> 0)
};

class LikelihoodReadout final : public ComparisonReadout {
 public:
  LikelihoodReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                    LikelihoodOptions likelihood, std::unique_ptr<models::Lora> lora = nullptr);
  int add(const InputSet& set) override;

  torch::Tensor logits(int set, const std::vector<int64_t>& rows) override;
  std::vector<torch::Tensor> parameters() override;

  /// s(c | context) for every sequence (completion tokens from `start`), as the readout scores
  /// them: (S) float32, differentiable unless under a NoGradGuard.
  torch::Tensor completion_scores(const std::vector<JoinedSequence>& seqs);

 private:
  struct Set {
    std::vector<JoinedSequence> seqs;  // N·K prompt ++ completion sequences, example-major
    torch::Tensor baseline;            // (N, K) float32 on the device: b_k
  };
  LikelihoodOptions likelihood_;
  std::vector<Set> sets_;
};

}  // namespace w2s::train
