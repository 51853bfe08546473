// Language-model evaluation of text: per-token losses, nats/token, bits per byte.
#include "w2s/eval/lm_eval.h"

#include <torch/torch.h>

#include <cmath>

#include "w2s/core/error.h"
#include "w2s/models/generate.h"

namespace w2s::eval {

double TextScore::bits_per_byte() const {
  return n_bytes > 0 ? total_nats / std::log(2.0) / static_cast<double>(n_bytes) : 0.0;
}

TextScore score_text(models::TransformerImpl& model, const tokenizer::Tokenizer& tok, std::string_view text) {
  std::vector<int64_t> ids;
  const auto start = tok.bos_id() ? tok.bos_id() : tok.eos_id();
  if (start) ids.push_back(*start);
  const auto text_ids = tok.encode(text);
  ids.insert(ids.end(), text_ids.begin(), text_ids.end());
  TextScore out;
  if (ids.size() < 2) return out;
  const auto losses = models::score_tokens(model, ids);  // (N − 1)
  for (size_t i = 1; i < ids.size(); ++i) {
    TokenScore t;
    t.id = ids[i];
    t.piece = tok.decode({ids[i]});
    t.nats = losses[i - 1];
    out.total_nats += t.nats;
    out.n_bytes += static_cast<int64_t>(t.piece.size());
    out.tokens.push_back(std::move(t));
  }
  return out;
}

double stream_loss(models::TransformerImpl& model, const std::vector<int64_t>& ids, int64_t n_ctx, int64_t batch,
                   int64_t n_bytes, double* bits_per_byte) {
  check(n_ctx >= 2, "stream_loss: n_ctx must be at least 2 (got {})", n_ctx);
  check(batch >= 1, "stream_loss: batch must be at least 1 (got {})", batch);
  const int64_t n_windows = static_cast<int64_t>(ids.size()) / n_ctx;
  check(n_windows >= 1, "stream_loss: need at least {} tokens, got {}", n_ctx, ids.size());
  torch::NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  auto all = torch::from_blob(const_cast<int64_t*>(ids.data()), {n_windows, n_ctx}, torch::kLong)
                 .to(model.device());  // (W, n_ctx)
  double total = 0.0;
  int64_t count = 0;
  for (int64_t w = 0; w < n_windows; w += batch) {
    auto x = all.slice(0, w, std::min(n_windows, w + batch));  // (B, n_ctx)
    auto logits = model.forward(x).to(torch::kFloat);          // (B, n_ctx, V)
    auto loss = torch::nn::functional::cross_entropy(
        logits.slice(1, 0, n_ctx - 1).reshape({-1, logits.size(2)}), x.slice(1, 1, n_ctx).reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
    total += loss.item<double>();
    count += x.size(0) * (n_ctx - 1);
  }
  if (was_training) model.train();
  const double mean = total / static_cast<double>(count);
  if (bits_per_byte) {
    // Scale the byte count to the tokens actually scored.
    const double scored_bytes =
        n_bytes > 0 ? static_cast<double>(n_bytes) * count / static_cast<double>(ids.size()) : 0.0;
    *bits_per_byte = scored_bytes > 0 ? total / std::log(2.0) / scored_bytes : 0.0;
  }
  return mean;
}

}  // namespace w2s::eval
