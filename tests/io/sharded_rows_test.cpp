// ShardedRows: rows survive a killed run (a torn last line is cut), a rerun skips what is done,
// merge sorts by item and removes the shards, and a second writer or other settings are refused.
#include "w2s/io/sharded_rows.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"
#include "w2s/core/file.h"

namespace w2s::io {
namespace {

using test::error_of;
namespace fs = std::filesystem;

TEST(ShardedRows, ResumesAfterATornLineAndMergesInItemOrder) {
  test::TempDir dir;
  const auto out = dir / "rows.jsonl";
  {
    ShardedRows rows(out, 2);
    EXPECT_TRUE(rows.done().empty());
    rows.append(1, {{"item", 3}, {"v", "c"}});
    rows.append(0, {{"item", 0}, {"v", "a"}});
    EXPECT_TRUE(rows.has(3));
    EXPECT_FALSE(rows.has(1));
  }
  // A run killed mid-write leaves half a line behind.
  { std::ofstream(dir / "rows.jsonl.shard-1.jsonl", std::ios::app) << "{\"item\": 1, \"v\": \"b"; }
  {
    ShardedRows rows(out, 3);  // another number of workers reads the same shards
    ASSERT_EQ(rows.done().size(), 2u);
    EXPECT_FALSE(rows.has(1));
    rows.append(2, {{"item", 1}, {"v", "b"}});
    rows.merge();
  }
  EXPECT_EQ(read_file(out), "{\"item\":0,\"v\":\"a\"}\n{\"item\":1,\"v\":\"b\"}\n{\"item\":3,\"v\":\"c\"}\n");
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".shard-"), std::string::npos) << e.path();
  // A rerun after the merge reads the finished file.
  ShardedRows again(out, 1);
  EXPECT_EQ(again.done().size(), 3u);
}

TEST(ShardedRows, ASecondWriterAndBadRowsAreRefused) {
  test::TempDir dir;
  const auto out = dir / "rows.jsonl";
  ShardedRows first(out, 1);
  EXPECT_NE(error_of([&] { ShardedRows second(out, 1); }).find("another run is writing it"), std::string::npos);
  EXPECT_NE(error_of([&] { first.append(0, {{"v", 1}}); }).find("integer \"item\""), std::string::npos);

  test::TempDir other;
  { std::ofstream(other / "x.jsonl.shard-0.jsonl") << "{\"item\": 1}\n{\"item\": 1}\n"; }
  EXPECT_NE(
      error_of([&] { ShardedRows rows(other / "x.jsonl", 1); }).find("x.jsonl.shard-0.jsonl:2: item 1 is there twice"),
      std::string::npos);
}

TEST(ShardedRows, ARerunWithOtherSettingsIsRefused) {
  test::TempDir dir;
  const auto out = dir / "games.jsonl";
  {
    ShardedRows rows(out, 1, {{"seed", 0}, {"nodes", {64, 256}}});
    rows.append(0, {{"item", 0}});
  }
  { ShardedRows same(out, 2, {{"seed", 0}, {"nodes", {64, 256}}}); }
  EXPECT_EQ(error_of([&] {
              ShardedRows other(out, 1, {{"seed", 1}, {"nodes", {64, 256}}, {"extra", true}});
            }),
            out.string() + ": made with other settings (changed: extra, seed; recorded in " + out.string() +
                ".spec.json); use another output, or remove it and its shards");
}

}  // namespace
}  // namespace w2s::io
