// Verbalizer readout: label words scored by the LM head after a template.
#include "w2s/train/verbalizer_readout.h"

#include "w2s/core/error.h"
#include "w2s/core/torch_compat.h"

namespace w2s::train {

VerbalizerReadout::VerbalizerReadout(models::Transformer model, const tokenizer::Tokenizer& tok,
                                     ModelReadoutOptions options, VerbalizerOptions v,
                                     std::unique_ptr<models::Lora> lora)
    : ModelReadout(std::move(model), tok, options, std::move(lora)) {
  check(options_.n_classes == 2 && v.words.size() == 2, "verbalizer: give two label words (label 0, label 1), got {}",
        v.words.size());
  const auto at = v.prompt_template.find("{text}");
  check(at != std::string::npos && v.prompt_template.find("{text}", at + 1) == std::string::npos,
        "verbalizer template must hold \"{{text}}\" exactly once: \"{}\"", v.prompt_template);
  before_ = v.prompt_template.substr(0, at);
  after_ = v.prompt_template.substr(at + 6);
  // The template's end and the label words continue the text: no BOS or start-of-text "▁" before them.
  after_ids_ = tok_.encode(after_, {.continuation = true});
  for (const auto& w : v.words) {
    const auto ids = tok_.encode(w, {.continuation = true});
    check(!ids.empty(), "verbalizer word \"{}\" has no tokens", w);
    word_ids_.push_back(ids.front());
  }
  words_ = v.words;
  check(word_ids_[0] != word_ids_[1], "verbalizer words \"{}\" and \"{}\" start with the same token {}", v.words[0],
        v.words[1], word_ids_[0]);
}

int VerbalizerReadout::add(const InputSet& set) {
  expect(set, false, "verbalizer");
  expect_demonstrations(set);
  TokenRows rows;
  const auto budget = std::max<int64_t>(1, options_.max_length - static_cast<int64_t>(after_ids_.size()));
  for (size_t i = 0; i < set.texts.size(); ++i) {
    auto text = [&](bool continuation) {
      auto ids = tok_.encode_head(before_ + set.texts[i], budget, {.continuation = continuation});  // loses its end
      ids.insert(ids.end(), after_ids_.begin(), after_ids_.end());
      return ids;
    };
    auto ids = text(false);
    if (!set.demonstrations.empty()) {
      auto demos = fit_demonstrations(set.demonstrations[i], options_.max_length - static_cast<int64_t>(ids.size()));
      if (!demos.empty()) {
        const auto rest = text(true);  // after the demonstrations, the text continues them
        demos.insert(demos.end(), rest.begin(), rest.end());
        ids = std::move(demos);
      }
    }
    if (ids.empty()) ids.push_back(pad_);
    rows.push_back(std::move(ids));
  }
  sets_.push_back(std::move(rows));
  return static_cast<int>(sets_.size()) - 1;
}

std::string VerbalizerReadout::demonstration(const InputSet& set, size_t i, int64_t label) const {
  check(i < set.texts.size() && (label == 0 || label == 1), "few-shot: no demonstration {} with label {}", i, label);
  return before_ + set.texts[i] + after_ + words_[label] + "\n\n";
}

int64_t VerbalizerReadout::size(int set) const { return static_cast<int64_t>(sets_.at(set).size()); }

torch::Tensor VerbalizerReadout::logits(int set, const std::vector<int64_t>& rows) {
  auto [x, m] = pad_batch(sets_.at(set), rows, pad_);  // (B, T)
  adapt();
  const auto dev = options_.compute.device;
  compat::AutocastGuard ac(dev.type(), at::kBFloat16, options_.compute.bf16);
  x = x.to(dev);
  m = m.to(dev);
  auto last = models::pool_last_token(model_->hidden_states(x, m), m);                            // (B, C)
  auto words = model_->lm_head_weight().index({torch::tensor(word_ids_, torch::kLong).to(dev)});  // (2, C)
  return torch::linear(last, words).to(torch::kFloat);                                            // (B, 2)
}

torch::Tensor VerbalizerReadout::probabilities(int set) {
  torch::NoGradGuard ng;
  const auto& ids = sets_.at(set);
  auto out = torch::empty({static_cast<int64_t>(ids.size()), 2});  // (N, 2)
  adapt();
  for_each_chunk(by_length(ids), options_.eval_batch, [&](const std::vector<int64_t>& rows) {
    out.index_copy_(0, torch::tensor(rows, torch::kLong), torch::softmax(logits(set, rows), -1).cpu());
  });
  return out;
}

std::vector<torch::Tensor> VerbalizerReadout::parameters() { return model_parameters(); }

}  // namespace w2s::train
