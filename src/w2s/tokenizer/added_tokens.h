// Added tokens (tokenizer.json `added_tokens`, e.g. "<|endoftext|>"): found in the raw text and cut
// out before pre-tokenization, so they map to their own id instead of being split into pieces.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace w2s::tokenizer {

struct AddedToken {
  int64_t id = 0;           // token id (may or may not also be in the BPE vocabulary)
  std::string content;      // exact UTF-8 text that stands for the token, e.g. "<|endoftext|>"
  bool special = true;      // special: matched unless disabled per call, skipped by decode(skip)
  bool lstrip = false;      // the match also swallows ASCII whitespace on its left
  bool rstrip = false;      // the match also swallows ASCII whitespace on its right
  bool normalized = false;  // matched against normalized text (kept for tokenizer.json round trip)
};

/// A piece of input text: either plain text to pre-tokenize (id < 0) or one added token.
struct TextSegment {
  std::string_view text;  // view into the input (for a token: the matched text, strips included)
  int64_t id = -1;        // added token id, or -1 for plain text
};

/// Splits text on added tokens, leftmost match first and the longest token at a position.
class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  /// Tokens with empty content are ignored (the loaders reject them with a message first).
  explicit AddedTokenMatcher(const std::vector<AddedToken>& tokens);

  /// Appends the segments of `text` to `out`. With `match_special` false, tokens marked special
  /// are left in the text as plain characters (non-special added tokens still match).
  void split(std::string_view text, bool match_special, std::vector<TextSegment>& out) const;

  bool empty() const { return tokens_.empty(); }

 private:
  std::vector<AddedToken> tokens_;          // sorted by first byte, then longest first
  std::array<uint32_t, 257> first_byte_{};  // tokens_[first_byte_[b] .. first_byte_[b+1]) start with b
};

}  // namespace w2s::tokenizer
