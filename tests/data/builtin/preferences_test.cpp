// The built-in comparison tasks on small texts: prose splitting, continuations with distractors
// from other documents, minimal pairs, and definition pairs from the definitions task.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
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
  // Another seed draws other distractors (and another test split: compare the pairs both train on).
  const Task other = build_continuations(many, {.seed = 2});
  std::map<std::string, std::string> distractor;
  for (const auto& e : other.train) distractor[e.id] = e.completions[1];
  size_t both = 0, differ = 0;
  for (const auto& e : t.train)
    if (distractor.count(e.id)) ++both, differ += distractor[e.id] != e.completions[1];
  EXPECT_GT(both, 10u);
  EXPECT_GT(differ, both / 4);
  EXPECT_NE(error_of([&] { build_continuations(kText, {}); }).find("only 12 held-out sentences"), std::string::npos);
}

TEST(Preferences, ContinuationsAndMinimalPairsHoldOutWholeDocumentsForTesting) {
  // 40 documents of distinct sentences, 2 paragraphs of 3 each.
  std::string many;
  for (int d = 0; d < 40; ++d) {
    for (int p = 0; p < 2; ++p) {
      for (int k = 0; k < 3; ++k) many += fmt::format("Document {} paragraph {} has sentence number {}. ", d, p, k);
      many += "\n\n";
    }
    many += "<|endoftext|>\n";
  }
  for (const bool minimal : {false, true}) {
    SCOPED_TRACE(minimal ? "minimal_pairs" : "continuations");
    const PreferenceOptions o{.seed = 3, .test_fraction = 0.25};
    const Task t = minimal ? build_minimal_pairs(many, o) : build_continuations(many, o);
    EXPECT_EQ(t.train.size() + t.test.size(), minimal ? 240u : 160u);
    // Whole documents, 10 of 40 (a quarter of the sentences).
    std::set<std::string> train_groups, test_groups;
    for (const auto& e : t.train) train_groups.insert(e.group);
    for (const auto& e : t.test) test_groups.insert(e.group);
    EXPECT_EQ(test_groups.size(), 10u);
    EXPECT_EQ(train_groups.size(), 30u);
    for (const auto& g : test_groups) EXPECT_EQ(train_groups.count(g), 0u) << g;
    for (const auto& e : t.test) {
      // The group names the document, and its sentences say which.
      const std::string doc = e.group.substr(e.group.find('/') + 1);
      EXPECT_NE(e.completions[0].find("Document " + doc + " "), std::string::npos) << e.id;
    }
    if (!minimal) {
      // A test pair's distractor comes from another test document: no test sentence in training.
      std::set<std::string> train_text;
      for (const auto& e : t.train)
        for (const auto& c : e.completions) train_text.insert(c);
      for (const auto& e : t.test) {
        EXPECT_EQ(train_text.count(e.completions[1]), 0u) << e.id;
        const std::string other = e.completions[1].substr(10, e.completions[1].find(' ', 10) - 10);
        EXPECT_EQ(test_groups.count("continuations/" + other), 1u) << e.completions[1];
      }
    }
    // Another seed holds out other documents.
    const PreferenceOptions o2{.seed = 4, .test_fraction = 0.25};
    const Task t2 = minimal ? build_minimal_pairs(many, o2) : build_continuations(many, o2);
    std::set<std::string> test2;
    for (const auto& e : t2.test) test2.insert(e.group);
    EXPECT_NE(test2, test_groups);
  }
  EXPECT_TRUE(build_continuations(many, {.seed = 3, .test_fraction = 0.0}).test.empty());
  EXPECT_NE(error_of([&] { build_minimal_pairs(many, {.test_fraction = 1.0}); }).find("test_fraction"),
            std::string::npos);
}

TEST(Preferences, SentencesTheCorpusHoldsAreLeftOut) {
  // A "corpus" that quotes one held-out sentence (in a mail quote, wrapped): no pair may use it, as prompt or
  // completion.
  const std::string corpus =
      "Another text entirely.\n > By morning the fields were\n >> under water. It ends.\n<|endoftext|>\n";
  const auto seen = sentence_hashes(corpus);
  EXPECT_EQ(seen.size(), 1u);  // the others are under 4 words
  const std::string quoted = "By morning the fields were under water.";
  for (const bool minimal : {false, true}) {
    std::string many;
    for (int i = 0; i < 16; ++i) many += kText;
    nlohmann::json notes;
    const PreferenceOptions o{.seed = 1, .exclude = &seen};
    const Task t = minimal ? build_minimal_pairs(many, o, &notes) : build_continuations(many, o, &notes);
    const Task all = minimal ? build_minimal_pairs(many, {.seed = 1}) : build_continuations(many, {.seed = 1});
    EXPECT_EQ(notes["excluded_sentences"], 16);
    size_t n = 0, n_all = 0;
    for (const auto* task : {&t, &all})
      for (const auto* part : {&task->train, &task->test})
        for (const auto& e : *part) {
          (task == &t ? n : n_all) += 1;
          if (task != &t) continue;
          EXPECT_EQ(e.text.find(quoted), std::string::npos) << e.id;
          for (const auto& c : e.completions) EXPECT_EQ(c.find(quoted), std::string::npos) << e.id;
        }
    EXPECT_LT(n, n_all);
  }
}

TEST(Preferences, MinimalPairsSwapTwoAdjacentDifferentWords) {
  Task t = build_minimal_pairs(kText, {.seed = 2});
  t.train.insert(t.train.end(), t.test.begin(), t.test.end());
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
