// Tests for the PCRE2 regex wrapper and the regex-split pre-tokenizer.
#include "w2s/tokenizer/pre_tokenizer.h"

#include <gtest/gtest.h>

#include "w2s/core/error.h"

namespace w2s::tokenizer {
namespace {

std::vector<std::string> words(const PreTokenizer& pre, std::string_view text) {
  std::vector<std::string_view> views;
  pre.split(text, views);
  return {views.begin(), views.end()};
}

using V = std::vector<std::string>;

TEST(PreTokenizer, Gpt2Regex) {
  const PreTokenizer pre({SplitRule{}});
  EXPECT_EQ(words(pre, "Hello world"), (V{"Hello", " world"}));
  EXPECT_EQ(words(pre, "I'LL don't"), (V{"I", "'", "LL", " don", "'t"}));
  EXPECT_EQ(words(pre, "a  b"), (V{"a", " ", " b"}));
  EXPECT_EQ(words(pre, "  lead"), (V{" ", " lead"}));
  EXPECT_EQ(words(pre, "trail  "), (V{"trail", "  "}));
  EXPECT_EQ(words(pre, "x\n\n y"), (V{"x", "\n\n", " y"}));
  EXPECT_EQ(words(pre, "abc123!!?"), (V{"abc", "123", "!!?"}));
  EXPECT_EQ(words(pre, "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC"), (V{"caf\xC3\xA9", " \xE6\x97\xA5\xE6\x9C\xAC"}));
  EXPECT_EQ(words(pre, ""), V{});
}

TEST(PreTokenizer, Qwen2RegexSplitsDigitsAndFoldsContractions) {
  const PreTokenizer pre({SplitRule{std::string(kQwen2Pattern)}});
  EXPECT_EQ(words(pre, "I'LL pay 123"), (V{"I", "'LL", " pay", " ", "1", "2", "3"}));
  EXPECT_EQ(words(pre, "Hello,\n\nworld"), (V{"Hello", ",\n\n", "world"}));
}

TEST(PreTokenizer, RemovedLiteralAndChainedRules) {
  const PreTokenizer removed({SplitRule{",", true, SplitBehavior::removed}});
  EXPECT_EQ(words(removed, "a,b,,c"), (V{"a", "b", "c"}));
  const PreTokenizer literal({SplitRule{"a.b", true}});
  EXPECT_EQ(words(literal, "xa.bya+b"), (V{"x", "a.b", "ya+b"}));
  const PreTokenizer chained({SplitRule{"-", true}, SplitRule{}});
  EXPECT_EQ(words(chained, "ab cd-ef"), (V{"ab", " cd", "-", "ef"}));
}

TEST(PreTokenizer, EmptyMatchesSplitNothing) {
  const PreTokenizer pre({SplitRule{"x*"}});
  EXPECT_EQ(words(pre, "axxb\xC3\xA9"), (V{"a", "xx", "b\xC3\xA9"}));
}

TEST(PreTokenizer, BadPatternAndBadUtf8AreErrors) {
  EXPECT_THROW(Regex("(unclosed"), Error);
  try {
    Regex bad("[z-a]");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[z-a]"), std::string::npos) << e.what();
  }
  const PreTokenizer pre({SplitRule{}});
  std::vector<std::string_view> out;
  EXPECT_THROW(pre.split("bad \xFF byte", out), Error);
}

TEST(PreTokenizer, Gpt2RegexIsJitCompiled) {
  const Regex re(kGpt2Pattern);
  EXPECT_TRUE(re.jit()) << "PCRE2 JIT unavailable: pre-tokenization will be much slower";
}

TEST(PreTokenizer, HugeRunsDoNotOverflow) {
  const PreTokenizer pre({SplitRule{}});
  std::string text(1 << 20, ' ');
  text += "word";
  text += std::string(1 << 20, 'z');
  text += std::string(1 << 20, '\n');
  std::vector<std::string_view> out;
  pre.split(text, out);
  size_t total = 0;
  for (auto w : out) total += w.size();
  EXPECT_EQ(total, text.size());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].size(), (1u << 20) - 1);
}

std::vector<std::string> meta_words(std::string_view text, bool at_start, PrependScheme scheme, bool split) {
  std::string buffer;
  std::vector<std::string_view> views;
  metaspace_words(text, at_start ? MetaspaceAt::input_start : MetaspaceAt::later,
                  Metaspace{.prepend_scheme = scheme, .split = split}, buffer, views);
  return {views.begin(), views.end()};
}

TEST(Metaspace, SpacesBecomeTheReplacementWhichStartsEachWord) {
  using V = std::vector<std::string>;
  const std::string m = "\u2581";
  EXPECT_EQ(meta_words("Hey friend", true, PrependScheme::always, true), (V{m + "Hey", m + "friend"}));
  // Each replacement opens a word, so a run of spaces leaves one-character words.
  EXPECT_EQ(meta_words("Hey  friend", true, PrependScheme::always, true), (V{m + "Hey", m, m + "friend"}));
  EXPECT_EQ(meta_words("Hey friend", true, PrependScheme::always, false), (V{m + "Hey" + m + "friend"}));
  // Text that already starts with a space (or "▁") gets no second one.
  EXPECT_EQ(meta_words(" Hey", true, PrependScheme::always, true), (V{m + "Hey"}));
  // "first" prepends only at the start of the input; "never" not at all.
  EXPECT_EQ(meta_words("Hey you", false, PrependScheme::first, true), (V{"Hey", m + "you"}));
  EXPECT_EQ(meta_words("Hey you", true, PrependScheme::first, true), (V{m + "Hey", m + "you"}));
  EXPECT_EQ(meta_words("Hey you", true, PrependScheme::never, true), (V{"Hey", m + "you"}));
  EXPECT_EQ(meta_words("", true, PrependScheme::always, true), (V{}));  // nothing to prepend to
  // A continuation of earlier text gets nothing prepended, whatever the scheme.
  std::string buffer;
  std::vector<std::string_view> views;
  metaspace_words("Hey you", MetaspaceAt::continuation, Metaspace{}, buffer, views);
  EXPECT_EQ((V{views.begin(), views.end()}), (V{"Hey", m + "you"}));
}

}  // namespace
}  // namespace w2s::tokenizer
