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
#include "w2s/train/batching.h"
#include "w2s/train/model_readout.h"

namespace w2s::train {

/// A probe's on-disk feature cache: <dir>/<key>.safetensors, key = the texts mixed into
/// `identity` (a hash of the backbone and of how texts are cut and pooled).
struct FeatureCache {
  std::string dir;        // folder of cached features ("" = no disk cache)
  uint64_t identity = 0;  // what the features depend on besides the texts
};

/// A linear head over a transformer's pooled hidden state, for classification texts.
class TextClassifierReadout : public ModelReadout {
 protected:
  TextClassifierReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                        std::unique_ptr<models::Lora> lora = nullptr);
  models::ClassificationHead head_{nullptr};  // Linear(d_model, n_classes), zero init
};

class HeadReadout final : public TextClassifierReadout {
 public:
  /// `model` in eval mode on the compute device; `lora` adapts it (nullptr: the whole model
  /// trains).
  HeadReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
              std::unique_ptr<models::Lora> lora = nullptr);
  int add(const InputSet& set) override;

  int64_t size(int set) const override;
  torch::Tensor logits(int set, const std::vector<int64_t>& rows) override;
  torch::Tensor probabilities(int set) override;
  std::vector<torch::Tensor> parameters() override;

 private:
  std::vector<TokenRows> sets_;
};

class ProbeReadout final : public TextClassifierReadout {
 public:
  /// `model` is frozen here (its parameters stop requiring gradients).
  ProbeReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
               FeatureCache cache = {});
  /// Add a set of texts: their features are computed now, or read from the cache.
  int add(const InputSet& set) override;

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
