// The verbalizer readout of classification texts: the text is put in a prompt template and the
// model's own LM head scores two label words at the end, logits (B, 2) = the LM logits of the first
// token of each word. What the pretrained model knows is there from step 0 (a zero-shot
// classifier); finetuning trains the whole model (or LoRA adapters) through the Trainer.
//   template "Review: {text}\nIs it positive?", words {" No", " Yes"} (label 0, label 1)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "w2s/models/lora.h"
#include "w2s/train/batching.h"
#include "w2s/train/model_readout.h"

namespace w2s::train {

struct VerbalizerOptions {
  std::string prompt_template = "{text}\nAnswer:";   // holds "{text}" once
  std::vector<std::string> words = {" No", " Yes"};  // label 0, label 1 (first token each)
};

class VerbalizerReadout final : public ModelReadout {
 public:
  /// Bad templates or words (no "{text}", a word with no tokens, two words with the same first
  /// token) → w2s::Error.
  VerbalizerReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                    VerbalizerOptions verbalizer, std::unique_ptr<models::Lora> lora = nullptr);
  int add(const InputSet& set) override;
  /// The template around the text, then the label's word and a blank line.
  std::string demonstration(const InputSet& set, size_t i, int64_t label) const override;

  int64_t size(int set) const override;
  torch::Tensor logits(int set, const std::vector<int64_t>& rows) override;
  torch::Tensor probabilities(int set) override;
  std::vector<torch::Tensor> parameters() override;

  /// The token ids the words score (label 0 first).
  const std::vector<int64_t>& word_ids() const { return word_ids_; }

 private:
  std::string before_, after_;      // the template around "{text}"
  std::vector<int64_t> after_ids_;  // tokens of `after_`, kept whole when a text is cut
  std::vector<int64_t> word_ids_;
  std::vector<std::string> words_;  // the label words as given
  std::vector<TokenRows> sets_;
};

}  // namespace w2s::train
