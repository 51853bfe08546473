// Inference helpers on a language model: greedy decoding and per-token next-token losses.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "w2s/models/transformer.h"

namespace w2s::models {

/// Greedy (argmax) decoding. Returns only the new tokens (at most max_new_tokens; ends after
/// `eos` when it is produced, eos included). The context is the last n_ctx tokens (left
/// truncation); the whole prefix is recomputed each step. Runs in eval mode without gradients
/// (the model's train/eval mode is restored afterwards). An empty prompt → w2s::Error.
std::vector<int64_t> generate_greedy(TransformerImpl& model, const std::vector<int64_t>& prompt_ids,
                                     int64_t max_new_tokens, std::optional<int64_t> eos = std::nullopt);

/// Next-token losses in nats: result[t] = −log p(ids[t+1] | ids[0..t]), size ids.size() − 1
/// (empty for fewer than two ids). Sequences longer than n_ctx are scored in overlapping windows
/// that give every token at least n_ctx/2 tokens of context.
std::vector<float> score_tokens(TransformerImpl& model, const std::vector<int64_t>& ids);

}  // namespace w2s::models
