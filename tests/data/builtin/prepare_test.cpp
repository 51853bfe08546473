// `w2s data prepare` from a fixture raw folder: builds, skips when prepared, rebuilds on new packages or seeds.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/data/builtin/prepare.h"
#include "w2s/data/builtin_tasks.h"

namespace fs = std::filesystem;
using namespace w2s::data;

using w2s::test::data_fixture;
using w2s::test::read_data_fixture;

TEST(BuiltinTasks, PrepareFromFixtureRawFolderAndSkipWhenPrepared) {
  w2s::test::TempDir root;
  const fs::path raw = root / "raw";
  fs::create_directories(raw / "modeldata");
  w2s::write_file_atomic(raw / "packages.tsv", "registry\tpackage\tversion\ndebian\tr-cran-modeldata\t1.1.0-1\n");
  fs::copy_file(data_fixture("reviews/training_data.jsonl"), raw / "modeldata" / "training_data.jsonl");
  fs::copy_file(data_fixture("reviews/testing_data.jsonl"), raw / "modeldata" / "testing_data.jsonl");
  PrepareOptions o;
  o.data_root = root.path();
  o.tasks = {"reviews"};
  auto results = prepare_builtin_tasks(o);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].skipped);
  EXPECT_EQ(results[0].manifest.test.n, 3u);
  EXPECT_EQ(results[0].manifest.packages.at(0).name, "r-cran-modeldata");
  EXPECT_EQ(results[0].manifest.inputs.size(), 2u);
  EXPECT_TRUE(is_task_prepared(root.path(), "reviews"));
  results = prepare_builtin_tasks(o);
  EXPECT_TRUE(results[0].skipped);
  o.force = true;
  EXPECT_FALSE(prepare_builtin_tasks(o)[0].skipped);
  // A new package version (or another seed) rebuilds without --force.
  o.force = false;
  w2s::write_file_atomic(raw / "packages.tsv", "registry\tpackage\tversion\ndebian\tr-cran-modeldata\t1.2.0-1\n");
  results = prepare_builtin_tasks(o);
  EXPECT_FALSE(results[0].skipped);
  EXPECT_EQ(results[0].manifest.packages.at(0).version, "1.2.0-1");
  o.seed = 5;
  EXPECT_FALSE(prepare_builtin_tasks(o)[0].skipped);
  EXPECT_TRUE(prepare_builtin_tasks(o)[0].skipped);
  // A task whose raw files are missing says how to get them.
  o.tasks = {"spam"};
  try {
    prepare_builtin_tasks(o);
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fetch_data.sh"), std::string::npos) << e.what();
  }
  o.tasks = {"nope"};
  EXPECT_THROW(prepare_builtin_tasks(o), w2s::Error);
}

TEST(BuiltinTasks, ATaskBuiltFromAMadeFileIsRebuiltWhenTheFileChanges) {
  // chess_moves reads data/chess/puzzles.jsonl (scripts/chess_data.sh makes it; the repository
  // ships it): a new version of that file must not leave the prepared task stale.
  w2s::test::TempDir root;
  const std::string shipped = w2s::read_file(w2s::test::source_dir() / "data" / "chess" / "puzzles.jsonl");
  std::vector<std::string> rows;
  for (size_t at = 0; rows.size() < 40;) {
    const size_t nl = shipped.find('\n', at);
    rows.push_back(shipped.substr(at, nl + 1 - at));
    at = nl + 1;
  }
  auto write_puzzles = [&](size_t n) {
    std::string text;
    for (size_t i = 0; i < n; ++i) text += rows[i];
    fs::create_directories(root / "chess");
    w2s::write_file_atomic(root / "chess" / "puzzles.jsonl", text);
  };
  write_puzzles(40);
  fs::create_directories(root / "raw");
  w2s::write_file_atomic(root / "raw" / "packages.tsv",
                         "registry\tpackage\tversion\ndebian\tstockfish\t15.1-4\ndebian\tpgn-extract\t19.04-1\n");
  PrepareOptions o;
  o.data_root = root.path();
  o.tasks = {"chess_moves"};
  auto r = prepare_builtin_tasks(o);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].skipped);
  EXPECT_EQ(r[0].manifest.train.n + r[0].manifest.test.n, 40u);
  EXPECT_TRUE(prepare_builtin_tasks(o)[0].skipped);
  write_puzzles(30);  // the file changed: rebuilt without --force
  r = prepare_builtin_tasks(o);
  EXPECT_FALSE(r[0].skipped);
  EXPECT_EQ(r[0].manifest.train.n + r[0].manifest.test.n, 30u);
  EXPECT_TRUE(prepare_builtin_tasks(o)[0].skipped);
}
