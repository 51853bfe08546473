// Next-token cross-entropy on windows of a packed token stream.
#include "w2s/train/lm_objective.h"

#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/core/torch_compat.h"
#include "w2s/dist/process_group.h"

namespace w2s::train {

torch::Tensor sample_windows(const std::vector<int32_t>& ids, int64_t seq_len, int64_t n_seq, uint64_t seed,
                             int64_t step, int64_t micro) {
  const int64_t span = static_cast<int64_t>(ids.size()) - seq_len - 1;
  check(span >= 0, "token stream of {} tokens is too short for windows of {}", ids.size(), seq_len + 1);
  Rng rng(seed * 0x100000001B3ULL ^ (static_cast<uint64_t>(step) << 20) ^ static_cast<uint64_t>(micro));
  auto out = torch::empty({n_seq, seq_len + 1}, torch::kLong);  // (B, T+1)
  auto* p = out.data_ptr<int64_t>();
  for (int64_t b = 0; b < n_seq; ++b) {
    const int64_t start = static_cast<int64_t>(rng.next() % static_cast<uint64_t>(span + 1));
    for (int64_t t = 0; t <= seq_len; ++t) p[b * (seq_len + 1) + t] = ids[start + t];
  }
  return out;
}

LmObjective::LmObjective(models::TransformerImpl& model, const std::vector<int32_t>& ids, LmObjectiveOptions options,
                         Compute compute)
    : model_(model), ids_(ids), options_(options), compute_(compute) {
  check(options_.batch_size >= 1 && options_.micro_batch >= 1, "batch_size and micro_batch must be positive");
  check(options_.batch_size % options_.micro_batch == 0, "batch_size ({}) must be a multiple of micro_batch ({})",
        options_.batch_size, options_.micro_batch);
}

StepLoss LmObjective::backward(int64_t step) {
  const int64_t n_micro = options_.batch_size / options_.micro_batch, T = options_.seq_len;
  double step_loss = 0.0;  // this process's share of the batch's mean loss
  // Data-parallel: micro-batch m is rank m mod world's, with the windows one process would draw.
  const int world = dist::world_size(), rank = dist::rank();
  for (int64_t m = rank; m < n_micro; m += world) {
    auto batch = sample_windows(ids_, T, options_.micro_batch, options_.seed, step, m).to(compute_.device);  // (B, T+1)
    torch::Tensor loss;
    {
      compat::AutocastGuard autocast(compute_.device.type(), at::kBFloat16, compute_.bf16);
      auto logits = model_.forward(batch.slice(1, 0, T));  // (B, T, V)
      loss = torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(2)}).to(torch::kFloat),
                                                  batch.slice(1, 1).reshape({-1}));
    }
    (loss / static_cast<double>(n_micro)).backward();
    step_loss += loss.item<double>() / n_micro;
  }
  if (world > 1) step_loss = dist::all_reduce_value(step_loss, fmt::format("loss of step {}", step));
  return {step_loss, options_.batch_size};
}

}  // namespace w2s::train
