// Classification readouts over texts: head on the live transformer (full, LoRA) or on cached
// features (probe).
#include "w2s/train/classifier_readout.h"

#include <fmt/format.h>

#include <filesystem>

#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/core/torch_compat.h"
#include "w2s/dist/process_group.h"
#include "w2s/io/safetensors.h"

namespace fs = std::filesystem;

namespace w2s::train {

TextClassifierReadout::TextClassifierReadout(models::Transformer model, const tokenizer::Tokenizer& tok,
                                             ModelReadoutOptions options, std::unique_ptr<models::Lora> lora)
    : ModelReadout(std::move(model), tok, options, std::move(lora)),
      head_(model_->config().d_model, models::HeadOptions{options.n_classes, false, options.pooling, "score"}) {
  head_->to(options_.compute.device);
}

// ---- HeadReadout ---------------------------------------------------------------------------------

HeadReadout::HeadReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                         std::unique_ptr<models::Lora> lora)
    : TextClassifierReadout(std::move(model), tok, options, std::move(lora)) {}

int HeadReadout::add(const InputSet& set) {
  expect(set, false, "head");
  check(set.demonstrations.empty(), "the head readout takes no few-shot demonstrations");
  sets_.push_back(encode_texts(tok_, set.texts, options_.max_length, pad_));
  return static_cast<int>(sets_.size()) - 1;
}

int64_t HeadReadout::size(int set) const { return static_cast<int64_t>(sets_.at(set).size()); }

torch::Tensor HeadReadout::logits(int set, const std::vector<int64_t>& rows) {
  auto [x, m] = pad_batch(sets_.at(set), rows, pad_);
  adapt();
  compat::AutocastGuard ac(options_.compute.device.type(), at::kBFloat16, options_.compute.bf16);
  x = x.to(options_.compute.device);
  m = m.to(options_.compute.device);
  return head_->forward(model_->hidden_states(x, m), m).to(torch::kFloat);  // (B, K)
}

torch::Tensor HeadReadout::probabilities(int set) {
  torch::NoGradGuard ng;
  const auto& ids = sets_.at(set);
  auto out = torch::empty({static_cast<int64_t>(ids.size()), options_.n_classes});  // (N, K)
  adapt();
  for_each_chunk(by_length(ids), options_.eval_batch, [&](const std::vector<int64_t>& rows) {
    auto [x, m] = pad_batch(ids, rows, pad_);
    compat::AutocastGuard ac(options_.compute.device.type(), at::kBFloat16, options_.compute.bf16);
    x = x.to(options_.compute.device);
    m = m.to(options_.compute.device);
    auto p = torch::softmax(head_->forward(model_->hidden_states(x, m), m).to(torch::kFloat), -1).cpu();  // (B, K)
    out.index_copy_(0, torch::tensor(rows, torch::kLong), p);
  });
  return out;
}

std::vector<torch::Tensor> HeadReadout::parameters() {
  std::vector<torch::Tensor> params = head_->parameters();
  for (auto& p : model_parameters()) params.push_back(p);
  return params;
}

// ---- ProbeReadout --------------------------------------------------------------------------------

ProbeReadout::ProbeReadout(models::Transformer model, const tokenizer::Tokenizer& tok, ModelReadoutOptions options,
                           FeatureCache cache)
    : TextClassifierReadout(std::move(model), tok, options), cache_(std::move(cache)) {
  for (auto& p : model_->parameters()) p.set_requires_grad(false);
}

int ProbeReadout::add(const InputSet& set) {
  expect(set, false, "probe (head)");
  check(set.demonstrations.empty(), "the probe readout takes no few-shot demonstrations");
  sets_.push_back(features_of(set.texts));
  return static_cast<int>(sets_.size()) - 1;
}

torch::Tensor ProbeReadout::features_of(const std::vector<std::string>& texts) {
  fs::path file;
  if (!cache_.dir.empty()) {
    uint64_t h = cache_.identity;
    for (const auto& t : texts) h = mix_seed(h, hash_bytes(t));
    file = fs::path(cache_.dir) / fmt::format("{:016x}.safetensors", h);
    if (fs::exists(file)) return io::load_safetensors(file).at("features").to(options_.compute.device);
  }
  torch::NoGradGuard ng;
  const auto ids = encode_texts(tok_, texts, options_.max_length, pad_);
  auto feats = torch::empty({static_cast<int64_t>(ids.size()), model_->config().d_model});  // (N, C)
  for_each_chunk(by_length(ids), options_.eval_batch, [&](const std::vector<int64_t>& rows) {
    auto [x, m] = pad_batch(ids, rows, pad_);
    compat::AutocastGuard ac(options_.compute.device.type(), at::kBFloat16, options_.compute.bf16);
    m = m.to(options_.compute.device);
    auto h = model_->hidden_states(x.to(options_.compute.device), m);            // (B, T, C)
    auto pooled = models::pool(h, m, options_.pooling).to(torch::kFloat).cpu();  // (B, C)
    feats.index_copy_(0, torch::tensor(rows, torch::kLong), pooled);
  });
  if (!file.empty() && dist::is_writer()) {  // data-parallel ranks compute the same features
    fs::create_directories(file.parent_path());
    io::save_safetensors(file, {{"features", feats}});
  }
  return feats.to(options_.compute.device);
}

int64_t ProbeReadout::size(int set) const { return sets_.at(set).size(0); }

torch::Tensor ProbeReadout::logits(int set, const std::vector<int64_t>& rows) {
  return head_->score->forward(sets_.at(set).index({torch::tensor(rows, torch::kLong).to(options_.compute.device)}));
}

torch::Tensor ProbeReadout::probabilities(int set) {
  torch::NoGradGuard ng;
  return torch::softmax(head_->score->forward(sets_.at(set)), -1).cpu();  // (N, K)
}

std::vector<torch::Tensor> ProbeReadout::parameters() { return head_->parameters(); }

}  // namespace w2s::train
