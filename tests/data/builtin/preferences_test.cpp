// The built-in comparison tasks on small texts: prose splitting, continuations with distractors
// from other documents, minimal pairs, and definition pairs from the definitions task.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "test_support.h"
#include "w2s/data/builtin/preferences.h"

using namespace w2s::data;
using w2s::test::error_of;

namespace {

// Three documents in corpus format; the third is mail-like and mostly filtered.
const std::string kText =
    "The river rose in the night. By morning the fields were under water. Farmers moved their "
    "animals to the hills. Nobody had seen such a flood before.\n\nA second paragraph starts here "
    "and runs long enough. It has two good sentences in it.\n<|endoftext|>\n"
    "Stars filled the sky above the town. The children counted them from the roof. Their mother "
    "called them in for supper. They came down slowly and sat at the table.\n<|endoftext|>\n"
    "> quoted reply that should go\nFrom: someone@example.com\nSee http://example.com for more.\n"
    "A plain sentence survives the filter here. Another plain sentence follows it now.\n<|endoftext|>\n";

}  // namespace

TEST(Preferences, ProseParagraphsKeepSentencesAndDropMailLines) {
  const auto paras = prose_paragraphs(kText);
  ASSERT_EQ(paras.size(), 4u);
  EXPECT_EQ(paras[0].document, 0u);
  EXPECT_EQ(paras[0].sentences.size(), 4u);
  EXPECT_EQ(paras[0].sentences[1], "By morning the fields were under water.");
  EXPECT_EQ(paras[2].document, 1u);
  EXPECT_EQ(paras[3].document, 2u);
  EXPECT_EQ(paras[3].sentences.front(), "A plain sentence survives the filter here.");
}

TEST(Preferences, ContinuationsPairTheRealNextSentenceWithOneFromAnotherDocument) {
  std::string many;  // enough held-out sentences for distractors
  for (int i = 0; i < 16; ++i) many += kText;
  const Task t = build_continuations(many, {.seed = 1});
  ASSERT_FALSE(t.train.empty());
  const auto paras = prose_paragraphs(kText);
  std::set<std::string> doc0;
  for (const auto& p : paras)
    if (p.document == 0)
      for (const auto& s : p.sentences) doc0.insert(s);
  for (const auto& e : t.train) {
    ASSERT_EQ(e.completions.size(), 2u);
    EXPECT_EQ(e.label, 0);
    EXPECT_NE(e.completions[0], e.completions[1]);
    // The real next sentence follows the prompt in the text.
    EXPECT_NE(kText.find(e.text.substr(e.text.size() - 10) + e.completions[0]), std::string::npos) << e.id;
    const double ratio = double(e.completions[1].size()) / double(e.completions[0].size());
    EXPECT_GE(ratio, 0.55);
    EXPECT_LE(ratio, 1.45);
    EXPECT_FALSE(e.group.empty());
  }
  // Deterministic in the seed.
  const Task again = build_continuations(many, {.seed = 1});
  ASSERT_EQ(again.train.size(), t.train.size());
  EXPECT_EQ(again.train.back().completions, t.train.back().completions);
  const Task other = build_continuations(many, {.seed = 2});  // other distractors
  size_t differ = 0;
  for (size_t i = 0; i < t.train.size(); ++i) differ += other.train[i].completions[1] != t.train[i].completions[1];
  EXPECT_GT(differ, t.train.size() / 4);
  EXPECT_NE(error_of([&] { build_continuations(kText, {}); }).find("only 12 held-out sentences"), std::string::npos);
}

TEST(Preferences, MinimalPairsSwapTwoAdjacentDifferentWords) {
  const Task t = build_minimal_pairs(kText, {.seed = 2});
  ASSERT_GE(t.train.size(), 10u);
  for (const auto& e : t.train) {
    EXPECT_TRUE(e.text.empty());
    const std::string& a = e.completions[0];
    const std::string& b = e.completions[1];
    EXPECT_NE(a, b);
    EXPECT_EQ(a.size(), b.size());
    std::multiset<char> ca(a.begin(), a.end()), cb(b.begin(), b.end());
    EXPECT_EQ(ca, cb) << a << " / " << b;  // the same words, two of them swapped
  }
}

TEST(Preferences, DefinitionPairsPairEachSenseWithItsNegative) {
  Task defs;
  defs.train = {{"definitions/bank/n/1/1",
                 definitions_text("bank", "noun", "sloping land beside water"),
                 1,
                 "definitions/bank",
                 {}},
                {"definitions/bank/n/1/0", definitions_text("bank", "noun", "a small dog"), 0, "definitions/bank", {}}};
  defs.test = {
      {"definitions/run/v/2/1", definitions_text("run", "verb", "move fast on foot"), 1, "definitions/run", {}},
      {"definitions/run/v/2/0", definitions_text("run", "verb", "be asleep"), 0, "definitions/run", {}}};
  const Task t = build_definition_pairs(defs);
  ASSERT_EQ(t.train.size(), 1u);
  ASSERT_EQ(t.test.size(), 1u);
  EXPECT_EQ(t.train[0].id, "definitions/bank/n/1");
  EXPECT_EQ(t.train[0].text, "Word: bank (noun)\nDefinition:");
  EXPECT_EQ(t.train[0].completions, (std::vector<std::string>{" sloping land beside water", " a small dog"}));
  EXPECT_EQ(t.test[0].group, "definitions/run");
}

TEST(Preferences, TitlesAndInitialsDoNotEndSentences) {
  const auto paras = prose_paragraphs(
      "Then Mr. Weston came in with J. Smith and the others. They sat down at once.\n"
      "<|endoftext|>\n");
  ASSERT_EQ(paras.size(), 1u);
  ASSERT_EQ(paras[0].sentences.size(), 2u);
  EXPECT_EQ(paras[0].sentences[0], "Then Mr. Weston came in with J. Smith and the others.");
}
