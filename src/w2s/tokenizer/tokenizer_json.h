// Tokenizer files ↔ TokenizerSpec: Hugging Face tokenizer.json (read and write), vocab.json +
// merges.txt and GPT-2's encoder.json + vocab.bpe (read). Parsing only; Tokenizer builds on it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "w2s/tokenizer/tokenizer.h"

namespace w2s::tokenizer {

/// Parses tokenizer.json text. `source` names the file in errors. Supported: model BPE
/// (byte-level), pre_tokenizer ByteLevel or Sequence[Split..., ByteLevel], normalizer null or NFC,
/// post_processor null / ByteLevel / TemplateProcessing, decoder null / ByteLevel. Anything else
/// throws w2s::Error naming `source` and the key.
TokenizerSpec parse_tokenizer_json(std::string_view json_text, const std::string& source);
TokenizerSpec load_tokenizer_json(const std::filesystem::path& path);

/// tokenizer.json text for `spec` (model BPE, ByteLevel pre-tokenizer/decoder/post-processor).
std::string to_tokenizer_json(const TokenizerSpec& spec);

/// vocab.json ({piece: id}) + merges.txt (one "a b" per line; a first "#version" line is skipped).
/// Pre-tokenizer: the GPT-2 regex. "<|endoftext|>", if in the vocabulary, becomes special.
TokenizerSpec load_vocab_merges(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt);

}  // namespace w2s::tokenizer
