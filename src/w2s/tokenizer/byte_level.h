// Byte-level BPE alphabet (GPT-2): each of the 256 byte values stands for one printable Unicode
// character, so any byte string is a string of vocabulary characters ("Ġ" = space, "Ċ" = '\n').
// UTF-8 validation, repair and encoding are core/text.h's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace w2s::tokenizer {

/// The alphabet character (UTF-8, 1 or 2 bytes) that stands for byte `b` in vocabulary pieces.
/// Printable bytes '!'..'~', '¡'..'¬', '®'..'ÿ' stand for themselves; the other 68 bytes map to
/// U+0100 + n in byte order (space → "Ġ" U+0120, '\n' → "Ċ" U+010A).
std::string_view byte_char(uint8_t b);

/// Raw bytes → byte-level piece, e.g. " hi" → "Ġhi".
std::string bytes_to_piece(std::string_view bytes);

/// Byte-level piece → raw bytes; nullopt when the piece is not valid UTF-8 or holds a character
/// outside the byte-level alphabet.
std::optional<std::string> piece_to_bytes(std::string_view piece);

/// Length in bytes of the UTF-8 character starting with byte `lead` (1 for invalid lead bytes).
inline size_t utf8_char_len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace w2s::tokenizer
