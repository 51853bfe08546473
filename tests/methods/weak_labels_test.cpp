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
      {"t/1", "good food", 1, 0.8}, {"t/2", "bad \"food\"\n", 0, 0.25}, {"", "x", -1, 0.5}};
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
    EXPECT_NEAR(back[i].p1, rows[i].p1, 1e-12);
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
  EXPECT_NEAR(rows[0].p1, 0.9, 1e-12);
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
