// Tests for tokenizer/normalizer: each step on hand-checked Unicode (decomposed and compatibility
// characters, final sigma, White_Space), and the SentencePiece-style sequence Llama 2 files declare.
#include "w2s/tokenizer/normalizer.h"

#include <gtest/gtest.h>

namespace w2s::tokenizer {
namespace {

std::string run(std::string_view text, NormalizerKind kind) { return normalize(text, {NormalizerStep{.kind = kind}}); }

class UnicodeNormalizer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!normalizer_available(NormalizerKind::nfc)) GTEST_SKIP() << "this build has no ICU";
  }
};

TEST_F(UnicodeNormalizer, NfcComposesAndNfdDecomposes) {
  EXPECT_EQ(run("caf"
                "e\xCC\x81",
                NormalizerKind::nfc),
            "caf\xC3\xA9");                                                         // e + U+0301 → U+00E9
  EXPECT_EQ(run("A\xCC\x8A", NormalizerKind::nfc), "\xC3\x85");                     // A + ring above → Å
  EXPECT_EQ(run("\xE1\x84\x80\xE1\x85\xA1", NormalizerKind::nfc), "\xEA\xB0\x80");  // jamo ᄀ + ᅡ → 가
  EXPECT_EQ(run("\xEF\xAC\x81", NormalizerKind::nfc), "\xEF\xAC\x81");              // ﬁ is canonical: kept
  EXPECT_EQ(run("caf\xC3\xA9", NormalizerKind::nfd), "cafe\xCC\x81");
  EXPECT_EQ(run("plain ascii", NormalizerKind::nfc), "plain ascii");
}

TEST_F(UnicodeNormalizer, CompatibilityFormsFoldLigaturesAndWidths) {
  EXPECT_EQ(run("\xEF\xAC\x81"
                "ne",
                NormalizerKind::nfkc),
            "fine");                                              // ﬁ → fi
  EXPECT_EQ(run("\xE2\x91\xA0", NormalizerKind::nfkc), "1");      // ① → 1
  EXPECT_EQ(run("\xEF\xBC\xA1", NormalizerKind::nfkc), "A");      // full-width Ａ → A
  EXPECT_EQ(run("\xC3\xA9", NormalizerKind::nfkd), "e\xCC\x81");  // é → e + U+0301
}

TEST_F(UnicodeNormalizer, LowercaseIsUnicodeAwareWithFinalSigma) {
  EXPECT_EQ(run("\xC3\x80"
                "B",
                NormalizerKind::lowercase),
            "\xC3\xA0"
            "b");  // ÀB → àb
  // ΟΔΟΣ → οδος: the last Σ becomes final ς, as Rust's to_lowercase does.
  EXPECT_EQ(run("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3", NormalizerKind::lowercase), "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82");
}

TEST_F(UnicodeNormalizer, StripAccentsAfterNfdLeavesBaseLetters) {
  EXPECT_EQ(normalize("caf\xC3\xA9 na\xC3\xAFve", {NormalizerStep{.kind = NormalizerKind::nfd},
                                                   NormalizerStep{.kind = NormalizerKind::strip_accents}}),
            "cafe naive");
}

TEST(Normalizer, ReplacePrependAndStrip) {
  const NormalizerStep replace{.kind = NormalizerKind::replace, .pattern = " ", .content = "\xE2\x96\x81"};
  const NormalizerStep prepend{.kind = NormalizerKind::prepend, .content = "\xE2\x96\x81"};
  // Llama 2's tokenizer.json: Prepend("▁") then Replace(" " → "▁").
  EXPECT_EQ(normalize("Hello world", {prepend, replace}), "\xE2\x96\x81Hello\xE2\x96\x81world");
  EXPECT_EQ(normalize("", {prepend, replace}), "");  // nothing is prepended to empty text
  EXPECT_EQ(normalize("a  b", {replace}),
            "a\xE2\x96\x81\xE2\x96\x81"
            "b");
  // Strip removes White_Space (here an ideographic space and a no-break space) on the sides asked.
  const std::string padded = "\xE3\x80\x80 a b\t\xC2\xA0\n";
  EXPECT_EQ(normalize(padded, {NormalizerStep{.kind = NormalizerKind::strip}}), "a b");
  EXPECT_EQ(normalize(padded, {NormalizerStep{.kind = NormalizerKind::strip, .strip_right = false}}),
            "a b\t\xC2\xA0\n");
  EXPECT_EQ(normalize(padded, {NormalizerStep{.kind = NormalizerKind::strip, .strip_left = false}}),
            "\xE3\x80\x80 a b");
  EXPECT_EQ(normalize(" \t ", {NormalizerStep{.kind = NormalizerKind::strip}}), "");
}

}  // namespace
}  // namespace w2s::tokenizer
