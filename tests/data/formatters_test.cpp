// Tests for data/formatters: each HF export formatter on its hand-written fixture
// (tests/fixtures/hf), checked against the reference implementation's text templates.
#include "w2s/data/formatters.h"

#include <gtest/gtest.h>

#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/io/jsonl.h"

namespace w2s::data {
namespace {

using test::error_of;

std::filesystem::path fixture(const std::string& name) {
  return test::source_dir() / "tests" / "fixtures" / "hf" / (name + ".jsonl");
}

std::vector<nlohmann::json> rows_of(const std::string& name) { return w2s::io::read_jsonl(fixture(name)); }

std::vector<std::string> texts(const std::vector<Example>& v) {
  std::vector<std::string> t;
  for (const auto& e : v) t.push_back(e.text);
  return t;
}

// Ids and groups follow "{name}/{split}/{row}" and every row has its own group.
void expect_row_ids_and_groups(const std::vector<Example>& ex, const std::string& stem) {
  for (size_t i = 0; i < ex.size(); ++i) {
    EXPECT_EQ(ex[i].id, stem + std::to_string(i));
    EXPECT_EQ(ex[i].group, ex[i].id);
  }
}

TEST(FormatSciq, ShowsTheCorrectAnswerIffLabelIsOne) {
  const auto rows = rows_of("sciq");
  const HfRows out = format_hf_file("sciq", fixture("sciq"), 0);
  ASSERT_EQ(out.examples.size(), rows.size());
  EXPECT_EQ(out.n_rows, rows.size());
  EXPECT_EQ(out.n_skipped, 0u);
  EXPECT_TRUE(out.pairs.empty());
  expect_row_ids_and_groups(out.examples, "sciq/train/");
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const auto& e = out.examples[i];
    const std::string stem = "Q: " + r["question"].get<std::string>() + " A: ";
    const std::string correct = stem + r["correct_answer"].get<std::string>();
    const std::set<std::string> wrong = {stem + r["distractor1"].get<std::string>(),
                                         stem + r["distractor2"].get<std::string>(),
                                         stem + r["distractor3"].get<std::string>()};
    if (e.label == 1) {
      EXPECT_EQ(e.text, correct);
    } else {
      EXPECT_EQ(e.label, 0);
      EXPECT_TRUE(wrong.count(e.text)) << e.text;
    }
  }
}

TEST(FormatSciq, ExactTextsAndDeterminismWithTheSeed) {
  const auto a = format_hf_file("sciq", fixture("sciq"), 7).examples;
  const auto b = format_hf_file("sciq", fixture("sciq"), 7).examples;
  EXPECT_EQ(texts(a), texts(b));
  // Pinned outputs for seed 7: the per-row generator is splitmix64, identical on every platform.
  // A change here changes every sciq experiment; update only on purpose.
  std::vector<int> labels;
  for (const auto& e : a) labels.push_back(e.label);
  EXPECT_EQ(labels, (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(a[0].text, "Q: What gas do plants absorb from the air for photosynthesis? A: helium");
  EXPECT_EQ(a[1].text, "Q: Which organ pumps blood through the body? A: kidney");

  bool any_differs = false;
  for (uint64_t seed : {1, 2, 3, 4}) {
    any_differs |= texts(format_hf_file("sciq", fixture("sciq"), seed).examples) != texts(a);
  }
  EXPECT_TRUE(any_differs);
}

TEST(FormatSciq, HalfCorrectAndEveryDistractorUsedAcrossSeeds) {
  size_t n = 0, n1 = 0;
  std::set<std::string> shown;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    for (const auto& e : format_hf_file("sciq", fixture("sciq"), seed).examples) {
      ++n;
      n1 += e.label;
      if (e.id == "sciq/train/0") shown.insert(e.text);
    }
  }
  EXPECT_NEAR(static_cast<double>(n1) / n, 0.5, 0.05);
  EXPECT_EQ(shown.size(), 4u);  // the correct answer and each of the 3 distractors
}

TEST(FormatSciq, RowsDoNotDependOnLaterRows) {
  test::TempDir dir;
  const auto rows = rows_of("sciq");
  w2s::io::write_jsonl(dir / "head.jsonl", {rows[0], rows[1], rows[2]});
  const auto head = format_hf_file("sciq", dir / "head.jsonl", 3).examples;
  const auto all = format_hf_file("sciq", fixture("sciq"), 3).examples;
  ASSERT_EQ(head.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(head[i].text, all[i].text);
}

TEST(FormatSciq, DistractorEqualToTheAnswerIsNeverShownAsWrong) {
  test::TempDir dir;
  const nlohmann::json row = {{"question", "q"},    {"correct_answer", "x"}, {"distractor1", "x"},
                              {"distractor2", "y"}, {"distractor3", "x"},    {"support", ""}};
  w2s::io::write_jsonl(dir / "s.jsonl", {row});
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const auto e = format_hf_file("sciq", dir / "s.jsonl", seed).examples.at(0);
    EXPECT_EQ(e.text, e.label ? "Q: q A: x" : "Q: q A: y");
  }
}

TEST(FormatBoolq, PassageThenQuestionLabelIsTheAnswer) {
  const auto out = format_hf_file("boolq", fixture("boolq"), 0, "test").examples;
  ASSERT_EQ(out.size(), 6u);
  expect_row_ids_and_groups(out, "boolq/test/");
  EXPECT_EQ(out[1].text,
            "Passage: Penguins are flightless seabirds. Their wings have evolved into flippers that "
            "make them strong swimmers.\nQuestion: can penguins fly");
  std::vector<int> labels;
  for (const auto& e : out) labels.push_back(e.label);
  EXPECT_EQ(labels, (std::vector<int>{1, 0, 0, 1, 0, 1}));
  // No randomness: the seed does not matter.
  EXPECT_EQ(texts(format_hf_file("boolq", fixture("boolq"), 99, "test").examples), texts(out));
}

TEST(FormatCosmosQa, ShowsTheTrueAnswerIffLabelIsOne) {
  const auto rows = rows_of("cosmos_qa");
  size_t n1 = 0;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const auto out = format_hf_file("cosmos_qa", fixture("cosmos_qa"), seed).examples;
    ASSERT_EQ(out.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      const std::string stem = "Context: " + r["context"].get<std::string>() +
                               "\nQuestion: " + r["question"].get<std::string>() + "\nAnswer: ";
      const std::string truth = r["answer" + std::to_string(r["label"].get<int>())];
      const std::string& text = out[i].text;
      ASSERT_EQ(text.rfind(stem, 0), 0u) << text;
      const std::string shown = text.substr(stem.size());
      EXPECT_EQ(out[i].label == 1, shown == truth) << text;
      bool is_candidate = false;
      for (int k = 0; k < 4; ++k) is_candidate |= shown == r["answer" + std::to_string(k)];
      EXPECT_TRUE(is_candidate) << shown;
      n1 += out[i].label;
    }
    // Row 2's true answer is "None of the above choices .": always another answer, label 0.
    EXPECT_EQ(out[2].label, 0);
  }
  EXPECT_GT(n1, 50u * 5 / 2 - 40);
  EXPECT_LT(n1, 50u * 5 / 2 + 40);
}

TEST(FormatCosmosQa, ExactText) {
  const auto out = format_hf_file("cosmos_qa", fixture("cosmos_qa"), 0).examples;
  const std::string stem =
      "Context: The shop was closed when I arrived, so I went to the bakery next door instead.\n"
      "Question: What did the narrator do after finding the shop closed?\nAnswer: ";
  if (out[3].label == 1) {
    EXPECT_EQ(out[3].text, stem + "Visited the bakery nearby.");
  } else {
    EXPECT_TRUE(out[3].text == stem + "Went home." || out[3].text == stem + "Called the police." ||
                out[3].text == stem + "None of the above choices .")
        << out[3].text;
  }
}

TEST(FormatAmazonPolarity, TitleSpaceContentLabelAsGiven) {
  const auto out = format_hf_file("amazon_polarity", fixture("amazon_polarity"), 0).examples;
  ASSERT_EQ(out.size(), 6u);
  expect_row_ids_and_groups(out, "amazon_polarity/train/");
  EXPECT_EQ(out[0].text, "Works great The kettle boils quickly and shuts off on its own. Very happy with it.");
  EXPECT_EQ(out[4].text, "Good value Sturdy, cheap and arrived early.");
  std::vector<int> labels;
  for (const auto& e : out) labels.push_back(e.label);
  EXPECT_EQ(labels, (std::vector<int>{1, 0, 1, 0, 1, 0}));
}

TEST(FormatAnli, EntailmentIsLabelOne) {
  const auto out = format_hf_file("anli", fixture("anli"), 0).examples;
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].text,
            "Premise: The Riverside Bridge, opened in 1932, is a steel arch bridge that crosses the "
            "Ouse in the town centre.\nHypothesis: The Riverside Bridge was opened before 1950.\n\n"
            "Does the premise entail the hypothesis?");
  std::vector<int> labels;
  for (const auto& e : out) labels.push_back(e.label);
  // anli labels 0 (entailment), 1, 2, 0, 2, 1 → binary 1, 0, 0, 1, 0, 0.
  EXPECT_EQ(labels, (std::vector<int>{1, 0, 0, 1, 0, 0}));
  EXPECT_EQ(format_hf_file("anli-r2", fixture("anli"), 0).examples.size(), 6u);  // alias
}

TEST(FormatHhRlhf, ChosenAndRejectedShareAGroupAndFormAPair) {
  const auto rows = rows_of("hh_rlhf");
  const HfRows out = format_hf_file("hh_rlhf", fixture("hh_rlhf"), 0);
  ASSERT_EQ(out.examples.size(), 2 * rows.size());
  ASSERT_EQ(out.pairs.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& c = out.examples[2 * i];
    const auto& r = out.examples[2 * i + 1];
    const std::string key = "hh_rlhf/train/" + std::to_string(i);
    EXPECT_EQ(c.id, key + "/chosen");
    EXPECT_EQ(r.id, key + "/rejected");
    EXPECT_EQ(c.text, rows[i]["chosen"]);
    EXPECT_EQ(r.text, rows[i]["rejected"]);
    EXPECT_EQ(c.label, 1);
    EXPECT_EQ(r.label, 0);
    EXPECT_EQ(c.group, key);
    EXPECT_EQ(r.group, key);
    const auto& p = out.pairs[i];
    EXPECT_EQ(p.id, key);
    EXPECT_EQ(p.group, key);
    EXPECT_EQ(p.prompt + p.chosen, rows[i]["chosen"]);
    EXPECT_EQ(p.prompt + p.rejected, rows[i]["rejected"]);
    EXPECT_TRUE(p.prompt.size() >= 12 && p.prompt.substr(p.prompt.size() - 12) == "\n\nAssistant:");
  }
  EXPECT_EQ(out.pairs[0].prompt, "\n\nHuman: How do I boil an egg?\n\nAssistant:");
  EXPECT_EQ(out.pairs[0].rejected, " Eggs are laid by hens.");
  EXPECT_EQ(out.pairs[1].prompt,
            "\n\nHuman: What is the capital of France?\n\nAssistant: Paris.\n\nHuman: And of "
            "Italy?\n\nAssistant:");
  EXPECT_EQ(out.pairs[1].chosen, " Rome is the capital of Italy.");
  EXPECT_EQ(format_hf_file("anthropic_hh", fixture("hh_rlhf"), 0).examples.size(), 10u);  // alias
}

TEST(FormatHhRlhf, PairsFormIsAComparisonTaskWithTheSharedDialogueAsPrompt) {
  const auto rows = rows_of("hh_rlhf");
  const Task t = format_hf("hh_rlhf_pairs", fixture("hh_rlhf"), 0);
  EXPECT_EQ(t.kind, TaskKind::comparison);
  ASSERT_EQ(t.train.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Example& e = t.train[i];
    ASSERT_EQ(e.completions.size(), 2u);
    EXPECT_EQ(e.label, 0);
    EXPECT_EQ(e.text + e.completions[0], rows[i]["chosen"]);
    EXPECT_EQ(e.text + e.completions[1], rows[i]["rejected"]);
  }
  // A dialogue whose prompt is shared up to the last turn keeps every earlier turn in the prompt.
  EXPECT_EQ(t.train[1].text,
            "\n\nHuman: What is the capital of France?\n\nAssistant: Paris.\n\nHuman: And of Italy?\n\nAssistant:");
  EXPECT_EQ(t.train[1].completions[1], " I don't know.");
  // Identical replies cannot be compared: the row is skipped.
  test::TempDir dir;
  w2s::io::write_jsonl(dir / "same.jsonl", {{{"chosen", "\n\nHuman: Hi\n\nAssistant: Hello."},
                                             {"rejected", "\n\nHuman: Hi\n\nAssistant: Hello."}},
                                            rows[0]});
  const HfRows out = format_hf_file("hh_rlhf_pairs", dir / "same.jsonl", 0);
  EXPECT_EQ(out.examples.size(), 1u);
  EXPECT_EQ(out.n_skipped, 1u);
}

TEST(FormatHf, TaskFromTrainAndTestFiles) {
  const Task t = format_hf("sciq", fixture("sciq"), 5, fixture("sciq"));
  EXPECT_EQ(t.name, "sciq");
  EXPECT_FALSE(t.description.empty());
  ASSERT_EQ(t.train.size(), 8u);
  ASSERT_EQ(t.test.size(), 8u);
  EXPECT_EQ(t.train[0].id, "sciq/train/0");
  EXPECT_EQ(t.test[0].id, "sciq/test/0");
  const Task no_test = format_hf("hh_rlhf", fixture("hh_rlhf"), 0);
  EXPECT_TRUE(no_test.test.empty());
}

TEST(FormatHf, UnknownNameListsKnownFormats) {
  const std::string err = error_of([] { format_hf_file("squad", fixture("sciq"), 0); });
  EXPECT_NE(err.find("unknown Hugging Face dataset format 'squad'"), std::string::npos) << err;
  EXPECT_NE(err.find("amazon_polarity, anli, boolq, cosmos_qa, cosmos_qa_mc, hh_rlhf, hh_rlhf_pairs, sciq, sciq_mc"),
            std::string::npos)
      << err;
  EXPECT_EQ(hf_format_names(),
            (std::vector<std::string>{"amazon_polarity", "anli", "boolq", "cosmos_qa", "cosmos_qa_mc", "hh_rlhf",
                                      "hh_rlhf_pairs", "sciq", "sciq_mc"}));
  EXPECT_EQ(hf_formats().size(), 9u);
}

TEST(FormatHf, WrongFileOrBadValuesNameFileLineAndField) {
  // A boolq export read as sciq: the missing column is named with the file and line.
  std::string err = error_of([] { format_hf_file("sciq", fixture("boolq"), 0); });
  EXPECT_NE(
      err.find(fixture("boolq").string() + ":1: missing field 'correct_answer' (fields: answer, passage, question)"),
      std::string::npos)
      << err;
  test::TempDir dir;
  w2s::io::write_jsonl(dir / "a.jsonl", {nlohmann::json{{"premise", "p"}, {"hypothesis", "h"}, {"label", 3}}});
  err = error_of([&] { format_hf_file("anli", dir / "a.jsonl", 0); });
  EXPECT_NE(err.find(":1: field 'label' must be 0 (entailment)"), std::string::npos) << err;
  w2s::io::write_jsonl(dir / "b.jsonl", {nlohmann::json{{"passage", "p"}, {"question", "q"}, {"answer", "maybe"}}});
  err = error_of([&] { format_hf_file("boolq", dir / "b.jsonl", 0); });
  EXPECT_NE(err.find(":1: label 'maybe' in field 'answer' is not 0/1"), std::string::npos) << err;
}

// sciq and cosmos_qa as multiple choice: the prompt, every distinct answer as a choice (after a
// space, in a per-row order drawn from the seed), the label the correct answer's index.
TEST(FormatMultipleChoice, SciqAndCosmosQaQuestionsHoldEveryAnswer) {
  const auto rows = rows_of("sciq");
  const HfRows sciq = format_hf_file("sciq_mc", fixture("sciq"), 0);
  ASSERT_EQ(sciq.examples.size(), rows.size());
  expect_row_ids_and_groups(sciq.examples, "sciq_mc/train/");
  std::set<int> positions;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& e = sciq.examples[i];
    EXPECT_EQ(e.text, "Q: " + rows[i]["question"].get<std::string>() + " A:");
    EXPECT_EQ(e.completions[e.label], " " + rows[i]["correct_answer"].get<std::string>());
    EXPECT_EQ(std::set<std::string>(e.completions.begin(), e.completions.end()).size(), e.completions.size());
    EXPECT_GE(e.completions.size(), 2u);
    positions.insert(e.label);
  }
  EXPECT_GT(positions.size(), 1u);  // the correct answer is not always first
  const auto choices = [](const std::vector<Example>& v) {
    std::vector<std::vector<std::string>> c;
    for (const auto& e : v) c.push_back(e.completions);
    return c;
  };
  EXPECT_EQ(choices(format_hf_file("sciq_mc", fixture("sciq"), 0).examples), choices(sciq.examples));
  bool differs = false;  // the order is the seed's
  for (uint64_t seed = 1; seed < 10; ++seed)
    differs |= choices(format_hf_file("sciq_mc", fixture("sciq"), seed).examples) != choices(sciq.examples);
  EXPECT_TRUE(differs);
  const auto cosmos_rows = rows_of("cosmos_qa");
  const HfRows cosmos = format_hf_file("cosmos_qa_mc", fixture("cosmos_qa"), 0);
  ASSERT_EQ(cosmos.examples.size() + cosmos.n_skipped, cosmos_rows.size());
  for (const auto& e : cosmos.examples) {
    const size_t row = std::stoul(e.id.substr(e.id.rfind('/') + 1));
    const auto& r = cosmos_rows[row];
    const std::string truth = r["answer" + std::to_string(r["label"].get<int>())].get<std::string>();
    EXPECT_EQ(e.completions[e.label], " " + truth);
    EXPECT_EQ(e.text.rfind("Context: ", 0), 0u);
  }
  const Task t = format_hf("cosmos_qa_mc", fixture("cosmos_qa"), 0);
  EXPECT_EQ(t.kind, TaskKind::multiple_choice);
}

}  // namespace
}  // namespace w2s::data
