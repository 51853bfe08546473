// A text file as one packed token stream (documents separated by the tokenizer's end-of-text
// token when the text contains it), tokenized in parallel once and cached on disk, keyed by the
// text's and the tokenizer's content hashes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/tokenizer/tokenizer.h"

namespace w2s::train {

struct TokenStream {
  std::vector<int32_t> ids;  // (N) token ids
  int64_t n_bytes = 0;       // UTF-8 bytes of the source text (for bits per byte)
  std::string source;        // file it came from
};

/// Tokenize `path` (cached under cache_dir when not empty; `tokenizer_key` identifies the
/// tokenizer, e.g. its tokenizer.json bytes). `max_bytes` > 0 reads only a prefix.
TokenStream load_token_stream(const std::filesystem::path& path, const tokenizer::Tokenizer& tok,
                              const std::filesystem::path& cache_dir, std::string_view tokenizer_key,
                              int64_t max_bytes = 0);

/// Tokenize text in parallel chunks split after blank lines (so chunk edges fall between
/// paragraphs).
std::vector<int32_t> tokenize_parallel(const std::string& text, const tokenizer::Tokenizer& tok);

}  // namespace w2s::train
