// Tests for the byte-level alphabet and the UTF-8 helpers.
#include "w2s/tokenizer/byte_level.h"

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

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text, long enough for the 8-byte path"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("abcdefgh\x80"));      // stray continuation after ASCII run
  EXPECT_FALSE(is_valid_utf8(std::string("\xE2\x82", 2)));
}

TEST(Utf8, SanitizeReplacesMaximalSubparts) {
  std::string out = "untouched";
  EXPECT_FALSE(sanitize_utf8("valid \xC3\xA9", out));
  EXPECT_EQ(out, "untouched");
  const std::string fffd = "\xEF\xBF\xBD";
  ASSERT_TRUE(
      sanitize_utf8("a\xFF"
                    "b",
                    out));
  EXPECT_EQ(out, "a" + fffd + "b");
  // E2 82 is the start of a 3-byte sequence cut short: one replacement for the pair.
  ASSERT_TRUE(sanitize_utf8("x\xE2\x82y", out));
  EXPECT_EQ(out, "x" + fffd + "y");
  // A surrogate encoding: ED is a valid lead but A0 is not allowed after it → 3 replacements.
  ASSERT_TRUE(sanitize_utf8("\xED\xA0\x80", out));
  EXPECT_EQ(out, fffd + fffd + fffd);
  ASSERT_TRUE(sanitize_utf8("end\xF0\x9F\x98", out));
  EXPECT_EQ(out, "end" + fffd);
  EXPECT_TRUE(is_valid_utf8(out));
}

TEST(Utf8, AppendEncodes) {
  std::string s;
  append_utf8(s, U'A');
  append_utf8(s, U'\u00E9');
  append_utf8(s, U'\u65E5');
  append_utf8(s, U'\U0001F600');
  EXPECT_EQ(s, "A\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace w2s::tokenizer
