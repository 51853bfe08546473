// Byte-level BPE alphabet (byte ↔ character) and piece conversion.
#include "w2s/tokenizer/byte_level.h"

#include <array>
#include <cstring>

#include "w2s/core/text.h"

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
    const size_t len = utf8_sequence_length(piece, i);
    if (len == 0 || len > 2) return std::nullopt;  // alphabet characters are 1-2 UTF-8 bytes
    const char32_t cp = (len == 1) ? s[i] : (char32_t(s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F);
    if (cp >= kMaxAlphabetCp || a.byte_of[cp] < 0) return std::nullopt;
    out.push_back(static_cast<char>(a.byte_of[cp]));
    i += len;
  }
  return out;
}

}  // namespace w2s::tokenizer
