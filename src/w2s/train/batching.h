// Token batches for finetuning and inference: texts encoded and truncated once, right-padded
// batches of chosen rows, and rows ordered by length so inference batches carry little padding.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "w2s/tokenizer/tokenizer.h"

namespace w2s::train {

/// Token ids per row.
using TokenRows = std::vector<std::vector<int64_t>>;

/// Token ids of every text, truncated to `max_length` (> 0: longer texts lose their end); an
/// empty text becomes one `filler` token so that every row has a last real token.
TokenRows encode_texts(const tokenizer::Tokenizer& tok, const std::vector<std::string>& texts, int64_t max_length,
                       int64_t filler);

/// A prompt joined with one completion: ids = prompt ++ completion, cut to `max_length` by
/// dropping the prompt's start first (then the completion's end), with at least one context token
/// before the completion (an empty prompt gets `bos`). `start` = index of the completion's first
/// token in ids (≥ 1): ids[start .. end) are the completion's tokens.
struct JoinedSequence {
  std::vector<int64_t> ids;
  int64_t start = 1;
};
JoinedSequence join_prompt(const std::vector<int64_t>& prompt, const std::vector<int64_t>& completion,
                           int64_t max_length, int64_t bos);

/// Right-padded (ids, mask) of the given rows, both (B, T) int64 with T = the longest row (≥ 1);
/// mask 1 = real token.
std::pair<torch::Tensor, torch::Tensor> pad_batch(const TokenRows& ids, const std::vector<int64_t>& rows, int64_t pad);

/// Row indices ordered by length (stable: equal lengths keep their order).
std::vector<int64_t> by_length(const TokenRows& ids);

/// fn(rows) for consecutive chunks of `order` of at most `batch` rows each.
void for_each_chunk(const std::vector<int64_t>& order, int64_t batch,
                    const std::function<void(const std::vector<int64_t>& rows)>& fn);

}  // namespace w2s::train
