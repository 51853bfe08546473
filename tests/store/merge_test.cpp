// Merging run folders: complete stages copied whole and checked, partial ones never published,
// finished ones never overwritten, sweep configs carried along.
#include "w2s/store/merge.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/store/run_store.h"

namespace fs = std::filesystem;
using w2s::store::RunStore;

namespace {

void make_stage(RunStore& store, const std::string& key, const std::string& content) {
  store.produce(key, {{"k", key}}, [&](const fs::path& dir) {
    w2s::write_file_atomic(dir / "metrics.json", content);
    fs::create_directories(dir / "model");
    w2s::write_file_atomic(dir / "model" / "w.bin", std::string(3000, content[0]));
    return nlohmann::json{{"kind", "gt"}};
  });
}

}  // namespace

TEST(MergeStores, CopiesCompleteStagesSkipsPartialOnesAndKeepsFinishedOnes) {
  w2s::test::TempDir tmp;
  RunStore a(tmp / "shard0"), b(tmp / "shard1"), dest(tmp / "all");
  make_stage(a, "gt-00000000000000a1", "a1");
  make_stage(a, "gt-00000000000000a2", "a2");
  make_stage(b, "student-00000000000000b1", "b1");
  make_stage(b, "gt-00000000000000a1", "xx");  // the same shared stage, built by both shards
  make_stage(b, "gt-00000000000000b2", "b2");
  fs::resize_file(b.path("gt-00000000000000b2") / "model" / "w.bin", 10);  // an interrupted copy
  // The destination already holds a1 (complete) and a partial a2.
  make_stage(dest, "gt-00000000000000a1", "d1");
  make_stage(dest, "gt-00000000000000a2", "d2");
  fs::remove(dest.path("gt-00000000000000a2") / "model" / "w.bin");
  w2s::write_file_atomic(tmp / "shard0" / "sweep.toml", "seeds = [0]\n");
  fs::create_directories(tmp / "shard1" / "sweeps");
  w2s::write_file_atomic(tmp / "shard1" / "sweeps" / "abc.toml", "seeds = [1]\n");

  const auto r = w2s::store::merge_stores({tmp / "shard0", tmp / "shard1"}, tmp / "all");
  EXPECT_EQ(r.copied, 1);    // student b1
  EXPECT_EQ(r.replaced, 1);  // a2 was partial in the destination
  EXPECT_EQ(r.present, 2);   // a1, from both shards
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_NE(r.skipped[0].find("gt-00000000000000b2: model/w.bin is 10 bytes"), std::string::npos) << r.skipped[0];
  EXPECT_EQ(r.configs, 2);
  EXPECT_EQ(w2s::read_file(dest.path("gt-00000000000000a1") / "metrics.json"), "d1");  // never overwritten
  EXPECT_EQ(w2s::read_file(dest.path("gt-00000000000000a2") / "metrics.json"), "a2");
  EXPECT_EQ(dest.problem("student-00000000000000b1", true), "");
  EXPECT_FALSE(fs::exists(dest.path("gt-00000000000000b2")));
  EXPECT_EQ(w2s::read_file(tmp / "all" / "sweep.toml"), "seeds = [0]\n");
  EXPECT_TRUE(fs::exists(tmp / "all" / "sweeps" / "abc.toml"));
  for (const auto& e : fs::directory_iterator(tmp / "all"))
    EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u) << "left behind: " << e.path();
  // Merging again changes nothing.
  const auto again = w2s::store::merge_stores({tmp / "shard0", tmp / "shard1"}, tmp / "all");
  EXPECT_EQ(again.copied + again.replaced + again.configs, 0);
  EXPECT_EQ(again.present, 4);
  EXPECT_THROW(w2s::store::merge_stores({tmp / "all"}, tmp / "all"), w2s::Error);
  EXPECT_THROW(w2s::store::merge_stores({tmp / "nowhere"}, tmp / "all"), w2s::Error);
}
