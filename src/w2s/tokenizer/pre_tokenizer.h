// Pre-tokenization: regex splits that cut text into words before BPE (PCRE2 with UTF + UCP, JIT).
// GPT-2 uses one regex (kGpt2Pattern); Qwen2 / Llama-3 style tokenizer.json files name their own
// (a `Split` pre-tokenizer with behavior "Isolated"). SentencePiece-style tokenizers (Llama 2,
// Mistral) use Metaspace instead: spaces become "▁", which starts each word.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace w2s::tokenizer {

/// GPT-2's pre-tokenizer regex (contractions, letters, digits, other symbols, whitespace runs).
inline constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

/// Qwen2's and Llama 3's pre-tokenizer regexes (their tokenizer.json `Split` patterns).
inline constexpr std::string_view kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

/// A compiled PCRE2 pattern (PCRE2_UTF | PCRE2_UCP, JIT-compiled where the platform allows).
/// Matching is thread-safe: match data and the JIT stack are per thread.
class Regex {
 public:
  /// Compiles `pattern` (UTF-8, PCRE2 syntax; a plain string when `literal`). Throws w2s::Error
  /// with PCRE2's message and the offset of the error.
  explicit Regex(std::string_view pattern, bool literal = false);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  /// First match at or after byte `offset`; false when there is none. `text` must be valid UTF-8
  /// and `offset` on a character boundary: they are not re-checked (PCRE2_NO_UTF_CHECK), which
  /// is what makes repeated matching fast. Throws w2s::Error if PCRE2 gives up (resource limits).
  bool find(std::string_view text, size_t offset, size_t& begin, size_t& end) const;

  const std::string& pattern() const { return pattern_; }
  bool jit() const { return jit_; }  // true when JIT compilation succeeded

 private:
  std::string pattern_;
  void* code_ = nullptr;  // pcre2_code_8*
  bool jit_ = false;
};

enum class SplitBehavior {
  isolated,  // each match is a word, and so is each stretch of text between matches
  removed,   // matches are dropped; the stretches between them are words
};

/// One regex split step of a pre-tokenizer (tokenizer.json `Split`, or ByteLevel's use_regex).
struct SplitRule {
  std::string pattern{kGpt2Pattern};                 // PCRE2 regex, or a plain string if `literal`
  bool literal = false;                              // `pattern` is a string, not a regex
  SplitBehavior behavior = SplitBehavior::isolated;  // what becomes of matches
};

/// Applies split rules in order: every word of step k is split again by step k+1.
class PreTokenizer {
 public:
  explicit PreTokenizer(std::vector<SplitRule> rules);  // compiles; throws w2s::Error

  /// Appends the words of `text` to `words` (views into `text`). Throws w2s::Error when `text` is
  /// not valid UTF-8 (the tokenizer replaces invalid bytes with U+FFFD before calling this).
  void split(std::string_view text, std::vector<std::string_view>& words) const;
  /// As split(), for text the caller has already validated as UTF-8 (skips the check).
  void split_valid(std::string_view text, std::vector<std::string_view>& words) const;

  const std::vector<SplitRule>& rules() const { return rules_; }

 private:
  std::vector<SplitRule> rules_;
  std::vector<std::unique_ptr<Regex>> regexes_;
};

/// Where Metaspace puts its replacement character before a piece of text (tokenizer.json
/// `prepend_scheme`): before every piece, only before the one at the start of the input, or never.
enum class PrependScheme { always, first, never };

const char* prepend_scheme_name(PrependScheme scheme);  // "always", "first", "never"

/// tokenizer.json `Metaspace` pre-tokenizer: every space becomes `replacement`; the replacement is
/// put before text that does not start with it (as `prepend_scheme` says); with `split`, a word
/// starts at each replacement ("▁Hey▁friend" → "▁Hey", "▁friend").
struct Metaspace {
  std::string replacement = "\u2581";                    // "▁"
  PrependScheme prepend_scheme = PrependScheme::always;  // the library's default
  bool split = true;                                     // cut before each replacement
  bool operator==(const Metaspace&) const = default;
};

/// Where a stretch of text stands, for Metaspace's prepend scheme.
enum class MetaspaceAt {
  input_start,   // it begins the whole input: "always" and "first" prepend
  later,         // after a special or added token: "always" prepends
  continuation,  // it continues text encoded before (EncodeOptions::continuation): nothing prepends
};

/// Rewrites `text` into `buffer` as Metaspace does and appends its words (views into `buffer`,
/// valid until it changes) to `words`.
void metaspace_words(std::string_view text, MetaspaceAt at, const Metaspace& m, std::string& buffer,
                     std::vector<std::string_view>& words);

}  // namespace w2s::tokenizer
