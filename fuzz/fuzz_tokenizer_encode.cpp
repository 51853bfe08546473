// Fuzz target: text through the shipped tokenizer (models/w2s-s/tokenizer.json). Encoding never
// fails; for valid UTF-8, decode(encode(text)) == text, with special tokens parsed or not;
// truncating encodes (which cut long texts before encoding) give exact slices of the full encode;
// batches truncate to max_length.
#include <algorithm>
#include <vector>

#include "support.h"
#include "w2s/core/text.h"
#include "w2s/tokenizer/tokenizer.h"

namespace {
const w2s::tokenizer::Tokenizer& shipped() {
  static const auto tok =
      w2s::tokenizer::Tokenizer::from_file(std::filesystem::path(W2S_SOURCE_DIR) / "models/w2s-s/tokenizer.json");
  return tok;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto text = w2s::fuzz::as_text(data, size);
  const auto& tok = shipped();
  w2s::fuzz::expect_clean("encode", [&] {
    const auto ids = tok.encode(text);
    const auto plain = tok.encode(text, {.parse_special = false});
    if (w2s::is_valid_utf8(text)) {
      w2s::fuzz::require(tok.decode(ids) == text, "tokenizer round trip", "decode(encode(text)) != text");
      w2s::fuzz::require(tok.decode(plain) == text, "tokenizer round trip",
                         "decode(encode(text, parse_special=false)) != text");
    }
    const int64_t n = 1 + static_cast<int64_t>(size % 13);
    const auto k = std::min<size_t>(static_cast<size_t>(n), ids.size());
    w2s::fuzz::require(tok.encode_head(text, n) == std::vector<int64_t>(ids.begin(), ids.begin() + k),
                       "tokenizer round trip", "encode_head differs");
    w2s::fuzz::require(tok.encode_tail(text, n) == std::vector<int64_t>(ids.end() - k, ids.end()),
                       "tokenizer round trip", "encode_tail differs");
    w2s::tokenizer::BatchOptions bo;
    bo.max_length = 7;
    bo.truncation_side = size % 2 ? w2s::tokenizer::Side::left : w2s::tokenizer::Side::right;
    const auto batch = tok.encode_batch({std::string(text), "x"}, bo);
    w2s::fuzz::require(batch.input_ids.size(1) <= 7, "tokenizer round trip", "batch longer than max_length");
    w2s::fuzz::require(batch.lengths[0] == std::min<int64_t>(7, static_cast<int64_t>(ids.size())),
                       "tokenizer round trip", "row length");
  });
  return 0;
}
