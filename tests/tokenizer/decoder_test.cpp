// Decoder steps of character-level tokenizers, on token lists worked by hand from the tokenizers
// library's definitions.
#include "w2s/tokenizer/decoder.h"

#include <gtest/gtest.h>

namespace w2s::tokenizer {
namespace {

const std::string kMeta = "\u2581";  // ▁

DecoderStep step(DecoderKind kind) {
  DecoderStep s;
  s.kind = kind;
  return s;
}
DecoderStep replace(std::string from, std::string to) {
  DecoderStep s = step(DecoderKind::replace);
  s.pattern = std::move(from);
  s.content = std::move(to);
  return s;
}
DecoderStep strip(int64_t start, int64_t stop) {
  DecoderStep s = step(DecoderKind::strip);
  s.content = " ";
  s.start = start;
  s.stop = stop;
  return s;
}
DecoderStep metaspace(PrependScheme scheme) {
  DecoderStep s = step(DecoderKind::metaspace);
  s.pattern = kMeta;
  s.prepend_scheme = scheme;
  return s;
}
const DecoderStep kByteFallback = step(DecoderKind::byte_fallback);
const DecoderStep kFuse = step(DecoderKind::fuse);

TEST(Decoder, Llama2Sequence) {
  const std::vector<DecoderStep> llama = {replace(kMeta, " "), kByteFallback, kFuse, strip(1, 0)};
  EXPECT_EQ(decode_tokens({"<s>", kMeta + "Hello", kMeta + "w", "<0xC3>", "<0xA9>"}, llama), "<s> Hello w\u00e9");
  EXPECT_EQ(decode_tokens({kMeta + "Hello", kMeta + "w", "<0xC3>", "<0xA9>"}, llama), "Hello w\u00e9");
  // Strip removes one space of the fused text only: the second of two leading spaces stays.
  EXPECT_EQ(decode_tokens({kMeta, kMeta + "a"}, llama), " a");
  EXPECT_EQ(decode_tokens({}, llama), "");
}

TEST(Decoder, ByteFallbackJoinsRunsAndKeepsOtherTokens) {
  // Lower-case hex is accepted; "<0x4G>" and "<0x041>" are not byte tokens.
  EXPECT_EQ(decode_tokens({"<0x41>", "<0x0a>", "x", "<0x4G>", "<0x041>"}, {kByteFallback}), "A\nx<0x4G><0x041>");
  // A run that is not valid UTF-8 stays raw bytes (the library writes U+FFFD for each).
  EXPECT_EQ(decode_tokens({"<0xE2>", "<0x96>"}, {kByteFallback}), "\xE2\x96");
}

TEST(Decoder, StripCountsFromEachEndOfEachToken) {
  EXPECT_EQ(decode_tokens({"   a  ", " b "}, {strip(2, 1)}), " a b");
  EXPECT_EQ(decode_tokens({"   a  ", " b "}, {kFuse, strip(2, 1)}), " a   b");
}

TEST(Decoder, MetaspaceDropsTheReplacementInTheFirstTokenOnly) {
  // The library removes every "▁" of the first token (not only the leading one) unless the
  // prepend scheme is never; later tokens get spaces.
  EXPECT_EQ(decode_tokens({kMeta + "a" + kMeta, kMeta + "b"}, {metaspace(PrependScheme::first)}), "a b");
  EXPECT_EQ(decode_tokens({kMeta + "a" + kMeta, kMeta + "b"}, {metaspace(PrependScheme::always)}), "a b");
  EXPECT_EQ(decode_tokens({kMeta + "a" + kMeta, kMeta + "b"}, {metaspace(PrependScheme::never)}), " a  b");
}

TEST(Decoder, ReplaceIsLiteralAndEveryOccurrence) {
  EXPECT_EQ(decode_tokens({"a..b..", "."}, {replace("..", "!")}), "a!b!.");
  EXPECT_EQ(decode_tokens({"a.b"}, {replace(".", "")}), "ab");
}

}  // namespace
}  // namespace w2s::tokenizer
