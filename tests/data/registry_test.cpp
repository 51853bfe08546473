// Task registry: spec parsing, built-in task loading and its errors, user files, data root.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/manifest.h"
#include "w2s/data/registry.h"
#include "w2s/data/task_report.h"

namespace fs = std::filesystem;
using namespace w2s::data;

namespace {

using w2s::test::error_of;

void write_toy_builtin(const fs::path& root, const std::string& name) {
  Task t;
  t.name = name;
  t.description = "toy " + name;
  t.train = {{name + "/1", "alpha", 1, "g", {}}, {name + "/2", "beta", 0, "g", {}}, {name + "/3", "gamma", 0, "", {}}};
  t.test = {{name + "/4", "delta", 1, "", {}}};
  write_prepared_task(task_dir(root, name), t, TaskManifest{});
}

}  // namespace

TEST(Registry, ParsesBuiltinFileAndFormatSpecs) {
  EXPECT_EQ(parse_task_spec("reviews").kind, "builtin");
  const TaskSpec j = parse_task_spec("jsonl:data/qa.jsonl?text=question&label=correct&group=qid");
  EXPECT_EQ(j.kind, "jsonl");
  EXPECT_EQ(j.path, fs::path("data/qa.jsonl"));
  EXPECT_EQ(j.name, "qa");
  EXPECT_EQ(j.option("text"), "question");
  EXPECT_EQ(j.option("group"), "qid");
  EXPECT_EQ(j.option("id"), "");
  EXPECT_EQ(parse_task_spec("my/file.tsv").kind, "tsv");
  EXPECT_EQ(parse_task_spec("other.csv?name=x").name, "x");
  const TaskSpec f = parse_task_spec("sciq:exports/sciq?test=exports/sciq/test.jsonl");
  EXPECT_EQ(f.kind, "sciq");
  EXPECT_EQ(f.path, fs::path("exports/sciq"));
  EXPECT_EQ(f.option("test"), "exports/sciq/test.jsonl");
}

TEST(Registry, UnknownNamesSuggestTheClosest) {
  std::string e = error_of([] { parse_task_spec("reviw"); });
  EXPECT_NE(e.find("unknown task 'reviw'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'reviews'"), std::string::npos) << e;
  EXPECT_NE(e.find("spam, definitions"), std::string::npos) << e;
  e = error_of([] { parse_task_spec("sicq:x.jsonl"); });
  EXPECT_NE(e.find("did you mean 'sciq'"), std::string::npos) << e;
  e = error_of([] { parse_task_spec("jsonl:x.jsonl?txt=q"); });
  EXPECT_NE(e.find("unknown option 'txt'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'text'"), std::string::npos) << e;
  e = error_of([] { parse_task_spec("jsonl:"); });
  EXPECT_NE(e.find("missing PATH"), std::string::npos) << e;
}

TEST(Registry, BuiltinTaskNotPreparedSaysHowToPrepare) {
  w2s::test::TempDir root;
  LoadTaskOptions o;
  o.data_root = root.path();
  const std::string e = error_of([&] { load_task("reviews", o); });
  EXPECT_NE(e.find("task 'reviews' is not prepared: run scripts/setup.sh (or w2s data prepare)"), std::string::npos)
      << e;
}

TEST(Registry, LoadsPreparedBuiltinAndListsIt) {
  w2s::test::TempDir root;
  write_toy_builtin(root.path(), "spam");
  LoadTaskOptions o;
  o.data_root = root.path();
  const Task t = load_task("spam", o);
  EXPECT_EQ(t.name, "spam");
  ASSERT_EQ(t.train.size(), 3u);
  EXPECT_EQ(t.train[0].group, "g");
  ASSERT_EQ(t.test.size(), 1u);

  const auto listing = list_tasks(root.path());
  ASSERT_GE(listing.size(), 3u);
  EXPECT_EQ(listing[0].name, "reviews");
  EXPECT_FALSE(listing[0].prepared);
  EXPECT_EQ(listing[1].name, "spam");
  EXPECT_TRUE(listing[1].prepared);
  ASSERT_TRUE(listing[1].manifest.has_value());
  EXPECT_EQ(listing[1].manifest->train.n, 3u);
  bool has_sciq = false;
  for (const auto& l : listing) has_sciq |= l.name == "sciq:PATH" && l.kind == "format";
  EXPECT_TRUE(has_sciq);
  const std::string table = format_task_table(listing);
  EXPECT_NE(table.find("spam"), std::string::npos);
  EXPECT_NE(table.find("33.3%"), std::string::npos) << table;  // 1 of 3 train examples is label 1
}

TEST(Registry, LoadsUserJsonlWithFieldNamesAndTestFile) {
  w2s::test::TempDir dir;
  w2s::write_file_atomic(
      dir / "qa.jsonl",
      "{\"q\":\"Is water wet?\",\"ok\":true,\"qid\":7}\n{\"q\":\"Is fire cold?\",\"ok\":false,\"qid\":8}\n");
  w2s::write_file_atomic(dir / "qa_test.jsonl", "{\"q\":\"Is ice cold?\",\"ok\":1,\"qid\":9}\n");
  LoadTaskOptions o;
  o.data_root = dir.path();
  const std::string spec =
      "jsonl:" + (dir / "qa.jsonl").string() + "?text=q&label=ok&group=qid&test=" + (dir / "qa_test.jsonl").string();
  const Task t = load_task(spec, o);
  EXPECT_EQ(t.name, "qa");
  ASSERT_EQ(t.train.size(), 2u);
  EXPECT_EQ(t.train[0].text, "Is water wet?");
  EXPECT_EQ(t.train[0].label, 1);
  EXPECT_EQ(t.train[1].label, 0);
  EXPECT_EQ(t.train[0].group, "7");
  ASSERT_EQ(t.test.size(), 1u);
  EXPECT_EQ(t.test[0].label, 1);
  const std::string e = error_of([&] { load_task("jsonl:" + (dir / "missing.jsonl").string(), o); });
  EXPECT_NE(e.find("missing.jsonl"), std::string::npos) << e;
}

TEST(Registry, DataRootOptionThenEnvironment) {
  EXPECT_EQ(resolve_data_root("/explicit"), fs::path("/explicit"));
  const char* old = std::getenv("W2S_DATA");
  const std::string saved = old ? old : "";
  ::setenv("W2S_DATA", "/from/env", 1);
  EXPECT_EQ(resolve_data_root(""), fs::path("/from/env"));
  EXPECT_EQ(resolve_data_root("/explicit"), fs::path("/explicit"));
  ::unsetenv("W2S_DATA");
  // Tests run in the repository: the default is its data/ folder.
  EXPECT_EQ(fs::weakly_canonical(resolve_data_root("")), fs::weakly_canonical(w2s::test::source_dir() / "data"));
  if (old) ::setenv("W2S_DATA", saved.c_str(), 1);
}

TEST(TaskReport, PartStatsAndExamples) {
  const std::vector<Example> ex = {{"a", "xx", 1, "g", {}}, {"b", "yyyy", 0, "g", {}}, {"c", "z\u00e9", 0, "", {}}};
  const PartStats s = part_stats("test", ex);
  EXPECT_EQ(s.n, 3u);
  EXPECT_EQ(s.n_label1, 1u);
  EXPECT_EQ(s.n_groups, 2u);
  EXPECT_DOUBLE_EQ(s.mean_chars, 8.0 / 3.0);
  EXPECT_DOUBLE_EQ(s.majority_rate, 2.0 / 3.0);
  const std::string out = format_examples(ex, 2, 3);
  EXPECT_NE(out.find("--- a (label 1, group g)\nxx\n"), std::string::npos) << out;
  EXPECT_NE(out.find("yyy\u2026"), std::string::npos) << out;
  EXPECT_EQ(out.find("--- c"), std::string::npos);
  Split split;
  split.test = ex;
  EXPECT_EQ(split_part(split, "test").size(), 3u);
  EXPECT_THROW(split_part(split, "nope"), w2s::Error);
}
