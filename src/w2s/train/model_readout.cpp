// The common part of readouts over a transformer.
#include "w2s/train/model_readout.h"

#include "w2s/core/error.h"

namespace w2s::train {

eval::Predictions choice_probabilities(Readout& readout, int set) {
  const auto p = readout.probabilities(set).to(torch::kDouble).contiguous();  // (N, K)
  const auto k = readout.choices(set);
  const int64_t n = p.size(0), width = p.size(1);
  check(k.empty() || static_cast<int64_t>(k.size()) == n, "internal: {} choice counts for {} rows", k.size(), n);
  const double* d = p.data_ptr<double>();
  eval::Predictions out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t ki = k.empty() ? width : k[i];
    out[i].assign(d + i * width, d + i * width + ki);
  }
  return out;
}

ModelReadout::ModelReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                           std::unique_ptr<models::Lora> lora)
    : model_(std::move(model)),
      tok_(tok),
      options_(options),
      pad_(tok.pad_id().value_or(tok.eos_id().value_or(0))),
      lora_(std::move(lora)) {}

void ModelReadout::adapt() {
  if (lora_) lora_->apply();
}

std::vector<torch::Tensor> ModelReadout::model_parameters() {
  return lora_ ? lora_->parameters() : model_->parameters();
}

std::string ModelReadout::demonstration(const InputSet&, size_t, int64_t) const {
  fail(
      "few-shot demonstrations need a readout through the LM head (likelihood or verbalizer); a "
      "freshly initialised head reads nothing without training");
}

std::vector<int64_t> ModelReadout::fit_demonstrations(const std::vector<std::string>& demos, int64_t budget) {
  demos_asked_ += static_cast<int64_t>(demos.size());
  std::vector<std::vector<int64_t>> kept;  // continuation encodings, the latest first
  int64_t used = 0;
  for (auto d = demos.rbegin(); d != demos.rend(); ++d) {
    auto ids = tok_.encode(*d, {.continuation = true});
    if (used + static_cast<int64_t>(ids.size()) > budget) break;
    used += static_cast<int64_t>(ids.size());
    kept.push_back(std::move(ids));
  }
  // The earliest starts the text; with its template ids it may no longer fit, and then goes.
  while (!kept.empty()) {
    auto start = tok_.encode(demos[demos.size() - kept.size()]);
    used -= static_cast<int64_t>(kept.back().size());
    if (used + static_cast<int64_t>(start.size()) <= budget) {
      kept.back() = std::move(start);
      break;
    }
    kept.pop_back();
  }
  std::vector<int64_t> out;
  for (auto d = kept.rbegin(); d != kept.rend(); ++d) out.insert(out.end(), d->begin(), d->end());
  demos_kept_ += static_cast<int64_t>(kept.size());
  return out;
}

void ModelReadout::expect_demonstrations(const InputSet& set) {
  check(set.demonstrations.empty() || set.demonstrations.size() == set.texts.size(),
        "few-shot: {} demonstration lists for {} examples", set.demonstrations.size(), set.texts.size());
}

void ModelReadout::expect(const InputSet& set, bool comparisons, const char* who) {
  if (set.texts.empty()) return;  // an empty set is either kind
  if (comparisons) {
    check(set.comparisons() && set.completions.size() == set.texts.size(),
          "the {} readout reads comparisons (a prompt and its completions), not classification texts", who);
  } else {
    check(!set.comparisons(),
          "the {} readout reads classification texts; for comparisons use the scalar or likelihood readout", who);
  }
}

}  // namespace w2s::train
