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

class ScalarRewardReadout final : public ModelReadout {
 public:
  /// `lora` adapts the model (nullptr: the whole model trains).
  ScalarRewardReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                      std::unique_ptr<models::Lora> lora = nullptr);
  int add(const InputSet& set) override;

  int64_t size(int set) const override;
  torch::Tensor logits(int set, const std::vector<int64_t>& rows) override;
  torch::Tensor probabilities(int set) override;
  std::vector<torch::Tensor> parameters() override;

 private:
  struct Set {
    TokenRows seqs;  // N·K sequences, example-major
    int64_t k = 2;   // completions per example
  };
  models::ScalarHead head_{nullptr};
  std::unique_ptr<models::Lora> lora_;
  std::vector<Set> sets_;
};

struct LikelihoodOptions {
  bool mean = true;               // mean of the completion's token log-probabilities (false: sum)
  std::string baseline = "none";  // none | pmi | reference (see the file comment)
  double beta = 1.0;              // reward scale β (> 0)
};

class LikelihoodReadout final : public ModelReadout {
 public:
  LikelihoodReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                    LikelihoodOptions likelihood, std::unique_ptr<models::Lora> lora = nullptr);
  int add(const InputSet& set) override;

  int64_t size(int set) const override;
  torch::Tensor logits(int set, const std::vector<int64_t>& rows) override;
  torch::Tensor probabilities(int set) override;
  std::vector<torch::Tensor> parameters() override;

  /// s(c | context) for every sequence (completion tokens from `start`), as the readout scores
  /// them: (S) float32, differentiable unless under a NoGradGuard.
  torch::Tensor completion_scores(const std::vector<JoinedSequence>& seqs);

 private:
  struct Set {
    std::vector<JoinedSequence> seqs;  // N·K prompt ++ completion sequences, example-major
    torch::Tensor baseline;            // (N, K) float32 on the device: b_k
    int64_t k = 2;
  };
  LikelihoodOptions likelihood_;
  std::unique_ptr<models::Lora> lora_;
  std::vector<Set> sets_;
};

}  // namespace w2s::train
