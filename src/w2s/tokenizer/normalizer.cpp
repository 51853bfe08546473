// Normalizer steps; the Unicode parts through ICU (Debian libicu-dev) when the build has it.
#include "w2s/tokenizer/normalizer.h"

#include <algorithm>

#include "w2s/core/error.h"
#include "w2s/core/text.h"

#if W2S_HAVE_ICU
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#endif

namespace w2s::tokenizer {
namespace {

bool needs_icu(NormalizerKind kind) {
  return kind != NormalizerKind::replace && kind != NormalizerKind::prepend && kind != NormalizerKind::strip;
}

#if W2S_HAVE_ICU
icu::UnicodeString unicode(std::string_view text) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
}

std::string utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

std::string unicode_form(std::string_view text, NormalizerKind kind) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = nullptr;
  switch (kind) {
    case NormalizerKind::nfc:
      n = icu::Normalizer2::getNFCInstance(status);
      break;
    case NormalizerKind::nfd:
      n = icu::Normalizer2::getNFDInstance(status);
      break;
    case NormalizerKind::nfkc:
      n = icu::Normalizer2::getNFKCInstance(status);
      break;
    default:
      n = icu::Normalizer2::getNFKDInstance(status);
      break;
  }
  check(U_SUCCESS(status) && n, "normalizer {}: ICU has no such instance ({})", normalizer_name(kind),
        u_errorName(status));
  const auto in = unicode(text);
  if (n->isNormalized(in, status) && U_SUCCESS(status)) return std::string(text);
  status = U_ZERO_ERROR;
  const auto out = n->normalize(in, status);
  check(U_SUCCESS(status), "normalizer {}: {}", normalizer_name(kind), u_errorName(status));
  return utf8(out);
}

std::string lowercase(std::string_view text) {
  auto s = unicode(text);
  s.toLower(icu::Locale::getRoot());  // Unicode default case mapping, as Rust's str::to_lowercase
  return utf8(s);
}

std::string strip_accents(std::string_view text) {
  const auto in = unicode(text);
  icu::UnicodeString out;
  for (int32_t i = 0; i < in.length();) {
    const UChar32 c = in.char32At(i);
    if (u_charType(c) != U_NON_SPACING_MARK) out.append(c);
    i += U16_LENGTH(c);
  }
  return utf8(out);
}
#endif

/// The Unicode White_Space property (Rust's char::is_whitespace, which HF's Strip uses).
bool is_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/// s without leading and/or trailing White_Space.
std::string strip_white_space(std::string_view s, bool left, bool right) {
  size_t begin = s.size(), end = 0;  // first and one past the last non-space byte
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    if (!is_white_space(code_point_at(s, i, &n))) {
      begin = std::min(begin, i);
      end = i + n;
    }
    i += n;
  }
  if (begin > end) return left || right ? std::string() : std::string(s);  // all white space
  return std::string(s.substr(left ? begin : 0, (right ? end : s.size()) - (left ? begin : 0)));
}

}  // namespace

const char* normalizer_name(NormalizerKind kind) {
  switch (kind) {
    case NormalizerKind::nfc:
      return "NFC";
    case NormalizerKind::nfd:
      return "NFD";
    case NormalizerKind::nfkc:
      return "NFKC";
    case NormalizerKind::nfkd:
      return "NFKD";
    case NormalizerKind::lowercase:
      return "Lowercase";
    case NormalizerKind::replace:
      return "Replace";
    case NormalizerKind::prepend:
      return "Prepend";
    case NormalizerKind::strip:
      return "Strip";
    case NormalizerKind::strip_accents:
      return "StripAccents";
  }
  return "?";
}

bool normalizer_available(NormalizerKind kind) {
#if W2S_HAVE_ICU
  (void)kind;
  return true;
#else
  return !needs_icu(kind);
#endif
}

std::string normalize(std::string_view text, const std::vector<NormalizerStep>& steps) {
  std::string s(text);
  for (const auto& step : steps) {
    check(normalizer_available(step.kind), "normalizer {} needs ICU, and this build has none (install libicu-dev)",
          normalizer_name(step.kind));
    switch (step.kind) {
      case NormalizerKind::replace:
        s = replace_all(s, step.pattern, step.content);
        break;
      case NormalizerKind::prepend:
        if (!s.empty()) s.insert(0, step.content);
        break;
      case NormalizerKind::strip:
        s = strip_white_space(s, step.strip_left, step.strip_right);
        break;
#if W2S_HAVE_ICU
      case NormalizerKind::lowercase:
        s = lowercase(s);
        break;
      case NormalizerKind::strip_accents:
        s = strip_accents(s);
        break;
      default:
        s = unicode_form(s, step.kind);
        break;
#else
      default:
        break;
#endif
    }
  }
  return s;
}

}  // namespace w2s::tokenizer
