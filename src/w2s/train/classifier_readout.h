// Classification readouts over texts: a linear head (2 classes, Hugging Face's `score`) on the
// pooled hidden state of a transformer, at the last real token (as the paper) or the mean.
//   HeadReadout   runs the transformer on every forward: full finetuning (the whole model trains)
//                 or LoRA (frozen model, trainable adapters applied before each forward).
//   ProbeReadout  runs the frozen transformer once per text and caches the pooled features (in
//                 memory, and on disk when given a folder); only the head trains: a linear probe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "w2s/models/heads.h"
#include "w2s/models/lora.h"
#include "w2s/models/transformer.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/train/batching.h"
#include "w2s/train/compute.h"
#include "w2s/train/readout.h"

namespace w2s::train {

struct ClassifierReadoutOptions {
  int64_t max_length = 128;                               // tokens per text (≤ the model's n_ctx)
  models::Pooling pooling = models::Pooling::last_token;  // hidden state the head reads
  int64_t eval_batch = 64;                                // texts per inference forward
  int64_t n_classes = 2;                                  // head outputs
  Compute compute;                                        // device and bf16 autocast
};

/// A probe's on-disk feature cache: <dir>/<key>.safetensors, key = the texts mixed into
/// `identity` (a hash of the backbone and of how texts are cut and pooled).
struct FeatureCache {
  std::string dir;        // folder of cached features ("" = no disk cache)
  uint64_t identity = 0;  // what the features depend on besides the texts
};

/// What both readouts share: the transformer, its tokenizer, the head, and sets of texts.
class TextClassifierReadout : public Readout {
 public:
  /// Add a set of texts; returns its set number.
  virtual int add_texts(const std::vector<std::string>& texts) = 0;

 protected:
  /// `tok` must outlive the readout.
  TextClassifierReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ClassifierReadoutOptions options);

  models::Transformer model_;
  const tokenizer::Tokenizer& tok_;
  ClassifierReadoutOptions options_;
  models::ClassificationHead head_{nullptr};  // Linear(d_model, n_classes), zero init
  int64_t pad_ = 0;                           // pad id (else eos, else 0)
};

class HeadReadout final : public TextClassifierReadout {
 public:
  /// `model` in eval mode on the compute device; `lora` adapts it (nullptr: the whole model
  /// trains).
  HeadReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ClassifierReadoutOptions options,
              std::unique_ptr<models::Lora> lora = nullptr);
  int add_texts(const std::vector<std::string>& texts) override;

  int64_t size(int set) const override;
  torch::Tensor logits(int set, const std::vector<int64_t>& rows) override;
  torch::Tensor probabilities(int set) override;
  std::vector<torch::Tensor> parameters() override;

 private:
  std::unique_ptr<models::Lora> lora_;
  std::vector<TokenRows> sets_;
};

class ProbeReadout final : public TextClassifierReadout {
 public:
  /// `model` is frozen here (its parameters stop requiring gradients).
  ProbeReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ClassifierReadoutOptions options,
               FeatureCache cache = {});
  /// Add a set of texts: their features are computed now, or read from the cache.
  int add_texts(const std::vector<std::string>& texts) override;

  int64_t size(int set) const override;
  torch::Tensor logits(int set, const std::vector<int64_t>& rows) override;
  torch::Tensor probabilities(int set) override;
  std::vector<torch::Tensor> parameters() override;

 private:
  torch::Tensor features_of(const std::vector<std::string>& texts);  // (N, C) on the device

  FeatureCache cache_;
  std::vector<torch::Tensor> sets_;  // (N, C) pooled features per set
};

}  // namespace w2s::train
