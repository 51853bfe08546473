// Helpers shared by the tokenizer tests: fixture paths (the real GPT-2 vocabulary, the Austen
// texts) and small hand-made byte-level vocabularies.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "test_support.h"
#include "w2s/core/file.h"
#include "w2s/tokenizer/byte_level.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::test {

/// data/fixtures/gpt2 with encoder.json + vocab.bpe; fails the test (not skip) when missing.
inline std::filesystem::path gpt2_fixture_dir() {
  const auto dir = data_dir() / "fixtures" / "gpt2";
  if (!std::filesystem::exists(dir / "encoder.json") || !std::filesystem::exists(dir / "vocab.bpe")) {
    ADD_FAILURE() << dir.string()
                  << ": GPT-2 vocabulary (encoder.json, vocab.bpe) is missing; run scripts/setup.sh "
                     "(it runs scripts/fetch_fixtures.sh)";
  }
  return dir;
}

/// The real GPT-2 tokenizer, loaded once per test binary.
inline const w2s::tokenizer::Tokenizer& gpt2() {
  static const w2s::tokenizer::Tokenizer tok = [] {
    const auto dir = gpt2_fixture_dir();
    return w2s::tokenizer::Tokenizer::from_dir(dir);
  }();
  return tok;
}

inline std::filesystem::path tokenizer_data(const std::string& name) {
  return source_dir() / "tests" / "tokenizer" / "data" / name;
}

inline std::string austen_train() { return read_file(tokenizer_data("pride_and_prejudice_ch1-6.txt")); }
inline std::string austen_heldout() { return read_file(tokenizer_data("pride_and_prejudice_ch7_part.txt")); }

/// A vocabulary holding all 256 byte pieces (ids 0..255 in byte order) plus `extra` pieces
/// (byte-level strings) with ids 256, 257, ...
inline std::vector<std::pair<std::string, int64_t>> byte_vocab(const std::vector<std::string>& extra = {}) {
  std::vector<std::pair<std::string, int64_t>> v;
  for (int b = 0; b < 256; ++b) {
    v.emplace_back(std::string(w2s::tokenizer::byte_char(static_cast<uint8_t>(b))), b);
  }
  for (size_t i = 0; i < extra.size(); ++i) v.emplace_back(extra[i], 256 + static_cast<int64_t>(i));
  return v;
}

}  // namespace w2s::test
