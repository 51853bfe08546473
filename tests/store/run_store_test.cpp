// Run store: keys, atomic publication, skip on rerun, no half artifacts after failures or kills.
#include "w2s/store/run_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/io/file_lock.h"

namespace fs = std::filesystem;
using w2s::store::RunStore;

TEST(RunStore, KeyIsStableAndDependsOnSpec) {
  const nlohmann::json a = {{"task", "reviews"}, {"seed", 1}, {"model", {{"name", "xs"}}}};
  const nlohmann::json b = nlohmann::json::parse(R"({"seed": 1, "model": {"name": "xs"}, "task": "reviews"})");
  EXPECT_EQ(w2s::store::spec_key("gt", a), w2s::store::spec_key("gt", b));  // key order does not matter
  EXPECT_NE(w2s::store::spec_key("gt", a), w2s::store::spec_key("student", a));
  auto c = a;
  c["seed"] = 2;
  EXPECT_NE(w2s::store::spec_key("gt", a), w2s::store::spec_key("gt", c));
  EXPECT_EQ(w2s::store::spec_key("gt", a).size(), 3u + 16u);
}

TEST(RunStore, ProducesOnceAndSkipsOnRerun) {
  w2s::test::TempDir tmp;
  RunStore store(tmp.path());
  int calls = 0;
  auto build = [&](const fs::path& dir) {
    ++calls;
    w2s::write_file_atomic(dir / "metrics.json", R"({"x": 1})");
    return nlohmann::json{{"kind", "gt"}};
  };
  EXPECT_FALSE(store.has("gt-1"));
  EXPECT_TRUE(store.produce("gt-1", {{"a", 1}}, build));
  EXPECT_TRUE(store.has("gt-1"));
  EXPECT_FALSE(store.produce("gt-1", {{"a", 1}}, build));
  EXPECT_EQ(calls, 1);
  const auto meta = store.meta("gt-1");
  EXPECT_EQ(meta["kind"], "gt");
  EXPECT_EQ(meta["spec"]["a"], 1);
  EXPECT_TRUE(meta.contains("commit"));
  EXPECT_GT(meta["peak_rss_mb"].get<double>(), 0.0);
  EXPECT_EQ(store.keys(), std::vector<std::string>{"gt-1"});
  RunStore again(tmp.path());  // a new process sees the same artifact
  EXPECT_TRUE(again.has("gt-1"));
}

TEST(RunStore, FailedBuildLeavesNothing) {
  w2s::test::TempDir tmp;
  RunStore store(tmp.path());
  EXPECT_THROW(store.produce("gt-2", {},
                             [](const fs::path& dir) -> nlohmann::json {
                               w2s::write_file_atomic(dir / "half.json", "{");
                               w2s::fail("disk full");
                             }),
               w2s::Error);
  EXPECT_FALSE(store.has("gt-2"));
  EXPECT_FALSE(fs::exists(tmp / "gt-2"));
  int n = 0;
  for (const auto& e : fs::directory_iterator(tmp.path())) n += e.path().filename() != ".locks";  // lock files stay
  EXPECT_EQ(n, 0) << "temporary folder left behind";
}

TEST(RunStore, TempFoldersNobodyHoldsAreRemovedAndIncompleteFoldersIgnored) {
  w2s::test::TempDir tmp;
  // A temp folder of a build that stopped (its stage lock is free), one of a build in progress
  // (its lock held, here by this process, as by another on a shared filesystem), and one in the
  // naming of w2s 0.1 (.tmp-<key>.<pid>.<n>), stopped too.
  fs::create_directories(tmp / ".tmp-gt-9.Ab12Cd");
  fs::create_directories(tmp / ".tmp-gt-8.Xy34Zw");
  fs::create_directories(tmp / ".tmp-gt-6.4194303.0");
  fs::create_directories(tmp / "gt-7");  // a folder without meta.json: not an artifact
  w2s::io::FileLock building(tmp / ".locks" / "gt-8.lock");
  ASSERT_TRUE(building.try_lock());
  RunStore store(tmp.path());
  EXPECT_FALSE(fs::exists(tmp / ".tmp-gt-9.Ab12Cd"));
  EXPECT_FALSE(fs::exists(tmp / ".tmp-gt-6.4194303.0"));
  EXPECT_TRUE(fs::exists(tmp / ".tmp-gt-8.Xy34Zw"));
  building.unlock();
  RunStore again(tmp.path());
  EXPECT_FALSE(fs::exists(tmp / ".tmp-gt-8.Xy34Zw"));
  EXPECT_FALSE(store.has("gt-7"));
  EXPECT_TRUE(store.keys().empty());
  // Producing over the incomplete folder replaces it.
  EXPECT_TRUE(store.produce("gt-7", {}, [](const fs::path&) { return nlohmann::json{}; }));
  EXPECT_TRUE(store.has("gt-7"));
  // Temp folders are unique and get the usual permissions (mkdtemp alone gives 0700).
  const auto t1 = store.make_temp("gt-5"), t2 = store.make_temp("gt-5");
  EXPECT_NE(t1, t2);
  EXPECT_NE(fs::status(t1).permissions() & fs::perms::owner_write, fs::perms::none);
}

TEST(RunStore, TwoProcessesBuildASharedStageOnce) {
  // Two shards asking for one stage at once: one builds it, the other waits and reuses it.
  w2s::test::TempDir tmp;
  const fs::path log = tmp / "builds.log";
  const std::string key = "gt-00000000000000aa";
  auto build = [&](const fs::path& dir) {
    {
      std::ofstream out(log, std::ios::app);
      out << getpid() << "\n";
    }
    usleep(300 * 1000);  // long enough for the other process to arrive while this one builds
    w2s::write_file_atomic(dir / "metrics.json", R"({"acc": 0.5})");
    return nlohmann::json{{"kind", "gt"}};
  };
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int rc = 3;
    try {
      RunStore s(tmp / "runs");
      s.produce(key, {}, build);
      rc = s.has(key) ? 0 : 2;
    } catch (...) {
    }
    _exit(rc);
  }
  RunStore s(tmp / "runs");
  s.produce(key, {}, build);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(s.has(key));
  std::ifstream in(log);
  int builds = 0;
  for (std::string line; std::getline(in, line);) ++builds;
  EXPECT_EQ(builds, 1);
  int temps = 0;
  for (const auto& e : fs::directory_iterator(tmp / "runs"))
    temps += e.path().filename().string().rfind(".tmp-", 0) == 0;
  EXPECT_EQ(temps, 0);
}

TEST(RunStore, StagesRecordTheirFilesAndAPartialCopyIsNotFinished) {
  w2s::test::TempDir tmp;
  RunStore store(tmp / "a");
  int calls = 0;
  auto build = [&](const fs::path& dir) {
    ++calls;
    fs::create_directories(dir / "model");
    w2s::write_file_atomic(dir / "model" / "weights.bin", std::string(5000, 'w'));
    w2s::write_file_atomic(dir / "metrics.json", R"({"acc": 0.9})");
    return nlohmann::json{{"kind", "gt"}};
  };
  ASSERT_TRUE(store.produce("gt-1", {}, build));
  const auto files = store.meta("gt-1").at("files");
  EXPECT_EQ(files.size(), 2u);  // meta.json does not record itself
  EXPECT_EQ(files.at("model/weights.bin").at("size"), 5000);
  EXPECT_EQ(files.at("metrics.json").at("sha256").get<std::string>().size(), 64u);
  EXPECT_EQ(store.problem("gt-1", true), "");
  // A copy cut short after meta.json (cp copies in directory order): not finished, and the
  // message names the file.
  fs::resize_file(store.path("gt-1") / "model" / "weights.bin", 1000);
  EXPECT_FALSE(store.has("gt-1"));
  EXPECT_NE(store.problem("gt-1").find("model/weights.bin is 1000 bytes, meta.json records 5000"), std::string::npos)
      << store.problem("gt-1");
  EXPECT_TRUE(store.keys().empty());
  // A rerun rebuilds it.
  EXPECT_TRUE(store.produce("gt-1", {}, build));
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(store.has("gt-1"));
  // Same size, other content: sizes pass (the cheap check on every reuse), digests do not.
  fs::remove(store.path("gt-1") / "metrics.json");
  w2s::write_file_atomic(store.path("gt-1") / "metrics.json", R"({"acc": 0.1})");
  EXPECT_TRUE(store.has("gt-1"));
  EXPECT_NE(store.problem("gt-1", true).find("metrics.json differs"), std::string::npos);
  fs::remove(store.path("gt-1") / "metrics.json");
  EXPECT_NE(store.problem("gt-1").find("metrics.json is missing"), std::string::npos);
}
