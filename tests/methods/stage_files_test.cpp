// A stage's files: nothing non-finite is ever written into a stage.
#include "w2s/methods/stage_files.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/eval/predictions.h"

namespace fs = std::filesystem;

namespace w2s::methods {
namespace {

TEST(StageFiles, NonFinitePredictionsAreAnErrorNotAStage) {
  test::TempDir tmp;
  data::Split s;
  for (int i = 0; i < 4; ++i) {
    data::Example x;
    x.id = "t" + std::to_string(i);
    x.text = "text " + std::to_string(i);
    x.label = i % 2;
    s.test.push_back(x);
    x.id = "u" + std::to_string(i);
    s.train2.push_back(x);
  }
  train::FinetuneResult r;
  r.predictions["test"] = eval::from_p1({0.1, 0.9, 0.2, 0.8});
  r.predictions["train2"] = eval::from_p1({0.3, 0.7, 0.4, 0.6});
  const auto m = write_stage_outputs(tmp / "ok", s, r, 4, nullptr);
  EXPECT_DOUBLE_EQ(m.test_accuracy, 1.0);
  EXPECT_TRUE(fs::exists(tmp / "ok" / "test_predictions.jsonl"));
  for (double bad : {std::nan(""), 1.5, -std::numeric_limits<double>::infinity()}) {
    auto broken = r;
    broken.predictions["train2"][2][1] = bad;
    fs::create_directories(tmp / "bad");
    try {
      write_stage_outputs(tmp / "bad", s, broken, 4, nullptr);
      FAIL() << "expected an error for p1 = " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("example 2 of its train2 set"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(tmp / "bad" / "metrics.json"));
    EXPECT_FALSE(fs::exists(tmp / "bad" / "test_predictions.jsonl"));
  }
}

TEST(StageFiles, AMistypedMetricsFileIsAnErrorNamingIt) {
  test::TempDir tmp;
  fs::create_directories(tmp / "stage");
  const auto path = tmp / "stage" / "metrics.json";
  for (const char* text : {R"({"test_accuracy": "high", "test_auroc": 0.5, "test_ece": 0.1, "agreement": 1,
                                "agree_when_weak_right": 1, "agree_when_weak_wrong": 0})",
                           R"({"test_accuracy": 0.5, "test_auroc": 0.5, "test_ece": 0.1, "agreement": 1,
                                "agree_when_weak_right": 1, "agree_when_weak_wrong": 0, "n_train": [1]})"}) {
    write_file_atomic(path, text);
    try {
      read_stage_metrics(tmp / "stage");
      FAIL() << "expected an error for " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path.string() + ": "), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace w2s::methods
