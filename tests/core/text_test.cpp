// Tests for core/text: UTF-8 validation, counted U+FFFD replacement, normalization, case, edit distance.
#include "w2s/core/text.h"

#include <gtest/gtest.h>

namespace w2s {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8, ValidTextIsAcceptedUnchanged) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";  // a é € 😀 z
  EXPECT_TRUE(is_valid_utf8(s));
  EXPECT_EQ(find_invalid_utf8(s), std::string_view::npos);
  size_t n = 99;
  EXPECT_EQ(to_valid_utf8(s, &n), s);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(utf8_length(s), 5u);
}

TEST(Utf8, EachMaximalSubpartBecomesOneReplacement) {
  struct Case {
    std::string in, out;
    size_t n;
  };
  const Case cases[] = {
      {"\xC3\x28", kFffd + "(", 1},                            // lead byte without continuation
      {"\xC0\xAF", kFffd + kFffd, 2},                          // overlong: C0 never starts a sequence
      {"\xED\xA0\x80", kFffd + kFffd + kFffd, 3},              // surrogate U+D800
      {"ab\xE2\x82", "ab" + kFffd, 1},                         // truncated at the end
      {"\xE2\x82(", kFffd + "(", 1},                           // truncated before ASCII
      {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd, 4},  // above U+10FFFF
      {"\xFF", kFffd, 1},
      {"x\x80y", "x" + kFffd + "y", 1},  // stray continuation byte
  };
  for (const auto& c : cases) {
    size_t n = 0;
    EXPECT_FALSE(is_valid_utf8(c.in));
    EXPECT_EQ(to_valid_utf8(c.in, &n), c.out) << "input bytes: " << c.in.size();
    EXPECT_EQ(n, c.n);
    EXPECT_TRUE(is_valid_utf8(c.out));
  }
  EXPECT_EQ(find_invalid_utf8("ok\xC3\x28"), 2u);
  std::string s =
      "a\xFF"
      "b\xFE";
  EXPECT_EQ(sanitize_utf8(s), 2u);
  EXPECT_EQ(s, "a" + kFffd + "b" + kFffd);
}

TEST(Utf8, PrefixNeverSplitsACodePoint) {
  const std::string s =
      "ab\xE2\x82\xAC"
      "c";  // ab€c
  EXPECT_EQ(utf8_prefix(s, 2), "ab");
  EXPECT_EQ(utf8_prefix(s, 3), "ab");
  EXPECT_EQ(utf8_prefix(s, 4), "ab");
  EXPECT_EQ(utf8_prefix(s, 5), "ab\xE2\x82\xAC");
  EXPECT_EQ(utf8_prefix(s, 100), s);
}

TEST(Utf8, AppendEncodesScalarValues) {
  std::string out;
  append_utf8(out, U'A');
  append_utf8(out, 0xE9);
  append_utf8(out, 0x20AC);
  append_utf8(out, 0x1F600);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  std::string bad;
  append_utf8(bad, 0xD800);
  append_utf8(bad, 0x110000);
  EXPECT_EQ(bad, kFffd + kFffd);
}

TEST(TextNormalize, StripAndCollapseWhitespace) {
  EXPECT_EQ(strip(" \t a b \n"), "a b");
  EXPECT_EQ(strip(""), "");
  EXPECT_EQ(strip(" \n "), "");
  EXPECT_EQ(collapse_whitespace("  a \t\n b\xC2\xA0\xC2\xA0"
                                "c\xE3\x80\x80"
                                "d  "),
            "a b c d");
  EXPECT_EQ(collapse_whitespace("caf\xC3\xA9  ok"), "caf\xC3\xA9 ok");  // é is not a space
}

TEST(TextNormalize, NewlinesAndCorpusNormalization) {
  EXPECT_EQ(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
  size_t n = 0;
  EXPECT_EQ(normalize_text("  Title  \r\n\r\n\r\n\r\nBody\x01 line\t \n\xFF"
                           "end \n",
                           &n),
            "Title\n\nBody line\n" + kFffd + "end");
  EXPECT_EQ(n, 1u);
}

}  // namespace
}  // namespace w2s

namespace w2s {
namespace {

TEST(Text, AsciiLowercaseLeavesOtherBytes) {
  EXPECT_EQ(lower_ascii("Content-Type: TEXT/Plain"), "content-type: text/plain");
  EXPECT_EQ(lower_ascii("CAF\xC3\x89"), "caf\xC3\x89");  // É is not ASCII: unchanged
}

TEST(Text, EditDistanceAndClosestName) {
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
  EXPECT_EQ(closest_name("reveiws", {"reviews", "spam", "definitions"}), "reviews");
  EXPECT_EQ(closest_name("spma", {"reviews", "spam"}), "spam");
  EXPECT_EQ(closest_name("zzzzzz", {"reviews", "spam"}), "");  // nothing close
  EXPECT_EQ(closest_name("ab", {"xy", "ay"}), "ay");           // ties: the closest, then the first
}

TEST(Text, FastAsciiPathFindsAnInvalidByteAfterIt) {
  const std::string s = std::string(37, 'a') + "\x80" + "bc";
  EXPECT_EQ(find_invalid_utf8(s), 37u);
  EXPECT_EQ(utf8_sequence_length("a\xC3\xA9", 1), 2u);
  EXPECT_EQ(utf8_sequence_length("a\xC3", 1), 0u);
}

TEST(Utf8, CodePointsAndTheirLengths) {
  const std::string s = "a\u00E9\u6771\U0001F642\xC3x";  // 1-, 2-, 3-, 4-byte, then a truncated sequence
  size_t len = 0;
  EXPECT_EQ(code_point_at(s, 0, &len), U'a');
  EXPECT_EQ(len, 1u);
  EXPECT_EQ(code_point_at(s, 1, &len), U'\u00E9');
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(code_point_at(s, 3, &len), U'\u6771');
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(code_point_at(s, 6, &len), U'\U0001F642');
  EXPECT_EQ(len, 4u);
  EXPECT_EQ(code_point_at(s, 10, &len), U'\uFFFD');  // "\xC3x": the lone lead byte alone
  EXPECT_EQ(len, 1u);
}

TEST(Text, ReplaceAllIsLiteralLeftToRightAndNotOverlapping) {
  EXPECT_EQ(replace_all("a b  c", " ", "\u2581"), "a\u2581b\u2581\u2581c");
  EXPECT_EQ(replace_all("aaaa", "aa", "b"), "bb");
  EXPECT_EQ(replace_all("aaa", "aa", "b"), "ba");
  EXPECT_EQ(replace_all("x.*y", ".*", "-"), "x-y");  // no pattern syntax
  EXPECT_EQ(replace_all("abc", "", "-"), "abc");
  EXPECT_EQ(replace_all("", "a", "b"), "");
}

}  // namespace
}  // namespace w2s
