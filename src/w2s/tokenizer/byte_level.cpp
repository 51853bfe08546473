// Byte-level BPE alphabet and UTF-8 helpers.
#include "w2s/tokenizer/byte_level.h"

#include <array>
#include <cstring>

namespace w2s::tokenizer {
namespace {

constexpr char32_t kNoByte = 0xFFFFFFFF;
constexpr size_t kMaxAlphabetCp = 256 + 68;  // the largest alphabet code point is U+0143

struct Alphabet {
  std::array<char, 256 * 2> chars{};              // UTF-8 of each byte's character, 1 or 2 bytes
  std::array<uint8_t, 256> lengths{};             // bytes used in `chars` per byte value
  std::array<int16_t, kMaxAlphabetCp> byte_of{};  // code point → byte, -1 if not in alphabet

  Alphabet() {
    byte_of.fill(-1);
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      const uint32_t cp = printable ? b : next++;
      byte_of[cp] = static_cast<int16_t>(b);
      std::string utf8;
      append_utf8(utf8, cp);
      lengths[b] = static_cast<uint8_t>(utf8.size());
      std::memcpy(&chars[b * 2], utf8.data(), utf8.size());
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet a;
  return a;
}

// Length of the well-formed UTF-8 sequence at s[i] (1-4), or 0 with `bad` set to the length of the
// maximal ill-formed subpart (>= 1) — Unicode Table 3-7 of well-formed byte sequences.
size_t utf8_sequence(const unsigned char* s, size_t n, size_t i, size_t& bad) {
  const unsigned char b0 = s[i];
  if (b0 < 0x80) return 1;
  unsigned char lo = 0x80, hi = 0xBF;
  size_t need = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    bad = 1;
    return 0;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= n) {
      bad = k;
      return 0;
    }
    const unsigned char c = s[i + k];
    const unsigned char l = (k == 1) ? lo : 0x80;
    const unsigned char h = (k == 1) ? hi : 0xBF;
    if (c < l || c > h) {
      bad = k;
      return 0;
    }
  }
  return need + 1;
}

}  // namespace

std::string_view byte_char(uint8_t b) {
  const Alphabet& a = alphabet();
  return {&a.chars[b * 2], a.lengths[b]};
}

std::string bytes_to_piece(std::string_view bytes) {
  const Alphabet& a = alphabet();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) out.append(&a.chars[b * 2], a.lengths[b]);
  return out;
}

std::optional<std::string> piece_to_bytes(std::string_view piece) {
  const Alphabet& a = alphabet();
  std::string out;
  out.reserve(piece.size());
  const auto* s = reinterpret_cast<const unsigned char*>(piece.data());
  size_t i = 0;
  while (i < piece.size()) {
    size_t bad = 0;
    const size_t len = utf8_sequence(s, piece.size(), i, bad);
    if (len == 0 || len > 2) return std::nullopt;  // alphabet characters are 1-2 UTF-8 bytes
    const char32_t cp = (len == 1) ? s[i] : (char32_t(s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F);
    if (cp >= kMaxAlphabetCp || a.byte_of[cp] < 0) return std::nullopt;
    out.push_back(static_cast<char>(a.byte_of[cp]));
    i += len;
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path: 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t bad = 0;
    const size_t len = utf8_sequence(p, n, i, bad);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool sanitize_utf8(std::string_view s, std::string& out) {
  if (is_valid_utf8(s)) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  std::string result;
  result.reserve(n + 16);
  size_t i = 0;
  while (i < n) {
    size_t bad = 0;
    const size_t len = utf8_sequence(p, n, i, bad);
    if (len > 0) {
      result.append(s.data() + i, len);
      i += len;
    } else {
      result.append("\xEF\xBF\xBD");
      i += bad;
    }
  }
  out = std::move(result);
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace w2s::tokenizer
