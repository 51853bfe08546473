// The REAL prepared built-in tasks in <repo>/data/tasks (scripts/setup.sh runs w2s data prepare
// before the tests in CI): sizes, label balance, no train/test overlap, digests. Fails when the
// data is missing: that means setup did not run or failed.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <unordered_set>

#include "test_support.h"
#include "w2s/core/file.h"
#include "w2s/data/builtin/definitions.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/manifest.h"
#include "w2s/data/registry.h"

namespace fs = std::filesystem;
using namespace w2s::data;

namespace {

const fs::path& data_root() {
  static const fs::path root = resolve_data_root();
  return root;
}

Task load_real(const std::string& name) {
  if (!is_task_prepared(data_root(), name)) {
    ADD_FAILURE() << "task '" << name << "' is not prepared in " << data_root()
                  << ": run scripts/setup.sh (or w2s data prepare)";
    return {};
  }
  LoadTaskOptions o;
  o.data_root = data_root();
  return load_task(name, o);  // verifies the files' SHA-256 against the manifest
}

double frac1(const std::vector<Example>& v) {
  size_t n1 = 0;
  for (const Example& e : v) n1 += size_t(e.label);
  return v.empty() ? 0.0 : double(n1) / double(v.size());
}

void expect_disjoint(const Task& t) {
  std::unordered_set<std::string> test_texts;
  std::set<std::string> test_groups;
  for (const Example& e : t.test) {
    test_texts.insert(e.text);
    test_groups.insert(group_of(e));
  }
  size_t overlap = 0, shared_groups = 0;
  std::set<std::string> ids;
  for (const auto* part : {&t.train, &t.test}) {
    for (const Example& e : *part) {
      EXPECT_TRUE(ids.insert(e.id).second) << "duplicate id " << e.id;
      EXPECT_FALSE(e.text.empty()) << e.id;
      EXPECT_TRUE(e.label == 0 || e.label == 1) << e.id;
    }
  }
  for (const Example& e : t.train) {
    overlap += test_texts.count(e.text);
    shared_groups += test_groups.count(group_of(e));
  }
  EXPECT_EQ(overlap, 0u) << t.name << ": train texts that are also test texts";
  if (t.name != "reviews") {  // reviews: product ids may repeat across the package's own split
    EXPECT_EQ(shared_groups, 0u) << t.name << ": groups in both train and test";
  }
}

}  // namespace

TEST(RealData, ReviewsMatchThePackage) {
  const Task t = load_real("reviews");
  if (t.test.empty()) return;
  EXPECT_EQ(t.test.size(), 1000u);
  EXPECT_NEAR(frac1(t.test), 0.658, 1e-9);  // the package's testing_data: 658 "great"
  EXPECT_GE(t.train.size(), 3900u);
  EXPECT_NEAR(frac1(t.train), 0.65, 0.01);
  for (const Example& e : t.train) EXPECT_EQ(e.text.find("<br"), std::string::npos) << e.id;
  expect_disjoint(t);
}

TEST(RealData, SpamBodiesOnly) {
  const Task t = load_real("spam");
  if (t.test.empty()) return;
  EXPECT_GE(t.test.size(), 1000u);
  EXPECT_GE(t.train.size(), 3500u);
  EXPECT_GT(frac1(t.test), 0.2);
  EXPECT_LT(frac1(t.test), 0.4);
  EXPECT_NEAR(frac1(t.train), frac1(t.test), 0.05);
  size_t with_headers = 0;
  for (const Example& e : t.train) {
    EXPECT_LE(e.text.size(), 2000u) << e.id;
    with_headers += (e.text.rfind("Received:", 0) == 0 || e.text.rfind("Return-Path:", 0) == 0) ? 1 : 0;
  }
  EXPECT_EQ(with_headers, 0u);
  expect_disjoint(t);
}

TEST(RealData, DefinitionsBalancedAndGroupedByWord) {
  const Task t = load_real("definitions");
  if (t.test.empty()) return;
  EXPECT_GE(t.test.size(), 1000u);
  EXPECT_GE(t.train.size(), 10000u);
  EXPECT_DOUBLE_EQ(frac1(t.test), 0.5);
  EXPECT_DOUBLE_EQ(frac1(t.train), 0.5);
  for (const Example& e : t.test) {
    ASSERT_TRUE(definitions_definition(e.text).has_value()) << e.text;
    ASSERT_EQ(e.group.rfind("definitions/", 0), 0u) << e.id;
  }
  expect_disjoint(t);
}

TEST(RealData, PreparedManifestsRecordProvenance) {
  for (const BuiltinTaskInfo& info : builtin_tasks()) {
    if (!is_task_prepared(data_root(), info.name)) {
      ADD_FAILURE() << "task '" << info.name << "' is not prepared: run scripts/setup.sh";
      continue;
    }
    const TaskManifest m = read_task_manifest(task_dir(data_root(), info.name));
    EXPECT_EQ(m.task, info.name);
    EXPECT_FALSE(m.w2s_commit.empty());
    ASSERT_FALSE(m.packages.empty());
    EXPECT_NE(m.packages[0].version, "unknown") << info.name;
    EXPECT_FALSE(m.inputs.empty());
    for (const FileDigest& d : m.inputs) EXPECT_EQ(d.sha256.size(), 64u) << d.path;
    EXPECT_EQ(m.outputs.size(), 2u);
  }
}
