// Scalar and likelihood readouts of comparisons.
#include "w2s/train/reward_readout.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/torch_compat.h"

namespace w2s::train {
namespace {

int64_t bos_of(const tokenizer::Tokenizer& tok) { return tok.bos_id().value_or(tok.eos_id().value_or(0)); }

/// Softmax over examples in chunks of about `batch` sequences (`per_example` each): (N, K) float32
/// on the CPU.
template <class Fn>
torch::Tensor chunked_probabilities(int64_t n, int64_t k, int64_t per_example, int64_t batch, const Fn& logits_of) {
  torch::NoGradGuard ng;
  auto out = torch::empty({n, k});  // (N, K)
  const int64_t per = std::max<int64_t>(1, batch / std::max<int64_t>(1, per_example));
  for (int64_t s = 0; s < n; s += per) {
    std::vector<int64_t> rows;
    for (int64_t r = s; r < std::min(n, s + per); ++r) rows.push_back(r);
    out.slice(0, s, s + static_cast<int64_t>(rows.size())).copy_(torch::softmax(logits_of(rows), -1).cpu());
  }
  return out;
}

}  // namespace

// ---- ComparisonReadout ---------------------------------------------------------------------------

int64_t ComparisonReadout::size(int set) const { return static_cast<int64_t>(shapes_.at(set).offset.size()) - 1; }

std::vector<int64_t> ComparisonReadout::choices(int set) const {
  const auto& o = shapes_.at(set).offset;
  std::vector<int64_t> k;
  k.reserve(o.size() - 1);
  for (size_t i = 0; i + 1 < o.size(); ++i) k.push_back(o[i + 1] - o[i]);
  return k;
}

torch::Tensor ComparisonReadout::probabilities(int set) {
  adapt();
  return chunked_probabilities(size(set), shapes_.at(set).k_max, cost_per_example(set), options_.eval_batch,
                               [&](const std::vector<int64_t>& rows) { return logits(set, rows); });
}

std::vector<int64_t> ComparisonReadout::sequences_of(int set, const std::vector<int64_t>& rows) const {
  const auto& o = shapes_.at(set).offset;
  std::vector<int64_t> out;
  for (int64_t r : rows)
    for (int64_t q = o.at(r); q < o.at(r + 1); ++q) out.push_back(q);
  return out;
}

torch::Tensor ComparisonReadout::to_logits(int set, const std::vector<int64_t>& rows,
                                           const torch::Tensor& scores) const {
  const auto& shape = shapes_.at(set);
  const auto B = static_cast<int64_t>(rows.size());
  if (shape.uniform) return scores.reshape({B, shape.k_max});  // (B, K)
  std::vector<int64_t> cell;                                   // each sequence's place in the flattened (B, K)
  for (int64_t b = 0; b < B; ++b)
    for (int64_t j = 0; j < shape.offset.at(rows[b] + 1) - shape.offset.at(rows[b]); ++j)
      cell.push_back(b * shape.k_max + j);
  auto flat = torch::full({B * shape.k_max}, kMaskedLogit, scores.options());  // (B·K)
  flat = flat.index_put({torch::tensor(cell, torch::kLong).to(scores.device())}, scores);
  return flat.reshape({B, shape.k_max});  // (B, K)
}

std::vector<JoinedSequence> ComparisonReadout::join(const InputSet& set, const char* who,
                                                    std::vector<std::vector<int64_t>>* completions) {
  expect(set, true, who);
  expect_demonstrations(set);
  const int64_t bos = bos_of(tok_);
  Shape shape;
  shape.k_max = 0;
  std::vector<JoinedSequence> out;
  for (size_t i = 0; i < set.texts.size(); ++i) {
    const auto k = static_cast<int64_t>(set.completions[i].size());
    check(k >= 2, "example {} has {} completions (a comparison or question needs at least 2)", i, k);
    shape.k_max = std::max(shape.k_max, k);
    shape.uniform = shape.uniform && (i == 0 || k == shape.offset[i] - shape.offset[i - 1]);
    shape.offset.push_back(shape.offset.back() + k);
    // join_prompt keeps at most max(2, max_length) tokens: the prompt's end, the completion's start.
    const int64_t keep = std::max<int64_t>(options_.max_length, 2);
    auto prompt = tok_.encode_tail(set.texts[i], keep);
    std::vector<std::vector<int64_t>> ids;
    int64_t longest = 0;
    for (const auto& c : set.completions[i]) {
      // A completion continues its prompt: no BOS or start-of-text "▁" of its own.
      ids.push_back(tok_.encode_head(c, keep, {.continuation = true}));
      longest = std::max<int64_t>(longest, static_cast<int64_t>(ids.back().size()));
    }
    if (!set.demonstrations.empty()) {
      // Every completion sees the same demonstrations: those that fit beside the longest.
      auto demos = fit_demonstrations(set.demonstrations[i],
                                      options_.max_length - static_cast<int64_t>(prompt.size()) - longest);
      if (!demos.empty()) {
        prompt = tok_.encode_tail(set.texts[i], keep, {.continuation = true});  // it continues them
        prompt.insert(prompt.begin(), demos.begin(), demos.end());
      }
    }
    for (auto& c : ids) {
      out.push_back(join_prompt(prompt, c, options_.max_length, bos));
      if (completions) completions->push_back(std::move(c));
    }
  }
  if (shape.k_max == 0) shape.k_max = 2;  // an empty set
  shapes_.push_back(std::move(shape));
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

// ---- ScalarRewardReadout -------------------------------------------------------------------------

ScalarRewardReadout::ScalarRewardReadout(models::Transformer model, const tokenizer::Tokenizer& tok,
                                         ModelReadoutOptions options, std::unique_ptr<models::Lora> lora)
    : ComparisonReadout(std::move(model), tok, options, std::move(lora)),
      head_(model_->config().d_model, models::HeadOptions{1, false, options.pooling, "score"}) {
  head_->to(options_.compute.device);
}

int ScalarRewardReadout::add(const InputSet& set) {
  check(set.demonstrations.empty(), "the scalar readout takes no few-shot demonstrations");
  TokenRows seqs;
  for (auto& s : join(set, "scalar")) seqs.push_back(std::move(s.ids));
  sets_.push_back(std::move(seqs));
  return last_set();
}

torch::Tensor ScalarRewardReadout::logits(int set, const std::vector<int64_t>& rows) {
  auto [x, m] = pad_batch(sets_.at(set), sequences_of(set, rows), pad_);  // (S, T)
  adapt();
  compat::AutocastGuard ac(options_.compute.device.type(), at::kBFloat16, options_.compute.bf16);
  x = x.to(options_.compute.device);
  m = m.to(options_.compute.device);
  auto r = head_->forward(model_->hidden_states(x, m), m).to(torch::kFloat);  // (S)
  return to_logits(set, rows, r);                                             // (B, K)
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

torch::Tensor LikelihoodReadout::read_scores(const TokenRows& ids, const std::vector<int64_t>& units,
                                             const Reads& reads) {
  auto [x, m] = pad_batch(ids, units, pad_);  // (U, T)
  const auto dev = options_.compute.device;
  const auto longs = [&](const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong).to(dev); };
  torch::Tensor token_lp;  // (P)
  {
    compat::AutocastGuard ac(dev.type(), at::kBFloat16, options_.compute.bf16);
    auto h = model_->hidden_states(x.to(dev), m.to(dev));                           // (U, T, C)
    auto picked = h.index({longs(reads.unit), longs(reads.t)});                     // (R, C)
    auto lp = torch::log_softmax(model_->lm_logits(picked).to(torch::kFloat), -1);  // (R, V)
    token_lp = lp.index({longs(reads.token_read), longs(reads.token_target)});
  }
  const auto n_seq = static_cast<int64_t>(reads.count.size());
  auto scores = torch::zeros({n_seq}, torch::TensorOptions().device(dev))
                    .index_add(0, longs(reads.token_seq), token_lp);  // (S) sums
  if (likelihood_.mean) scores = scores / torch::tensor(reads.count, torch::kFloat).to(dev).clamp_min(1.0f);
  return scores;
}

torch::Tensor LikelihoodReadout::completion_scores(const std::vector<JoinedSequence>& seqs) {
  TokenRows ids;
  ids.reserve(seqs.size());
  for (const auto& s : seqs) ids.push_back(s.ids);
  std::vector<int64_t> all(seqs.size());
  std::iota(all.begin(), all.end(), int64_t{0});
  // Positions t = start − 1 … len − 2 predict the completion's tokens ids[t + 1], each read once.
  Reads reads;
  for (size_t i = 0; i < seqs.size(); ++i) {
    const auto& s = seqs[i];
    for (int64_t t = s.start - 1; t + 1 < static_cast<int64_t>(s.ids.size()); ++t) {
      reads.token_read.push_back(static_cast<int64_t>(reads.unit.size()));
      reads.unit.push_back(static_cast<int64_t>(i));
      reads.t.push_back(t);
      reads.token_target.push_back(s.ids[static_cast<size_t>(t + 1)]);
      reads.token_seq.push_back(static_cast<int64_t>(i));
    }
    reads.count.push_back(static_cast<float>(static_cast<int64_t>(s.ids.size()) - s.start));
  }
  return read_scores(ids, all, reads);
}

int LikelihoodReadout::add(const InputSet& set) {
  Set s;
  std::vector<std::vector<int64_t>> completion_ids;  // pmi: each completion's own tokens
  s.seqs = join(set, "likelihood", likelihood_.baseline == "pmi" ? &completion_ids : nullptr);
  const int number = last_set();
  // With no prompt the PMI baseline is the completion's own score: every reward is 0 before
  // training (chance), and the readout behaves as the reference baseline after.
  if (likelihood_.baseline == "pmi" && !set.texts.empty() &&
      std::all_of(set.texts.begin(), set.texts.end(), [](const std::string& t) { return t.empty(); }))
    log::warn(
        "likelihood readout: likelihood_baseline = \"pmi\" on comparisons without prompts scores every "
        "completion 0 before training (chance) and acts as \"reference\" after; \"none\" reads such "
        "tasks (e.g. minimal_pairs)");
  const auto n = static_cast<int64_t>(set.texts.size());
  share(s, choices(number));
  std::vector<JoinedSequence> unconditional;  // pmi: each completion after `bos` alone
  for (const auto& ids : completion_ids)
    unconditional.push_back(join_prompt({}, ids, options_.max_length, bos_of(tok_)));
  // Baselines under the weights as they are now (before training), in chunks.
  const auto total = static_cast<int64_t>(s.seqs.size());
  s.baseline = torch::zeros({total});  // (S)
  if (likelihood_.baseline != "none") {
    torch::NoGradGuard ng;
    adapt();
    if (likelihood_.baseline == "reference" && !s.shared.units.empty()) {
      const int64_t per = std::max<int64_t>(1, options_.eval_batch / std::max<int64_t>(1, cost_per_example(s, n)));
      for (int64_t a = 0; a < n; a += per) {
        std::vector<int64_t> rows;
        for (int64_t r = a; r < std::min(n, a + per); ++r) rows.push_back(r);
        const auto seqs = sequences_of(number, rows);
        s.baseline.slice(0, seqs.front(), seqs.back() + 1).copy_(shared_scores(number, s, rows).cpu());
      }
    } else {
      const auto& source = likelihood_.baseline == "pmi" ? unconditional : s.seqs;
      const auto per = std::max<int64_t>(1, options_.eval_batch);
      for (int64_t a = 0; a < total; a += per) {
        const int64_t b = std::min(total, a + per);
        const std::vector<JoinedSequence> chunk(source.begin() + a, source.begin() + b);
        s.baseline.slice(0, a, b).copy_(completion_scores(chunk).cpu());
      }
    }
  }
  s.baseline = s.baseline.to(options_.compute.device);
  sets_.push_back(std::move(s));
  return number;
}

void LikelihoodReadout::share(Set& s, const std::vector<int64_t>& k) {
  Set::Shared sh;
  size_t q0 = 0;  // the example's first sequence
  for (const int64_t k_i : k) {
    const auto seq = [&](size_t j) -> const JoinedSequence& { return s.seqs[q0 + j]; };
    const auto n_seq = static_cast<size_t>(k_i);
    // Shared when every completion follows the same context (max_length may cut them differently).
    bool same_context = true;
    for (size_t j = 1; j < n_seq && same_context; ++j)
      same_context = seq(j).start == seq(0).start &&
                     std::equal(seq(j).ids.begin(), seq(j).ids.begin() + seq(j).start, seq(0).ids.begin());
    // Each sequence but its last token: completion token j is read at position start − 1 + j.
    const auto without_last = [](const JoinedSequence& q) {
      return std::vector<int64_t>(q.ids.begin(), q.ids.end() - (static_cast<int64_t>(q.ids.size()) > q.start ? 1 : 0));
    };
    const auto extends = [](const std::vector<int64_t>& longer, const std::vector<int64_t>& p) {
      return longer.size() >= p.size() && std::equal(p.begin(), p.end(), longer.begin());
    };
    // The units: with a shared context, the longest of the paths that extend one another (one per
    // branch of the completions' token tree); otherwise every sequence.
    std::vector<std::vector<int64_t>> units;
    std::vector<int64_t> unit_of(n_seq, -1);
    std::vector<size_t> order(n_seq);
    std::iota(order.begin(), order.end(), size_t{0});
    if (same_context)  // the longest first, so a unit is never extended by a later path
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return seq(a).ids.size() > seq(b).ids.size(); });
    for (const size_t j : order) {
      auto path = without_last(seq(j));
      if (same_context)
        for (size_t u = 0; u < units.size() && unit_of[j] < 0; ++u)
          if (extends(units[u], path)) unit_of[j] = static_cast<int64_t>(u);
      if (unit_of[j] >= 0) continue;
      unit_of[j] = static_cast<int64_t>(units.size());
      units.push_back(std::move(path));
    }
    std::map<std::pair<int64_t, int64_t>, int64_t> reads;  // (unit, position) → its number, each once
    for (size_t j = 0; j < n_seq; ++j) {
      const auto& q = seq(j);
      for (int64_t t = q.start - 1; t + 1 < static_cast<int64_t>(q.ids.size()); ++t) {
        const auto [at, added] = reads.try_emplace({unit_of[j], t}, static_cast<int64_t>(reads.size()));
        if (added) {
          sh.read_unit.push_back(unit_of[j]);
          sh.read_t.push_back(t);
        }
        sh.token_read.push_back(at->second);
        sh.token_target.push_back(q.ids[static_cast<size_t>(t + 1)]);
        sh.token_seq.push_back(static_cast<int64_t>(j));
      }
    }
    for (auto& u : units) sh.units.push_back(std::move(u));
    sh.unit_offset.push_back(static_cast<int64_t>(sh.units.size()));
    sh.read_offset.push_back(static_cast<int64_t>(sh.read_unit.size()));
    sh.token_offset.push_back(static_cast<int64_t>(sh.token_read.size()));
    q0 += n_seq;
  }
  if (sh.units.size() < s.seqs.size()) s.shared = std::move(sh);
}

torch::Tensor LikelihoodReadout::shared_scores(int set, const Set& s, const std::vector<int64_t>& rows) {
  const auto& sh = s.shared;
  const auto& offset = offsets(set);
  std::vector<int64_t> units;
  Reads reads;
  for (const int64_t r : rows) {
    const auto unit_base = static_cast<int64_t>(units.size());
    const auto read_base = static_cast<int64_t>(reads.unit.size());
    const auto seq_base = static_cast<int64_t>(reads.count.size());
    for (int64_t u = sh.unit_offset[r]; u < sh.unit_offset[r + 1]; ++u) units.push_back(u);
    for (int64_t p = sh.read_offset[r]; p < sh.read_offset[r + 1]; ++p) {
      reads.unit.push_back(unit_base + sh.read_unit[p]);
      reads.t.push_back(sh.read_t[p]);
    }
    for (int64_t x = sh.token_offset[r]; x < sh.token_offset[r + 1]; ++x) {
      reads.token_read.push_back(read_base + sh.token_read[x]);
      reads.token_target.push_back(sh.token_target[x]);
      reads.token_seq.push_back(seq_base + sh.token_seq[x]);
    }
    for (int64_t q = offset[r]; q < offset[r + 1]; ++q) {
      const auto& seq = s.seqs[static_cast<size_t>(q)];
      reads.count.push_back(static_cast<float>(static_cast<int64_t>(seq.ids.size()) - seq.start));
    }
  }
  return read_scores(sh.units, units, reads);
}

torch::Tensor LikelihoodReadout::logits(int set, const std::vector<int64_t>& rows) {
  const auto& s = sets_.at(set);
  const auto seq = sequences_of(set, rows);
  adapt();
  torch::Tensor scores;  // (S)
  if (shared(set)) {
    scores = shared_scores(set, s, rows);
  } else {
    std::vector<JoinedSequence> seqs;
    for (int64_t q : seq) seqs.push_back(s.seqs[q]);
    scores = completion_scores(seqs);
  }
  const auto base = s.baseline.index({torch::tensor(seq, torch::kLong).to(options_.compute.device)});
  return to_logits(set, rows, (scores - base) * likelihood_.beta);  // (B, K)
}

int64_t LikelihoodReadout::cost_per_example(int set) const {
  return shared(set) ? cost_per_example(sets_.at(set), size(set)) : ComparisonReadout::cost_per_example(set);
}

int64_t LikelihoodReadout::cost_per_example(const Set& s, int64_t n) {
  const auto units = static_cast<int64_t>(s.shared.units.size());
  return n > 0 ? std::max<int64_t>(1, (units + n - 1) / n) : 1;  // the mean, rounded up
}

int64_t LikelihoodReadout::sequences(int set) const {
  const auto& s = sets_.at(set);
  return shared(set) ? static_cast<int64_t>(s.shared.units.size()) : static_cast<int64_t>(s.seqs.size());
}

std::vector<torch::Tensor> LikelihoodReadout::parameters() { return model_parameters(); }

}  // namespace w2s::train
