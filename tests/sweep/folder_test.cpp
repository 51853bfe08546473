// A sweep folder's history (src/w2s/sweep/folder.h): follow-up sweeps that add a loss, seeds or
// bootstrapping widen the folder's tables; a sweep of another experiment in the same folder does
// not mix into them; a sweep.toml from before the history is kept.
#include "w2s/sweep/folder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "tiny_family.h"
#include "tiny_sweep.h"
#include "w2s/config/schema.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/store/run_store.h"

namespace fs = std::filesystem;
using namespace w2s;

namespace {

size_t history_size(const fs::path& runs) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(runs / "sweeps"), fs::directory_iterator{}));
}

const report::PgrRow* row(const report::Results& r, const std::string& weak, const std::string& strong,
                          const std::string& loss, const std::string& method) {
  for (const auto& p : r.pgr)
    if (p.weak == weak && p.strong == strong && p.loss == loss && p.method == method) return &p;
  return nullptr;
}

}  // namespace

TEST(SweepFolder, SameExperimentIgnoresThePlansExtentOnly) {
  sweep::SweepOptions a;
  a.models = {"m/a", "m/b"};
  a.seeds = {0};
  a.losses = {"xent"};
  auto b = a;
  b.models = {"m/a", "m/b", "m/c"};
  b.seeds = {1, 2};
  b.losses = {"logconf"};
  b.tasks = {"spam"};
  b.bootstrap = true;
  b.runs_dir = "elsewhere";
  EXPECT_TRUE(sweep::same_experiment(a, b));
  auto c = a;
  c.data.split.n_train1 = a.data.split.n_train1 + 1;
  EXPECT_FALSE(sweep::same_experiment(a, c));
  auto d = a;
  d.finetune.epochs = a.finetune.epochs + 1;
  EXPECT_FALSE(sweep::same_experiment(a, d));
  auto e = a;  // the same model finetuned at another learning rate
  e.model_lrs = {a.finetune.lr, a.finetune.lr * 2};
  EXPECT_FALSE(sweep::same_experiment(a, e));
  e.model_lrs = {a.finetune.lr, a.finetune.lr};  // spelled out, but the same rates
  EXPECT_TRUE(sweep::same_experiment(a, e));
  auto f = a;
  f.model_names = {"small", "large"};
  EXPECT_FALSE(sweep::same_experiment(a, f));
  auto g = a;
  g.generative_finetune = true;
  EXPECT_FALSE(sweep::same_experiment(a, g));
}

TEST(SweepFolder, ASweepTomlFromBeforeTheHistoryIsKept) {
  test::TempDir tmp;
  sweep::SweepOptions old;
  old.runs_dir = (tmp / "runs").string();
  old.models = {"m/a", "m/b"};
  old.losses = {"xent"};
  fs::create_directories(old.runs_dir);
  write_file_atomic(fs::path(old.runs_dir) / "sweep.toml", config::dump_toml(old, sweep::SweepOptions::schema()));
  auto next = old;
  next.losses = {"logconf"};
  sweep::record_sweep_config(next);
  EXPECT_EQ(history_size(tmp / "runs"), 2u);
  const auto configs = sweep::folder_configs(tmp / "runs");
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(configs[0].losses, std::vector<std::string>{"logconf"});  // the latest first
  EXPECT_EQ(configs[1].losses, std::vector<std::string>{"xent"});
  EXPECT_EQ(configs[1].runs_dir, old.runs_dir);
  // Recording the same config again adds nothing; a folder without sweep.toml is a clear error.
  sweep::record_sweep_config(next);
  EXPECT_EQ(history_size(tmp / "runs"), 2u);
  EXPECT_THROW(
      {
        try {
          sweep::folder_configs(tmp / "nothing");
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("sweep.toml"), std::string::npos) << e.what();
          throw;
        }
      },
      Error);
}

namespace {
/// One seed, xent only: the first sweep of the folder the follow-ups add to.
sweep::SweepOptions first_sweep(sweep::SweepOptions o) {
  o.seeds = {0};
  o.losses = {"xent"};
  return o;
}
}  // namespace

TEST_F(TinySweep, FollowUpSweepsWidenTheTablesAndAnotherExperimentStaysApart) {
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  const auto runs = tmp_ / "runs";
  const auto first = sweep::run_sweep(first_sweep(options(runs)), run);
  ASSERT_EQ(first.pgr.size(), 3u);  // xent over the 3 pairs

  // A follow-up adds a loss with bootstrapping: the folder's tables keep the xent rows and gain
  // logconf's, direct and bootstrapped; xent was never bootstrapped, so it gets no such row.
  auto follow = first_sweep(options(runs));
  follow.losses = {"logconf"};
  follow.bootstrap = true;
  const auto second = sweep::run_sweep(follow, run);
  EXPECT_EQ(second.pgr.size(), 3u + 3u + 1u);
  for (const auto* loss : {"xent", "logconf"})
    EXPECT_NE(row(second, "tiny-d8", "tiny-d32", loss, "finetune"), nullptr) << loss;
  EXPECT_NE(row(second, "tiny-d8", "tiny-d32", "logconf", "bootstrap"), nullptr);
  EXPECT_EQ(row(second, "tiny-d8", "tiny-d32", "xent", "bootstrap"), nullptr);
  const auto* x1 = row(first, "tiny-d8", "tiny-d32", "xent", "finetune");
  const auto* x2 = row(second, "tiny-d8", "tiny-d32", "xent", "finetune");
  ASSERT_TRUE(x1 && x2);
  EXPECT_EQ(x1->student_acc, x2->student_acc);  // the first sweep's row, unchanged
  // `w2s results` sees the same: the folder's configs, collected together.
  const auto folder = sweep::collect_results(sweep::folder_configs(runs));
  EXPECT_EQ(folder.pgr.size(), second.pgr.size());
  EXPECT_EQ(folder.stages.size(), second.stages.size());

  // Another seed of xent: the xent rows now average both seeds' students.
  auto seed1 = first_sweep(options(runs));
  seed1.seeds = {1};
  const auto third = sweep::run_sweep(seed1, run);
  std::map<int64_t, double> student;
  for (const auto& s : third.stages)
    if (s.kind == methods::StageKind::student && s.loss == "xent" && s.supervisor == "tiny-d8" && s.model == "tiny-d32")
      student[s.seed] = s.test_accuracy;
  ASSERT_EQ(student.size(), 2u);
  const auto* x3 = row(third, "tiny-d8", "tiny-d32", "xent", "finetune");
  ASSERT_TRUE(x3);
  EXPECT_DOUBLE_EQ(x3->student_acc, (student[0] + student[1]) / 2);
  const auto* l3 = row(third, "tiny-d8", "tiny-d32", "logconf", "finetune");
  ASSERT_TRUE(l3);
  EXPECT_EQ(l3->student_acc, row(second, "tiny-d8", "tiny-d32", "logconf", "finetune")->student_acc);

  // Another experiment (another learning rate) in the same folder: its tables are its own, and the
  // first experiment's stages stay in the store.
  const size_t stored = store::RunStore(runs.string()).keys().size();
  auto other = first_sweep(options(runs));
  other.finetune.lr = 3e-3;
  const auto fourth = sweep::run_sweep(other, run);
  EXPECT_EQ(fourth.pgr.size(), 3u);
  EXPECT_EQ(fourth.stages.size(), 3u + 3u);
  EXPECT_EQ(store::RunStore(runs.string()).keys().size(), stored + 6);
  EXPECT_EQ(sweep::folder_configs(runs).size(), 1u);
}
