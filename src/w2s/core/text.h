// Text helpers every layer uses: UTF-8 validation with a counted replacement policy, encoding,
// whitespace and newline normalization, ASCII case folding, and edit-distance suggestions.
//
// Replacement policy (the Unicode "maximal subpart" practice, as in WHATWG decoders and Python's
// errors="replace"): bytes are decoded left to right; each maximal prefix of a valid sequence that
// cannot be completed — or a single byte that cannot start one — becomes one U+FFFD (EF BF BD).
// Overlong forms, UTF-16 surrogates (U+D800..U+DFFF) and values above U+10FFFF are invalid.
// The returned count is the number of U+FFFD inserted, so callers can report "N bytes replaced".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace w2s {

/// True when `s` is entirely well-formed UTF-8.
bool is_valid_utf8(std::string_view s);

/// Byte offset of the first ill-formed sequence, or std::string_view::npos when valid.
size_t find_invalid_utf8(std::string_view s);

/// `s` with every ill-formed sequence replaced by U+FFFD; `*n_replaced` (if given) receives the
/// number of replacements. Valid input is returned unchanged.
std::string to_valid_utf8(std::string_view s, size_t* n_replaced = nullptr);

/// In-place form of to_valid_utf8; returns the number of replacements (0 = untouched).
size_t sanitize_utf8(std::string& s);

/// Length in bytes (1–4) of the well-formed sequence starting at s[i], or 0 when s[i] does not
/// start one (i < s.size()).
size_t utf8_sequence_length(std::string_view s, size_t i);

/// Number of code points in valid UTF-8 (each ill-formed byte counts as one).
size_t utf8_length(std::string_view s);

/// Longest prefix of `s` of at most `max_bytes` bytes that does not split a code point.
std::string_view utf8_prefix(std::string_view s, size_t max_bytes);

/// The code point of the sequence starting at s[i] (i < s.size()), its length in bytes in
/// `*len` (if given); an ill-formed sequence reads as U+FFFD, its maximal ill-formed part as length.
char32_t code_point_at(std::string_view s, size_t i, size_t* len = nullptr);

/// Append code point `cp` (must be a Unicode scalar value) encoded as UTF-8.
void append_utf8(std::string& out, char32_t cp);

/// True for the ASCII whitespace bytes: space, \t, \n, \v, \f, \r.
inline bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/// `s` without leading and trailing ASCII whitespace.
std::string_view strip_view(std::string_view s);
std::string strip(std::string_view s);

/// Every run of whitespace (ASCII whitespace, U+00A0 no-break space, U+2000..U+200A, U+2028,
/// U+2029, U+202F, U+205F, U+3000, U+FEFF) becomes one ASCII space; the result is stripped.
std::string collapse_whitespace(std::string_view s);

/// CRLF and lone CR become LF.
std::string normalize_newlines(std::string_view s);

/// Text normalization used for corpora: valid UTF-8 (replacements counted into *n_replaced),
/// newlines normalized, ASCII control characters other than \t and \n removed, trailing spaces on
/// each line removed, runs of 3+ newlines reduced to 2, and the whole stripped.
std::string normalize_text(std::string_view s, size_t* n_replaced = nullptr);

/// `s` with every occurrence of `from` (non-empty; scanned left to right, not overlapping) replaced
/// by `to`; an empty `from` leaves `s` as it is.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

/// `s` with ASCII letters lowercased (other bytes unchanged).
std::string lower_ascii(std::string_view s);

/// Levenshtein distance (insertions, deletions, substitutions of bytes).
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `name` by edit distance, or "" when none is close: the distance must
/// be at most max(2, |name| / 3). Ties go to the earlier candidate.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace w2s
