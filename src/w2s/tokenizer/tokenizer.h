// BPE tokenizer loaded from a Hugging Face tokenizer.json, from vocab.json + merges.txt, or from
// GPT-2's encoder.json + vocab.bpe. Byte-level (GPT-2, Qwen2/3, Llama 3, Pythia) and
// character-level, SentencePiece-style (Llama 2, Mistral, TinyLlama: Metaspace "▁", "<0xNN>" byte
// fallback).
//
//   auto tok = w2s::tokenizer::Tokenizer::from_dir("models/gpt2");
//   std::vector<int64_t> ids = tok.encode("Hello world");  // {15496, 995}
//   std::string text = tok.decode(ids);                    // "Hello world"
//
// Pipeline of encode(): invalid UTF-8 → U+FFFD; added tokens ("<|endoftext|>") cut out; each
// remaining stretch is normalized (NFC, Prepend "▁", Replace " " → "▁", ...), split into words by
// the pre-tokenizer (regexes through PCRE2; ByteLevel's optional leading space; Metaspace), and
// each word's bytes (byte-level) or characters (character-level) are merged by BPE rank.
//
// Invalid UTF-8 input: every maximal ill-formed byte subsequence becomes U+FFFD ("\xEF\xBF\xBD"),
// the text Python sees after bytes.decode("utf-8", errors="replace"); so decode(encode(s)) == s
// holds for valid UTF-8 only (and, for SentencePiece-style tokenizers, text whose spaces the
// normalizer keeps). decode() returns raw bytes, which may be invalid UTF-8 when the ids cut a
// character in two.
//
// Normalizers: see normalizer.h. Without ICU, NFC passes text through unchanged with a warning.
#pragma once

#include <ATen/core/Tensor.h>  // not <torch/types.h>: this header also builds with clang (fuzz/)

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "w2s/tokenizer/added_tokens.h"
#include "w2s/tokenizer/decoder.h"
#include "w2s/tokenizer/normalizer.h"
#include "w2s/tokenizer/pre_tokenizer.h"

namespace w2s::tokenizer {

/// Everything that defines a BPE tokenizer: what tokenizer.json holds, parsed.
struct TokenizerSpec {
  std::vector<std::pair<std::string, int64_t>> vocab;       // piece, id
  std::vector<std::pair<std::string, std::string>> merges;  // pieces, rank order
  std::vector<AddedToken> added_tokens;                     // matched in raw text before BPE
  std::vector<SplitRule> splits = {SplitRule{}};            // pre-tokenizer regexes, in order
  bool add_prefix_space = false;                            // ByteLevel: prepend ' ' to text not starting with one
  bool ignore_merges = false;                               // BPE: a word that is itself a piece maps straight to it
  std::optional<std::string> unk_token;                     // BPE: piece for bytes/characters missing from the vocab
  bool fuse_unk = false;                                    // BPE: consecutive unknowns become one unk_token
  bool byte_level = true;                                   // pieces spell bytes in GPT-2's alphabet (a ByteLevel
                                                            // pre-tokenizer); false: pieces are text (SentencePiece)
  bool byte_fallback = false;                               // character-level: a character missing from the vocab
                                                            // becomes the "<0xNN>" pieces of its bytes
  std::optional<Metaspace> metaspace;                       // character-level: Metaspace step after the splits
  std::vector<DecoderStep> decoders;                        // character-level decoder steps (byte-level decodes
                                                            // through its alphabet)
  std::vector<NormalizerStep> normalizers;                  // normalizer steps, in order, applied to the text
                                                            // between added tokens before pre-tokenization
  std::vector<int64_t> prefix_ids;                          // post-processor template: ids put before the text (BOS)
  std::vector<int64_t> suffix_ids;                          // post-processor template: ids put after the text
  std::string source = "<memory>";                          // file the spec came from, named in error messages
  std::string merges_where;                                 // where merges came from, for messages ("" = source's
                                                            // model.merges)
};

struct EncodeOptions {
  bool parse_special = true;       // cut special added tokens out of the text (false: plain text)
  bool add_special_tokens = true;  // apply the post-processor template (GPT-2/Qwen2: adds none)
  bool continuation = false;       // the text continues a sequence (a completion after its prompt): no
                                   // template ids and no start-of-text prefix (ByteLevel's
                                   // add_prefix_space, Metaspace's "▁", Prepend normalizers), so
                                   // encode(a) + encode(b, continuation) is encode(a + b) wherever the
                                   // pre-tokenizer splits between a and b
};

enum class Side { left, right };

struct BatchOptions {
  int64_t max_length = 0;              // tokens per row kept after truncation; 0 = no limit
  Side truncation_side = Side::right;  // which end loses tokens when a row is too long
  Side padding_side = Side::right;     // where padding goes
  std::optional<int64_t> pad_id;       // default: pad_id(), else eos_id(), else 0
  EncodeOptions encode;                // options for each text
};

struct EncodedBatch {
  at::Tensor input_ids;          // (B, T) int64; T = longest row after truncation (0 if all empty)
  at::Tensor attention_mask;     // (B, T) int64, 1 = real token, 0 = padding
  std::vector<int64_t> lengths;  // (B) real tokens per row
};

/// A loaded tokenizer. Cheap to copy (copies share the immutable model and its word cache);
/// encode/decode are thread-safe.
class Tokenizer {
 public:
  /// Builds from a spec; throws w2s::Error (naming spec.source) on inconsistent data.
  static Tokenizer from_spec(TokenizerSpec spec);
  /// A Hugging Face tokenizer.json (model BPE, byte-level or SentencePiece-style). Unsupported
  /// features are errors that name the file and the key.
  static Tokenizer from_file(const std::filesystem::path& tokenizer_json);
  /// vocab.json + merges.txt (also GPT-2's encoder.json + vocab.bpe). Pre-tokenizer: the GPT-2
  /// regex. "<|endoftext|>", when in the vocabulary, becomes a special added token.
  static Tokenizer from_vocab_merges(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt);
  /// A model folder: tokenizer.json, else vocab.json + merges.txt, else encoder.json + vocab.bpe.
  /// tokenizer_config.json, when present, sets bos/eos/pad (and, for the vocab.json form, adds the
  /// tokens of its added_tokens_decoder).
  static Tokenizer from_dir(const std::filesystem::path& dir);

  std::vector<int64_t> encode(std::string_view text, const EncodeOptions& options = {}) const;
  /// The first `max_tokens` ids of encode(text) (all when max_tokens is 0), encoding only as much
  /// of a long text as they need: the text is cut at head_cut(), where the pre-tokenizer splits
  /// anyway, so the ids are exactly encode(text)'s. A 64 MB text truncated to 512 tokens costs what
  /// a few kB do.
  std::vector<int64_t> encode_head(std::string_view text, int64_t max_tokens, const EncodeOptions& options = {}) const;
  /// The last `max_tokens` ids of encode(text) (all when 0), encoding from tail_cut() on.
  std::vector<int64_t> encode_tail(std::string_view text, int64_t max_tokens, const EncodeOptions& options = {}) const;
  /// Where encode_head cuts: the first byte it does not read (text.size() when it reads it all).
  /// A cut is made only at a space between two ASCII letters or digits at least (max_tokens + 1) ×
  /// the longest token's bytes in, and only for the GPT-2, Qwen2 and Llama 3 pre-tokenizer regexes
  /// (no match of theirs spans such a space) without added tokens that contain a space.
  size_t head_cut(std::string_view text, int64_t max_tokens) const;
  /// Where encode_tail starts reading (0 when it reads it all); the mirror of head_cut.
  size_t tail_cut(std::string_view text, int64_t max_tokens) const;
  /// Encodes texts (in parallel) into a padded batch.
  EncodedBatch encode_batch(const std::vector<std::string>& texts, const BatchOptions& options = {}) const;
  /// Byte-level: the concatenated raw bytes of the tokens (added tokens as their content).
  /// Character-level: the token strings through the decoder steps (decoder.h). Throws w2s::Error
  /// for an id that is not in the vocabulary.
  std::string decode(const std::vector<int64_t>& ids, bool skip_special_tokens = false) const;

  /// The raw vocabulary piece ("Ġworld"), or an added token's content. Throws for unknown ids.
  std::string id_to_token(int64_t id) const;
  /// Id of a vocabulary piece or added token's content.
  std::optional<int64_t> token_to_id(std::string_view token) const;
  /// Largest id (vocabulary or added token) + 1.
  int64_t vocab_size() const;
  bool is_special(int64_t id) const;  // an added token marked special

  /// Guesses from the vocabulary (see from_dir for overrides): bos = "<|begin_of_text|>", "<s>" or
  /// "<|endoftext|>"; eos = "<|endoftext|>", "<|end_of_text|>" or "</s>"; pad = "<|pad|>" or
  /// "<pad>" — the first one present.
  std::optional<int64_t> bos_id() const { return bos_id_; }
  std::optional<int64_t> eos_id() const { return eos_id_; }
  std::optional<int64_t> pad_id() const { return pad_id_; }
  void set_bos_id(std::optional<int64_t> id) { bos_id_ = id; }
  void set_eos_id(std::optional<int64_t> id) { eos_id_ = id; }
  void set_pad_id(std::optional<int64_t> id) { pad_id_ = id; }

  const TokenizerSpec& spec() const;
  /// Writes a tokenizer.json that Hugging Face `tokenizers` loads (atomically).
  void save(const std::filesystem::path& tokenizer_json) const;

 private:
  struct Impl;
  explicit Tokenizer(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
  std::optional<int64_t> bos_id_, eos_id_, pad_id_;
};

}  // namespace w2s::tokenizer
