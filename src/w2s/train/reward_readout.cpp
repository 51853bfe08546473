// Scalar and likelihood readouts of comparisons.
#include "w2s/train/reward_readout.h"

#include <algorithm>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/torch_compat.h"

namespace w2s::train {
namespace {

int64_t bos_of(const tokenizer::Tokenizer& tok) { return tok.bos_id().value_or(tok.eos_id().value_or(0)); }

/// Sequences of examples `rows` (each with k completions), example-major.
std::vector<int64_t> sequence_rows(const std::vector<int64_t>& rows, int64_t k) {
  std::vector<int64_t> out;
  out.reserve(rows.size() * k);
  for (int64_t r : rows)
    for (int64_t j = 0; j < k; ++j) out.push_back(r * k + j);
  return out;
}

/// Softmax over examples in chunks of about `batch` sequences: (N, K) float32 on the CPU.
template <class Fn>
torch::Tensor chunked_probabilities(int64_t n, int64_t k, int64_t batch, const Fn& logits_of) {
  torch::NoGradGuard ng;
  auto out = torch::empty({n, k});  // (N, K)
  const int64_t per = std::max<int64_t>(1, batch / k);
  for (int64_t s = 0; s < n; s += per) {
    std::vector<int64_t> rows;
    for (int64_t r = s; r < std::min(n, s + per); ++r) rows.push_back(r);
    out.slice(0, s, s + static_cast<int64_t>(rows.size())).copy_(torch::softmax(logits_of(rows), -1).cpu());
  }
  return out;
}

}  // namespace

// ---- ComparisonReadout ---------------------------------------------------------------------------

int64_t ComparisonReadout::size(int set) const { return shapes_.at(set).n; }

torch::Tensor ComparisonReadout::probabilities(int set) {
  adapt();
  return chunked_probabilities(size(set), k_of(set), options_.eval_batch,
                               [&](const std::vector<int64_t>& rows) { return logits(set, rows); });
}

std::vector<JoinedSequence> ComparisonReadout::join(const InputSet& set, const char* who, int64_t* k,
                                                    std::vector<std::vector<int64_t>>* completions) {
  expect(set, true, who);
  expect_demonstrations(set);
  *k = set.completions.empty() ? 2 : static_cast<int64_t>(set.completions.front().size());
  const int64_t bos = bos_of(tok_);
  std::vector<JoinedSequence> out;
  out.reserve(set.texts.size() * *k);
  for (size_t i = 0; i < set.texts.size(); ++i) {
    check(static_cast<int64_t>(set.completions[i].size()) == *k, "comparison {} has {} completions, not {}", i,
          set.completions[i].size(), *k);
    // join_prompt keeps at most max(2, max_length) tokens: the prompt's end, the completion's start.
    auto prompt = tok_.encode_tail(set.texts[i], std::max<int64_t>(options_.max_length, 2));
    std::vector<std::vector<int64_t>> ids;
    int64_t longest = 0;
    for (const auto& c : set.completions[i]) {
      ids.push_back(tok_.encode_head(c, std::max<int64_t>(options_.max_length, 2)));
      longest = std::max<int64_t>(longest, static_cast<int64_t>(ids.back().size()));
    }
    if (!set.demonstrations.empty()) {
      // Every completion sees the same demonstrations: those that fit beside the longest.
      auto demos = fit_demonstrations(set.demonstrations[i],
                                      options_.max_length - static_cast<int64_t>(prompt.size()) - longest);
      prompt.insert(prompt.begin(), demos.begin(), demos.end());
    }
    for (auto& c : ids) {
      out.push_back(join_prompt(prompt, c, options_.max_length, bos));
      if (completions) completions->push_back(std::move(c));
    }
  }
  return out;
}

std::string ComparisonReadout::demonstration(const InputSet& set, size_t i, int64_t label) const {
  check(i < set.texts.size() && i < set.completions.size() && label >= 0 &&
            label < static_cast<int64_t>(set.completions[i].size()),
        "few-shot: no demonstration {} with preferred completion {}", i, label);
  return set.texts[i] + set.completions[i][label] + "\n\n";
}

std::string ScalarRewardReadout::demonstration(const InputSet& set, size_t i, int64_t label) const {
  return ModelReadout::demonstration(set, i, label);  // the scalar head reads nothing untrained
}

int ComparisonReadout::added(int64_t n, int64_t k) {
  shapes_.push_back({n, k});
  return static_cast<int>(shapes_.size()) - 1;
}

// ---- ScalarRewardReadout -------------------------------------------------------------------------

ScalarRewardReadout::ScalarRewardReadout(models::Transformer model, const tokenizer::Tokenizer& tok,
                                         ModelReadoutOptions options, std::unique_ptr<models::Lora> lora)
    : ComparisonReadout(std::move(model), tok, options, std::move(lora)),
      head_(model_->config().d_model, models::HeadOptions{1, false, options.pooling, "score"}) {
  head_->to(options_.compute.device);
}

int ScalarRewardReadout::add(const InputSet& set) {
  check(set.demonstrations.empty(), "the scalar readout takes no few-shot demonstrations");
  int64_t k = 2;
  TokenRows seqs;
  for (auto& s : join(set, "scalar", &k)) seqs.push_back(std::move(s.ids));
  sets_.push_back(std::move(seqs));
  return added(static_cast<int64_t>(set.texts.size()), k);
}

torch::Tensor ScalarRewardReadout::logits(int set, const std::vector<int64_t>& rows) {
  const int64_t k = k_of(set);
  auto [x, m] = pad_batch(sets_.at(set), sequence_rows(rows, k), pad_);  // (B·K, T)
  adapt();
  compat::AutocastGuard ac(options_.compute.device.type(), at::kBFloat16, options_.compute.bf16);
  x = x.to(options_.compute.device);
  m = m.to(options_.compute.device);
  auto r = head_->forward(model_->hidden_states(x, m), m).to(torch::kFloat);  // (B·K)
  return r.reshape({static_cast<int64_t>(rows.size()), k});                   // (B, K)
}

std::vector<torch::Tensor> ScalarRewardReadout::parameters() {
  std::vector<torch::Tensor> params = head_->parameters();
  const auto rest = model_parameters();
  params.insert(params.end(), rest.begin(), rest.end());
  return params;
}

// ---- LikelihoodReadout ---------------------------------------------------------------------------

LikelihoodReadout::LikelihoodReadout(models::Transformer model, const tokenizer::Tokenizer& tok,
                                     ModelReadoutOptions options, LikelihoodOptions likelihood,
                                     std::unique_ptr<models::Lora> lora)
    : ComparisonReadout(std::move(model), tok, options, std::move(lora)), likelihood_(std::move(likelihood)) {
  check(likelihood_.baseline == "none" || likelihood_.baseline == "pmi" || likelihood_.baseline == "reference",
        "likelihood baseline must be none, pmi or reference, not \"{}\"", likelihood_.baseline);
  check(likelihood_.beta > 0, "likelihood beta must be positive, not {}", likelihood_.beta);
}

torch::Tensor LikelihoodReadout::completion_scores(const std::vector<JoinedSequence>& seqs) {
  TokenRows ids;
  ids.reserve(seqs.size());
  for (const auto& s : seqs) ids.push_back(s.ids);
  std::vector<int64_t> all(seqs.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  auto [x, m] = pad_batch(ids, all, pad_);  // (S, T)
  // Positions t = start − 1 … len − 2 predict the completion's tokens ids[t + 1].
  std::vector<int64_t> pos_row, pos_t, target, count(seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) {
    const auto& s = seqs[i];
    for (int64_t t = s.start - 1; t + 1 < static_cast<int64_t>(s.ids.size()); ++t) {
      pos_row.push_back(static_cast<int64_t>(i));
      pos_t.push_back(t);
      target.push_back(s.ids[t + 1]);
      ++count[i];
    }
  }
  const auto dev = options_.compute.device;
  const auto rows_t = torch::tensor(pos_row, torch::kLong).to(dev);
  torch::Tensor token_lp;  // (P)
  {
    compat::AutocastGuard ac(dev.type(), at::kBFloat16, options_.compute.bf16);
    auto h = model_->hidden_states(x.to(dev), m.to(dev));                           // (S, T, C)
    auto picked = h.index({rows_t, torch::tensor(pos_t, torch::kLong).to(dev)});    // (P, C)
    auto lp = torch::log_softmax(model_->lm_logits(picked).to(torch::kFloat), -1);  // (P, V)
    token_lp = lp.gather(1, torch::tensor(target, torch::kLong).to(dev).unsqueeze(1)).squeeze(1);
  }
  auto scores = torch::zeros({static_cast<int64_t>(seqs.size())}, torch::TensorOptions().device(dev))
                    .index_add(0, rows_t, token_lp);  // (S) sums
  if (likelihood_.mean) scores = scores / torch::tensor(count, torch::kFloat).to(dev).clamp_min(1.0f);
  return scores;
}

int LikelihoodReadout::add(const InputSet& set) {
  Set s;
  int64_t k = 2;
  std::vector<std::vector<int64_t>> completion_ids;  // pmi: each completion's own tokens
  s.seqs = join(set, "likelihood", &k, likelihood_.baseline == "pmi" ? &completion_ids : nullptr);
  // With no prompt the PMI baseline is the completion's own score: every reward is 0 before
  // training (chance), and the readout behaves as the reference baseline after.
  if (likelihood_.baseline == "pmi" && !set.texts.empty() &&
      std::all_of(set.texts.begin(), set.texts.end(), [](const std::string& t) { return t.empty(); }))
    log::warn(
        "likelihood readout: likelihood_baseline = \"pmi\" on comparisons without prompts scores every "
        "completion 0 before training (chance) and acts as \"reference\" after; \"none\" reads such "
        "tasks (e.g. minimal_pairs)");
  std::vector<JoinedSequence> unconditional;  // pmi: each completion after `bos` alone
  for (const auto& ids : completion_ids)
    unconditional.push_back(join_prompt({}, ids, options_.max_length, bos_of(tok_)));
  // Baselines under the weights as they are now (before training), in chunks.
  const int64_t n = static_cast<int64_t>(set.texts.size());
  s.baseline = torch::zeros({n, k});  // (N, K)
  if (likelihood_.baseline != "none") {
    torch::NoGradGuard ng;
    adapt();
    const auto& source = likelihood_.baseline == "pmi" ? unconditional : s.seqs;
    const auto per = std::max<int64_t>(1, options_.eval_batch);
    auto flat = s.baseline.view({-1});
    for (int64_t a = 0; a < n * k; a += per) {
      const int64_t b = std::min(n * k, a + per);
      const std::vector<JoinedSequence> chunk(source.begin() + a, source.begin() + b);
      flat.slice(0, a, b).copy_(completion_scores(chunk).cpu());
    }
  }
  s.baseline = s.baseline.to(options_.compute.device);
  sets_.push_back(std::move(s));
  return added(n, k);
}

torch::Tensor LikelihoodReadout::logits(int set, const std::vector<int64_t>& rows) {
  const auto& s = sets_.at(set);
  const int64_t k = k_of(set);
  std::vector<JoinedSequence> seqs;
  for (int64_t r : sequence_rows(rows, k)) seqs.push_back(s.seqs[r]);
  adapt();
  const auto B = static_cast<int64_t>(rows.size());
  auto scores = completion_scores(seqs).reshape({B, k});  // (B, K)
  const auto base = s.baseline.index({torch::tensor(rows, torch::kLong).to(options_.compute.device)});
  return (scores - base) * likelihood_.beta;
}

std::vector<torch::Tensor> LikelihoodReadout::parameters() { return model_parameters(); }

}  // namespace w2s::train
