// Readouts of comparisons — a prompt and K completions (K = 2 for preference pairs; any K ≥ 2 per
// example for multiple choice) — as K logits, so the softmax over them is the Bradley–Terry
// preference (the pair probability σ(r_1 − r_0) for K = 2) and every loss of losses/ applies.
//   ScalarRewardReadout  r_k = a scalar head (zero init) on the hidden state at the last token of
//                        prompt ++ completion_k: the paper's reward model.
//   LikelihoodReadout    r_k = β · (s(c_k | prompt) − b_k), s = the mean (or sum) log-probability of
//                        the completion's tokens under the model's own LM head, so what the
//                        pretrained model knows is there from step 0. Baselines b_k, computed
//                        once per set under the initial weights: none (0); pmi, the completion
//                        without the prompt (a fluent but unrelated completion does not win);
//                        reference, the same completion with the prompt (DPO's implicit reward:
//                        every r_k starts at 0). Choices that share their context and a few
//                        tokens (chess moves of one or two tokens, short answers) are scored from
//                        shared passes: one sequence per example, context ++ a choice's tokens
//                        but its last, for each branch of the choices' token tree, read at every
//                        position a choice needs. The numbers are those of one sequence per
//                        choice; a set takes this path when it runs fewer sequences.
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

/// What both comparison readouts share: sets of N examples with K_i completions each (read as
/// Σ K_i prompt ++ completion sequences, example-major), logits (B, max K_i) with kMaskedLogit in
/// the columns an example lacks, and probabilities as the softmax over each example's logits,
/// computed in chunks.
class ComparisonReadout : public ModelReadout {
 public:
  int64_t size(int set) const override;
  torch::Tensor probabilities(int set) override;
  std::vector<int64_t> choices(int set) const override;
  /// The prompt followed by the preferred completion and a blank line.
  std::string demonstration(const InputSet& set, size_t i, int64_t label) const override;

 protected:
  using ModelReadout::ModelReadout;
  /// Each prompt (after its few-shot demonstrations, if any) joined with each of its completions
  /// (cut to max_length), example-major; checks that `set` holds comparisons (`who` names the
  /// readout) with at least two completions each, and records the set's shape (the set number is
  /// shapes().size() − 1 after). With `completions`, also each completion's own tokens (uncut), in
  /// the same order.
  std::vector<JoinedSequence> join(const InputSet& set, const char* who,
                                   std::vector<std::vector<int64_t>>* completions = nullptr);
  int last_set() const { return static_cast<int>(shapes_.size()) - 1; }
  /// Sequence numbers of examples `rows` of `set`, example-major.
  std::vector<int64_t> sequences_of(int set, const std::vector<int64_t>& rows) const;
  /// Scores (S) of the sequences of `rows` (as sequences_of lists them) as logits (B, max K):
  /// a plain reshape when every row has the set's K, else the missing choices masked.
  torch::Tensor to_logits(int set, const std::vector<int64_t>& rows, const torch::Tensor& scores) const;
  /// Sequences per example an inference forward costs (the widest K; shared passes: fewer).
  virtual int64_t cost_per_example(int set) const { return shapes_.at(set).k_max; }
  /// Example i of set `set` holds sequences offsets(set)[i] … offsets(set)[i + 1] − 1.
  const std::vector<int64_t>& offsets(int set) const { return shapes_.at(set).offset; }

 private:
  struct Shape {
    std::vector<int64_t> offset = {0};  // example i's sequences are offset[i] … offset[i + 1] − 1
    int64_t k_max = 2;                  // the most completions of one example
    bool uniform = true;                // every example has k_max
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
  /// Whether set `set` is read through shared passes (see the file comment).
  bool shared(int set) const { return !sets_.at(set).shared.units.empty(); }
  /// The sequences a forward pass over all of set `set` runs: Σ K_i, or fewer when shared.
  int64_t sequences(int set) const;

 protected:
  int64_t cost_per_example(int set) const override;

 private:
  struct Set {
    std::vector<JoinedSequence> seqs;  // Σ K_i prompt ++ completion sequences, example-major
    torch::Tensor baseline;            // (S) float32 on the device: b per sequence
    // Shared passes (empty when the set is read one sequence per completion). Per example i: its
    // units[unit_offset[i] …], the positions read in them, read[read_offset[i] …] as (unit, t)
    // relative to the example, and its completion tokens, token[token_offset[i] …] as (read,
    // target, sequence) relative to the example.
    struct Shared {
      TokenRows units;
      std::vector<int64_t> unit_offset = {0}, read_unit, read_t, read_offset = {0};
      std::vector<int64_t> token_read, token_target, token_seq, token_offset = {0};
    } shared;
  };
  /// What one scoring pass reads: position t[r] of unit unit[r] for each read r; each completion
  /// token's read, target and sequence (0 … S − 1); each sequence's completion tokens (the mean's
  /// divisor).
  struct Reads {
    std::vector<int64_t> unit, t, token_read, token_target, token_seq;
    std::vector<float> count;
  };
  /// Scores (S) from one forward pass over rows `units` of `ids`: each sequence's completion-token
  /// log-probabilities, summed (or their mean). Both paths score through it.
  torch::Tensor read_scores(const TokenRows& ids, const std::vector<int64_t>& units, const Reads& reads);
  /// Builds `s.shared` from `s.seqs` (`k`: each example's completions); leaves it empty unless
  /// that runs fewer sequences.
  static void share(Set& s, const std::vector<int64_t>& k);
  /// The shared-pass scores (S) of the sequences of `rows` of set `set` (held in `s`), example-major.
  torch::Tensor shared_scores(int set, const Set& s, const std::vector<int64_t>& rows);
  /// Units per example of `s` (n examples), the mean rounded up: what chunking counts.
  static int64_t cost_per_example(const Set& s, int64_t n);
  LikelihoodOptions likelihood_;
  std::vector<Set> sets_;
};

}  // namespace w2s::train
