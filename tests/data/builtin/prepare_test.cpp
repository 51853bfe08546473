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
