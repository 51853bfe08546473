// Language-model evaluation of text: per-token losses, nats/token and bits per byte — for
// `w2s score`, held-out loss during pretraining, and model cards.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "w2s/models/transformer.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::eval {

struct TokenScore {
  int64_t id = 0;     // token id
  std::string piece;  // decoded bytes of this token
  double nats = 0.0;  // −log p(token | preceding tokens)
};

struct TextScore {
  std::vector<TokenScore> tokens;  // every token after the first (the first has no context)
  double total_nats = 0.0;         // sum over `tokens`
  int64_t n_bytes = 0;             // UTF-8 bytes covered by `tokens` (the text minus token 0)
  double nats_per_token() const { return tokens.empty() ? 0.0 : total_nats / tokens.size(); }
  /// total_nats / ln 2 / n_bytes: comparable across tokenizers.
  double bits_per_byte() const;
};

/// Score `text` with `model`; the first token is conditioned on nothing and not scored, unless
/// the tokenizer has a BOS/EOS token to prepend (then every text token is scored).
TextScore score_text(models::TransformerImpl& model, const tokenizer::Tokenizer& tok, std::string_view text);

/// Held-out loss of a token stream, in non-overlapping windows of `n_ctx` tokens, `batch` windows
/// per forward pass; every token but each window's first is scored. Returns mean nats per scored
/// token; `*bits_per_byte` gets bits per byte given the stream's byte count.
double stream_loss(models::TransformerImpl& model, const std::vector<int64_t>& ids, int64_t n_ctx, int64_t batch,
                   int64_t n_bytes = 0, double* bits_per_byte = nullptr);

}  // namespace w2s::eval
