// Greedy decoding and token scoring.
#include "w2s/models/generate.h"

#include <algorithm>

#include "w2s/core/error.h"

namespace w2s::models {
namespace {

/// Puts the model in eval mode for the scope and restores its mode afterwards.
class EvalScope {
 public:
  explicit EvalScope(TransformerImpl& model) : model_(model), was_training_(model.is_training()) { model_.eval(); }
  ~EvalScope() { model_.train(was_training_); }
  EvalScope(const EvalScope&) = delete;
  EvalScope& operator=(const EvalScope&) = delete;

 private:
  TransformerImpl& model_;
  bool was_training_;
};

torch::Tensor to_ids(const std::vector<int64_t>& ids, int64_t begin, int64_t end, torch::Device device) {
  std::vector<int64_t> window(ids.begin() + begin, ids.begin() + end);
  return torch::tensor(window, torch::TensorOptions().dtype(torch::kLong)).view({1, -1}).to(device);
}

}  // namespace

std::vector<int64_t> generate_greedy(TransformerImpl& model, const std::vector<int64_t>& prompt_ids,
                                     int64_t max_new_tokens, std::optional<int64_t> eos) {
  check(!prompt_ids.empty(), "generate_greedy: empty prompt");
  torch::NoGradGuard no_grad;
  EvalScope eval(model);
  const int64_t n_ctx = model.config().n_ctx;
  const auto device = model.device();
  std::vector<int64_t> ids = prompt_ids;
  std::vector<int64_t> out;
  for (int64_t step = 0; step < max_new_tokens; ++step) {
    const int64_t end = static_cast<int64_t>(ids.size());
    const int64_t begin = std::max<int64_t>(0, end - n_ctx);
    auto x = to_ids(ids, begin, end, device);         // (1, T)
    auto hidden = model.hidden_states(x);             // (1, T, C)
    auto last = hidden.slice(1, hidden.size(1) - 1);  // (1, 1, C)
    auto logits = model.lm_logits(last);              // (1, 1, V)
    const int64_t next = logits.view({-1}).argmax().item<int64_t>();
    ids.push_back(next);
    out.push_back(next);
    if (eos && next == *eos) break;
  }
  return out;
}

std::vector<float> score_tokens(TransformerImpl& model, const std::vector<int64_t>& ids) {
  const int64_t N = static_cast<int64_t>(ids.size());
  if (N < 2) return {};
  const int64_t W = model.config().n_ctx;
  check(W >= 2, "score_tokens: n_ctx {} leaves no context", W);
  torch::NoGradGuard no_grad;
  EvalScope eval(model);
  const auto device = model.device();
  const int64_t stride = std::max<int64_t>(1, W / 2);
  std::vector<float> losses(N - 1);
  int64_t next_target = 1;  // index in ids of the next token to score
  while (next_target < N) {
    const int64_t end = next_target == 1 ? std::min(N, W) : std::min(N, next_target + stride);
    const int64_t begin = std::max<int64_t>(0, end - W);
    auto x = to_ids(ids, begin, end, device);                                   // (1, T)
    auto logp = torch::log_softmax(model.forward(x).to(torch::kFloat), -1)[0];  // (T, V)
    auto targets = x[0].slice(0, 1);                                            // (T − 1)
    auto nll = -logp.slice(0, 0, end - begin - 1).gather(1, targets.unsqueeze(1)).squeeze(1);
    auto cpu = nll.cpu();  // (T − 1): loss for ids[begin + 1 .. end − 1]
    for (int64_t t = next_target; t < end; ++t) losses[t - 1] = cpu[t - begin - 1].item<float>();
    next_target = end;
  }
  return losses;
}

}  // namespace w2s::models
