// The BPE model of a tokenizer: vocabulary, merge ranks, and the merge loop that turns one
// pre-tokenized word into token ids, with a thread-safe per-word cache. Byte-level (GPT-2, Qwen,
// Llama 3): pieces spell bytes through GPT-2's byte alphabet and a word starts as its bytes.
// Character-level (SentencePiece-style: Llama 2, Mistral): pieces are text, a word starts as its
// characters, and a character missing from the vocabulary becomes the "<0xNN>" pieces of its bytes
// (byte_fallback) or the unknown token.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace w2s::tokenizer {

/// Vocabulary + merges of a BPE. Immutable after construction except for its cache,
/// so one instance may encode from many threads at once.
class BpeModel {
 public:
  struct Options {
    std::string source = "<memory>";       // file named in error messages
    std::string merges_where;              // prefix for merge errors ("" = "<source>: model.merges")
    std::optional<std::string> unk_token;  // piece for bytes or characters missing from the vocab (else dropped)
    bool ignore_merges = false;            // a word that is itself a vocab piece maps directly
    bool byte_level = true;                // pieces spell bytes in GPT-2's alphabet; false: pieces are text
    bool byte_fallback = false;            // character-level: a missing character becomes "<0xNN>" pieces
    bool fuse_unk = false;                 // consecutive missing characters become one unk_token
    size_t cache_capacity = 1 << 17;       // cached words in all (0 = no cache)
  };

  /// `vocab`: (piece, id) pairs; ids must be distinct, in [0, 2^31). `merges`: pairs of
  /// pieces in rank order; both halves and their concatenation must be in `vocab`. Throws
  /// w2s::Error naming `options.source` and the offending key.
  BpeModel(const std::vector<std::pair<std::string, int64_t>>& vocab,
           const std::vector<std::pair<std::string, std::string>>& merges, Options options);
  ~BpeModel();
  BpeModel(const BpeModel&) = delete;
  BpeModel& operator=(const BpeModel&) = delete;

  /// Appends the ids of one word to `out`; uses the cache. Byte-level: raw bytes, any content.
  /// Character-level: UTF-8 text (an ill-formed byte counts as a character of its own).
  void encode_word(std::string_view bytes, std::vector<int64_t>& out) const;
  /// As encode_word, without the cache (the reference for tests and benchmarks).
  void encode_word_uncached(std::string_view bytes, std::vector<int64_t>& out) const;

  std::optional<int64_t> piece_to_id(std::string_view piece) const;
  /// The vocabulary piece for `id`, or nullptr when no piece has that id.
  const std::string* id_to_piece(int64_t id) const;
  /// The raw bytes `id` stands for (byte-level: its piece mapped back through the byte alphabet, or
  /// the piece's own UTF-8 when it holds characters outside the alphabet; character-level: the
  /// piece itself), or nullptr.
  const std::string* id_to_bytes(int64_t id) const;

  int64_t max_id() const { return static_cast<int64_t>(pieces_.size()) - 1; }  // -1 when empty
  size_t n_merges() const { return n_merges_; }

 private:
  struct PieceIndex;
  struct MergeTable;
  struct Cache;

  void bpe(std::string_view bytes, std::vector<int32_t>& ids) const;
  void warn_missing(std::string_view what) const;

  Options options_;
  std::vector<std::string> pieces_;          // by id; empty string = no such id
  std::vector<std::string> bytes_;           // by id: raw bytes
  std::vector<bool> present_;                // by id
  std::unique_ptr<PieceIndex> index_;        // piece → id, raw bytes → id
  std::array<int32_t, 256> byte_ids_{};      // id of each single-byte piece, -1 if missing
  std::array<int32_t, 256> fallback_ids_{};  // character-level: id of "<0xNN>" per byte, -1 if missing
  std::unique_ptr<MergeTable> merges_;
  std::unique_ptr<Cache> cache_;
  int32_t unk_id_ = -1;
  size_t n_merges_ = 0;
  mutable std::atomic<bool> warned_missing_byte_{false};
};

}  // namespace w2s::tokenizer
