// The reviews task builder on a small export fixture.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/data/builtin/reviews.h"

namespace fs = std::filesystem;
using namespace w2s::data;

using w2s::test::data_fixture;
using w2s::test::read_data_fixture;

TEST(Reviews, BuildsFromExportAndDropsTestOverlap) {
  nlohmann::json notes;
  const Task t =
      build_reviews(data_fixture("reviews/training_data.jsonl"), data_fixture("reviews/testing_data.jsonl"), &notes);
  ASSERT_EQ(t.test.size(), 3u);
  EXPECT_EQ(t.test[0].text, "Caf\u00e9 quality at home.");
  EXPECT_EQ(t.test[0].label, 1);
  EXPECT_EQ(t.test[1].label, 0);
  EXPECT_EQ(t.test[0].group, "reviews/B000000007");
  EXPECT_EQ(t.test[0].id, "reviews/test/1");
  // Six rows: one repeats row 1, one ("Tastes like cardboard.") is a test text.
  ASSERT_EQ(t.train.size(), 4u);
  EXPECT_EQ(notes["n_train_repeated_dropped"], 1);
  EXPECT_EQ(notes["n_train_text_in_test_dropped"], 1);
  EXPECT_EQ(t.train[0].text, "Great coffee, rich and smooth.\n\nWill buy again!");
  EXPECT_EQ(t.train[1].text, "Stale chips & too salty. Not worth it.");
  EXPECT_EQ(t.train[3].text, "Perfect tea for cold mornings this one.");
  for (const Example& e : t.train) EXPECT_EQ(e.text.find('<'), std::string::npos);
}

TEST(Reviews, BadScoreNamesFileAndLine) {
  w2s::test::TempDir dir;
  w2s::write_file_atomic(dir / "train.jsonl",
                         "{\"product\":\"p\",\"review\":\"ok\",\"score\":\"great\"}\n"
                         "{\"product\":\"p\",\"review\":\"ok\",\"score\":\"5\"}\n");
  try {
    build_reviews(dir / "train.jsonl", dir / "train.jsonl");
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.jsonl:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'5'"), std::string::npos) << e.what();
  }
}
