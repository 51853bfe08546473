// Normalizers of Hugging Face tokenizer.json files: Unicode normalization forms (NFC, NFD, NFKC,
// NFKD) and lowercasing through ICU, Replace (of a literal string), Prepend, Strip, StripAccents,
// and Sequences of these, applied to text before pre-tokenization.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace w2s::tokenizer {

enum class NormalizerKind { nfc, nfd, nfkc, nfkd, lowercase, replace, prepend, strip, strip_accents };

struct NormalizerStep {
  NormalizerKind kind = NormalizerKind::nfc;
  std::string pattern;      // replace: the literal string replaced
  std::string content;      // replace: its replacement; prepend: what goes before non-empty text
  bool strip_left = true;   // strip: remove leading whitespace
  bool strip_right = true;  // strip: remove trailing whitespace
  bool operator==(const NormalizerStep&) const = default;
};

/// The tokenizer.json type name of a step ("NFC", "Lowercase", ...).
const char* normalizer_name(NormalizerKind kind);

/// Whether this build can run `kind` (the Unicode forms and Lowercase need ICU).
bool normalizer_available(NormalizerKind kind);

/// Applies `steps` in order to valid UTF-8 `text`. Throws w2s::Error for a step this build lacks.
std::string normalize(std::string_view text, const std::vector<NormalizerStep>& steps);

}  // namespace w2s::tokenizer
