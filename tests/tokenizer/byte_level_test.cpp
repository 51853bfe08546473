// Tests for the byte-level alphabet and the UTF-8 helpers.
#include "w2s/tokenizer/byte_level.h"
#include "w2s/core/text.h"

#include <gtest/gtest.h>

#include <set>

namespace w2s::tokenizer {
namespace {

TEST(ByteLevel, AlphabetIsABijectionOntoPrintableCharacters) {
  std::set<std::string> seen;
  for (int b = 0; b < 256; ++b) {
    const std::string c(byte_char(static_cast<uint8_t>(b)));
    EXPECT_TRUE(is_valid_utf8(c));
    EXPECT_TRUE(seen.insert(c).second) << "byte " << b << " shares its character";
    EXPECT_EQ(piece_to_bytes(c), std::string(1, static_cast<char>(b)));
  }
  EXPECT_EQ(byte_char('A'), "A");
  EXPECT_EQ(byte_char('!'), "!");
  EXPECT_EQ(byte_char(' '), "\xC4\xA0");   // Ġ U+0120
  EXPECT_EQ(byte_char('\n'), "\xC4\x8A");  // Ċ U+010A
  EXPECT_EQ(byte_char(0), "\xC4\x80");     // Ā U+0100
  EXPECT_EQ(byte_char(0xAD), "\xC5\x83");  // the last remapped byte: U+0143
  EXPECT_EQ(byte_char(0xE9), "\xC3\xA9");  // é stands for itself
}

TEST(ByteLevel, PiecesRoundTripAnyBytes) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string piece = bytes_to_piece(all);
  EXPECT_TRUE(is_valid_utf8(piece));
  EXPECT_EQ(piece_to_bytes(piece), all);
  EXPECT_EQ(bytes_to_piece(" hi"), "\xC4\xA0hi");
  EXPECT_EQ(piece_to_bytes("<|endoftext|>"), "<|endoftext|>");
}

TEST(ByteLevel, PiecesOutsideTheAlphabetAreRejected) {
  EXPECT_FALSE(piece_to_bytes("日").has_value());        // 3-byte character
  EXPECT_FALSE(piece_to_bytes(" ").has_value());         // space is not in the alphabet
  EXPECT_FALSE(piece_to_bytes("\xC5\x84").has_value());  // U+0144, one past the alphabet
  EXPECT_FALSE(piece_to_bytes("\xFF").has_value());      // not UTF-8
}

}  // namespace
}  // namespace w2s::tokenizer
