// Weak-label files: round trip, the reference field names, and clear errors on bad rows.
#include "w2s/methods/weak_labels.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"

using w2s::methods::WeakLabel;

TEST(WeakLabels, RoundTripWithReferenceFieldNames) {
  w2s::test::TempDir tmp;
  const std::vector<WeakLabel> rows = {
      {"t/1", "good food", 1, {0.2, 0.8}}, {"t/2", "bad \"food\"\n", 0, {0.75, 0.25}}, {"", "x", -1, {0.5, 0.5}}};
  w2s::methods::write_weak_labels(tmp / "w.jsonl", rows);
  const auto text = w2s::read_file(tmp / "w.jsonl");
  const auto first = nlohmann::json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(first["txt"], "good food");
  EXPECT_EQ(first["gt_label"], 1);
  EXPECT_EQ(first["hard_label"], 1);
  ASSERT_EQ(first["soft_label"].size(), 2u);
  EXPECT_NEAR(first["soft_label"][0].get<double>(), 0.2, 1e-12);
  const auto back = w2s::methods::read_weak_labels(tmp / "w.jsonl");
  ASSERT_EQ(back.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(back[i].id, rows[i].id);
    EXPECT_EQ(back[i].text, rows[i].text);
    EXPECT_EQ(back[i].gt_label, rows[i].gt_label);
    ASSERT_EQ(back[i].soft.size(), 2u);
    EXPECT_NEAR(back[i].soft[1], rows[i].soft[1], 1e-12);
  }
  EXPECT_EQ(back[2].hard_label(), 0);  // 0.5 is not above 0.5
}

TEST(WeakLabels, ReadsFilesWithoutIdsOrGroundTruth) {
  w2s::test::TempDir tmp;
  w2s::write_file_atomic(tmp / "w.jsonl", R"({"txt": "a", "soft_label": [0.1, 0.9], "hard_label": 1}
{"txt": "b", "soft_label": [1, 0], "gt_label": true}
)");
  const auto rows = w2s::methods::read_weak_labels(tmp / "w.jsonl");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].gt_label, -1);
  EXPECT_NEAR(rows[0].soft[1], 0.9, 1e-12);
  EXPECT_EQ(rows[1].gt_label, 1);
}

TEST(WeakLabels, BadRowsNameFileLineAndField) {
  w2s::test::TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"soft_label": [0.5, 0.5]})", "\"txt\""},
      {R"({"txt": "a", "soft_label": [0.5]})", "soft_label"},
      {R"({"txt": "a", "soft_label": [0.7, 0.7]})", "probability"},
      {R"({"txt": "a", "soft_label": [0.2, 0.8], "hard_label": 0})", "contradicts"},
      {R"({"txt": "a", "soft_label": [0.2, 0.8], "gt_label": 3})", "gt_label"},
  };
  for (const auto& [row, needle] : cases) {
    w2s::write_file_atomic(tmp / "w.jsonl",
                           std::string(R"({"txt": "ok", "soft_label": [0.5, 0.5]})") + "\n" + row + "\n");
    try {
      w2s::methods::read_weak_labels(tmp / "w.jsonl");
      FAIL() << "accepted " << row;
    } catch (const w2s::Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("w.jsonl:2"), std::string::npos) << msg;
      EXPECT_NE(msg.find(needle), std::string::npos) << msg;
    }
  }
}

// Multiple choice: one probability per choice of the question; gt_label and hard_label index them.
TEST(WeakLabels, MultipleChoiceRowsRoundTripAndIndexTheirChoices) {
  w2s::test::TempDir tmp;
  const std::vector<WeakLabel> rows = {{"q/1", "1. e2e4 e7e5", 2, {0.1, 0.2, 0.6, 0.1}},
                                       {"q/2", "1. d2d4", 0, {0.5, 0.25, 0.25}}};
  w2s::methods::write_weak_labels(tmp / "w.jsonl", rows);
  const auto text = w2s::read_file(tmp / "w.jsonl");
  const auto first = nlohmann::json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(first["soft_label"].size(), 4u);
  EXPECT_EQ(first["hard_label"], 2);
  const auto back = w2s::methods::read_weak_labels(tmp / "w.jsonl");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].soft.size(), 4u);
  EXPECT_EQ(back[1].soft.size(), 3u);
  EXPECT_EQ(back[0].gt_label, 2);
  EXPECT_EQ(back[0].hard_label(), 2);
  EXPECT_EQ(back[1].hard_label(), 0);
  for (const auto& [row, needle] : std::vector<std::pair<std::string, std::string>>{
           {R"({"txt": "a", "soft_label": [0.2, 0.3, 0.5], "gt_label": 3})", "choice index (0 to 2)"},
           {R"({"txt": "a", "soft_label": [0.2, 0.3, 0.5], "hard_label": 1})", "contradicts"},
           {R"({"txt": "a", "soft_label": [0.2, 0.3, 0.6]})", "not a probability"},
           {R"({"txt": "a", "soft_label": [0.2, "x", 0.8]})", "numbers"}}) {
    w2s::write_file_atomic(tmp / "bad.jsonl", row + "\n");
    try {
      w2s::methods::read_weak_labels(tmp / "bad.jsonl");
      ADD_FAILURE() << "accepted " << row;
    } catch (const w2s::Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad.jsonl:1"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  }
}
