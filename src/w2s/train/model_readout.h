// What every readout over a transformer shares: the model, its tokenizer, how texts are cut and
// batched, and the sets of examples it has been given. An example is a text (classification) or a
// prompt with K completions (comparisons: K = 2); a readout takes the kind it reads and names
// the other in its error. The readouts:
//   HeadReadout, ProbeReadout   a linear head on the pooled hidden state (classifier_readout.h)
//   ScalarRewardReadout         a scalar reward per prompt + completion (reward_readout.h)
//   LikelihoodReadout           the completion's log-likelihood under the LM head (reward_readout.h)
//   VerbalizerReadout           the LM head's logits of two label words (verbalizer_readout.h)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "w2s/models/heads.h"
#include "w2s/models/lora.h"
#include "w2s/models/transformer.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/train/compute.h"
#include "w2s/train/readout.h"

namespace w2s::train {

/// A set of examples as a readout takes them.
struct InputSet {
  std::vector<std::string> texts;                     // classification inputs, or prompts
  std::vector<std::vector<std::string>> completions;  // comparisons: each prompt's completions; else empty
  // Few-shot: solved examples put before each example, each rendered by the readout's
  // demonstration(); empty = none. A sequence keeps the last ones that fit whole in max_length
  // (nearest the example first); the example itself is never cut for them.
  std::vector<std::vector<std::string>> demonstrations;
  bool comparisons() const { return !completions.empty(); }
};

struct ModelReadoutOptions {
  int64_t max_length = 128;                               // tokens per sequence (≤ the model's n_ctx)
  models::Pooling pooling = models::Pooling::last_token;  // hidden state a head reads
  int64_t eval_batch = 64;                                // sequences per inference forward
  int64_t n_classes = 2;                                  // classification: outputs of a head
  Compute compute;                                        // device and bf16 autocast
};

class ModelReadout : public Readout {
 public:
  /// Add a set of examples; returns its set number (0, 1, ... in order).
  virtual int add(const InputSet& set) = 0;
  /// Example `i` of `set` solved with `label` (the class, or the preferred completion), as text a
  /// later example's prompt can start with (few-shot). Readouts that read through the LM head
  /// (likelihood, verbalizer) have one; the others throw w2s::Error.
  virtual std::string demonstration(const InputSet& set, size_t i, int64_t label) const;
  /// Few-shot demonstrations asked for and kept (whole, within max_length) over every set added.
  int64_t demonstrations_asked() const { return demos_asked_; }
  int64_t demonstrations_kept() const { return demos_kept_; }

 protected:
  /// `tok` must outlive the readout. `lora` adapts the model (nullptr: the model's own weights
  /// train, or stay frozen where a readout freezes them).
  ModelReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
               std::unique_ptr<models::Lora> lora = nullptr);

  /// Throws unless `set` is of the kind this readout reads (`who` names the readout).
  static void expect(const InputSet& set, bool comparisons, const char* who);
  /// The tokens of the last of `demos` that fit whole in `budget` tokens, in order; counts them.
  /// They open the sequence: the earliest kept one is encoded as the start of a text (template ids
  /// such as BOS, a SentencePiece "▁"), the rest as continuations, and what follows them must be
  /// encoded as a continuation too (EncodeOptions::continuation).
  std::vector<int64_t> fit_demonstrations(const std::vector<std::string>& demos, int64_t budget);
  /// Throws unless `set.demonstrations` is empty or holds one list per example.
  static void expect_demonstrations(const InputSet& set);
  /// Applies the LoRA adapters to the model's weights (before a forward); nothing without LoRA.
  void adapt();
  /// What finetuning trains of the model: the LoRA adapters, else every weight of it.
  std::vector<torch::Tensor> model_parameters();

  models::Transformer model_;
  const tokenizer::Tokenizer& tok_;
  ModelReadoutOptions options_;
  int64_t pad_ = 0;  // pad id (else eos, else 0)
  std::unique_ptr<models::Lora> lora_;

 private:
  int64_t demos_asked_ = 0, demos_kept_ = 0;
};

}  // namespace w2s::train
