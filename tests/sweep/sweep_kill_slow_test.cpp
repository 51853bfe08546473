// kill -9 during a sweep loses no finished stage and leaves no half artifact: the real `w2s`
// program is started on a tiny family, killed once some stages are done, and rerun; the result
// equals an uninterrupted sweep's.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "test_support.h"
#include "tiny_family.h"
#include "w2s/core/file.h"
#include "w2s/store/run_store.h"
#include "w2s/sweep/sweep.h"

extern char** environ;
namespace fs = std::filesystem;
using namespace w2s;

namespace {
int complete_artifacts(const fs::path& dir) {
  int n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::directory_iterator(dir)) n += fs::exists(e.path() / "meta.json");
  return n;
}
}  // namespace

TEST(SweepKill, KillNineLosesNothingAndLeavesNoHalfArtifact) {
  const fs::path exe = fs::path(W2S_BINARY_DIR) / "w2s";
  ASSERT_TRUE(fs::exists(exe)) << exe << " not built";
  test::TempDir tmp;
  const auto family = test::make_tiny_family(tmp / "models", {8, 16, 32});
  const auto task = test::make_toy_task(tmp / "toy.jsonl", 300);
  auto toml = [&](const fs::path& runs) {
    std::string models;
    for (const auto& m : family) models += (models.empty() ? "\"" : ", \"") + m.string() + "\"";
    return fmt::format(R"(runs_dir = "{}"
tasks = ["{}"]
models = [{}]
seeds = [0, 1]
losses = ["xent", "logconf"]
[data]
n_train1 = 80
n_train2 = 80
n_test = 60
[finetune]
lr = 1e-2
epochs = 6
batch_size = 16
)",
                       runs.string(), task, models);
  };
  write_file_atomic(tmp / "killed.toml", toml(tmp / "killed"));
  write_file_atomic(tmp / "whole.toml", toml(tmp / "whole"));

  // Start the sweep, kill -9 it once 3 stages are finished (mid-way through the next one).
  std::vector<std::string> args = {exe.string(), "--threads", "1", "sweep", (tmp / "killed.toml").string(), "--quiet"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (complete_artifacts(tmp / "killed") < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep finished before it could be killed; make it longer";
  const int finished = complete_artifacts(tmp / "killed");
  EXPECT_GE(finished, 3);
  EXPECT_LT(finished, 18);
  // No half artifact: every folder is either complete or a temporary one (features/ is the probe
  // cache, sweeps/ the folder's config history, .locks/ the stages' lock files).
  for (const auto& e : fs::directory_iterator(tmp / "killed")) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name.rfind(".tmp-", 0) != 0 && name != "features" && name != "sweeps" && name != ".locks") {
      EXPECT_TRUE(fs::exists(e.path() / "meta.json")) << name;
    }
  }

  // Rerun: finished stages are reused, the rest is built, the temporary folder is cleaned up.
  sweep::SweepOptions killed, whole;
  config::apply(killed, sweep::SweepOptions::schema(), config::parse_toml_file((tmp / "killed.toml").string()),
                "killed");
  config::apply(whole, sweep::SweepOptions::schema(), config::parse_toml_file((tmp / "whole.toml").string()), "whole");
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  const auto a = sweep::run_sweep(killed, run);
  const auto b = sweep::run_sweep(whole, run);
  for (const auto& e : fs::directory_iterator(tmp / "killed"))
    EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u) << "left: " << e.path();
  ASSERT_EQ(a.stages.size(), 18u);
  ASSERT_EQ(b.stages.size(), 18u);
  for (size_t i = 0; i < a.stages.size(); ++i) {
    EXPECT_EQ(a.stages[i].key, b.stages[i].key);
    EXPECT_EQ(a.stages[i].test_accuracy, b.stages[i].test_accuracy) << a.stages[i].key;
  }
}
