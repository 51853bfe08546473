// Encoding, padding and length-ordered chunking of token rows.
#include "w2s/train/batching.h"

#include <algorithm>
#include <numeric>

namespace w2s::train {

TokenRows encode_texts(const tokenizer::Tokenizer& tok, const std::vector<std::string>& texts, int64_t max_length,
                       int64_t filler) {
  TokenRows out(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    out[i] = tok.encode_head(texts[i], std::max<int64_t>(max_length, 0));  // the text loses its end
    if (out[i].empty()) out[i].push_back(filler);
  }
  return out;
}

JoinedSequence join_prompt(const std::vector<int64_t>& prompt, const std::vector<int64_t>& completion,
                           int64_t max_length, int64_t bos) {
  const int64_t limit = std::max<int64_t>(2, max_length);
  std::vector<int64_t> context = prompt.empty() ? std::vector<int64_t>{bos} : prompt;
  const auto n_completion = std::min<int64_t>(static_cast<int64_t>(completion.size()), limit - 1);
  const auto n_context = std::min<int64_t>(static_cast<int64_t>(context.size()), limit - n_completion);
  JoinedSequence out;
  out.ids.assign(context.end() - n_context, context.end());  // the prompt's end
  out.start = n_context;
  out.ids.insert(out.ids.end(), completion.begin(), completion.begin() + n_completion);
  return out;
}

std::pair<torch::Tensor, torch::Tensor> pad_batch(const TokenRows& ids, const std::vector<int64_t>& rows, int64_t pad) {
  int64_t T = 1;
  for (int64_t r : rows) T = std::max<int64_t>(T, static_cast<int64_t>(ids[r].size()));
  const int64_t B = static_cast<int64_t>(rows.size());
  auto input = torch::full({B, T}, pad, torch::kLong);  // (B, T)
  auto mask = torch::zeros({B, T}, torch::kLong);       // (B, T)
  auto* pi = input.data_ptr<int64_t>();
  auto* pm = mask.data_ptr<int64_t>();
  for (int64_t b = 0; b < B; ++b) {
    const auto& row = ids[rows[b]];
    for (size_t t = 0; t < row.size(); ++t) {
      pi[b * T + static_cast<int64_t>(t)] = row[t];
      pm[b * T + static_cast<int64_t>(t)] = 1;
    }
  }
  return {input, mask};
}

std::vector<int64_t> by_length(const TokenRows& ids) {
  std::vector<int64_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return ids[a].size() < ids[b].size(); });
  return order;
}

void for_each_chunk(const std::vector<int64_t>& order, int64_t batch,
                    const std::function<void(const std::vector<int64_t>& rows)>& fn) {
  const auto n = static_cast<int64_t>(order.size());
  for (int64_t s = 0; s < n; s += batch)
    fn(std::vector<int64_t>(order.begin() + s, order.begin() + std::min(n, s + batch)));
}

}  // namespace w2s::train
