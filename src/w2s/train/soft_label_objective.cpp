// Soft-label training steps: epoch shuffles, batch-level loss state, micro-batch accumulation.
#include "w2s/train/soft_label_objective.h"

#include <fmt/ranges.h>  // fmt::join (fmt ≥ 11 keeps it here; libtorch 2.x ships fmt 11)

#include <algorithm>
#include <numeric>

#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/dist/process_group.h"

namespace w2s::train {

SoftLabelObjective::SoftLabelObjective(Readout& readout, int set, torch::Tensor targets, const losses::Loss& loss,
                                       SoftLabelOptions options, int64_t total_steps)
    : readout_(readout),
      set_(set),
      targets_(std::move(targets)),
      loss_(loss),
      options_(options),
      total_steps_(total_steps),
      n_(readout.size(set)) {
  check(options_.batch_size >= 1 && options_.micro_batch >= 1, "batch_size and micro_batch must be positive");
  check(n_ > 0, "training needs at least one example");
  check(targets_.dim() == 2 && targets_.size(0) == n_, "training targets must have {} rows, got {}", n_,
        fmt::format("{}", fmt::join(targets_.sizes(), "×")));
  steps_per_epoch_ = (n_ + options_.batch_size - 1) / options_.batch_size;
}

StepLoss SoftLabelObjective::backward(int64_t step) {
  const int64_t epoch = step / steps_per_epoch_, s = step % steps_per_epoch_;
  if (epoch != epoch_) {
    order_.resize(n_);
    std::iota(order_.begin(), order_.end(), 0);
    Rng rng(mix_seed(options_.seed, static_cast<uint64_t>(epoch)));
    shuffle_in_place(order_, rng);
    epoch_ = epoch;
  }
  if (s == 0) epoch_loss_ = 0.0;
  const int64_t b0 = s * options_.batch_size, b1 = std::min(n_, b0 + options_.batch_size);
  const std::vector<int64_t> batch(order_.begin() + b0, order_.begin() + b1);
  const int64_t B = b1 - b0, micro = options_.micro_batch;
  // Each example weighs the same in every step: the last, partial batch of an epoch backpropagates
  // its mean loss times B / (a full batch), not as a full batch would.
  const double weight = static_cast<double>(B) / static_cast<double>(std::min(options_.batch_size, n_));
  const losses::LossStep ls{step, total_steps_};
  auto targets = targets_.index({torch::tensor(batch, torch::kLong).to(targets_.device())});  // (B, K)
  // This process's rows of the batch: all of them, or its share when data-parallel.
  const int world = dist::world_size();
  const auto share = dist::share(B, dist::rank(), world);
  const int64_t r0 = share.first, n = share.second - share.first;
  auto rows = [&](int64_t m0) {  // micro-batch m0 of this process's rows
    return std::vector<int64_t>(batch.begin() + r0 + m0, batch.begin() + r0 + std::min(n, m0 + micro));
  };
  // Batch-level loss state (logconf's threshold, α) comes from the whole batch's detached logits:
  // this process's, gathered from every rank when data-parallel.
  torch::Tensor logits;  // (n, K) with gradients, when this process's rows fit one micro-batch
  torch::Tensor mine;    // (n, K) detached
  if (n > 0 && n <= micro) {
    logits = readout_.logits(set_, rows(0));
    mine = logits.detach();
  } else if (n > 0) {
    torch::NoGradGuard ng;
    std::vector<torch::Tensor> parts;
    for (int64_t m0 = 0; m0 < n; m0 += micro) parts.push_back(readout_.logits(set_, rows(m0)));
    mine = torch::cat(parts);
  } else {
    mine = torch::empty({0, targets.size(1)}, targets.options());
  }
  torch::Tensor all_logits = mine;  // (B, K)
  if (world > 1) {
    std::vector<int64_t> counts;
    for (int r = 0; r < world; ++r) {
      const auto [a, b] = dist::share(B, r, world);
      counts.push_back(b - a);
    }
    all_logits = dist::all_gather_rows(mine.to(torch::kFloat), counts, fmt::format("logits of step {}", step));
  }
  const losses::LossBatchState state = loss_.batch_state(all_logits, targets, ls);
  double step_loss = 0.0;  // this process's share of the batch's mean loss
  for (int64_t m0 = 0; m0 < n; m0 += micro) {
    const int64_t m1 = std::min(n, m0 + micro);
    auto lg = logits.defined() ? logits : readout_.logits(set_, rows(m0));
    auto loss = loss_.forward(lg, targets.slice(0, r0 + m0, r0 + m1), state, ls);
    if (m1 - m0 != B) loss = loss * (static_cast<double>(m1 - m0) / static_cast<double>(B));
    (loss * weight).backward();
    step_loss += loss.item<double>();
  }
  if (world > 1) step_loss = dist::all_reduce_value(step_loss, fmt::format("loss of step {}", step));
  epoch_loss_ += step_loss * static_cast<double>(B) / static_cast<double>(n_);
  const bool hardens = state.hardened_rate >= 0.0;
  trace_.push_back({step, step_loss, state.alpha, hardens ? state.threshold : NAN, state.hardened_rate});
  return {step_loss, B};
}

torch::Tensor binary_soft_targets(const std::vector<double>& p1) {
  auto t = torch::empty({static_cast<int64_t>(p1.size()), 2});  // (N, 2)
  auto a = t.accessor<float, 2>();
  for (size_t i = 0; i < p1.size(); ++i) {
    a[static_cast<int64_t>(i)][0] = static_cast<float>(1.0 - p1[i]);
    a[static_cast<int64_t>(i)][1] = static_cast<float>(p1[i]);
  }
  return t;
}

torch::Tensor soft_targets(const eval::Predictions& rows) {
  size_t k = 2;
  for (const auto& r : rows) k = std::max(k, r.size());
  auto t = torch::zeros({static_cast<int64_t>(rows.size()), static_cast<int64_t>(k)});  // (N, K)
  auto a = t.accessor<float, 2>();
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < rows[i].size(); ++j)
      a[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = static_cast<float>(rows[i][j]);
  return t;
}

eval::Predictions one_hot(const std::vector<int>& labels, const std::vector<int64_t>& choices) {
  check(choices.empty() || choices.size() == labels.size(), "one_hot: {} labels but {} choice counts", labels.size(),
        choices.size());
  eval::Predictions out;
  out.reserve(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    const int64_t k = choices.empty() ? 2 : choices[i];
    check(labels[i] >= 0 && labels[i] < k, "one_hot: label {} of row {} is not one of its {} choices", labels[i], i, k);
    std::vector<double> row(static_cast<size_t>(k), 0.0);
    row[static_cast<size_t>(labels[i])] = 1.0;
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace w2s::train
